from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numeduc.charts import Series, radar
from numeduc.charts.gallery import FACTORS
from numeduc.charts.validate import NS, all_text, check_chart, find_all, parse, with_class

EVIL = '<script>&"'

NARROW = "\u202f"


def three_series(values=None):
    return [
        Series("Votre département", values or [3, 2, 2.5, 4, 3, 1, 2, 3, 3, 2, 3, 4, 3], "primary"),
        Series("Médiane nationale", [2.5] * 13, "reference"),
        Series("Médiane du groupe de pairs", [3] * 13, "secondary"),
    ]


def test_thirteen_numbered_axes_one_outline_per_series():
    chart = radar(FACTORS, three_series(), id_prefix="r1")
    root = check_chart(chart)
    assert len(find_all(root, "line", "nc-spoke")) == 13
    labels = with_class(root, "nc-axis-label")
    assert len(labels) == 13
    numbers = ["".join(label.find(f"{NS}text").itertext()) for label in labels]
    assert numbers == [str(i) for i in range(1, 14)]
    # full label kept as the hover title of each axis
    assert labels[1].find(f"{NS}title").text == "2. " + FACTORS[1]
    groups = with_class(root, "nc-series")
    assert len(groups) == 3
    for group in groups:
        outlines = with_class(group, "nc-series-line")
        assert len(outlines) == 1 and outlines[0].tag == f"{NS}polygon"
        assert len(outlines[0].get("points").split()) == 13
        assert len(with_class(group, "nc-point")) == 13
    # rings 1..4, labelled
    assert len(find_all(root, "polygon", "nc-ring")) == 4
    ring_labels = ["".join(t.itertext()) for t in find_all(root, "text", "nc-ring-label")]
    assert ring_labels == ["1", "2", "3", "4"]
    legend = "".join(with_class(root, "nc-legend")[0].itertext())
    for name in ("Votre département", "Médiane nationale", "Médiane du groupe de pairs"):
        assert name in legend
    assert chart.svg.count('id="r1-title"') == 1


def test_table_has_full_labels_and_french_numbers():
    chart = radar(FACTORS, three_series(), id_prefix="r2")
    assert chart.table.headers == [
        "N°",
        "Facteur",
        "Votre département",
        "Médiane nationale",
        "Médiane du groupe de pairs",
    ]
    assert len(chart.table.rows) == 13
    assert chart.table.rows[2] == ["3", FACTORS[2], "2,5", "2,5", "3,0"]
    assert [row[1] for row in chart.table.rows] == FACTORS


def test_long_labels_are_shortened_on_the_chart():
    root = parse(radar(FACTORS, three_series(), id_prefix="r3").svg)
    label_text = " ".join("".join(t.itertext()) for t in find_all(root, "text") if t.get("class") is None)
    # leading article dropped
    assert "Évaluation et le suivi" in label_text
    assert "L'évaluation" not in label_text


def test_custom_value_format_in_table():
    from numeduc.formatting import fr_euro

    chart = radar(
        ["a", "b", "c"],
        [Series("x", [45451.43, 1, 2])],
        max_value=50000,
        value_format=fr_euro,
        id_prefix="r4",
    )
    assert chart.table.rows[0][2] == f"45{NARROW}451,43\u00a0€"


def test_missing_value_leaves_a_gap_not_zero():
    values = [3, 2, 2.5, 4, 3, 1, 2, None, 3, 2, 3, 4, float("nan")]
    chart = radar(FACTORS, three_series(values), id_prefix="r5")
    root = check_chart(chart)
    group = with_class(root, "nc-series-0")[0]
    outline = with_class(group, "nc-series-line")[0]
    assert outline.tag == f"{NS}path"
    segments = outline.get("d").split("M")[1:]
    # 13 sides minus those touching axis 8 (2) or 13 (2)
    assert len(segments) == 9
    assert len(with_class(group, "nc-point")) == 11
    # a zero would sit at the centre: no vertex of the series is there
    centre = find_all(root, "line", "nc-spoke")[0]
    cx, cy = centre.get("x1"), centre.get("y1")
    for seg in segments:
        numbers = seg.replace("L", " ").split()
        assert len(numbers) == 4
        for x, y in (numbers[:2], numbers[2:]):
            assert (x, y) != (cx, cy)
    assert chart.table.rows[7][2] == "non renseigné"
    assert chart.table.rows[12][2] == "non renseigné"
    assert "valeur non renseignée" in all_text(root)


def test_escapes_user_labels_and_names():
    chart = radar([EVIL, "b", "c"], [Series(EVIL, [1, 2, 3])], title=EVIL, id_prefix="r6")
    root = check_chart(chart)
    assert "<script>" not in chart.svg
    assert EVIL in all_text(root)
    assert root.find(f"{NS}title").text == EVIL
    assert chart.table.rows[0][1] == EVIL
    assert "&lt;script&gt;" in chart.table.to_html()


def test_demo_label_only_when_demo():
    demo = radar(FACTORS, three_series(), demo=True, id_prefix="r7")
    plain = radar(FACTORS, three_series(), demo=False, id_prefix="r7")
    check_chart(demo)
    check_chart(plain)
    assert "données de démonstration" in demo.svg
    assert "données de démonstration" not in plain.svg


def test_default_prefixes_differ_between_charts():
    a = radar(FACTORS, three_series())
    b = radar(FACTORS, three_series([1] * 13))
    id_a = parse(a.svg).get("id")
    id_b = parse(b.svg).get("id")
    assert id_a != id_b
    assert id_a.startswith("nc-radar-")


def test_bad_prefix_is_made_a_valid_id():
    root = parse(radar(["a", "b", "c"], [Series("x", [1, 2, 3])], id_prefix='1 "x"').svg)
    assert root.get("id") == "c1--x-"


def test_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="3 valeurs pour 13 axes"):
        radar(FACTORS, [Series("x", [1, 2, 3])])


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(3, 16),
    data=st.data(),
)
def test_any_values_give_valid_svg_and_points_within_the_outer_ring(n, data):
    values = data.draw(
        st.lists(st.one_of(st.none(), st.floats(-10, 10, allow_nan=False)), min_size=n, max_size=n)
    )
    label = data.draw(st.text(max_size=80))
    chart = radar([label] * n, [Series(label, values)], id_prefix="h")
    root = check_chart(chart)
    outer = find_all(root, "polygon", "nc-ring")[-1]
    xs = [float(p.split(",")[0]) for p in outer.get("points").split()]
    ys = [float(p.split(",")[1]) for p in outer.get("points").split()]
    group = with_class(root, "nc-series-0")[0]
    markers = [el for el in group.iter() if el.tag in (f"{NS}circle",)]
    assert len(markers) == sum(v is not None for v in values)
    for m in markers:
        assert min(xs) - 0.2 <= float(m.get("cx")) <= max(xs) + 0.2
        assert min(ys) - 0.2 <= float(m.get("cy")) <= max(ys) + 0.2


@pytest.mark.parametrize(
    "name", ["radar", "bar", "line", "scree", "corcircle", "scatter", "heatmap", "dendrogram", "tornado"]
)
def test_source_line_and_caption(name):
    import numpy as np
    import pandas as pd

    from numeduc.charts import (
        Point,
        bar,
        correlation_circle,
        dendrogram,
        heatmap,
        line,
        scatter,
        scree,
        tornado,
    )

    src = "INSEE 2014 <b>"
    makers = {
        "radar": lambda: radar(["a", "b", "c"], [Series("x", [1, 2, 3])], source=src, id_prefix="s"),
        "bar": lambda: bar(["a"], [Series("x", [1])], source=src, id_prefix="s"),
        "line": lambda: line(["a", "b"], [Series("x", [1, 2])], source=src, id_prefix="s"),
        "scree": lambda: scree([2, 1], source=src, id_prefix="s"),
        "corcircle": lambda: correlation_circle({"a": (0.5, 0.5)}, source=src, id_prefix="s"),
        "scatter": lambda: scatter([Point("a", 1, 2)], source=src, id_prefix="s"),
        "heatmap": lambda: heatmap(
            pd.DataFrame([[1.0]], index=["a"], columns=["a"]), source=src, id_prefix="s"
        ),
        "dendrogram": lambda: dendrogram(np.array([[-1, -2]]), [1.0], ["a", "b"], source=src, id_prefix="s"),
        "tornado": lambda: tornado([("a", 1, 3)], 2, source=src, id_prefix="s"),
    }
    chart = makers[name]()
    root = check_chart(chart)
    sources = with_class(root, "nc-source")
    assert len(sources) == 1 and sources[0].text == "Source : " + src
    assert chart.table.caption.endswith("source : " + src)


def test_wrap_never_breaks_inside_a_french_number():
    from numeduc.charts._svg import wrap

    lines = wrap("Total de 45\u202f451,43\u00a0€ par an", 90, 12, max_lines=4)
    assert len(lines) > 1
    assert any("45\u202f451,43\u00a0€" in line for line in lines)


def test_table_rows_are_named_by_the_factor_label():

    chart = radar(FACTORS, three_series(), id_prefix="th")
    table = ET.fromstring(chart.table.to_html())
    first = table.find("tbody/tr")
    assert [cell.tag for cell in first] == ["td", "th", "td", "td", "td"]
    assert first[1].text == FACTORS[0] and first[1].get("scope") == "row"
