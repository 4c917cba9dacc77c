"""Radar ("toile d'araignée"): a département's factor levels against reference medians."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from numeduc.formatting import fr_number
from numeduc.text import fr_join

from . import _svg as s
from .model import Chart, DataTable, Series


def _ring_values(min_value: float, max_value: float) -> list[float]:
    span = max_value - min_value
    if span <= 10 and float(min_value).is_integer() and float(max_value).is_integer():
        return [float(v) for v in range(int(min_value) + 1, int(max_value) + 1)]
    ticks = s.nice_ticks(min_value, max_value, 4)
    return [t for t in ticks if min_value < t <= max_value + 1e-9]


def radar(
    axes: Sequence[str],
    series: Sequence[Series],
    *,
    max_value: float = 4,
    min_value: float = 0,
    title: str = "Niveaux par facteur",
    description: str | None = None,
    id_prefix: str | None = None,
    demo: bool = False,
    source: str | None = None,
    short_labels: Sequence[str] | None = None,
    label_lines: int = 3,
    value_format: Callable[[float | None], str] | None = None,
    axis_header: str = "Facteur",
    show_title: bool = True,
) -> Chart:
    """Radar chart with numbered axes (1..n), concentric rings and a legend.

    Axis labels are shortened (leading article dropped, wrapped on ``label_lines`` lines,
    ellipsis if longer) next to the axis number; full labels are in the data table.
    ``None`` values leave a gap in the series outline (never drawn as zero).
    """
    axes = [str(a) for a in axes]
    n = len(axes)
    if n < 3:
        raise ValueError("Un radar demande au moins 3 axes.")
    if max_value <= min_value:
        raise ValueError("max_value doit être supérieur à min_value.")
    for serie in series:
        if len(serie.values) != n:
            raise ValueError(f"La série « {serie.name} » a {len(serie.values)} valeurs pour {n} axes.")
    if short_labels is not None and len(short_labels) != n:
        raise ValueError("short_labels doit avoir autant d'éléments que axes.")
    fmt = value_format or s.default_format(1)
    names = [serie.name for serie in series]
    if description is None or not s.one_line(description):
        description = (
            f"Radar de {n} axes gradués de {fr_number(min_value)} à {fr_number(max_value)} "
            f"comparant {fr_join(names) or 'aucune série'}."
        )
    title, description = s.chart_title(title), s.sentence(description)
    prefix = s.make_prefix(id_prefix, "radar", title, axes, [(x.name, x.values) for x in series])
    styles = s.resolve_styles([serie.style for serie in series])

    width = 760.0
    radius = 190.0
    label_size = 11.5
    line_h = label_size * 1.2
    body: list[str] = []
    top = 12.0
    if show_title:
        markup, top = s.header(width, title, right_margin=200 if demo else 0)
        body.append(markup)
    top += 14 + label_lines * line_h + 16
    cx, cy = width / 2, top + radius

    def point(index: int, value: float) -> tuple[float, float]:
        clamped = min(max(value, min_value), max_value)
        r = radius * (clamped - min_value) / (max_value - min_value)
        theta = 2 * math.pi * index / n
        return cx + r * math.sin(theta), cy - r * math.cos(theta)

    # Grid: rings (polygons) and spokes.
    rings = _ring_values(min_value, max_value)
    grid = [f'<g class="nc-grid" fill="none" stroke="{s.GRID_COLOR}" stroke-width="1">']
    for value in rings:
        pts = " ".join(f"{s.num(x)},{s.num(y)}" for x, y in (point(i, value) for i in range(n)))
        stroke = ' stroke="#9a9a9a"' if value == max_value else ""
        grid.append(f'<polygon class="nc-ring" points="{pts}"{stroke}/>')
    for i in range(n):
        x, y = point(i, max_value)
        grid.append(
            f'<line class="nc-spoke" x1="{s.num(cx)}" y1="{s.num(cy)}" x2="{s.num(x)}" y2="{s.num(y)}"/>'
        )
    grid.append("</g>")
    body.extend(grid)

    # Series: draw the last given first so that the first (the subject) ends on top.
    any_missing = False
    series_markup: list[str] = []
    for index, (serie, style) in enumerate(zip(series, styles)):
        values = [None if s.is_missing(v) else float(v) for v in serie.values]
        any_missing |= any(v is None for v in values)
        pts = {i: point(i, v) for i, v in enumerate(values) if v is not None}
        parts = [f'<g class="nc-series nc-series-{index}" data-name="{s.attr(serie.name)}">']
        if len(pts) == n:
            coords = " ".join(f"{s.num(x)},{s.num(y)}" for x, y in pts.values())
            fill = (
                f'fill="{style.color}" fill-opacity="{style.fill_opacity}"'
                if style.fill_opacity
                else 'fill="none"'
            )
            parts.append(
                f'<polygon class="nc-series-line" points="{coords}" {fill} '
                f'{s.stroke_attrs(style)} stroke-linejoin="round"/>'
            )
        else:
            # Open outline: join neighbours only when both are known (a gap otherwise).
            d = []
            for i in range(n):
                j = (i + 1) % n
                if i in pts and j in pts:
                    (x1, y1), (x2, y2) = pts[i], pts[j]
                    d.append(f"M{s.num(x1)} {s.num(y1)}L{s.num(x2)} {s.num(y2)}")
            parts.append(
                f'<path class="nc-series-line" d="{"".join(d)}" fill="none" '
                f'{s.stroke_attrs(style)} stroke-linecap="round"/>'
            )
        for i, (x, y) in pts.items():
            tip = f"{i + 1}. {axes[i]} — {serie.name} : {fmt(values[i])}"
            parts.append(
                f'<g class="nc-point"><title>{s.esc(tip)}</title>'
                f"{s.marker(style.marker, x, y, style.color, 4.2)}</g>"
            )
        parts.append("</g>")
        series_markup.append("".join(parts))
    body.extend(reversed(series_markup))

    # Ring labels half-way between the first two spokes (where no data point sits), with a
    # white halo to stay legible over lines.
    ring_decimals = s.tick_decimals(rings)
    half = math.pi / n
    for value in rings:
        r = radius * (value - min_value) / (max_value - min_value) * math.cos(half)
        x, y = cx + r * math.sin(half), cy - r * math.cos(half)
        body.append(
            s.text(
                x,
                y,
                fr_number(value, ring_decimals),
                size=10,
                fill=s.MUTED_COLOR,
                anchor="middle",
                baseline="middle",
                extra=' class="nc-ring-label" stroke="#ffffff" stroke-width="3" paint-order="stroke"',
            )
        )

    # Axis numbers and shortened labels.
    labels = list(short_labels) if short_labels is not None else [s.short_label(a) for a in axes]
    badge_r = 9.5
    for i in range(n):
        theta = 2 * math.pi * i / n
        sin, cos = math.sin(theta), math.cos(theta)
        bx = cx + (radius + 16) * sin
        by = cy - (radius + 16) * cos
        group = [f'<g class="nc-axis-label"><title>{s.esc(f"{i + 1}. {axes[i]}")}</title>']
        group.append(
            f'<circle cx="{s.num(bx)}" cy="{s.num(by)}" r="{badge_r}" fill="#ffffff" '
            f'stroke="{s.AXIS_COLOR}" stroke-width="1.2"/>'
        )
        group.append(s.text(bx, by, str(i + 1), size=10.5, anchor="middle", weight="bold", baseline="middle"))
        if abs(sin) < 0.2:
            max_w = 210.0
            lines = s.wrap(labels[i], max_w, label_size, label_lines)
            block_h = line_h * len(lines)
            if cos > 0:  # top: text above the badge
                y_mid = by - badge_r - 4 - block_h / 2
            else:
                y_mid = by + badge_r + 4 + block_h / 2
            group.append(s.text(bx, y_mid, lines, size=label_size, anchor="middle", baseline="middle"))
        else:
            if sin > 0:
                tx = bx + badge_r + 4
                max_w = min(200.0, width - 8 - tx)
                anchor = "start"
            else:
                tx = bx - badge_r - 4
                max_w = min(200.0, tx - 8)
                anchor = "end"
            lines = s.wrap(labels[i], max_w, label_size, label_lines)
            block_h = line_h * len(lines)
            # Near the top or bottom, push the block away from the plot.
            y_mid = by - cos * max(0.0, block_h / 2 - line_h / 2)
            group.append(s.text(tx, y_mid, lines, size=label_size, anchor=anchor, baseline="middle"))
        group.append("</g>")
        body.append("".join(group))

    # Legend below.
    legend_y = cy + radius + 16 + badge_r + 8 + label_lines * line_h + 8
    entries = [(s.line_symbol(style), serie.name) for serie, style in zip(series, styles)]
    legend_markup, legend_h = s.legend(entries, x=24, y=legend_y, max_width=width - 48)
    body.append(legend_markup)
    height = legend_y + legend_h
    if any_missing:
        body.append(
            s.text(
                24,
                height + 8,
                "Point absent sur un axe : valeur non renseignée.",
                size=11,
                fill=s.MUTED_COLOR,
                baseline="middle",
            )
        )
        height += 18
    height += 10

    svg = s.svg_root(
        width=width,
        height=height,
        prefix=prefix,
        title=title,
        description=description,
        body=body,
        kind="radar",
        demo=demo,
        source=source,
    )
    caption = s.caption(title, demo, source)
    rows = [
        [str(i + 1), axes[i], *[fmt(None if s.is_missing(x.values[i]) else x.values[i]) for x in series]]
        for i in range(n)
    ]
    table = DataTable(caption=caption, headers=["N°", axis_header, *names], rows=rows, row_header=1)
    return Chart(svg=svg, title=title, description=description, table=table, demo=demo, kind="radar")
