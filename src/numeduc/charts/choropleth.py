"""Map of France by département, coloured by category (peer group) or by value classes.

Projection: equirectangular with longitudes scaled by cos(46.5°), enough at this scale; the
overseas départements come already moved next to mainland France in
``departements-drom-insets.geojson`` (see its PROVENANCE). Paris and its inner ring are
repeated, enlarged, in a corner box.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from . import _axes as a
from . import _svg as s
from .heatmap import SEQUENTIAL, ramp
from .model import Chart, DataTable

COS_LAT = math.cos(math.radians(46.5))
ZOOM_CODES = ("75", "92", "93", "94")
GEOJSON_NAME = "departements-drom-insets.geojson"


@lru_cache(maxsize=1)
def _load_text() -> str:
    return resources.files("numeduc.data.geo").joinpath(GEOJSON_NAME).read_text(encoding="utf-8")


def load_departements() -> dict:
    """The package's GeoJSON of the 101 départements (overseas ones as insets)."""
    return json.loads(_load_text())


def normalise_code(code: object) -> str:
    """1 -> "01", "2a" -> "2A", " 974 " -> "974"."""
    text = str(code).strip().upper()
    if text.isdigit() and len(text) < 2:
        text = text.zfill(2)
    return text


def _rings(geometry: Mapping) -> list[list[tuple[float, float]]]:
    if geometry["type"] == "Polygon":
        return [[(float(x), float(y)) for x, y, *_ in ring] for ring in geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return [
            [(float(x), float(y)) for x, y, *_ in ring] for poly in geometry["coordinates"] for ring in poly
        ]
    raise ValueError(f"Géométrie non prise en charge : {geometry['type']}")


def simplify(points: Sequence[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Ramer-Douglas-Peucker (iterative), keeping the first and last points."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    tol2 = tolerance * tolerance
    while stack:
        start, end = stack.pop()
        (x0, y0), (x1, y1) = points[start], points[end]
        dx, dy = x1 - x0, y1 - y0
        norm2 = dx * dx + dy * dy
        best, best_d = -1, tol2
        for i in range(start + 1, end):
            px, py = points[i]
            if norm2 == 0:
                d = (px - x0) ** 2 + (py - y0) ** 2
            else:
                cross = dx * (py - y0) - dy * (px - x0)
                d = cross * cross / norm2
            if d > best_d:
                best, best_d = i, d
        if best >= 0:
            keep[best] = True
            stack.append((start, best))
            stack.append((best, end))
    return [p for p, k in zip(points, keep) if k]


def _path(rings: Sequence[Sequence[tuple[float, float]]]) -> str:
    """Relative path data with one decimal: short, and exact to 0.1 px."""
    parts = []
    for ring in rings:
        pts = [(round(x, 1), round(y, 1)) for x, y in ring]
        dedup = [pts[0]]
        for p in pts[1:]:
            if p != dedup[-1]:
                dedup.append(p)
        if len(dedup) > 1 and dedup[-1] == dedup[0]:
            dedup.pop()
        if len(dedup) < 3:
            continue
        x0, y0 = dedup[0]
        cmd = [f"M{s.num(x0)} {s.num(y0)}l"]
        px, py = x0, y0
        steps = []
        for x, y in dedup[1:]:
            dx, dy = round(x - px, 1), round(y - py, 1)
            steps.append(f"{s.num(dx)} {s.num(dy)}")
            px, py = x, y
        parts.append(cmd[0] + " ".join(steps).replace(" -", "-") + "z")
    return "".join(parts)


MAP_WIDTH = 520.0


@dataclass(frozen=True)
class _Geometry:
    height: float
    paths: list[tuple[str, str]]  # (code, path data) in the map's own frame (origin top left)
    inset_boxes: list[tuple[float, float, float, float]]
    zoom_rings: dict[str, list[list[tuple[float, float]]]]


_GEOMETRY_CACHE: dict[tuple, _Geometry] = {}


def _fingerprint(features: Sequence[Mapping]) -> tuple:
    """Content key of the outlines: per feature its code, point count and coordinate sums
    (cheap, and changes whenever a point moves)."""
    key = []
    for f in features:
        rings = _rings(f["geometry"])
        key.append(
            (
                str(f["properties"]["code"]),
                bool(f["properties"].get("inset")),
                sum(len(r) for r in rings),
                round(sum(x + 2 * y for r in rings for x, y in r), 6),
            )
        )
    return tuple(key)


def _map_geometry(features: Sequence[Mapping], tolerance: float) -> _Geometry:
    key = (_fingerprint(features), tolerance)
    cached = _GEOMETRY_CACHE.get(key)
    if cached is not None:
        return cached
    all_points = [p for f in features for ring in _rings(f["geometry"]) for p in ring]
    min_lon = min(p[0] for p in all_points)
    max_lon = max(p[0] for p in all_points)
    min_lat = min(p[1] for p in all_points)
    max_lat = max(p[1] for p in all_points)
    k = MAP_WIDTH / ((max_lon - min_lon) * COS_LAT)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - min_lon) * COS_LAT * k, (max_lat - lat) * k

    paths, boxes, zoom = [], [], {}
    for f in features:
        code = normalise_code(f["properties"]["code"])
        rings = [[project(lon, lat) for lon, lat in ring] for ring in _rings(f["geometry"])]
        if code in ZOOM_CODES:
            zoom[code] = rings
        if f["properties"].get("inset"):
            xs = [p[0] for r in rings for p in r]
            ys = [p[1] for r in rings for p in r]
            boxes.append((min(xs) - 4, min(ys) - 4, max(xs) + 4, max(ys) + 4))
        paths.append((code, _path([simplify(r, tolerance) for r in rings])))
    geometry = _Geometry((max_lat - min_lat) * k, paths, boxes, zoom)
    if len(_GEOMETRY_CACHE) >= 8:
        _GEOMETRY_CACHE.pop(next(iter(_GEOMETRY_CACHE)))
    _GEOMETRY_CACHE[key] = geometry
    return geometry


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    """Linear interpolation between order statistics (R's type 7, numpy's default)."""
    pos = (len(sorted_values) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def class_breaks(values: Sequence[float], classes: int, method: str = "quantile") -> list[float]:
    """Class limits (classes + 1 increasing numbers, fewer when values repeat)."""
    data = sorted(values)
    if not data:
        return []
    if method == "equal":
        lo, hi = data[0], data[-1]
        breaks = [lo + (hi - lo) * k / classes for k in range(classes + 1)]
    elif method == "quantile":
        breaks = [_quantile(data, k / classes) for k in range(classes + 1)]
    else:
        raise ValueError(f"Méthode de classes inconnue : {method} (quantile ou equal).")
    unique = [breaks[0]]
    for b in breaks[1:]:
        if b > unique[-1] + 1e-12 * max(1.0, abs(b)):
            unique.append(b)
    if len(unique) == 1:
        unique.append(unique[0])
    return unique


def class_of(value: float, breaks: Sequence[float]) -> int:
    """Index of the class holding ``value``: [b0, b1], ]b1, b2], ... (first one closed)."""
    for k in range(1, len(breaks) - 1):
        if value <= breaks[k]:
            return k - 1
    return len(breaks) - 2


WIDTH = 760.0
ZOOM_BOX = 110.0


def _present(v: object) -> bool:
    """A value to show: not None, NaN or a blank string."""
    return not (
        v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())
    )


@dataclass(frozen=True)
class _Colouring:
    """Fill of each département with a value, the legend's (fill, label) entries, the
    ``<defs>`` content and the value formatter."""

    fill_of: dict[str, str]
    legend_items: list[tuple[str, str]]
    defs: list[str]
    fmt: Callable[[object], str]


def _missing_pattern(prefix: str) -> str:
    return (
        f'<pattern id="{prefix}-missing" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="#f2f2f2"/>'
        f'<path d="M0 0L6 6M-1 5L1 7M5 -1L7 1" stroke="#8a8a8a" stroke-width="0.8"/></pattern>'
    )


def _categorical_colouring(
    known: Mapping[str, object],
    categories: Sequence[str] | None,
    prefix: str,
    colours: Mapping[str, str] | None = None,
) -> _Colouring:
    """One palette colour and fill pattern per category (the given ones first, then the
    others met, sorted); ``colours`` (from ``_svg.category_colours``) fixes the colour of each
    category it names and, without ``categories``, their order."""
    defs = [_missing_pattern(prefix)]
    if categories is None and colours is not None:
        categories = list(colours)
    cats = (
        [str(c) for c in categories] if categories is not None else sorted({str(v) for v in known.values()})
    )
    extra = sorted({str(v) for v in known.values()} - set(cats))
    cats += extra
    colors = [(colours or {}).get(c, s.PALETTE[i % len(s.PALETTE)]) for i, c in enumerate(cats)]
    pattern_markup, fills = a.pattern_defs(prefix, colors)
    defs.append(pattern_markup.removeprefix("<defs>").removesuffix("</defs>"))
    cat_fill = dict(zip(cats, fills))
    fill_of = {code: cat_fill[str(v)] for code, v in known.items()}
    counts = {c: sum(1 for v in known.values() if str(v) == c) for c in cats}
    legend_items = [(cat_fill[c], f"{c} ({counts[c]})") for c in cats]

    def fmt(v: object) -> str:
        return str(v) if _present(v) else s.MISSING

    return _Colouring(fill_of, legend_items, defs, fmt)


def _numeric_colouring(
    known: Mapping[str, object],
    *,
    classes: int,
    method: str,
    breaks: Sequence[float] | None,
    unit: str,
    value_format: Callable[[float | None], str] | None,
    prefix: str,
) -> _Colouring:
    """Classes (``breaks`` given, or computed by ``method``) on the sequential blue scale."""
    defs = [_missing_pattern(prefix)]
    numbers = {}
    for code, v in known.items():
        try:
            numbers[code] = float(v)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(f"Valeur non numérique pour {code} : {v!r} (categorical=True ?)") from None
    fmt_num = a.unit_formatter(value_format, unit, list(numbers.values()))
    legend_fmt = a.unit_formatter(value_format, unit, list(numbers.values()), compact=True)

    def fmt(v: object) -> str:
        return fmt_num(float(v)) if _present(v) else s.MISSING  # type: ignore[arg-type]

    fill_of: dict[str, str] = {}
    legend_items: list[tuple[str, str]] = []
    lims = list(breaks) if breaks is not None else class_breaks(list(numbers.values()), classes, method)
    if lims:
        n_classes = len(lims) - 1
        class_colors = [ramp(SEQUENTIAL, 0.15 + 0.85 * (k / max(n_classes - 1, 1))) for k in range(n_classes)]
        counts = [0] * n_classes
        for code, value in numbers.items():
            k = class_of(value, lims)
            fill_of[code] = class_colors[k]
            counts[k] += 1
        for k in range(n_classes):
            low = legend_fmt(lims[k])
            high = legend_fmt(lims[k + 1])
            legend_items.append((class_colors[k], f"{low} à {high} ({counts[k]})"))
    return _Colouring(fill_of, legend_items, defs, fmt)


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class _ZoomLayout:
    """The enlarged Paris box: its corner and the map-to-box transform."""

    bx: float
    by: float
    factor: float
    cxo: float
    cyo: float


@dataclass(frozen=True)
class _Layout:
    ox: float  # map origin
    oy: float
    lx: float  # legend column
    title_lines: list[tuple[float, str]]  # legend title: (y, line)
    rows: list[tuple[float, str, list[str]]]  # legend entries: (y, fill, label lines)
    zoom: _ZoomLayout | None
    source_lines: list[tuple[float, str]]  # (y, line)
    height: float  # of the root, source lines included


def _zoom_layout(
    zoom_rings: Mapping[str, list[list[tuple[float, float]]]], lx: float, ly: float
) -> _ZoomLayout:
    pts = [p for rings in zoom_rings.values() for r in rings for p in r]
    zx0, zy0 = min(p[0] for p in pts), min(p[1] for p in pts)
    zx1, zy1 = max(p[0] for p in pts), max(p[1] for p in pts)
    factor = (ZOOM_BOX - 12) / max(zx1 - zx0, zy1 - zy0)
    bx, by = lx, ly + 10
    cxo = bx + ZOOM_BOX / 2 - (zx0 + zx1) / 2 * factor
    cyo = by + ZOOM_BOX / 2 + 6 - (zy0 + zy1) / 2 * factor
    return _ZoomLayout(bx, by, factor, cxo, cyo)


def _layout(
    geometry: _Geometry,
    y: float,
    *,
    legend_title: str | None,
    legend_items: Sequence[tuple[str, str]],
    zoom_paris: bool,
    source: str | None,
) -> _Layout:
    """Map at the left under the title; legend column on the right (title, entries, then the
    Paris box); source lines at the bottom."""
    ox, oy = 16.0, y + 12
    lx = ox + MAP_WIDTH + 20
    ly = oy + 10
    title_lines = []
    if legend_title:
        for line in s.wrap(legend_title, WIDTH - lx - 10, 12, 3):
            title_lines.append((ly, line))
            ly += 15
        ly += 4
    rows = []
    for fill, label in legend_items:
        lines = s.wrap(label, WIDTH - lx - 34, 11.5, 2)
        rows.append((ly, fill, lines))
        ly += 14 + 8 + (len(lines) - 1) * 13.8
    zoom = None
    if zoom_paris and len(geometry.zoom_rings) == len(ZOOM_CODES):
        zoom = _zoom_layout(geometry.zoom_rings, lx, ly)
        ly = zoom.by + ZOOM_BOX + 12
    height = max(oy + geometry.height, ly) + 12
    source_lines = []
    if source:
        for line in s.wrap(f"Source : {source}", WIDTH - 32, 10.5, 2):
            source_lines.append((height + 4, line))
            height += 13
    return _Layout(ox, oy, lx, title_lines, rows, zoom, source_lines, height + 6)


# --------------------------------------------------------------------------- drawing


def _dep_path(css_class: str, code: str, d: str, fill: str, tip: str) -> str:
    return (
        f'<path class="{css_class}" data-code="{s.attr(code)}" d="{d}" fill="{fill}">'
        f"<title>{s.esc(tip)}</title></path>"
    )


def _draw_map(
    geometry: _Geometry, lay: _Layout, fill: Callable[[str], str], tip: Callable[[str], str]
) -> list[str]:
    """The départements (and the boxes around the overseas insets), moved to the map origin."""
    paths = [_dep_path("nc-dep", code, d, fill(code), tip(code)) for code, d in geometry.paths]
    body = [f'<g transform="translate({s.num(lay.ox)} {s.num(lay.oy)})">']
    for x0, y0, x1, y1 in geometry.inset_boxes:
        body.append(
            f'<rect class="nc-inset" x="{s.num(x0)}" y="{s.num(y0)}" width="{s.num(x1 - x0)}" '
            f'height="{s.num(y1 - y0)}" fill="none" stroke="#b0b0b0" stroke-width="0.8"/>'
        )
    body.append(
        f'<g class="nc-map" stroke="#ffffff" stroke-width="0.6" stroke-linejoin="round">{"".join(paths)}</g>'
    )
    body.append("</g>")
    return body


def _draw_legend(lay: _Layout) -> str:
    legend = ['<g class="nc-legend">']
    for ly, line in lay.title_lines:
        legend.append(s.text(lay.lx, ly, line, size=12, weight="bold"))
    for ly, fill, lines in lay.rows:
        legend.append(
            f'<rect x="{s.num(lay.lx)}" y="{s.num(ly)}" width="18" height="14" fill="{fill}" '
            f'stroke="{s.AXIS_COLOR}" stroke-width="0.6"/>'
        )
        legend.append(s.text(lay.lx + 26, ly + 7, lines, size=11.5, baseline="middle"))
    legend.append("</g>")
    return "".join(legend)


def _draw_zoom(
    zoom: _ZoomLayout,
    zoom_rings: Mapping[str, list[list[tuple[float, float]]]],
    tolerance: float,
    fill: Callable[[str], str],
    tip: Callable[[str], str],
) -> str:
    """Paris and its inner ring, enlarged, in the legend column under the legend."""
    zoom_paths = []
    for code in ZOOM_CODES:
        rings = [
            [(zoom.cxo + x * zoom.factor, zoom.cyo + y * zoom.factor) for x, y in r] for r in zoom_rings[code]
        ]
        d = _path([simplify(r, tolerance) for r in rings])
        zoom_paths.append(_dep_path("nc-zoom", code, d, fill(code), tip(code)))
    return (
        f'<g class="nc-zoom-box"><rect x="{s.num(zoom.bx)}" y="{s.num(zoom.by)}" width="{ZOOM_BOX}" '
        f'height="{ZOOM_BOX + 12}" fill="#ffffff" stroke="#b0b0b0" stroke-width="0.8"/>'
        + s.text(
            zoom.bx + ZOOM_BOX / 2,
            zoom.by + 11,
            "Paris et petite couronne",
            size=9,
            anchor="middle",
            fill=s.MUTED_COLOR,
        )
        + f'<g stroke="#ffffff" stroke-width="0.8">{"".join(zoom_paths)}</g></g>'
    )


def _table(
    names: Mapping[str, str],
    by_code: Mapping[str, object],
    fmt: Callable[[object], str],
    *,
    value_header: str,
    caption: str,
) -> DataTable:
    """One row per département, in the GeoJSON's order."""
    rows = [[code, names[code], fmt(by_code.get(code))] for code in names]
    return DataTable(caption=caption, headers=["Code", "Département", value_header], rows=rows)


def choropleth(
    geojson: Mapping | None,
    values: Mapping[object, float | str | None],
    *,
    categorical: bool = False,
    classes: int = 5,
    method: str = "quantile",
    breaks: Sequence[float] | None = None,
    categories: Sequence[str] | None = None,
    colours: Mapping[str, str] | None = None,
    unit: str = "",
    value_format: Callable[[float | None], str] | None = None,
    legend_title: str | None = None,
    source: str | None = None,
    title: str = "Carte par département",
    description: str | None = None,
    id_prefix: str | None = None,
    demo: bool = False,
    value_header: str = "Valeur",
    zoom_paris: bool = True,
    tolerance: float = 0.35,
    show_title: bool = True,
) -> Chart:
    """Each département a ``<path>`` with a ``<title>`` "Nom (code) : valeur". Numbers are
    grouped in ``classes`` classes (quantiles by default, or ``breaks`` given) on a
    sequential blue scale; categories (``categorical=True``) get a colour and a fill
    pattern each (``colours``: category -> colour, shared with other charts of the same
    categories). Départements without a value are hatched grey. ``geojson=None`` uses the
    package's map."""
    geo = geojson if geojson is not None else load_departements()
    features = [f for f in geo["features"] if f.get("geometry")]
    by_code = {normalise_code(k): v for k, v in values.items()}
    names = {
        normalise_code(f["properties"]["code"]): str(f["properties"].get("nom", f["properties"]["code"]))
        for f in features
    }
    unknown = sorted(set(by_code) - set(names))
    if unknown:
        raise ValueError(f"Codes de département inconnus : {', '.join(unknown[:10])}.")

    known = {c: v for c, v in by_code.items() if _present(v)}
    title = s.chart_title(title)
    prefix = s.make_prefix(
        id_prefix, "map", title, sorted((c, str(v)) for c, v in by_code.items()), categorical
    )

    if categorical:
        colouring = _categorical_colouring(known, categories, prefix, colours)
    else:
        colouring = _numeric_colouring(
            known,
            classes=classes,
            method=method,
            breaks=breaks,
            unit=unit,
            value_format=value_format,
            prefix=prefix,
        )
    legend_items = list(colouring.legend_items)
    n_missing = len(names) - len(known)
    if n_missing:
        legend_items.append((f"url(#{prefix}-missing)", f"{s.MISSING} ({n_missing})"))
    if description is None or not s.one_line(description):
        how = (
            "par catégorie"
            if categorical
            else f"en {max(len(legend_items) - (1 if n_missing else 0), 0)} classes"
        )
        description = f"Carte des {len(names)} départements colorés {how} ; {len(known)} ont une valeur."
    description = s.sentence(description)

    # projection (cached: simplifying 28,000 points is most of the work)
    geometry = _map_geometry(features, tolerance)
    body, y = s.title_block(WIDTH, title, show_title=show_title, demo=demo)
    lay = _layout(
        geometry,
        y,
        legend_title=legend_title,
        legend_items=legend_items,
        zoom_paris=zoom_paris,
        source=source,
    )

    def fill(code: str) -> str:
        return colouring.fill_of.get(code, f"url(#{prefix}-missing)")

    def tip(code: str) -> str:
        return f"{names[code]} ({code}) : {colouring.fmt(by_code.get(code))}"

    body.append(f"<defs>{''.join(colouring.defs)}</defs>")
    body.extend(_draw_map(geometry, lay, fill, tip))
    body.append(_draw_legend(lay))
    if lay.zoom is not None:
        body.append(_draw_zoom(lay.zoom, geometry.zoom_rings, tolerance, fill, tip))
    for ly, line in lay.source_lines:
        body.append(s.text(16, ly, line, size=10.5, fill=s.MUTED_COLOR))
    svg = s.svg_root(
        width=WIDTH,
        height=lay.height,
        prefix=prefix,
        title=title,
        description=description,
        body=body,
        kind="map",
        demo=demo,
    )
    # not s.caption: the source is kept as given here (that one makes it one line)
    caption = title + (f" ({s.DEMO_LABEL})" if demo else "") + (f" ; source : {source}" if source else "")
    table = _table(names, by_code, colouring.fmt, value_header=value_header, caption=caption)
    return Chart(svg=svg, title=title, description=description, table=table, demo=demo, kind="map")
