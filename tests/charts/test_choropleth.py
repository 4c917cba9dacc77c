from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numeduc.charts.choropleth import (
    choropleth,
    class_breaks,
    class_of,
    load_departements,
    normalise_code,
    simplify,
)
from numeduc.charts.validate import NS, all_text, check_chart, with_class

EVIL = '<script>&"'
GEO = load_departements()
CODES = [f["properties"]["code"] for f in GEO["features"]]


def test_numeric_map_has_101_departements_with_titles_and_classes():
    values = {code: float(i) for i, code in enumerate(CODES)}
    values["974"] = None
    values[1] = 45451.43  # int code normalised to "01"
    chart = choropleth(GEO, values, unit="€", source="INSEE 2014", id_prefix="m", title=EVIL)
    root = check_chart(chart)
    deps = with_class(root, "nc-dep")
    assert len(deps) == 101
    assert {d.get("data-code") for d in deps} == set(CODES)
    ain = [d for d in deps if d.get("data-code") == "01"][0]
    assert ain.find(f"{NS}title").text == "Ain (01) : 45\u202f451,43\u00a0€"
    reunion = [d for d in deps if d.get("data-code") == "974"][0]
    assert reunion.get("fill").startswith("url(#m-missing")
    assert reunion.find(f"{NS}title").text.endswith(": non renseigné")
    fills = {d.get("fill") for d in deps} - {reunion.get("fill")}
    assert len(fills) == 5  # 5 quantile classes
    assert len(with_class(root, "nc-zoom")) == 4
    assert len(with_class(root, "nc-inset")) == 5
    text = all_text(root)
    assert "non renseigné (1)" in text and "Source : INSEE 2014" in text
    assert chart.table.headers == ["Code", "Département", "Valeur"]
    assert len(chart.table.rows) == 101
    assert ["01", "Ain", "45\u202f451,43\u00a0€"] in chart.table.rows
    assert "source : INSEE 2014" in chart.table.caption
    # coordinates kept to one decimal: the whole map stays small
    assert len(chart.svg) < 150_000


def test_categorical_map_uses_patterns_and_escapes_categories():
    values = {
        code: ("Groupe A" if i % 3 == 0 else EVIL if i % 3 == 1 else None) for i, code in enumerate(CODES)
    }
    chart = choropleth(None, values, categorical=True, id_prefix="c", demo=True)
    root = check_chart(chart)
    legend = "".join(with_class(root, "nc-legend")[0].itertext())
    assert f"{EVIL} (34)" in legend and "Groupe A (34)" in legend and "non renseigné (33)" in legend
    fills = {d.get("fill") for d in with_class(root, "nc-dep")}
    assert len(fills) == 3
    # second category drawn with a pattern (grey print), defined in the SVG
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    for fill in fills:
        if fill.startswith("url("):
            assert fill[5:-1] in ids


def test_unknown_code_and_text_value_are_refused():
    with pytest.raises(ValueError, match="inconnus : 99"):
        choropleth(GEO, {"99": 1.0})
    with pytest.raises(ValueError, match="non numérique"):
        choropleth(GEO, {"01": "rural"})


def test_normalise_code():
    assert normalise_code(1) == "01"
    assert normalise_code("2a") == "2A"
    assert normalise_code(" 974 ") == "974"


def test_quantile_breaks_match_numpy():
    data = [3.0, 1.0, 4.0, 1.5, 9.0, 2.6, 5.0, 3.5]
    assert np.allclose(class_breaks(data, 4), np.quantile(data, [0, 0.25, 0.5, 0.75, 1]))
    assert class_breaks(data, 2, "equal") == [1.0, 5.0, 9.0]
    assert class_breaks([2.0, 2.0, 2.0], 5) == [2.0, 2.0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=50), st.integers(1, 7))
def test_every_value_falls_in_a_class_whose_limits_hold_it(data, classes):
    breaks = class_breaks(data, classes)
    for v in data:
        k = class_of(v, breaks)
        assert 0 <= k < len(breaks) - 1
        assert breaks[k] - 1e-6 <= v <= breaks[k + 1] + 1e-6


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100)), min_size=2, max_size=60), st.floats(0.1, 5))
def test_simplify_keeps_ends_and_a_subset_in_order(points, tolerance):
    kept = simplify(points, tolerance)
    assert kept[0] == points[0] and kept[-1] == points[-1]
    positions = []
    start = 0
    for p in kept:  # a subsequence of the input
        start = points.index(p, start)
        positions.append(start)
    assert positions == sorted(positions)


def test_simplify_drops_points_closer_than_tolerance_and_keeps_corners():
    wobbly = [(x, 0.1 if x % 2 else -0.1) for x in range(0, 21)]
    assert simplify(wobbly, 0.5) == [wobbly[0], wobbly[-1]]
    square = [(0, 0), (5, 0.01), (10, 0), (10, 10), (0, 10), (0, 0)]
    assert simplify(square, 0.5) == [(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)]


def test_geometry_cache_follows_the_outlines():
    import copy

    geo = copy.deepcopy(GEO)
    values = {"01": 1.0}
    first = choropleth(geo, values, id_prefix="g").svg
    assert choropleth(geo, values, id_prefix="g").svg == first
    ring = geo["features"][0]["geometry"]["coordinates"][0]
    ring[1] = [ring[1][0] + 0.5, ring[1][1]]  # move one point of Ain by half a degree
    moved = choropleth(geo, values, id_prefix="g").svg
    assert moved != first
