"""Factor maps of a PCA: the correlation circle (variables) and the map of individuals."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from numeduc.formatting import fr_number

from . import _axes as a
from . import _labels as lab
from . import _svg as s
from .model import Chart, DataTable, Point

LABEL_SIZE = 11.5
RING_GAP = 16.0  # between the unit circle and its labels


def _arrow_marker(mid: str, color: str) -> str:
    return (
        f'<marker id="{mid}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'markerUnits="userSpaceOnUse" orient="auto"><path d="M0 0L10 5L0 10z" fill="{color}"/></marker>'
    )


def correlation_circle(
    coords: Mapping[str, tuple[float, float]],
    *,
    supplementary: Mapping[str, tuple[float, float]] | None = None,
    dim_labels: tuple[str, str] = ("Dim.1", "Dim.2"),
    title: str = "Cercle des corrélations",
    description: str | None = None,
    id_prefix: str | None = None,
    demo: bool = False,
    source: str | None = None,
    decimals: int = 3,
    show_title: bool = True,
) -> Chart:
    """Unit circle with one arrow per variable (active: solid blue; supplementary: dashed
    vermillion); the labels stand outside the circle, level with their arrow's direction and
    nudged apart so that none overlaps another, each joined to its arrow tip by a thin line."""
    supplementary = dict(supplementary or {})
    variables = [(str(k), float(v[0]), float(v[1]), False) for k, v in coords.items()]
    variables += [(str(k), float(v[0]), float(v[1]), True) for k, v in supplementary.items()]
    if not variables:
        raise ValueError("Aucune variable à représenter.")
    d1, d2 = (str(d) for d in dim_labels)
    if description is None or not s.one_line(description):
        extra = (
            f" et {len(supplementary)} supplémentaire{'s' if len(supplementary) > 1 else ''} (en tirets)"
            if supplementary
            else ""
        )
        description = (
            f"Cercle des corrélations de {len(coords)} variable{'s' if len(coords) > 1 else ''} "
            f"active{'s' if len(coords) > 1 else ''}{extra} sur le plan {d1} et {d2}."
        )
    title, description = s.chart_title(title), s.sentence(description)
    prefix = s.make_prefix(id_prefix, "corcircle", title, variables, dim_labels)
    active, supp = s.STYLES["primary"], s.STYLES["secondary"]

    radius = 230.0
    # Labels stand outside the circle on a ring (``_labels.around_circle``): room for the widest
    # one on each side.
    label_w = max(s.text_width(v[0], LABEL_SIZE) + 4 for v in variables)
    width = max(700.0, 2 * (radius + RING_GAP + label_w + 12))
    defs = (
        f"<defs>{_arrow_marker(f'{prefix}-arrow', active.color)}"
        f"{_arrow_marker(f'{prefix}-arrow-supp', supp.color)}</defs>"
    )
    body, y = s.title_block(width, title, show_title=show_title, demo=demo, defs=defs)
    y += 8
    if supplementary:
        entries = [
            (f'<line x1="-14" y1="0" x2="14" y2="0" {s.stroke_attrs(active)}/>', "Variable active"),
            (
                f'<line x1="-14" y1="0" x2="14" y2="0" {s.stroke_attrs(supp, dash="6 4")}/>',
                "Variable supplémentaire",
            ),
        ]
        legend_markup, legend_h = s.legend(entries, x=16, y=y, max_width=width - 32)
        body.append(legend_markup)
        y += legend_h
    cx, cy = width / 2, y + 40 + radius

    def px(x: float, yv: float) -> tuple[float, float]:
        return cx + x * radius, cy - yv * radius

    grid = [
        '<g class="nc-grid" fill="none">',
        f'<circle class="nc-unit-circle" cx="{s.num(cx)}" cy="{s.num(cy)}" r="{s.num(radius)}" '
        f'stroke="{s.AXIS_COLOR}" stroke-width="1.2"/>',
        f'<circle cx="{s.num(cx)}" cy="{s.num(cy)}" r="{s.num(radius / 2)}" '
        f'stroke="{s.GRID_COLOR}" stroke-dasharray="2 3"/>',
        f'<line x1="{s.num(cx - radius - 10)}" y1="{s.num(cy)}" x2="{s.num(cx + radius + 10)}" y2="{s.num(cy)}" '
        'stroke="#888" stroke-dasharray="4 3"/>',
        f'<line x1="{s.num(cx)}" y1="{s.num(cy - radius - 10)}" x2="{s.num(cx)}" y2="{s.num(cy + radius + 10)}" '
        'stroke="#888" stroke-dasharray="4 3"/>',
        "</g>",
    ]
    body.extend(grid)
    # Tick labels and axis titles inside the circle: the ring outside is the labels'.
    for t in (-1.0, -0.5, 0.5, 1.0):
        tx, _ = px(t, 0)
        body.append(
            s.text(
                tx + (-3 if abs(t) == 1 else 3) * (1 if t > 0 else -1),
                cy + 13,
                fr_number(t, 1),
                size=10,
                fill=s.MUTED_COLOR,
                anchor=("end" if t > 0 else "start") if abs(t) == 1 else ("start" if t > 0 else "end"),
            )
        )
        _, ty = px(0, t)
        body.append(
            s.text(
                cx - 4, ty + (11 if t > 0 else -4), fr_number(t, 1), size=10, fill=s.MUTED_COLOR, anchor="end"
            )
        )
    # axis titles: horizontal at the right end below the axis, vertical at the top left of it
    body.append(s.text(cx + radius - 8, cy + 30, d1, size=12, anchor="end", weight="bold", extra=a.halo()))
    body.append(s.text(cx - 8, cy - radius + 30, d2, size=12, anchor="end", weight="bold", extra=a.halo()))

    arrows, items = [], []
    order = sorted(range(len(variables)), key=lambda i: -math.hypot(variables[i][1], variables[i][2]))
    for i in order:
        name, x, yv, is_supp = variables[i]
        style = supp if is_supp else active
        tx, ty = px(x, yv)
        dash = ' stroke-dasharray="6 4"' if is_supp else ""
        mid = f"{prefix}-arrow-supp" if is_supp else f"{prefix}-arrow"
        tip = f"{name} : {d1} {fr_number(x, decimals)}, {d2} {fr_number(yv, decimals)}"
        arrows.append(
            f'<g class="nc-arrow{" nc-supplementary" if is_supp else ""}"><title>{s.esc(tip)}</title>'
            f'<line x1="{s.num(cx)}" y1="{s.num(cy)}" x2="{s.num(tx)}" y2="{s.num(ty)}" stroke="{style.color}" '
            f'stroke-width="1.8"{dash} marker-end="url(#{mid})"/></g>'
        )
        items.append((tx, ty, name, LABEL_SIZE))
    placed = lab.around_circle(items, cx=cx, cy=cy, radius=radius + RING_GAP, top=y + LABEL_SIZE)
    texts, leaders = [], []
    for k, ((tx, ty, name, size), where) in enumerate(zip(items, placed)):
        is_supp = variables[order[k]][3]
        # leader line from the arrow tip to the label's near end
        leaders.append(
            f'<line x1="{s.num(tx)}" y1="{s.num(ty)}" x2="{s.num(where.x + (-2 if where.anchor == "start" else 2))}" '
            f'y2="{s.num(where.y)}" stroke="#8a8a8a" stroke-width="0.8"/>'
        )
        texts.append(
            s.text(
                where.x,
                where.y,
                name,
                size=size,
                anchor=where.anchor,
                baseline="middle",
                fill="#8a3a00" if is_supp else s.TEXT_COLOR,
                extra=a.halo() + (' font-style="italic"' if is_supp else ""),
            )
        )
    body.append(f'<g class="nc-leaders">{"".join(leaders)}</g>')
    body.append(f'<g class="nc-arrows">{"".join(arrows)}</g>')
    body.append(f'<g class="nc-labels">{"".join(texts)}</g>')
    height = max(cy + radius + 48, max(p.box[3] for p in placed) + 8)
    svg = s.svg_root(
        width=width,
        height=height,
        prefix=prefix,
        title=title,
        description=description,
        body=body,
        kind="corcircle",
        demo=demo,
        source=source,
    )
    rows = [
        [
            name,
            fr_number(x, decimals),
            fr_number(yv, decimals),
            fr_number(x * x + yv * yv, decimals),
            "supplémentaire" if is_supp else "active",
        ]
        for name, x, yv, is_supp in variables
    ]
    caption = s.caption(title, demo, source)
    table = DataTable(
        caption=caption, headers=["Variable", d1, d2, "Qualité sur le plan (cos²)", "Statut"], rows=rows
    )
    return Chart(svg=svg, title=title, description=description, table=table, demo=demo, kind="corcircle")


def scatter(
    points: Sequence[Point],
    *,
    x_label: str = "Dim.1",
    y_label: str = "Dim.2",
    title: str = "Carte des individus",
    description: str | None = None,
    id_prefix: str | None = None,
    demo: bool = False,
    source: str | None = None,
    labels: bool = True,
    decimals: int = 3,
    label_header: str = "Individu",
    group_header: str = "Groupe",
    colours: Mapping[str, str] | None = None,
    equal_scale: bool = True,
    show_title: bool = True,
) -> Chart:
    """Individuals on a factor plane, coloured and shaped by group, axes through 0, labels
    placed without overlap (those that cannot fit are left to the hover title and table).
    ``colours`` (group -> colour, from ``_svg.category_colours``) gives each group the colour
    and marker other charts give it."""
    pts = [
        Point(str(p.label), float(p.x), float(p.y), None if p.group is None else str(p.group))
        for p in points
        if not (s.is_missing(p.x) or s.is_missing(p.y))
    ]
    if not pts:
        raise ValueError("Aucun point à représenter.")
    present = {p.group for p in pts}
    groups: list[str] = [g for g in (colours or {}) if g in present]
    for p in pts:
        if p.group is not None and p.group not in groups:
            groups.append(p.group)
    has_groups = bool(groups)
    if any(p.group is None for p in pts) and has_groups:
        groups.append("Sans groupe")
    group_style = {g: s.group_style(g, i, colours) for i, g in enumerate(groups)}
    if description is None or not s.one_line(description):
        by = f", par {group_header.lower()} ({len(groups)})" if has_groups else ""
        description = (
            f"Nuage de {len(pts)} point{'s' if len(pts) > 1 else ''} sur le plan {x_label} et {y_label}{by}."
        )
    title, description = s.chart_title(title), s.sentence(description)
    prefix = s.make_prefix(id_prefix, "scatter", title, [(p.label, p.x, p.y, p.group) for p in pts])

    width = 760.0
    body, y = s.title_block(width, title, show_title=show_title, demo=demo)
    y += 8
    if has_groups:
        entries = [(s.marker(m, 0, 0, c, 5), g) for g, (c, m) in group_style.items()]
        legend_markup, legend_h = s.legend(entries, x=16, y=y, max_width=width - 32)
        body.append(legend_markup)
        y += legend_h
    xs, ys = [p.x for p in pts], [p.y for p in pts]
    # a little room around the cloud so that no point sits on the frame with no room for
    # its label
    x_pad = 0.06 * ((max(xs) - min(xs)) or 1.0)
    y_pad = 0.06 * ((max(ys) - min(ys)) or 1.0)
    x_ticks = a.domain(xs, include_zero=True, count=6)
    y_ticks = a.domain(ys, include_zero=True, count=6)
    x_fmt, y_fmt = a.tick_formatter(x_ticks), a.tick_formatter(y_ticks)
    left_margin = 16 + 18 + max(s.text_width(y_fmt(t), 11) for t in y_ticks) + 8
    plot_w = width - left_margin - 16
    max_h = 470.0
    x_lo, x_hi = min(x_ticks[0], min(xs) - x_pad), max(x_ticks[-1], max(xs) + x_pad)
    y_lo, y_hi = min(y_ticks[0], min(ys) - y_pad), max(y_ticks[-1], max(ys) + y_pad)
    if equal_scale:
        unit = min(plot_w / (x_hi - x_lo), max_h / (y_hi - y_lo))
        # a very flat or very narrow cloud would give a sliver of a plot: widen the short
        # side's range (same scale on both axes still) to a sensible minimum size
        min_w, min_h = plot_w * 0.6, 300.0
        if (x_hi - x_lo) * unit < min_w:
            extra = (min_w / unit - (x_hi - x_lo)) / 2
            x_lo, x_hi = x_lo - extra, x_hi + extra
        if (y_hi - y_lo) * unit < min_h:
            extra = (min_h / unit - (y_hi - y_lo)) / 2
            y_lo, y_hi = y_lo - extra, y_hi + extra
        x_ticks = [v for v in s.nice_ticks(x_lo, x_hi, 6) if x_lo - 1e-9 <= v <= x_hi + 1e-9]
        y_ticks = [v for v in s.nice_ticks(y_lo, y_hi, 6) if y_lo - 1e-9 <= v <= y_hi + 1e-9]
        x_fmt, y_fmt = a.tick_formatter(x_ticks), a.tick_formatter(y_ticks)
        plot_w_used, plot_h = (x_hi - x_lo) * unit, (y_hi - y_lo) * unit
    else:
        plot_w_used, plot_h = plot_w, min(max_h, plot_w * 0.7)
    left = left_margin + (plot_w - plot_w_used) / 2
    right = left + plot_w_used
    top = y + 14
    bottom = top + plot_h
    xs_scale = a.Scale(x_lo, x_hi, left, right)
    ys_scale = a.Scale(y_lo, y_hi, bottom, top)
    grid = [
        '<g class="nc-grid">',
        f'<rect x="{s.num(left)}" y="{s.num(top)}" width="{s.num(right - left)}" height="{s.num(bottom - top)}" '
        f'fill="none" stroke="{s.GRID_COLOR}"/>',
    ]
    for t in x_ticks:
        p = xs_scale(t)
        if abs(t) > 1e-12:
            grid.append(
                f'<line x1="{s.num(p)}" y1="{s.num(top)}" x2="{s.num(p)}" y2="{s.num(bottom)}" stroke="#eeeeee"/>'
            )
        grid.append(s.text(p, bottom + 15, x_fmt(t), size=11, anchor="middle", fill=s.MUTED_COLOR))
    for t in y_ticks:
        p = ys_scale(t)
        if abs(t) > 1e-12:
            grid.append(
                f'<line x1="{s.num(left)}" y1="{s.num(p)}" x2="{s.num(right)}" y2="{s.num(p)}" stroke="#eeeeee"/>'
            )
        grid.append(
            s.text(left - 6, p, y_fmt(t), size=11, anchor="end", baseline="middle", fill=s.MUTED_COLOR)
        )
    zx, zy = xs_scale(0), ys_scale(0)
    grid.append(
        f'<line class="nc-zero" x1="{s.num(left)}" y1="{s.num(zy)}" x2="{s.num(right)}" y2="{s.num(zy)}" '
        'stroke="#777" stroke-dasharray="4 3"/>'
    )
    grid.append(
        f'<line class="nc-zero" x1="{s.num(zx)}" y1="{s.num(top)}" x2="{s.num(zx)}" y2="{s.num(bottom)}" '
        'stroke="#777" stroke-dasharray="4 3"/>'
    )
    grid.append("</g>")
    body.extend(grid)
    body.append(s.text((left + right) / 2, bottom + 34, x_label, size=12, anchor="middle", weight="bold"))
    ly = (top + bottom) / 2
    body.append(
        s.text(
            20,
            ly,
            y_label,
            size=12,
            anchor="middle",
            weight="bold",
            extra=f' transform="rotate(-90 20 {s.num(ly)})"',
        )
    )

    marks, items, boxes = [], [], []
    for p in pts:
        group = p.group if p.group is not None else ("Sans groupe" if has_groups else None)
        color, shape = group_style.get(group, (s.PALETTE[0], "circle"))
        qx, qy = xs_scale(p.x), ys_scale(p.y)
        tip = f"{p.label} : {x_label} {fr_number(p.x, decimals)}, {y_label} {fr_number(p.y, decimals)}"
        if group is not None:
            tip += f" ({group})"
        marks.append(
            f'<g class="nc-point"><title>{s.esc(tip)}</title>{s.marker(shape, qx, qy, color, 4.5)}</g>'
        )
        boxes.append(lab.point_box(qx, qy))
    dropped = 0
    if labels:
        order = sorted(range(len(pts)), key=lambda i: -math.hypot(pts[i].x, pts[i].y))
        items = [(xs_scale(pts[i].x), ys_scale(pts[i].y), pts[i].label, 10.5, None) for i in order]
        # labels may spill over the frame into the margins, but not onto the tick labels
        tick_boxes = [
            (left - 8 - s.text_width(y_fmt(t), 11), ys_scale(t) - 8, left - 2, ys_scale(t) + 8)
            for t in y_ticks
        ]
        placed = lab.place(
            items, obstacles=boxes + tick_boxes, bounds=(16 + 18, top - 6, width - 6, bottom), gap=6
        )
        texts = []
        for item, where in zip(items, placed):
            if where is None:
                dropped += 1
                continue
            texts.append(
                s.text(
                    where.x,
                    where.y,
                    item[2],
                    size=10.5,
                    anchor=where.anchor,
                    baseline="middle",
                    extra=' class="nc-point-label"',
                )
            )
        body.append(f'<g class="nc-labels">{"".join(texts)}</g>')
    body.append(f'<g class="nc-points">{"".join(marks)}</g>')
    height = bottom + 44
    if dropped:
        body.append(
            s.text(
                16,
                height + 4,
                f"{dropped} étiquette{'s' if dropped > 1 else ''} masquée"
                f"{'s' if dropped > 1 else ''} pour la lisibilité : voir le tableau.",
                size=11,
                fill=s.MUTED_COLOR,
            )
        )
        height += 14
    svg = s.svg_root(
        width=width,
        height=height + 4,
        prefix=prefix,
        title=title,
        description=description,
        body=body,
        kind="scatter",
        demo=demo,
        source=source,
    )
    headers = [label_header, x_label, y_label] + ([group_header] if has_groups else [])
    rows = []
    for p in pts:
        row = [p.label, fr_number(p.x, decimals), fr_number(p.y, decimals)]
        if has_groups:
            row.append(p.group if p.group is not None else "Sans groupe")
        rows.append(row)
    caption = s.caption(title, demo, source)
    return Chart(
        svg=svg,
        title=title,
        description=description,
        table=DataTable(caption=caption, headers=headers, rows=rows),
        demo=demo,
        kind="scatter",
    )
