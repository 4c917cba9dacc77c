"""The map of places (collèges of a département): every place, colours and shapes matching the
legend, stable markup, the table beside it."""

from __future__ import annotations

import hashlib
import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numeduc.charts.point_map import CLASS_SHAPES, Place, point_map
from numeduc.charts.validate import NS, all_text, check_chart, with_class

EVIL = '<script>&"'

# Five collèges of the Loiret (coordinates of the reference file), one without a value,
# one without coordinates, two highlighted.
LOIRET = [
    Place("0450008P", "Collège Albert Camus", 1.9205, 47.9187, 0.55, highlight=True),
    Place("0450061X", "Collège Alfred de Musset", 2.7326, 47.9975, 0.71),
    Place("0450939B", "Collège Alain Fournier", 1.8791, 47.8792, 0.22, highlight=True),
    Place("0451042N", "Collège Jean Rostand", 2.0049, 47.8451, None),
    Place("0450099N", "Collège sans adresse", None, None, 0.40),
]


def places_by_key(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-key"): g for g in with_class(root, "nc-place")}


def legend_fills(root: ET.Element) -> list[str]:
    return [g.get("data-fill") for g in with_class(root, "nc-legend-entry")]


def drawn_fill(group: ET.Element) -> str:
    """The fill of the point's coloured marker (the last shape drawn in its group)."""
    shapes = [el for el in group if el.tag != f"{NS}title"]
    return shapes[-1].get("fill")


def test_every_located_place_is_a_point_with_its_title_and_the_table_has_them_all():
    chart = point_map(
        LOIRET,
        outline_code="45",
        unit="%",
        value_format=lambda v: "non renseigné" if v is None else f"{v * 100:.0f}\u00a0%",
        title="Élèves actifs — novembre 2024",
        name_header="Collège",
        key_header="UAI",
        place_word=("collège", "collèges"),
        id_prefix="pm",
        source="journaux ENT du département",
    )
    root = check_chart(chart)
    points = places_by_key(root)
    assert set(points) == {p.key for p in LOIRET if p.lon is not None}
    assert (
        points["0450008P"].find(f"{NS}title").text
        == "Collège Albert Camus (0450008P) : 55\u00a0% — à regarder"
    )
    assert points["0451042N"].find(f"{NS}title").text == "Collège Jean Rostand (0451042N) : non renseigné"
    assert len(with_class(root, "nc-outline")) == 1
    # rings on the highlighted points only (plus the legend's symbol)
    assert {g.get("data-key") for g in points.values() if with_class(g, "nc-ring")} == {
        "0450008P",
        "0450939B",
    }
    assert chart.table.headers == ["Collège", "UAI", "Valeur", "Sur la carte"]
    assert [r[1] for r in chart.table.rows] == ["0450939B", "0450008P", "0450061X", "0451042N", "0450099N"]
    assert ["Collège sans adresse", "0450099N", "40\u00a0%", "absent de la carte (sans coordonnées)"] in (
        chart.table.rows
    )
    text = all_text(root)
    assert "cerclé : à regarder (2 collèges)" in text
    assert "non renseigné (1 collège)" in text
    assert "Sans coordonnées, absents de la carte (voir le tableau) : 1 collège." in text
    assert "Source : journaux ENT du département" in text
    assert chart.description == (
        "Carte de 4 collèges placés selon leurs coordonnées, colorés et dessinés selon leur valeur "
        "en 4 classes ; 2 à regarder ; 1 collège sans coordonnées."
    )


def test_colours_and_shapes_match_the_legend():
    places = [
        Place(f"U{i:02d}", f"Collège {i:02d}", 1.5 + i * 0.05, 47.5 + (i % 5) * 0.1, float(i))
        for i in range(20)
    ]
    chart = point_map(places, outline_code="45", id_prefix="c")
    root = check_chart(chart)
    fills = legend_fills(root)
    assert len(fills) == 4 and len(set(fills)) == 4  # four classes, four shades
    entries = with_class(root, "nc-legend-entry")
    for group in places_by_key(root).values():
        k = int(group.get("data-class"))
        assert drawn_fill(group) == fills[k] == group.get("data-fill")
        # the shape drawn is the legend's shape of that class
        assert [el.tag for el in group][-1] == [el.tag for el in entries[k]][-2]
    counts = [sum(1 for g in places_by_key(root).values() if g.get("data-class") == str(k)) for k in range(4)]
    assert counts == [5, 5, 5, 5]
    labels = ["".join(e.itertext()) for e in entries]
    assert labels[0] == "0 à 5 (5 établissements)"  # limits rounded as the values are
    assert labels[3].endswith("(5 établissements)")
    # darker blue for higher values
    assert [int(f[1:3], 16) for f in fills] == sorted((int(f[1:3], 16) for f in fills), reverse=True)


def test_the_same_input_gives_the_same_bytes():
    first = point_map(LOIRET, outline_code="45", title="Carte", id_prefix="s", demo=True)
    again = point_map(list(reversed(LOIRET)), outline_code="45", title="Carte", id_prefix="s", demo=True)
    assert first.svg == again.svg and first.table == again.table
    # a fixed digest: any change to the drawing shows up here and must be looked at
    assert hashlib.sha256(first.svg.encode()).hexdigest()[:16] == GOLDEN_DIGEST
    check_chart(first)


GOLDEN_DIGEST = "f0ece881fc0394d3"


def test_text_is_escaped_and_demo_is_marked():
    places = [Place(EVIL, EVIL, 1.9, 47.9, 0.5, highlight=True)]
    chart = point_map(places, outline_code="45", title=EVIL, highlight_label=EVIL, demo=True)
    root = check_chart(chart)
    assert places_by_key(root)[EVIL].find(f"{NS}title").text == f"{EVIL} ({EVIL}) : 0,5 — {EVIL}"
    assert "données de démonstration" in chart.table.caption


def test_overseas_departement_draws_points_without_the_moved_outline():
    chart = point_map([Place("9740001A", "Collège de Saint-Denis", 55.45, -20.88, 1.0)], outline_code="974")
    root = check_chart(chart)
    assert with_class(root, "nc-outline") == []
    assert len(places_by_key(root)) == 1


def test_no_place_at_all_still_gives_a_valid_chart():
    chart = point_map([], outline_code="45")
    root = check_chart(chart)
    assert places_by_key(root) == {} and chart.table.rows == []


@pytest.mark.parametrize("classes", [0, 5])
def test_class_count_is_bounded_by_the_shapes(classes):
    with pytest.raises(ValueError, match="classes"):
        point_map(LOIRET, classes=classes)


# Keys as UAIs are, plus the characters markup must escape.
KEY_CHARACTERS = "0123456789ABCZ<&\"'"
coordinate = st.floats(min_value=-5.0, max_value=9.0, allow_nan=False)
latitude = st.floats(min_value=41.0, max_value=51.0, allow_nan=False)
value = st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.builds(
            Place,
            key=st.text(alphabet=KEY_CHARACTERS, min_size=1, max_size=10),
            name=st.text(max_size=30),
            lon=st.one_of(st.none(), coordinate),
            lat=st.one_of(st.none(), latitude),
            value=value,
            highlight=st.booleans(),
        ),
        max_size=25,
        unique_by=lambda p: p.key,
    ),
    st.integers(min_value=1, max_value=len(CLASS_SHAPES)),
)
def test_any_places_give_a_valid_map_with_each_located_place_once(places, classes):
    chart = point_map(places, outline_code="45", classes=classes)
    root = check_chart(chart)
    keys = [g.get("data-key") for g in with_class(root, "nc-place")]
    located = [
        p.key for p in places if p.lon is not None and p.lat is not None and math.isfinite(p.lon + p.lat)
    ]
    assert sorted(keys) == sorted(located)
    assert len(chart.table.rows) == len(places)
    fills = legend_fills(root)
    for group in with_class(root, "nc-place"):
        k = group.get("data-class")
        assert drawn_fill(group) == (fills[int(k)] if k else "#ffffff")
