"""Radar ("toile d'araignée"): a département's factor levels against reference medians.

:func:`radar` works in steps: :func:`_layout` places the centre and computes the scale (in
a :class:`_Layout`); :func:`_draw_grid`, :func:`_draw_series`, :func:`_draw_ring_labels`,
:func:`_draw_axis_labels` and :func:`_draw_legend` turn it into markup; :func:`_table`
builds the data table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from numeduc.formatting import fr_number
from numeduc.text import fr_join

from . import _svg as s
from .model import Chart, DataTable, Series

WIDTH = 760.0
RADIUS = 190.0
LABEL_SIZE = 11.5
LINE_H = LABEL_SIZE * 1.2
BADGE_R = 9.5


def _ring_values(min_value: float, max_value: float) -> list[float]:
    span = max_value - min_value
    if span <= 10 and float(min_value).is_integer() and float(max_value).is_integer():
        return [float(v) for v in range(int(min_value) + 1, int(max_value) + 1)]
    ticks = s.nice_ticks(min_value, max_value, 4)
    return [t for t in ticks if min_value < t <= max_value + 1e-9]


@dataclass(frozen=True)
class _Layout:
    """Where the radar sits and how values map to the spokes."""

    n: int  # axes
    cx: float
    cy: float
    min_value: float
    max_value: float
    label_lines: int
    rings: list[float]

    def point(self, index: int, value: float) -> tuple[float, float]:
        """Position of ``value`` (clamped to the scale) on spoke ``index``."""
        clamped = min(max(value, self.min_value), self.max_value)
        r = RADIUS * (clamped - self.min_value) / (self.max_value - self.min_value)
        theta = 2 * math.pi * index / self.n
        return self.cx + r * math.sin(theta), self.cy - r * math.cos(theta)

    @property
    def legend_y(self) -> float:
        """Top of the legend: below the bottom axis label."""
        return self.cy + RADIUS + 16 + BADGE_R + 8 + self.label_lines * LINE_H + 8


def _layout(n: int, top: float, *, min_value: float, max_value: float, label_lines: int) -> _Layout:
    """``top``: the y below the title; room is kept above the plot for the top axis label."""
    top += 14 + label_lines * LINE_H + 16
    return _Layout(
        n=n,
        cx=WIDTH / 2,
        cy=top + RADIUS,
        min_value=min_value,
        max_value=max_value,
        label_lines=label_lines,
        rings=_ring_values(min_value, max_value),
    )


def _draw_grid(lay: _Layout) -> str:
    """Rings (polygons) and spokes."""
    grid = [f'<g class="nc-grid" fill="none" stroke="{s.GRID_COLOR}" stroke-width="1">']
    for value in lay.rings:
        pts = " ".join(f"{s.num(x)},{s.num(y)}" for x, y in (lay.point(i, value) for i in range(lay.n)))
        stroke = ' stroke="#9a9a9a"' if value == lay.max_value else ""
        grid.append(f'<polygon class="nc-ring" points="{pts}"{stroke}/>')
    for i in range(lay.n):
        x, y = lay.point(i, lay.max_value)
        grid.append(
            f'<line class="nc-spoke" x1="{s.num(lay.cx)}" y1="{s.num(lay.cy)}" x2="{s.num(x)}" y2="{s.num(y)}"/>'
        )
    grid.append("</g>")
    return "".join(grid)


def _draw_one_series(
    lay: _Layout,
    index: int,
    serie: Series,
    style: s.Style,
    values: list[float | None],
    axes: Sequence[str],
    fmt: Callable[[float | None], str],
) -> str:
    """One series' outline (closed when every value is known, with gaps otherwise) and points."""
    n = lay.n
    pts = {i: lay.point(i, v) for i, v in enumerate(values) if v is not None}
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
            f'<g class="nc-point"><title>{s.esc(tip)}</title>{s.marker(style.marker, x, y, style.color, 4.2)}</g>'
        )
    parts.append("</g>")
    return "".join(parts)


def _draw_series(
    lay: _Layout,
    series: Sequence[Series],
    styles: Sequence[s.Style],
    axes: Sequence[str],
    fmt: Callable[[float | None], str],
) -> tuple[list[str], bool]:
    """Every series, the last given first so that the first (the subject) ends on top; and
    whether a value is missing."""
    any_missing = False
    series_markup: list[str] = []
    for index, (serie, style) in enumerate(zip(series, styles)):
        values = [None if s.is_missing(v) else float(v) for v in serie.values]
        any_missing |= any(v is None for v in values)
        series_markup.append(_draw_one_series(lay, index, serie, style, values, axes, fmt))
    return list(reversed(series_markup)), any_missing


def _draw_ring_labels(lay: _Layout) -> list[str]:
    """Ring labels half-way between the first two spokes (where no data point sits), with a
    white halo to stay legible over lines."""
    ring_decimals = s.tick_decimals(lay.rings)
    half = math.pi / lay.n
    markup = []
    for value in lay.rings:
        r = RADIUS * (value - lay.min_value) / (lay.max_value - lay.min_value) * math.cos(half)
        x, y = lay.cx + r * math.sin(half), lay.cy - r * math.cos(half)
        markup.append(
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
    return markup


def _draw_axis_labels(lay: _Layout, axes: Sequence[str], labels: Sequence[str]) -> list[str]:
    """Axis numbers in badges and the shortened labels next to them."""
    markup = []
    for i in range(lay.n):
        theta = 2 * math.pi * i / lay.n
        sin, cos = math.sin(theta), math.cos(theta)
        bx = lay.cx + (RADIUS + 16) * sin
        by = lay.cy - (RADIUS + 16) * cos
        group = [f'<g class="nc-axis-label"><title>{s.esc(f"{i + 1}. {axes[i]}")}</title>']
        group.append(
            f'<circle cx="{s.num(bx)}" cy="{s.num(by)}" r="{BADGE_R}" fill="#ffffff" '
            f'stroke="{s.AXIS_COLOR}" stroke-width="1.2"/>'
        )
        group.append(s.text(bx, by, str(i + 1), size=10.5, anchor="middle", weight="bold", baseline="middle"))
        if abs(sin) < 0.2:
            max_w = 210.0
            lines = s.wrap(labels[i], max_w, LABEL_SIZE, lay.label_lines)
            block_h = LINE_H * len(lines)
            if cos > 0:  # top: text above the badge
                y_mid = by - BADGE_R - 4 - block_h / 2
            else:
                y_mid = by + BADGE_R + 4 + block_h / 2
            group.append(s.text(bx, y_mid, lines, size=LABEL_SIZE, anchor="middle", baseline="middle"))
        else:
            if sin > 0:
                tx = bx + BADGE_R + 4
                max_w = min(200.0, WIDTH - 8 - tx)
                anchor = "start"
            else:
                tx = bx - BADGE_R - 4
                max_w = min(200.0, tx - 8)
                anchor = "end"
            lines = s.wrap(labels[i], max_w, LABEL_SIZE, lay.label_lines)
            block_h = LINE_H * len(lines)
            # Near the top or bottom, push the block away from the plot.
            y_mid = by - cos * max(0.0, block_h / 2 - LINE_H / 2)
            group.append(s.text(tx, y_mid, lines, size=LABEL_SIZE, anchor=anchor, baseline="middle"))
        group.append("</g>")
        markup.append("".join(group))
    return markup


def _draw_legend(
    lay: _Layout, series: Sequence[Series], styles: Sequence[s.Style], *, any_missing: bool
) -> tuple[list[str], float]:
    """Legend below the plot, and the note on missing values; returns markup and the height."""
    entries = [(s.line_symbol(style), serie.name) for serie, style in zip(series, styles)]
    legend_markup, legend_h = s.legend(entries, x=24, y=lay.legend_y, max_width=WIDTH - 48)
    markup = [legend_markup]
    height = lay.legend_y + legend_h
    if any_missing:
        markup.append(
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
    return markup, height + 10


def _table(
    axes: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[float | None], str],
    *,
    axis_header: str,
    caption: str,
) -> DataTable:
    """One row per axis (its number, full label, each series' value)."""
    rows = [
        [str(i + 1), axes[i], *[fmt(None if s.is_missing(x.values[i]) else x.values[i]) for x in series]]
        for i in range(len(axes))
    ]
    headers = ["N°", axis_header, *[serie.name for serie in series]]
    return DataTable(caption=caption, headers=headers, rows=rows, row_header=1)


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
    if description is None or not s.one_line(description):
        description = (
            f"Radar de {n} axes gradués de {fr_number(min_value)} à {fr_number(max_value)} "
            f"comparant {fr_join([serie.name for serie in series]) or 'aucune série'}."
        )
    title, description = s.chart_title(title), s.sentence(description)
    prefix = s.make_prefix(id_prefix, "radar", title, axes, [(x.name, x.values) for x in series])
    styles = s.resolve_styles([serie.style for serie in series])
    labels = list(short_labels) if short_labels is not None else [s.short_label(a) for a in axes]

    body, top = s.title_block(WIDTH, title, show_title=show_title, demo=demo)
    lay = _layout(n, top, min_value=min_value, max_value=max_value, label_lines=label_lines)
    body.append(_draw_grid(lay))
    series_markup, any_missing = _draw_series(lay, series, styles, axes, fmt)
    body.extend(series_markup)
    body.extend(_draw_ring_labels(lay))
    body.extend(_draw_axis_labels(lay, axes, labels))
    legend_markup, height = _draw_legend(lay, series, styles, any_missing=any_missing)
    body.extend(legend_markup)

    svg = s.svg_root(
        width=WIDTH,
        height=height,
        prefix=prefix,
        title=title,
        description=description,
        body=body,
        kind="radar",
        demo=demo,
        source=source,
    )
    table = _table(axes, series, fmt, axis_header=axis_header, caption=s.caption(title, demo, source))
    return Chart(svg=svg, title=title, description=description, table=table, demo=demo, kind="radar")
