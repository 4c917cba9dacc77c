from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numeduc.charts import Series
from numeduc.charts.bar import bar
from numeduc.charts.validate import NS, all_text, check_chart, with_class

EVIL = '<script>&"'

NARROW = "\u202f"
NBSP = "\u00a0"


def sample(**kwargs):
    return bar(
        ["2019", "2020", "2021"],
        [Series("Équipements", [45451.43, 52300, None]), Series("Maintenance", [12000, -2500, 800])],
        unit="€",
        id_prefix="b",
        **kwargs,
    )


@pytest.mark.parametrize("horizontal", [False, True])
@pytest.mark.parametrize("stacked", [False, True])
def test_one_rect_per_known_value_and_valid_svg(horizontal, stacked):
    chart = sample(horizontal=horizontal, stacked=stacked)
    root = check_chart(chart)
    rects = with_class(root, "nc-bar")
    assert len(rects) == 5  # 6 values, one missing
    assert len(with_class(root, "nc-series-0")) == 2
    assert len(with_class(root, "nc-series-1")) == 3
    assert [("".join(t.itertext())) for t in with_class(root, "nc-category")] == ["2019", "2020", "2021"]
    # each bar tells its value on hover
    assert rects[0].find(f"{NS}title").text == f"2019 — Équipements : 45{NARROW}451,43{NBSP}€"


def test_table_is_french_and_keeps_decimals_while_labels_are_rounded():
    chart = sample()
    assert chart.table.headers == ["Catégorie", "Équipements", "Maintenance"]
    assert chart.table.rows[0] == ["2019", f"45{NARROW}451,43{NBSP}€", f"12{NARROW}000,00{NBSP}€"]
    assert chart.table.rows[2][1] == "non renseigné"
    text = all_text(check_chart(chart))
    assert f"45{NARROW}451{NBSP}€" in text
    assert "n.r." in text


def test_stacked_adds_a_total_column():
    chart = sample(stacked=True)
    assert chart.table.headers[-1] == "Total"
    assert chart.table.rows[1][-1] == f"49{NARROW}800,00{NBSP}€"
    assert chart.table.rows[2][-1] == f"800,00{NBSP}€"


def geometry(rect):
    return tuple(float(rect.get(k)) for k in ("x", "y", "width", "height"))


def test_negative_bar_hangs_below_zero_and_positive_rises_above():
    root = check_chart(sample())
    rects = {r.find(f"{NS}title").text.split(" :")[0]: geometry(r) for r in with_class(root, "nc-bar")}
    _, y_pos, _, h_pos = rects["2019 — Maintenance"]
    _, y_neg, _, h_neg = rects["2020 — Maintenance"]
    zero = y_pos + h_pos
    assert abs(y_neg - zero) < 0.2  # negative starts at zero and goes down
    # heights proportional to values
    assert abs(h_neg / h_pos - 2500 / 12000) < 0.01


def test_stacked_segments_touch():
    root = check_chart(bar(["a"], [Series("x", [3]), Series("y", [2])], stacked=True, id_prefix="s"))
    r0, r1 = (geometry(r) for r in with_class(root, "nc-bar"))
    assert abs(r1[1] + r1[3] - r0[1]) < 0.2  # y's segment sits on x's
    assert abs(r1[3] / r0[3] - 2 / 3) < 0.01


def test_escaping_and_demo():
    chart = bar([EVIL], [Series(EVIL, [1])], title=EVIL, demo=True, id_prefix="e")
    root = check_chart(chart)
    assert EVIL in all_text(root)
    assert chart.table.rows == [[EVIL, "1"]]
    plain = bar([EVIL], [Series(EVIL, [1])], title=EVIL, id_prefix="e")
    check_chart(plain)


def test_length_mismatch_is_refused():
    with pytest.raises(ValueError, match="2 valeurs pour 3 catégories"):
        bar(["a", "b", "c"], [Series("x", [1, 2])])


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    n_cat=st.integers(1, 8),
    n_ser=st.integers(1, 4),
    horizontal=st.booleans(),
    stacked=st.booleans(),
)
def test_any_data_gives_valid_svg_with_one_bar_per_value(data, n_cat, n_ser, horizontal, stacked):
    value = st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False))
    series = [
        Series(f"s{j}", data.draw(st.lists(value, min_size=n_cat, max_size=n_cat))) for j in range(n_ser)
    ]
    chart = bar(
        [f"c{i}" for i in range(n_cat)], series, horizontal=horizontal, stacked=stacked, id_prefix="h"
    )
    root = check_chart(chart)
    known = sum(v is not None for x in series for v in x.values)
    assert len(with_class(root, "nc-bar")) == known
    for rect in with_class(root, "nc-bar"):
        x, y, w, h = geometry(rect)
        assert w >= 0 and h >= 0
        vb = [float(v) for v in root.get("viewBox").split()]
        assert 0 <= x and x + w <= vb[2] + 0.5
        assert 0 <= y and y + h <= vb[3] + 0.5


def test_figure_html_wraps_svg_table_and_escapes():
    import xml.etree.ElementTree as ET

    chart = bar([EVIL], [Series(EVIL, [1])], title=EVIL, id_prefix="f")
    html = chart.figure_html()
    root = ET.fromstring(html)  # well-formed (XHTML-compatible) markup
    assert root.tag == "figure"
    assert root.find(".//details/summary").text == "Voir les données du graphique"
    table = root.find(".//table")
    assert table.find("caption").text == EVIL
    assert [th.text for th in table.find("thead/tr")] == ["Catégorie", EVIL]
    assert table.find("tbody/tr/th").get("scope") == "row"
    assert root.find("figcaption") is None  # the SVG shows the title already
    hidden_title = ET.fromstring(
        bar([EVIL], [Series(EVIL, [1])], title=EVIL, id_prefix="f", show_title=False).figure_html()
    )
    assert hidden_title.find("figcaption").text == EVIL
    assert "min-width:520px" in html
    visible = ET.fromstring(chart.figure_html(table_visible=True))
    assert visible.find(".//details") is None and visible.find(".//table") is not None
