from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numeduc.charts.distribution import (
    Band,
    Marker,
    boxplot_strip,
    distribution_strip,
    ordinal,
    percentile_rank,
)
from numeduc.charts.tornado import tornado
from numeduc.charts.validate import NS, all_text, check_chart, with_class

EVIL = '<script>&"'
NARROW = "\u202f"
NBSP = "\u00a0"


def test_tornado_sorted_by_swing_bars_from_base():
    chart = tornado([("petit", 95, 105), (EVIL, 45451.43, 150), ("moyen", 120, 80)], 100, id_prefix="t")
    root = check_chart(chart)
    assert [r[0] for r in chart.table.rows] == [EVIL, "moyen", "petit"]
    assert chart.table.rows[0] == [
        EVIL,
        f"45{NARROW}451,43{NBSP}€",
        f"150,00{NBSP}€",
        f"45{NARROW}301,43{NBSP}€",
    ]
    bars = with_class(root, "nc-bar")
    assert len(bars) == 6
    base = [el for el in root.iter() if el.get("class") == "nc-base"][0]
    bx = float(base.get("x1"))
    for bar in bars:  # every bar touches the reference line
        x, w = float(bar.get("x")), float(bar.get("width"))
        assert abs(x - bx) < 0.2 or abs(x + w - bx) < 0.2
    assert "Référence" in all_text(root) and EVIL in all_text(root)
    assert "total de référence : 100,00" in chart.table.caption


def test_tornado_same_side_keeps_shorter_bar_on_top():
    root = check_chart(tornado([("a", 110, 130)], 100, id_prefix="s", demo=True))
    first, second = with_class(root, "nc-bar")
    assert float(first.get("width")) > float(second.get("width"))


BANDS = [
    Band("moins de 50 €", None, 50, 9.3),
    Band("50 à 75 €", 50, 75, 44.2),
    Band("75 à 100 €", 75, 100, 25.6),
    Band("plus de 100 €", 100, None, 20.9),
]


def test_bands_strip_widths_proportional_and_markers_in_their_band():
    chart = distribution_strip(
        BANDS,
        [Marker("Votre département", 62), Marker("Pairs", 120), Marker(EVIL, None)],
        unit="€",
        id_prefix="b",
        source="ADF 2017",
    )
    root = check_chart(chart)
    rects = with_class(root, "nc-band")
    widths = [float(r.get("width")) for r in rects]
    assert abs(widths[1] / widths[0] - 44.2 / 9.3) < 0.01
    markers = with_class(root, "nc-marker")
    assert len(markers) == 2  # the missing one is only in the table
    stem_x = float(markers[0].find(f"{NS}line").get("x1"))
    x1 = float(rects[1].get("x"))
    assert x1 < stem_x < x1 + widths[1]
    # 62 € is 12/25 of the way through the 50-75 band
    assert abs((stem_x - x1) / widths[1] - 12 / 25) < 0.01
    assert chart.table.rows[0] == ["moins de 50 €", f"9,3{NBSP}%"]
    assert chart.table.rows[4] == ["Votre département", f"62{NBSP}€, tranche « 50 à 75 € »"]
    assert chart.table.rows[6] == [EVIL, "non renseigné"]
    assert "dans la tranche « 50 à 75 € »" in chart.description
    assert "44,2" in all_text(root)


def test_single_number_marker_and_plain_values_give_a_box_strip():
    chart = distribution_strip([10, 12, 14, 16, 18], 17, id_prefix="v", unit="%")
    root = check_chart(chart)
    assert chart.kind == "boxstrip"
    assert chart.table.rows[3] == ["Médiane", f"14{NBSP}%"]
    assert chart.table.rows[-1] == ["Votre département", f"17{NBSP}% (au-dessus de 80 % des départements)"]
    assert "80e centile" in all_text(root)
    q = with_class(root, "nc-quartiles")[0]
    axis_labels = all_text(root)
    assert float(q.get("width")) > 0 and "Médiane" not in axis_labels


def test_box_strip_escapes_and_demo():
    chart = boxplot_strip([1.5, 2.5, 3.5], [Marker(EVIL, 2.5)], demo=True, id_prefix="e")
    root = check_chart(chart)
    assert EVIL in all_text(root)
    with pytest.raises(ValueError):
        boxplot_strip([])


def test_ordinal():
    assert ordinal(1) == "1er" and ordinal(62) == "62e"


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=40), st.floats(-1e3, 1e3))
def test_percentile_rank_bounds_and_monotone(values, x):
    r = percentile_rank(values, x)
    assert 0 <= r <= 100
    assert percentile_rank(values, x + 1) >= r
    if x < min(values):
        assert r == 0
    if x > max(values):
        assert r == 100
