"""Where a value sits in a national distribution: a strip of bands (e.g. the white paper's
four budget bands and their shares) or a box-plot-like strip of raw values, with markers for
"votre département" and references."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from numeduc.formatting import fr_number, fr_percent

from . import _axes as a
from . import _svg as s
from .heatmap import SEQUENTIAL, ramp
from .model import Chart, DataTable


@dataclass(frozen=True)
class Band:
    """A class of the distribution: values in [lower, upper[ (None = open end) holding
    ``share`` per cent of the population."""

    label: str
    lower: float | None
    upper: float | None
    share: float


@dataclass(frozen=True)
class Marker:
    label: str
    value: float | None
    style: str | None = None


def _markers(markers: Sequence[Marker] | Marker | float | None) -> list[Marker]:
    if markers is None:
        return []
    if isinstance(markers, Marker):
        return [markers]
    if isinstance(markers, (int, float)):
        return [Marker("Votre département", float(markers), "primary")]
    return list(markers)


def _marker_styles(markers: Sequence[Marker]) -> list[s.Style]:
    return s.resolve_styles([m.style for m in markers])


def _draw_markers(
    markers: Sequence[Marker],
    xs: Sequence[float | None],
    strip_top: float,
    fmt: Callable[[float | None], str],
    left: float,
    right: float,
) -> tuple[list[str], float]:
    """Markers as downward triangles + a stem over the strip, labels stacked above without
    overlap. Returns markup and the height used above ``strip_top``."""
    styles = _marker_styles(markers)
    parts: list[str] = []
    placed: list[tuple[float, float, int]] = []  # (x0, x1, row)
    rows_used = 0
    label_rows: list[tuple[int, float, str, str, s.Style, float]] = []
    for m, style, x in zip(markers, styles, xs):
        if x is None:
            continue
        text_label = f"{m.label} : {fmt(m.value)}"
        w = s.text_width(text_label, 11.5) + 8
        x0 = min(max(x - w / 2, left - 10), right + 10 - w)
        row = 0
        while any(r == row and not (x0 + w <= a0 or x0 >= a1) for a0, a1, r in placed):
            row += 1
        placed.append((x0, x0 + w, row))
        rows_used = max(rows_used, row + 1)
        label_rows.append((row, x0 + w / 2, text_label, m.label, style, x))
    row_h = 18.0
    texts = []
    for row, cx, text_label, _name, style, x in label_rows:
        ly = strip_top - 22 - row * row_h
        parts.append(
            f'<g class="nc-marker"><title>{s.esc(text_label)}</title>'
            f'<line x1="{s.num(x)}" y1="{s.num(ly + 4)}" x2="{s.num(x)}" y2="{s.num(strip_top + 2)}" '
            f"{s.stroke_attrs(style, 1.4, dash=style.dash or '')}/>"
            f'<polygon points="{s.num(x - 6)},{s.num(strip_top - 10)} {s.num(x + 6)},{s.num(strip_top - 10)} '
            f'{s.num(x)},{s.num(strip_top)}" fill="{style.color}" stroke="#ffffff" stroke-width="1"/></g>'
        )
        # labels after every stem, so that no stem crosses a label
        texts.append(
            s.text(
                cx,
                ly,
                text_label,
                size=11.5,
                anchor="middle",
                weight="bold",
                extra=a.halo() + ' class="nc-marker-label"',
            )
        )
    return parts + texts, 22 + rows_used * row_h + 6


def distribution_strip(
    bands_or_values: Sequence[Band] | Sequence[float],
    markers: Sequence[Marker] | Marker | float | None = None,
    *,
    unit: str = "",
    value_format: Callable[[float | None], str] | None = None,
    title: str = "Position dans la distribution nationale",
    description: str | None = None,
    id_prefix: str | None = None,
    demo: bool = False,
    population_label: str = "départements",
    source: str | None = None,
    show_title: bool = True,
) -> Chart:
    """Bands (``Band`` items) give a 100 % strip, each band as wide as its share, markers
    placed inside their band by linear interpolation; plain numbers give :func:`boxplot_strip`."""
    items = list(bands_or_values)
    if items and not isinstance(items[0], Band):
        return boxplot_strip(
            [float(v) for v in items],
            markers,
            unit=unit,
            value_format=value_format,
            title=title,
            description=description,
            id_prefix=id_prefix,
            demo=demo,
            population_label=population_label,
            source=source,
            show_title=show_title,
        )
    bands: list[Band] = items  # type: ignore[assignment]
    if not bands:
        raise ValueError("Aucune tranche.")
    marks = _markers(markers)
    total = sum(b.share for b in bands)
    if total <= 0:
        raise ValueError("La somme des parts doit être positive.")
    bounds = [v for b in bands for v in (b.lower, b.upper) if v is not None]
    fmt = a.unit_formatter(value_format, unit, [m.value for m in marks] + bounds)

    def band_of(value: float) -> int:
        for i, b in enumerate(bands):
            if (b.lower is None or value >= b.lower) and (b.upper is None or value < b.upper):
                return i
        # outside every band: the nearest end
        return 0 if bands[0].lower is not None and value < bands[0].lower else len(bands) - 1

    if description is None or not s.one_line(description):
        where = []
        for m in marks:
            if m.value is not None:
                where.append(
                    f"{m.label} ({fmt(m.value)}) dans la tranche « {bands[band_of(m.value)].label} »"
                )
        tail = " ; " + ", ".join(where) if where else ""
        description = f"Répartition des {population_label} en {len(bands)} tranches{tail}."
    title, description = s.chart_title(title), s.sentence(description)
    prefix = s.make_prefix(
        id_prefix,
        "strip",
        title,
        [(b.label, b.lower, b.upper, b.share) for b in bands],
        [(m.label, m.value) for m in marks],
    )

    width = 760.0
    left, right = 24.0, width - 24.0
    body, y = s.title_block(width, title, show_title=show_title, demo=demo)
    # x of each band edge
    edges = [left]
    for b in bands:
        edges.append(edges[-1] + (right - left) * b.share / total)

    def position(value: float) -> float:
        i = band_of(value)
        b = bands[i]
        x0, x1 = edges[i], edges[i + 1]
        lo, hi = b.lower, b.upper
        if lo is None and hi is None:
            return (x0 + x1) / 2
        if lo is None:  # open lower band: assume it as wide (in value) as the next band
            nxt = bands[i + 1] if i + 1 < len(bands) else None
            span = (
                (nxt.upper - nxt.lower)
                if nxt and nxt.upper is not None and nxt.lower is not None
                else abs(hi) or 1.0
            )
            lo = hi - span
        if hi is None:
            prv = bands[i - 1] if i > 0 else None
            span = (
                (prv.upper - prv.lower)
                if prv and prv.upper is not None and prv.lower is not None
                else abs(lo) or 1.0
            )
            hi = lo + span
        f = (value - lo) / (hi - lo) if hi != lo else 0.5
        return x0 + (x1 - x0) * min(max(f, 0.02), 0.98)

    xs = [None if m.value is None or s.is_missing(m.value) else position(float(m.value)) for m in marks]
    probe_top = y + 200
    marker_parts, marker_h = _draw_markers(marks, xs, probe_top, fmt, left, right)
    strip_top = y + 8 + marker_h
    marker_parts, _ = _draw_markers(marks, xs, strip_top, fmt, left, right)
    strip_h = 44.0
    rects, texts = [], []
    label_blocks = []  # (lines, width, desired centre)
    for i, b in enumerate(bands):
        x0, x1 = edges[i], edges[i + 1]
        fill = ramp(SEQUENTIAL, 0.15 + 0.7 * i / max(len(bands) - 1, 1))
        ink = a.text_on(fill)
        tip = f"{b.label} : {fr_percent(b.share)} des {population_label}"
        rects.append(
            f'<rect class="nc-band" x="{s.num(x0)}" y="{s.num(strip_top)}" width="{s.num(x1 - x0)}" '
            f'height="{strip_h}" fill="{fill}" stroke="#ffffff" stroke-width="1.5"><title>{s.esc(tip)}</title></rect>'
        )
        share = fr_percent(b.share, 0 if float(b.share).is_integer() else 1)
        label = b.label
        if s.text_width(share, 14) <= x1 - x0 - 4:
            texts.append(
                s.text(
                    (x0 + x1) / 2,
                    strip_top + strip_h / 2,
                    share,
                    size=14,
                    anchor="middle",
                    baseline="middle",
                    weight="bold",
                    fill=ink,
                )
            )
        else:  # too narrow for its share: the share goes with the label below
            label = f"{b.label} ({share})"
        lines = s.wrap(label, max(x1 - x0 - 4, 90), 11.5, 2)
        block_w = max(s.text_width(line, 11.5) for line in lines)
        label_blocks.append((lines, block_w, (x0 + x1) / 2))
    # labels of narrow bands would collide: pack them left to right, then pull back from
    # the right edge if needed
    lefts = []
    for _lines, w, centre in label_blocks:
        left_edge = centre - w / 2
        if lefts:
            prev_left, prev_w = lefts[-1]
            left_edge = max(left_edge, prev_left + prev_w + 8)
        lefts.append((max(left_edge, 4.0), w))
    limit = width - 4
    for k in range(len(lefts) - 1, -1, -1):
        left_edge, w = lefts[k]
        left_edge = min(left_edge, limit - w)
        lefts[k] = (left_edge, w)
        limit = left_edge - 8
    for (lines, w, _), (left_edge, _) in zip(label_blocks, lefts):
        texts.append(
            s.text(
                left_edge + w / 2,
                strip_top + strip_h + 16,
                lines,
                size=11.5,
                anchor="middle",
                extra=' class="nc-band-label"',
            )
        )
    body.append(f'<g class="nc-bands">{"".join(rects)}</g>')
    body.append(f'<g class="nc-labels">{"".join(texts)}</g>')
    body.extend(marker_parts)
    height = strip_top + strip_h + 16 + 2 * 13.8 + 6
    body.append(
        s.text(
            left,
            height,
            f"Largeur de chaque tranche : part des {population_label}.",
            size=11,
            fill=s.MUTED_COLOR,
        )
    )
    height += 6
    if source:
        height += 12
        body.append(s.text(left, height, f"Source : {source}", size=10.5, fill=s.MUTED_COLOR))
    svg = s.svg_root(
        width=width,
        height=height + 8,
        prefix=prefix,
        title=title,
        description=description,
        body=body,
        kind="strip",
        demo=demo,
    )
    rows = [[b.label, fr_percent(b.share)] for b in bands]
    for m in marks:
        if m.value is None or s.is_missing(m.value):
            rows.append([m.label, s.MISSING])
        else:
            rows.append([m.label, f"{fmt(m.value)}, tranche « {bands[band_of(float(m.value))].label} »"])
    caption = title + (f" ({s.DEMO_LABEL})" if demo else "") + (f" ; source : {source}" if source else "")
    table = DataTable(
        caption=caption, headers=["Tranche ou repère", f"Part des {population_label} ou position"], rows=rows
    )
    return Chart(svg=svg, title=title, description=description, table=table, demo=demo, kind="strip")


def ordinal(n: float) -> str:
    """1 -> "1er", 62 -> "62e" (French ordinal abbreviations)."""
    text = fr_number(n)
    return f"{text}er" if text == "1" else f"{text}e"


def percentile_rank(values: Sequence[float], value: float) -> float:
    """Share (in %) of ``values`` below ``value``, ties counted half (mid-rank)."""
    below = sum(1 for v in values if v < value)
    equal = sum(1 for v in values if v == value)
    return 100.0 * (below + 0.5 * equal) / len(values)


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    pos = (len(sorted_values) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def boxplot_strip(
    values: Sequence[float],
    markers: Sequence[Marker] | Marker | float | None = None,
    *,
    unit: str = "",
    value_format: Callable[[float | None], str] | None = None,
    title: str = "Position dans la distribution nationale",
    description: str | None = None,
    id_prefix: str | None = None,
    demo: bool = False,
    population_label: str = "départements",
    source: str | None = None,
    show_title: bool = True,
) -> Chart:
    """Horizontal strip: minimum-maximum line, 10th-90th percentile band, quartile box,
    median; markers with their percentile rank (share of the population below them)."""
    data = sorted(float(v) for v in values if not s.is_missing(v))
    if not data:
        raise ValueError("Aucune valeur.")
    marks = _markers(markers)
    stats = {
        "Minimum": data[0],
        "10e centile": _quantile(data, 0.1),
        "1er quartile": _quantile(data, 0.25),
        "Médiane": _quantile(data, 0.5),
        "3e quartile": _quantile(data, 0.75),
        "90e centile": _quantile(data, 0.9),
        "Maximum": data[-1],
    }
    mark_values = [m.value for m in marks if m.value is not None and not s.is_missing(m.value)]
    fmt = a.unit_formatter(value_format, unit, data + mark_values)
    ranks = {
        i: percentile_rank(data, float(m.value))
        for i, m in enumerate(marks)
        if m.value is not None and not s.is_missing(m.value)
    }
    if description is None or not s.one_line(description):
        parts = [
            f"{m.label} ({fmt(m.value)}) au-dessus de {fr_number(ranks[i])} % des {population_label}"
            for i, m in enumerate(marks)
            if i in ranks
        ]
        tail = " ; " + ", ".join(parts) if parts else ""
        description = (
            f"Distribution de {len(data)} {population_label}, médiane {fmt(stats['Médiane'])}{tail}."
        )
    title, description = s.chart_title(title), s.sentence(description)
    prefix = s.make_prefix(id_prefix, "boxstrip", title, data, [(m.label, m.value) for m in marks])

    width = 760.0
    left, right = 40.0, width - 40.0
    ticks = a.domain(data + mark_values, include_zero=False, count=6)
    scale = a.Scale(ticks[0], ticks[-1], left, right)
    body, y = s.title_block(width, title, show_title=show_title, demo=demo)
    xs = [scale(float(m.value)) if i in ranks else None for i, m in enumerate(marks)]
    shown = [
        Marker(f"{m.label} ({ordinal(ranks[i])} centile)" if i in ranks else m.label, m.value, m.style)
        for i, m in enumerate(marks)
    ]
    _, marker_h = _draw_markers(shown, xs, y + 300, fmt, left, right)
    strip_top = y + 8 + marker_h
    marker_parts, _ = _draw_markers(shown, xs, strip_top, fmt, left, right)
    strip_h = 36.0
    mid = strip_top + strip_h / 2
    c_light, c_box, c_dark = "#c6dbef", "#6baed6", "#08306b"
    q = stats
    tips = "; ".join(f"{k} : {fmt(v)}" for k, v in q.items())
    body.append(
        f'<g class="nc-box"><title>{s.esc(tips)}</title>'
        f'<line x1="{s.num(scale(q["Minimum"]))}" y1="{s.num(mid)}" '
        f'x2="{s.num(scale(q["Maximum"]))}" y2="{s.num(mid)}" stroke="#555" stroke-width="1.2"/>'
        f'<line x1="{s.num(scale(q["Minimum"]))}" y1="{s.num(mid - 6)}" '
        f'x2="{s.num(scale(q["Minimum"]))}" y2="{s.num(mid + 6)}" stroke="#555" stroke-width="1.2"/>'
        f'<line x1="{s.num(scale(q["Maximum"]))}" y1="{s.num(mid - 6)}" '
        f'x2="{s.num(scale(q["Maximum"]))}" y2="{s.num(mid + 6)}" stroke="#555" stroke-width="1.2"/>'
        f'<rect class="nc-p10-p90" x="{s.num(scale(q["10e centile"]))}" y="{s.num(strip_top + 8)}" '
        f'width="{s.num(scale(q["90e centile"]) - scale(q["10e centile"]))}" height="{s.num(strip_h - 16)}" '
        f'fill="{c_light}" stroke="{c_box}" stroke-width="0.8"/>'
        f'<rect class="nc-quartiles" x="{s.num(scale(q["1er quartile"]))}" y="{s.num(strip_top)}" '
        f'width="{s.num(scale(q["3e quartile"]) - scale(q["1er quartile"]))}" height="{s.num(strip_h)}" '
        f'fill="{c_box}" stroke="{c_dark}" stroke-width="1"/>'
        f'<line class="nc-median" x1="{s.num(scale(q["Médiane"]))}" y1="{s.num(strip_top - 3)}" '
        f'x2="{s.num(scale(q["Médiane"]))}" y2="{s.num(strip_top + strip_h + 3)}" '
        f'stroke="{c_dark}" stroke-width="3"/>'
        "</g>"
    )
    axis_y = strip_top + strip_h + 10
    tfmt = a.tick_formatter(ticks, unit)
    axis = [
        f'<line x1="{s.num(left)}" y1="{s.num(axis_y)}" x2="{s.num(right)}" y2="{s.num(axis_y)}" '
        f'stroke="{s.AXIS_COLOR}"/>'
    ]
    for t in ticks:
        tx = scale(t)
        axis.append(
            f'<line x1="{s.num(tx)}" y1="{s.num(axis_y)}" x2="{s.num(tx)}" y2="{s.num(axis_y + 4)}" '
            f'stroke="{s.AXIS_COLOR}"/>'
        )
        axis.append(s.text(tx, axis_y + 17, tfmt(t), size=11, anchor="middle", fill=s.MUTED_COLOR))
    body.append("".join(axis))
    body.extend(marker_parts)
    height = axis_y + 40
    key = (
        "Trait fin : minimum à maximum ; bande claire : 10e à 90e centile ; boîte : 1er à 3e quartile ; "
        "trait épais : médiane."
    )
    for line in s.wrap(key, width - 2 * left + 40, 11, 2):
        body.append(s.text(left - 16, height, line, size=11, fill=s.MUTED_COLOR))
        height += 14
    if source:
        body.append(s.text(left - 16, height + 2, f"Source : {source}", size=10.5, fill=s.MUTED_COLOR))
        height += 14
    svg = s.svg_root(
        width=width,
        height=height + 4,
        prefix=prefix,
        title=title,
        description=description,
        body=body,
        kind="boxstrip",
        demo=demo,
    )
    rows = [[k, fmt(v)] for k, v in stats.items()]
    for i, m in enumerate(marks):
        if i in ranks:
            rows.append(
                [m.label, f"{fmt(m.value)} (au-dessus de {fr_number(ranks[i])} % des {population_label})"]
            )
        else:
            rows.append([m.label, s.MISSING])
    caption = (
        title
        + f" ({len(data)} {population_label})"
        + (f" ({s.DEMO_LABEL})" if demo else "")
        + (f" ; source : {source}" if source else "")
    )
    return Chart(
        svg=svg,
        title=title,
        description=description,
        table=DataTable(caption=caption, headers=["Repère", "Valeur"], rows=rows),
        demo=demo,
        kind="boxstrip",
    )
