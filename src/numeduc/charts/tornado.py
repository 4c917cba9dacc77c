"""Tornado chart: how much a total moves when each parameter goes to its low or high value."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from . import _axes as a
from . import _svg as s
from .model import Chart, DataTable


def tornado(
    items: Sequence[tuple[str, float, float]],
    base_total: float,
    *,
    unit: str = "€",
    value_format: Callable[[float | None], str] | None = None,
    low_label: str = "Paramètre à sa valeur basse",
    high_label: str = "Paramètre à sa valeur haute",
    sort: bool = True,
    title: str = "Sensibilité du total aux paramètres",
    description: str | None = None,
    id_prefix: str | None = None,
    demo: bool = False,
    source: str | None = None,
    parameter_header: str = "Paramètre",
    show_title: bool = True,
) -> Chart:
    """``items`` = (parameter, total with the parameter low, total with it high). Bars start
    at ``base_total`` (the vertical reference line); the widest swing comes first."""
    rows_in = [(str(label), float(low), float(high)) for label, low, high in items]
    if not rows_in:
        raise ValueError("Aucun paramètre.")
    if sort:
        rows_in.sort(key=lambda r: -abs(r[2] - r[1]))
    base = float(base_total)
    all_values = [base] + [v for _, lo, hi in rows_in for v in (lo, hi)]
    fmt = a.unit_formatter(value_format, unit, all_values)
    label_fmt = a.unit_formatter(value_format, unit, all_values, compact=True)
    if description is None or not s.one_line(description):
        widest = rows_in[0]
        description = (
            f"Diagramme en tornade de {len(rows_in)} paramètre{'s' if len(rows_in) > 1 else ''} autour d'un total "
            f"de {fmt(base)} ; le plus influent, « {widest[0]} », le fait varier de {fmt(widest[1])} "
            f"à {fmt(widest[2])}."
        )
    title, description = s.chart_title(title), s.sentence(description)
    prefix = s.make_prefix(id_prefix, "tornado", title, rows_in, base)
    low_style, high_style = s.STYLES["primary"], s.STYLES["secondary"]
    defs, fills = a.pattern_defs(prefix, [low_style.color, high_style.color])

    width = 760.0
    body, y = s.title_block(width, title, show_title=show_title, demo=demo, defs=defs)
    y += 8
    entries = [
        (s.box_symbol(low_style.color), low_label),
        (s.box_symbol(high_style.color, pattern=fills[1][5:-1]), high_label),
    ]
    legend_markup, legend_h = s.legend(entries, x=16, y=y, max_width=width - 32)
    body.append(legend_markup)
    y += legend_h + 28

    label_size = 11.5
    cat_w = min(230.0, max(s.text_width(r[0], label_size) for r in rows_in) + 4)
    left = 16 + cat_w + 10
    end_w = max(s.text_width(label_fmt(v), 11) for v in all_values) + 8
    ticks = a.domain(all_values, include_zero=False, count=5)
    scale = a.Scale(ticks[0], ticks[-1], left + end_w, width - 16 - end_w)
    wrapped = any(len(s.wrap(r[0], cat_w, label_size, 2)) > 1 for r in rows_in)
    band = 36.0 if wrapped else 30.0
    top = y
    bottom = top + band * len(rows_in)
    body.append(
        a.value_grid(
            scale, ticks, vertical_values=False, cross0=top, cross1=bottom, fmt=a.tick_formatter(ticks, unit)
        )
    )
    bars, labels = [], []
    bx = scale(base)
    for i, (label, low, high) in enumerate(rows_in):
        by = top + band * i + 5
        h = band - 10
        pair = [(low, fills[0], low_style.color, low_label), (high, fills[1], high_style.color, high_label)]
        # longer bar first so that, when both go the same way, the shorter stays visible on top
        pair.sort(key=lambda item: -abs(item[0] - base))
        for value, fill, color, which in pair:
            x0, x1 = sorted((bx, scale(value)))
            tip = f"{label} — {which} : {fmt(value)} (écart {fmt(value - base)})"
            bars.append(
                f'<rect class="nc-bar" x="{s.num(x0)}" y="{s.num(by)}" width="{s.num(max(x1 - x0, 0.5))}" '
                f'height="{s.num(h)}" fill="{fill}" stroke="{color}" stroke-width="0.8">'
                f"<title>{s.esc(tip)}</title></rect>"
            )
        # value labels just beyond each bar end; when both go the same way the nearer one
        # lands on the longer bar, hence the white halo
        for value in (low, high):
            px = scale(value)
            if value < base:
                labels.append(
                    s.text(
                        px - 4,
                        by + h / 2,
                        label_fmt(value),
                        size=11,
                        anchor="end",
                        baseline="middle",
                        extra=a.halo(),
                    )
                )
            elif value > base:
                labels.append(
                    s.text(px + 4, by + h / 2, label_fmt(value), size=11, baseline="middle", extra=a.halo())
                )
        lines = s.wrap(label, cat_w, label_size, 2)
        labels.append(
            s.text(
                left - 6,
                by + h / 2,
                lines,
                size=label_size,
                anchor="end",
                baseline="middle",
                extra=' class="nc-category"',
            )
        )
    body.append(f'<g class="nc-bars">{"".join(bars)}</g>')
    body.append(
        f'<line class="nc-base" x1="{s.num(bx)}" y1="{s.num(top - 12)}" x2="{s.num(bx)}" y2="{s.num(bottom)}" '
        f'stroke="#000000" stroke-width="1.6"/>'
    )
    body.append(
        s.text(
            bx,
            top - 16,
            f"Référence : {label_fmt(base)}",
            size=11.5,
            anchor="middle",
            weight="bold",
            extra=a.halo(),
        )
    )
    body.append(f'<g class="nc-labels">{"".join(labels)}</g>')
    height = bottom + 30
    svg = s.svg_root(
        width=width,
        height=height,
        prefix=prefix,
        title=title,
        description=description,
        body=body,
        kind="tornado",
        demo=demo,
        source=source,
    )
    rows = [[label, fmt(low), fmt(high), fmt(abs(high - low))] for label, low, high in rows_in]
    caption = s.caption(title + f" (total de référence : {fmt(base)})", demo, source)
    table = DataTable(
        caption=caption,
        headers=[
            parameter_header,
            f"Total — {low_label.lower()}",
            f"Total — {high_label.lower()}",
            "Amplitude",
        ],
        rows=rows,
    )
    return Chart(svg=svg, title=title, description=description, table=table, demo=demo, kind="tornado")
