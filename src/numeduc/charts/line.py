"""Line chart for monthly or yearly series (cumulative cost, monthly indicators)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from numeduc.text import fr_join

from . import _axes as a
from . import _svg as s
from .model import Chart, DataTable, Series


def spread(positions: list[float], gap: float, lo: float, hi: float) -> list[float]:
    """Move sorted-by-value label positions apart by at least ``gap``, staying in [lo, hi]
    when possible (simple one-dimensional relaxation)."""
    if not positions:
        return []
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [positions[i] for i in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + gap)
    overflow = placed[-1] - hi
    if overflow > 0:
        placed = [p - overflow for p in placed]
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - gap)
    placed = [max(p, lo) if k == 0 else p for k, p in enumerate(placed)]
    result = [0.0] * len(positions)
    for k, i in enumerate(order):
        result[i] = placed[k]
    return result


def line(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "",
    value_format: Callable[[float | None], str] | None = None,
    include_zero: bool = True,
    title: str = "Évolution",
    description: str | None = None,
    id_prefix: str | None = None,
    demo: bool = False,
    source: str | None = None,
    axis_label: str | None = None,
    x_header: str = "Période",
    end_labels: bool = True,
    show_title: bool = True,
) -> Chart:
    """One line per series (colour, dash pattern and marker), gaps where values are
    ``None``, the last value of each series written at the right end."""
    x_labels = [str(x) for x in x_labels]
    n = len(x_labels)
    if n == 0 or not series:
        raise ValueError("Il faut au moins un point et une série.")
    for serie in series:
        if len(serie.values) != n:
            raise ValueError(f"La série « {serie.name} » a {len(serie.values)} valeurs pour {n} points.")
    values = [[None if s.is_missing(v) else float(v) for v in serie.values] for serie in series]
    flat = [v for row in values for v in row]
    names = [serie.name for serie in series]
    fmt = a.unit_formatter(value_format, unit, flat)
    label_fmt = a.unit_formatter(value_format, unit, flat, compact=True)
    if description is None or not s.one_line(description):
        description = f"Courbes de {fr_join(names)}, de {x_labels[0]} à {x_labels[-1]}."
    title, description = s.chart_title(title), s.sentence(description)
    prefix = s.make_prefix(id_prefix, "line", title, x_labels, [(x.name, x.values) for x in series])
    styles = s.resolve_styles([serie.style for serie in series])
    ticks = a.domain(flat, include_zero=include_zero)
    tick_fmt = a.tick_formatter(ticks, unit)
    if axis_label is None and unit and len(unit) > 2:
        axis_label = unit

    width = 760.0
    body, y = s.title_block(width, title, show_title=show_title, demo=demo)
    y += 10
    entries = [(s.line_symbol(style), name) for style, name in zip(styles, names)]
    legend_markup, legend_h = s.legend(entries, x=16, y=y, max_width=width - 32)
    body.append(legend_markup)
    y += legend_h + 4
    if axis_label:
        body.append(s.text(16, y + 10, axis_label, size=11, fill=s.MUTED_COLOR))
        y += 18

    last_known = []
    for row in values:
        idx = max((i for i, v in enumerate(row) if v is not None), default=None)
        last_known.append(idx)
    end_w = 0.0
    if end_labels:
        end_w = max(
            (s.text_width(label_fmt(row[i]), 11) for row, i in zip(values, last_known) if i is not None),
            default=0.0,
        )
    tick_w = max(s.text_width(tick_fmt(t), 11) for t in ticks)
    left = 16 + tick_w + 8
    right = width - 16 - (end_w + 24 if end_labels else 0)
    top = y + 10
    bottom = top + 280
    scale = a.Scale(ticks[0], ticks[-1], bottom, top)
    step_px = (right - left) / (n - 1) if n > 1 else 0.0

    def xpos(i: int) -> float:
        return left + step_px * i if n > 1 else (left + right) / 2

    body.append(a.value_grid(scale, ticks, vertical_values=True, cross0=left, cross1=right, fmt=tick_fmt))
    # x labels, thinned so that they do not overlap
    label_w = max(s.text_width(x, 11) for x in x_labels) + 10
    every = max(1, math.ceil(label_w / step_px)) if n > 1 else 1
    xl = ['<g class="nc-x-axis">']
    for i, label in enumerate(x_labels):
        x = xpos(i)
        xl.append(
            f'<line x1="{s.num(x)}" y1="{s.num(bottom)}" x2="{s.num(x)}" '
            f'y2="{s.num(bottom + (5 if i % every == 0 else 3))}" stroke="{s.AXIS_COLOR}"/>'
        )
        if i % every == 0:
            xl.append(s.text(x, bottom + 18, label, size=11, anchor="middle", extra=' class="nc-x-label"'))
    xl.append("</g>")
    body.append("".join(xl))

    # markers on every point when few, else regularly spaced (they carry the series in B&W)
    marker_every = max(1, math.ceil(n / 16))
    series_markup = []
    for j, (row, style) in enumerate(zip(values, styles)):
        d = []
        pen = False
        for i, v in enumerate(row):
            if v is None:
                pen = False
                continue
            d.append(f"{'L' if pen else 'M'}{s.num(xpos(i))} {s.num(scale(v))}")
            pen = True
        parts = [
            f'<g class="nc-series nc-series-{j}" data-name="{s.attr(names[j])}">',
            f'<path class="nc-series-line" d="{"".join(d)}" fill="none" {s.stroke_attrs(style)} '
            f'stroke-linejoin="round" stroke-linecap="round"/>',
        ]
        for i, v in enumerate(row):
            if v is None:
                continue
            isolated = (i == 0 or row[i - 1] is None) and (i == n - 1 or row[i + 1] is None)
            if i % marker_every == 0 or isolated or i == last_known[j]:
                tip = f"{x_labels[i]} — {names[j]} : {fmt(v)}"
                parts.append(
                    f'<g class="nc-point"><title>{s.esc(tip)}</title>'
                    f"{s.marker(style.marker, xpos(i), scale(v), style.color, 3.8)}</g>"
                )
        parts.append("</g>")
        series_markup.append("".join(parts))
    body.extend(reversed(series_markup))

    if end_labels:
        anchors = [(j, scale(row[i])) for j, (row, i) in enumerate(zip(values, last_known)) if i is not None]
        placed = spread([p for _, p in anchors], 13.0, top, bottom)
        for (j, _), py in zip(anchors, placed):
            row, i = values[j], last_known[j]
            # dark text (coloured text would be too pale to read), the marker tells the series
            body.append(s.marker(styles[j].marker, right + 12, py, styles[j].color, 3.5))
            body.append(
                s.text(
                    right + 20,
                    py,
                    label_fmt(row[i]),
                    size=11,
                    baseline="middle",
                    weight="bold",
                    extra=' class="nc-end-label"',
                )
            )
    height = bottom + 30
    if any(v is None for v in flat):
        body.append(
            s.text(
                16,
                height + 6,
                "Interruption de la courbe : valeur non renseignée.",
                size=11,
                fill=s.MUTED_COLOR,
            )
        )
        height += 16
    svg = s.svg_root(
        width=width,
        height=height + 4,
        prefix=prefix,
        title=title,
        description=description,
        body=body,
        kind="line",
        demo=demo,
        source=source,
    )
    rows = [[label, *[fmt(values[j][i]) for j in range(len(series))]] for i, label in enumerate(x_labels)]
    caption = s.caption(title, demo, source)
    return Chart(
        svg=svg,
        title=title,
        description=description,
        table=DataTable(caption=caption, headers=[x_header, *names], rows=rows),
        demo=demo,
        kind="line",
    )
