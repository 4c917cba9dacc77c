"""Map of places (e.g. the collèges of one département) as points coloured by a value.

Same projection as the national map (``choropleth``): equirectangular, longitudes scaled by
cos(46.5°), so a collège sits on this map where it would sit on the national one. The outline
is the département's from the package's GeoJSON; the overseas départements are moved next to
mainland France in that file, so their outline would not match their collèges' real
coordinates: for them only the points are drawn.

Colour is never the only cue: each value class also has its own marker shape (circle, square,
triangle, diamond, as in the line charts), highlighted places carry a black ring, and places
without a value are hollow. Every point has a ``<title>`` (name, code, value) and the data
table lists every place, including those without coordinates (not on the map).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from . import _axes as a
from . import _svg as s

# The outline helpers of the national map: one projection and one path format for both maps.
from .choropleth import (
    COS_LAT,
    _path,
    _rings,
    class_breaks,
    class_of,
    load_departements,
    normalise_code,
    simplify,
)
from .heatmap import SEQUENTIAL, ramp
from .model import Chart, DataTable

WIDTH = 480.0
MARGIN = 16.0
MAP_MAX_HEIGHT = 440.0
POINT_SIZE = 4.6
# One shape per value class (the line charts' shapes; the cross is left out: drawn with a
# stroke only, it would not show the class colour). The circle goes to the darkest class: the
# lightest blue in a circle would read as the hollow circle of a place without a value.
CLASS_SHAPES = ("square", "triangle", "diamond", "circle")
SHAPE_NAMES = {"circle": "rond", "square": "carré", "triangle": "triangle", "diamond": "losange"}
OUTLINE_FILL = "#f2f2f2"
OUTLINE_STROKE = "#8a8a8a"
RING_COLOR = "#1a1a1a"
LEGEND_SIZE = 12.5
LEGEND_ROW = 22.0


@dataclass(frozen=True)
class Place:
    """One point of the map: ``key`` identifies it (a UAI), ``name`` is shown; ``lon``/``lat``
    in WGS84 degrees (None: not on the map, still in the table); ``value`` None: hollow
    point; ``highlight``: drawn with a black ring and named in the legend."""

    key: str
    name: str
    lon: float | None
    lat: float | None
    value: float | None
    highlight: bool = False


def _lonlat(place: Place) -> tuple[float, float] | None:
    """The place's coordinates, or None when it has none (it is then only in the table)."""
    if place.lon is None or place.lat is None or not math.isfinite(place.lon + place.lat):
        return None
    return float(place.lon), float(place.lat)


def _located(place: Place) -> bool:
    return _lonlat(place) is not None


def _outline_rings(geojson: Mapping | None, code: str | None) -> list[list[tuple[float, float]]]:
    """The département's rings in degrees, or none (no code, unknown code, overseas inset)."""
    if code is None:
        return []
    geo = geojson if geojson is not None else load_departements()
    wanted = normalise_code(code)
    for feature in geo["features"]:
        if normalise_code(feature["properties"]["code"]) == wanted and feature.get("geometry"):
            if feature["properties"].get("inset"):
                return []
            return _rings(feature["geometry"])
    return []


@dataclass(frozen=True)
class _Projection:
    min_lon: float
    max_lat: float
    k: float  # pixels per projected degree
    ox: float  # origin of the map area
    oy: float
    width: float
    height: float

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return self.ox + (lon - self.min_lon) * COS_LAT * self.k, self.oy + (self.max_lat - lat) * self.k


def _projection(points: Sequence[tuple[float, float]], y: float) -> _Projection:
    """Fit the points (outline and places, in degrees) in the map area under the title."""
    pad = POINT_SIZE * 2 + 4  # room for a highlighted point's ring at the edge
    if not points:
        return _Projection(0.0, 0.0, 1.0, MARGIN, y, WIDTH - 2 * MARGIN, 0.0)
    min_lon = min(p[0] for p in points)
    max_lon = max(p[0] for p in points)
    min_lat = min(p[1] for p in points)
    max_lat = max(p[1] for p in points)
    span_x = max((max_lon - min_lon) * COS_LAT, 1e-6)
    span_y = max(max_lat - min_lat, 1e-6)
    avail_w = WIDTH - 2 * MARGIN - 2 * pad
    k = min(avail_w / span_x, (MAP_MAX_HEIGHT - 2 * pad) / span_y)
    if max_lon - min_lon < 1e-6 and max_lat - min_lat < 1e-6:  # one place: a small square map
        k = 1000.0
    drawn_w, drawn_h = span_x * k, span_y * k
    ox = MARGIN + pad + (avail_w - drawn_w) / 2
    return _Projection(min_lon, max_lat, k, ox, y + pad, WIDTH - 2 * MARGIN, drawn_h + 2 * pad)


def _class_colors(n_classes: int) -> list[str]:
    """The national map's sequential blues, light (low values) to dark (high values)."""
    return [ramp(SEQUENTIAL, 0.15 + 0.85 * (k / max(n_classes - 1, 1))) for k in range(n_classes)]


def _point(shape: str, x: float, y: float, fill: str, *, ring: bool) -> str:
    """A marker with a dark outline (visible on white and on the outline's grey), and a black
    ring around it for a highlighted place."""
    parts = []
    if ring:
        parts.append(
            f'<circle class="nc-ring" cx="{s.num(x)}" cy="{s.num(y)}" r="{s.num(POINT_SIZE * 2)}" '
            f'fill="none" stroke="{RING_COLOR}" stroke-width="1.8"/>'
        )
    parts.append(s.marker(shape, x, y, RING_COLOR, POINT_SIZE + 1.4))
    parts.append(s.marker(shape, x, y, fill, POINT_SIZE))
    return "".join(parts)


def point_map(
    places: Sequence[Place],
    *,
    outline_code: str | None = None,
    geojson: Mapping | None = None,
    classes: int = 4,
    breaks: Sequence[float] | None = None,
    unit: str = "",
    value_format: Callable[[float | None], str] | None = None,
    legend_title: str | None = None,
    highlight_label: str = "à regarder",
    source: str | None = None,
    title: str = "Carte des établissements",
    description: str | None = None,
    id_prefix: str | None = None,
    demo: bool = False,
    name_header: str = "Établissement",
    key_header: str = "Code",
    value_header: str = "Valeur",
    place_word: tuple[str, str] = ("établissement", "établissements"),
    show_title: bool = True,
    tolerance: float = 0.5,
) -> Chart:
    """One point per place with coordinates, on the outline of département ``outline_code``.

    Values fall in ``classes`` (at most 4) quantile classes, or in the classes ``breaks``
    give; each class has a shade of blue and a marker shape, both in the legend with the
    number of places. ``place_word`` is the singular and plural used in the sentences."""
    if not 1 <= classes <= len(CLASS_SHAPES):
        raise ValueError(f"De 1 à {len(CLASS_SHAPES)} classes (une forme de point par classe).")
    if breaks is not None and not 2 <= len(breaks) <= len(CLASS_SHAPES) + 1:
        raise ValueError(f"De 2 à {len(CLASS_SHAPES) + 1} limites de classes.")
    places = sorted(places, key=lambda p: (p.name, p.key))
    values = [float(p.value) for p in places if p.value is not None and not math.isnan(p.value)]
    fmt = a.unit_formatter(value_format, unit, values)
    legend_fmt = a.unit_formatter(value_format, unit, values, compact=True)
    lims = list(breaks) if breaks is not None else class_breaks(values, classes)
    n_classes = max(len(lims) - 1, 0)
    colors = _class_colors(n_classes)

    def class_index(place: Place) -> int | None:
        if place.value is None or math.isnan(place.value) or not n_classes:
            return None
        return class_of(float(place.value), lims)

    index_of = {p.key: class_index(p) for p in places}
    one, many = place_word

    def count(n: int) -> str:
        return f"{n} {one if n == 1 else many}"

    title = s.chart_title(title)
    prefix = s.make_prefix(
        id_prefix,
        "pointmap",
        title,
        outline_code,
        [(p.key, p.lon, p.lat, p.value, p.highlight) for p in places],
    )
    located = [(p, xy) for p in places if (xy := _lonlat(p)) is not None]
    unlocated = [p for p in places if not _located(p)]

    body, y = s.title_block(WIDTH, title, show_title=show_title, demo=demo)
    rings = _outline_rings(geojson, outline_code)
    proj = _projection(
        [pt for ring in rings for pt in ring] + [xy for _, xy in located],
        y + 8,
    )
    if rings:
        d = _path([simplify([proj(lon, lat) for lon, lat in ring], tolerance) for ring in rings])
        body.append(
            f'<path class="nc-outline" d="{d}" fill="{OUTLINE_FILL}" stroke="{OUTLINE_STROKE}" '
            f'stroke-width="1" stroke-linejoin="round"/>'
        )

    def symbol_words(place: Place) -> str:
        k = index_of[place.key]
        if k is None:
            words = f"rond vide : {s.MISSING}"
        else:
            words = f"{SHAPE_NAMES[CLASS_SHAPES[k]]} : {legend_fmt(lims[k])} à {legend_fmt(lims[k + 1])}"
        if place.highlight:
            words += f", cerclé : {highlight_label}"
        return words

    points = ['<g class="nc-places">']
    # highlighted places last: their rings stay on top of their neighbours
    for place, (lon, lat) in sorted(located, key=lambda pair: pair[0].highlight):
        x, py = proj(lon, lat)
        k = index_of[place.key]
        shape = "circle" if k is None else CLASS_SHAPES[k]
        fill = "#ffffff" if k is None else colors[k]
        tip = f"{place.name} ({place.key}) : {fmt(place.value)}" + (
            f" — {highlight_label}" if place.highlight else ""
        )
        points.append(
            f'<g class="nc-place" data-key="{s.attr(place.key)}" data-class="{"" if k is None else k}" '
            f'data-fill="{fill}"><title>{s.esc(tip)}</title>{_point(shape, x, py, fill, ring=place.highlight)}</g>'
        )
    points.append("</g>")
    body.extend(points)

    # legend under the map: one row per class, then the hollow and ringed points
    ly = proj.oy + proj.height + 10
    legend = ['<g class="nc-legend">']
    if legend_title:
        for line in s.wrap(legend_title, WIDTH - 2 * MARGIN, LEGEND_SIZE, 2):
            legend.append(s.text(MARGIN, ly + 6, line, size=LEGEND_SIZE, weight="bold"))
            ly += LEGEND_SIZE * 1.3
        ly += 6
    entries: list[tuple[str, str, str]] = []  # (markup of the symbol at 0,0, label, data-fill)
    for k in range(n_classes):
        n = sum(1 for p in places if index_of[p.key] == k)
        label = f"{legend_fmt(lims[k])} à {legend_fmt(lims[k + 1])} ({count(n)})"
        entries.append((_point(CLASS_SHAPES[k], 0, 0, colors[k], ring=False), label, colors[k]))
    n_missing = sum(1 for p in places if index_of[p.key] is None)
    if n_missing:
        entries.append(
            (_point("circle", 0, 0, "#ffffff", ring=False), f"{s.MISSING} ({count(n_missing)})", "#ffffff")
        )
    n_highlight = sum(1 for p in places if p.highlight)
    if n_highlight:
        ring = (
            f'<circle class="nc-ring" cx="0" cy="0" r="{s.num(POINT_SIZE * 2)}" fill="none" '
            f'stroke="{RING_COLOR}" stroke-width="1.8"/>'
        )
        entries.append((ring, f"cerclé : {highlight_label} ({count(n_highlight)})", ""))
    for symbol, label, fill in entries:
        lines = s.wrap(label, WIDTH - 2 * MARGIN - 34, LEGEND_SIZE, 2)
        cy = ly + LEGEND_ROW / 2
        legend.append(
            f'<g class="nc-legend-entry" data-fill="{fill}" transform="translate({s.num(MARGIN + 12)} '
            f'{s.num(cy)})">{symbol}{s.text(22, 0, lines, size=LEGEND_SIZE, baseline="middle")}</g>'
        )
        ly += LEGEND_ROW + (len(lines) - 1) * LEGEND_SIZE * 1.2
    legend.append("</g>")
    body.extend(legend)
    if unlocated:
        note = f"Sans coordonnées, absents de la carte (voir le tableau) : {count(len(unlocated))}."
        for line in s.wrap(note, WIDTH - 2 * MARGIN, 11, 2):
            body.append(s.text(MARGIN, ly + 10, line, size=11, fill=s.MUTED_COLOR, extra=' class="nc-note"'))
            ly += 14
    height = ly + 8

    if description is None or not s.one_line(description):
        description = (
            f"Carte de {count(len(located))} placés selon leurs coordonnées, colorés et dessinés "
            f"selon leur valeur en {n_classes} classe{'s' if n_classes > 1 else ''}"
            + (f" ; {n_highlight} {highlight_label}" if n_highlight else "")
            + (f" ; {count(len(unlocated))} sans coordonnées" if unlocated else "")
        )
    description = s.sentence(description)
    svg = s.svg_root(
        width=WIDTH,
        height=height,
        prefix=prefix,
        title=title,
        description=description,
        body=body,
        kind="pointmap",
        demo=demo,
        source=source,
    )
    rows = [
        [
            p.name,
            p.key,
            fmt(p.value),
            symbol_words(p) if _located(p) else "absent de la carte (sans coordonnées)",
        ]
        for p in places
    ]
    table = DataTable(
        caption=s.caption(title, demo, source),
        headers=[name_header, key_header, value_header, "Sur la carte"],
        rows=rows,
    )
    return Chart(svg=svg, title=title, description=description, table=table, demo=demo, kind="pointmap")
