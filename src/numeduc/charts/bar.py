"""Bar charts: grouped or stacked, vertical or horizontal, negative values allowed.

:func:`bar` works in steps: :func:`_prepare` checks the input and derives what every step
needs (values, totals, formatters, fills, ticks); :func:`_vertical_layout` or
:func:`_horizontal_layout` computes the plot's sizes and scale; :func:`_draw_vertical` or
:func:`_draw_horizontal` turns that layout into markup; :func:`_table` builds the data table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from numeduc.text import fr_join

from . import _axes as a
from . import _svg as s
from .model import Chart, DataTable, Series

MISSING_MARK = "n.r."
WIDTH = 760.0
LABEL_SIZE = 11.0


@dataclass(frozen=True)
class _BarData:
    """The input, checked and derived: what every layout and drawing step reads."""

    categories: list[str]
    names: list[str]
    values: list[list[float | None]]  # values[series][category]
    flat: list[float | None]
    totals: list[float | None]  # per category; None when every series misses it
    stacked: bool
    fmt: Callable[[float | None], str]  # table and tooltips
    label_fmt: Callable[[float | None], str]  # labels drawn on the bars
    colors: list[str]
    fills: list[str]
    defs: str
    extent: list[float]  # values the value axis must cover
    ticks: list[float]
    tick_fmt: Callable[[float], str]
    max_label_w: float
    has_neg: bool

    @property
    def n_cat(self) -> int:
        return len(self.categories)

    @property
    def n_ser(self) -> int:
        return len(self.names)


def _prepare(
    categories: list[str],
    series: Sequence[Series],
    *,
    stacked: bool,
    unit: str,
    value_format: Callable[[float | None], str] | None,
    prefix: str,
) -> _BarData:
    n_cat, n_ser = len(categories), len(series)
    values = [[None if s.is_missing(v) else float(v) for v in serie.values] for serie in series]
    flat = [v for row in values for v in row]
    totals = [
        sum(v for v in (values[j][i] for j in range(n_ser)) if v is not None)
        if any(values[j][i] is not None for j in range(n_ser))
        else None
        for i in range(n_cat)
    ]
    fmt = a.unit_formatter(value_format, unit, flat + (totals if stacked else []))
    label_fmt = a.unit_formatter(value_format, unit, flat + (totals if stacked else []), compact=True)
    styles = s.resolve_styles([serie.style for serie in series])
    colors = [st.color for st in styles]
    defs, fills = a.pattern_defs(prefix, colors)

    # Value extent: stacks add positives and negatives separately.
    extent: list[float]
    if stacked:
        pos = [sum(v for v in (values[j][i] for j in range(n_ser)) if v and v > 0) for i in range(n_cat)]
        neg = [sum(v for v in (values[j][i] for j in range(n_ser)) if v and v < 0) for i in range(n_cat)]
        extent = pos + neg
    else:
        extent = [v for v in flat if v is not None]
    ticks = a.domain(extent, include_zero=True)
    tick_fmt = a.tick_formatter(ticks, unit)

    label_widths = [s.text_width(label_fmt(v), LABEL_SIZE) for v in flat if v is not None]
    if stacked:
        label_widths += [s.text_width(label_fmt(t), LABEL_SIZE) for t in totals if t is not None]
    max_label_w = max(label_widths + [s.text_width(MISSING_MARK, LABEL_SIZE)])
    return _BarData(
        categories=categories,
        names=[serie.name for serie in series],
        values=values,
        flat=flat,
        totals=totals,
        stacked=stacked,
        fmt=fmt,
        label_fmt=label_fmt,
        colors=colors,
        fills=fills,
        defs=defs,
        extent=extent,
        ticks=ticks,
        tick_fmt=tick_fmt,
        max_label_w=max_label_w,
        has_neg=min(extent + [0.0]) < 0,
    )


def _top(
    d: _BarData, title: str, *, show_title: bool, demo: bool, axis_label: str | None
) -> tuple[list[str], float]:
    """Title, legend (several series or a stack) and axis label; the body and the y below."""
    body, y = s.title_block(WIDTH, title, show_title=show_title, demo=demo, defs=d.defs)
    y += 10
    if d.n_ser > 1 or d.stacked:
        entries = [
            (
                s.box_symbol(d.colors[j], pattern=d.fills[j][5:-1] if d.fills[j].startswith("url") else None),
                d.names[j],
            )
            for j in range(d.n_ser)
        ]
        legend_markup, legend_h = s.legend(entries, x=16, y=y, max_width=WIDTH - 32)
        body.append(legend_markup)
        y += legend_h + 4
    if axis_label:
        body.append(s.text(16, y + 10, axis_label, size=11, fill=s.MUTED_COLOR))
        y += 18
    return body, y


def _bar_rect(d: _BarData, j: int, x: float, y: float, w: float, h: float, tip: str) -> str:
    return (
        f'<rect class="nc-bar nc-series-{j}" x="{s.num(x)}" y="{s.num(y)}" '
        f'width="{s.num(w)}" height="{s.num(h)}" '
        f'fill="{d.fills[j]}" stroke="{d.colors[j]}" stroke-width="0.8"><title>{s.esc(tip)}</title></rect>'
    )


def _stack_label(x: float, y: float, label: str) -> str:
    """A value written inside its stacked segment."""
    return s.text(x, y, label, size=10.5, anchor="middle", baseline="middle", extra=a.halo())


# --------------------------------------------------------------------------- vertical


@dataclass(frozen=True)
class _VerticalLayout:
    left: float
    right: float
    band: float  # width given to each category
    inner: float  # width of its bars together
    bar_w: float
    rotate: bool  # value labels turned upright (too wide for their bar)
    bottom: float  # bottom of the plot
    bottom_axis: float  # where category labels start (below labels of negative bars)
    scale: a.Scale


def _vertical_layout(d: _BarData, y: float, *, value_labels: bool) -> _VerticalLayout:
    tick_w = max(s.text_width(d.tick_fmt(t), 11) for t in d.ticks)
    left = 16 + tick_w + 8
    right = WIDTH - 16
    band = (right - left) / d.n_cat
    inner = band * 0.78
    bar_w = inner if d.stacked else inner / d.n_ser
    rotate = value_labels and not d.stacked and d.max_label_w > bar_w + 2
    pad = (d.max_label_w + 8 if rotate else 18) if value_labels else 4
    plot_h = 300.0
    top = y + pad
    bottom = top + plot_h
    scale = a.Scale(d.ticks[0], d.ticks[-1], bottom, top)
    # room under the lowest negative bar for its label, when it overflows the plot
    neg_pad = 0.0
    if d.has_neg and value_labels:
        lows = [min(d.extent)] if d.stacked else [v for v in d.flat if v is not None and v < 0]
        for v in lows:
            need = scale(v) + (4 + d.max_label_w if rotate else 15) - bottom
            neg_pad = max(neg_pad, need)
    return _VerticalLayout(left, right, band, inner, bar_w, rotate, bottom, bottom + neg_pad, scale)


def _draw_vertical(
    d: _BarData, lay: _VerticalLayout, *, value_labels: bool
) -> tuple[str, list[str], list[str], float]:
    """Grid, bars and labels of vertical bars; the height below them."""
    scale, bar_w, label_fmt = lay.scale, lay.bar_w, d.label_fmt
    grid = a.value_grid(
        scale, d.ticks, vertical_values=True, cross0=lay.left, cross1=lay.right, fmt=d.tick_fmt
    )
    bars: list[str] = []
    labels: list[str] = []
    zero = scale(0)
    cat_lines = 1
    for i, category in enumerate(d.categories):
        x0 = lay.left + lay.band * i + (lay.band - lay.inner) / 2
        up, down = 0.0, 0.0  # stack ends, in data units
        for j in range(d.n_ser):
            v = d.values[j][i]
            bx = x0 if d.stacked else x0 + bar_w * j
            if v is None:
                if value_labels and not d.stacked:
                    labels.append(
                        s.text(
                            bx + bar_w / 2,
                            zero - 4,
                            MISSING_MARK,
                            size=9.5,
                            anchor="middle",
                            fill=s.MUTED_COLOR,
                        )
                    )
                continue
            if d.stacked:
                if v >= 0:
                    y0, y1 = scale(up), scale(up + v)
                    up += v
                else:
                    y0, y1 = scale(down), scale(down + v)
                    down += v
                top_px, bot_px = min(y0, y1), max(y0, y1)
            else:
                top_px, bot_px = min(scale(v), zero), max(scale(v), zero)
            tip = f"{category} — {d.names[j]} : {d.fmt(v)}"
            bars.append(_bar_rect(d, j, bx, top_px, max(bar_w - 1, 1), max(bot_px - top_px, 0.5), tip))
            if not value_labels:
                continue
            label = label_fmt(v)
            if d.stacked:
                if bot_px - top_px >= 14 and s.text_width(label, 10.5) <= bar_w - 4:
                    labels.append(_stack_label(bx + bar_w / 2, (top_px + bot_px) / 2, label))
            elif lay.rotate:
                ly = top_px - 4 if v >= 0 else bot_px + 4
                anchor = "start" if v >= 0 else "end"
                cxl = bx + bar_w / 2
                labels.append(
                    s.text(
                        cxl,
                        ly,
                        label,
                        size=LABEL_SIZE,
                        anchor=anchor,
                        baseline="middle",
                        extra=f' transform="rotate(-90 {s.num(cxl)} {s.num(ly)})"',
                    )
                )
            else:
                ly = top_px - 5 if v >= 0 else bot_px + 13
                labels.append(s.text(bx + bar_w / 2, ly, label, size=LABEL_SIZE, anchor="middle"))
        total = d.totals[i]
        if d.stacked and value_labels and total is not None:
            ly = scale(up) - 5 if total >= 0 else scale(down) + 13
            labels.append(
                s.text(x0 + bar_w / 2, ly, label_fmt(total), size=LABEL_SIZE, anchor="middle", weight="bold")
            )
        # category label under the plot
        lines = s.wrap(category, lay.band - 4, 11.5, 3)
        cat_lines = max(cat_lines, len(lines))
        labels.append(
            s.text(
                lay.left + lay.band * (i + 0.5),
                lay.bottom_axis + 16,
                lines,
                size=11.5,
                anchor="middle",
                extra=' class="nc-category"',
            )
        )
    height = lay.bottom_axis + 16 + cat_lines * 11.5 * 1.2 + 4
    return grid, bars, labels, height


# --------------------------------------------------------------------------- horizontal

CAT_SIZE = 11.5


@dataclass(frozen=True)
class _HorizontalLayout:
    cat_w: float  # room for the category labels, left of the plot
    left: float
    band: float  # height given to each category
    inner: float  # height of its bars together
    bar_h: float
    top: float
    bottom: float
    scale: a.Scale


def _horizontal_layout(d: _BarData, y: float, *, value_labels: bool) -> _HorizontalLayout:
    cat_w = min(240.0, max(s.text_width(c, CAT_SIZE) for c in d.categories) + 4)
    left = 16 + cat_w + 8
    right_pad = (d.max_label_w + 10) if value_labels else 16
    left_pad = (d.max_label_w + 10) if value_labels and d.has_neg else 0
    x_lo, x_hi = left + left_pad, WIDTH - right_pad
    wrapped = any(len(s.wrap(c, cat_w, CAT_SIZE, 2)) > 1 for c in d.categories)
    band = max(36.0 if wrapped else 26.0, (1 if d.stacked else d.n_ser) * 17.0 + 12)
    inner = band - 8
    bar_h = inner if d.stacked else inner / d.n_ser
    top = y + 6
    bottom = top + band * d.n_cat
    scale = a.Scale(d.ticks[0], d.ticks[-1], x_lo, x_hi)
    return _HorizontalLayout(cat_w, left, band, inner, bar_h, top, bottom, scale)


def _draw_horizontal(
    d: _BarData, lay: _HorizontalLayout, *, value_labels: bool
) -> tuple[str, list[str], list[str], float]:
    """Grid, bars and labels of horizontal bars; the height below them."""
    scale, bar_h, label_fmt = lay.scale, lay.bar_h, d.label_fmt
    grid = a.value_grid(
        scale, d.ticks, vertical_values=False, cross0=lay.top, cross1=lay.bottom, fmt=d.tick_fmt
    )
    bars: list[str] = []
    labels: list[str] = []
    zero = scale(0)
    for i, category in enumerate(d.categories):
        y0 = lay.top + lay.band * i + (lay.band - lay.inner) / 2
        right_end, left_end = 0.0, 0.0  # stack ends, in data units
        for j in range(d.n_ser):
            v = d.values[j][i]
            by = y0 if d.stacked else y0 + bar_h * j
            if v is None:
                if value_labels and not d.stacked:
                    labels.append(
                        s.text(
                            zero + 4,
                            by + bar_h / 2,
                            MISSING_MARK,
                            size=9.5,
                            baseline="middle",
                            fill=s.MUTED_COLOR,
                        )
                    )
                continue
            if d.stacked:
                if v >= 0:
                    x0p, x1p = scale(right_end), scale(right_end + v)
                    right_end += v
                else:
                    x0p, x1p = scale(left_end + v), scale(left_end)
                    left_end += v
                lo_px, hi_px = min(x0p, x1p), max(x0p, x1p)
            else:
                lo_px, hi_px = min(scale(v), zero), max(scale(v), zero)
            tip = f"{category} — {d.names[j]} : {d.fmt(v)}"
            bars.append(_bar_rect(d, j, lo_px, by, max(hi_px - lo_px, 0.5), max(bar_h - 1, 1), tip))
            if not value_labels:
                continue
            label = label_fmt(v)
            if d.stacked:
                if s.text_width(label, 10.5) <= hi_px - lo_px - 6 and bar_h >= 13:
                    labels.append(_stack_label((lo_px + hi_px) / 2, by + bar_h / 2, label))
            elif v >= 0:
                labels.append(s.text(hi_px + 4, by + bar_h / 2, label, size=LABEL_SIZE, baseline="middle"))
            else:
                labels.append(
                    s.text(lo_px - 4, by + bar_h / 2, label, size=LABEL_SIZE, anchor="end", baseline="middle")
                )
        total = d.totals[i]
        if d.stacked and value_labels and total is not None:
            if total >= 0:
                labels.append(
                    s.text(
                        scale(right_end) + 4,
                        y0 + bar_h / 2,
                        label_fmt(total),
                        size=LABEL_SIZE,
                        weight="bold",
                        baseline="middle",
                    )
                )
            else:
                labels.append(
                    s.text(
                        scale(left_end) - 4,
                        y0 + bar_h / 2,
                        label_fmt(total),
                        size=LABEL_SIZE,
                        weight="bold",
                        anchor="end",
                        baseline="middle",
                    )
                )
        lines = s.wrap(category, lay.cat_w, CAT_SIZE, 2)
        labels.append(
            s.text(
                lay.left - 8,
                lay.top + lay.band * (i + 0.5),
                lines,
                size=CAT_SIZE,
                anchor="end",
                baseline="middle",
                extra=' class="nc-category"',
            )
        )
    height = lay.bottom + 30
    return grid, bars, labels, height


# --------------------------------------------------------------------------- table


def _table(d: _BarData, *, category_header: str, caption: str) -> DataTable:
    """One row per category, one column per series (and the total of a stack of several)."""
    with_total = d.stacked and d.n_ser > 1
    headers = [category_header, *d.names] + (["Total"] if with_total else [])
    rows = []
    for i, category in enumerate(d.categories):
        row = [category, *[d.fmt(d.values[j][i]) for j in range(d.n_ser)]]
        if with_total:
            row.append(d.fmt(d.totals[i]))
        rows.append(row)
    return DataTable(caption=caption, headers=headers, rows=rows)


def bar(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    horizontal: bool = False,
    stacked: bool = False,
    unit: str = "",
    value_format: Callable[[float | None], str] | None = None,
    title: str = "Diagramme en barres",
    description: str | None = None,
    id_prefix: str | None = None,
    demo: bool = False,
    source: str | None = None,
    value_labels: bool = True,
    axis_label: str | None = None,
    category_header: str = "Catégorie",
    show_title: bool = True,
) -> Chart:
    """Grouped (or ``stacked``) bars, one colour + fill pattern per series, legend, value
    labels on the bars, zero line. ``None`` values draw no bar and are marked "n.r."."""
    categories = [str(c) for c in categories]
    n_cat, n_ser = len(categories), len(series)
    if n_cat == 0 or n_ser == 0:
        raise ValueError("Il faut au moins une catégorie et une série.")
    for serie in series:
        if len(serie.values) != n_cat:
            raise ValueError(
                f"La série « {serie.name} » a {len(serie.values)} valeurs pour {n_cat} catégories."
            )
    if description is None or not s.one_line(description):
        kind = "empilées" if stacked else "groupées"
        sens = "horizontales" if horizontal else "verticales"
        description = (
            f"Barres {sens} {kind} : {fr_join([serie.name for serie in series])}, "
            f"pour {n_cat} catégorie{'s' if n_cat > 1 else ''}."
        )
    title, description = s.chart_title(title), s.sentence(description)
    prefix = s.make_prefix(id_prefix, "bar", title, categories, [(x.name, x.values) for x in series])
    d = _prepare(categories, series, stacked=stacked, unit=unit, value_format=value_format, prefix=prefix)
    if axis_label is None and unit and len(unit) > 2:
        axis_label = unit

    body, y = _top(d, title, show_title=show_title, demo=demo, axis_label=axis_label)
    if not horizontal:
        grid, bars, labels, height = _draw_vertical(
            d, _vertical_layout(d, y, value_labels=value_labels), value_labels=value_labels
        )
    else:
        grid, bars, labels, height = _draw_horizontal(
            d, _horizontal_layout(d, y, value_labels=value_labels), value_labels=value_labels
        )
    body.append(grid)
    body.append(f'<g class="nc-bars">{"".join(bars)}</g>')
    body.append(f'<g class="nc-labels">{"".join(labels)}</g>')
    if any(v is None for v in d.flat) and value_labels:
        body.append(s.text(16, height + 6, f"{MISSING_MARK} : non renseigné.", size=11, fill=s.MUTED_COLOR))
        height += 16
    svg = s.svg_root(
        width=WIDTH,
        height=height + 4,
        prefix=prefix,
        title=title,
        description=description,
        body=body,
        kind="bar",
        demo=demo,
        source=source,
    )
    table = _table(d, category_header=category_header, caption=s.caption(title, demo, source))
    return Chart(svg=svg, title=title, description=description, table=table, demo=demo, kind="bar")
