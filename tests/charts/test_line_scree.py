from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numeduc.charts import Series
from numeduc.charts.line import line, spread
from numeduc.charts.scree import scree
from numeduc.charts.validate import NS, all_text, check_chart, with_class

EVIL = '<script>&"'

NARROW = "\u202f"
NBSP = "\u00a0"


def test_line_one_path_per_series_with_gaps():
    chart = line(
        ["2019", "2020", "2021", "2022"],
        [Series("Coût cumulé", [45451.43, 90000, None, 150000]), Series("Budget", [50000] * 4)],
        unit="€",
        id_prefix="l",
    )
    root = check_chart(chart)
    groups = with_class(root, "nc-series")
    assert len(groups) == 2
    paths = [with_class(g, "nc-series-line")[0].get("d") for g in groups]
    # reversed drawing order: first series drawn last (on top)
    by_name = {g.get("data-name"): p for g, p in zip(groups, paths)}
    assert by_name["Coût cumulé"].count("M") == 2  # the gap splits the line
    assert by_name["Budget"].count("M") == 1 and by_name["Budget"].count("L") == 3
    assert chart.table.rows[0] == ["2019", f"45{NARROW}451,43{NBSP}€", f"50{NARROW}000,00{NBSP}€"]
    assert chart.table.rows[2][1] == "non renseigné"
    text = all_text(root)
    assert "valeur non renseignée" in text
    assert f"150{NARROW}000{NBSP}€" in text  # end label, rounded


def test_line_x_labels_thinned_when_crowded():
    labels = [f"mois {i}" for i in range(60)]
    root = check_chart(line(labels, [Series("x", list(range(60)))], id_prefix="t"))
    shown = with_class(root, "nc-x-label")
    assert 5 < len(shown) < 60
    assert len(root.findall(f".//{NS}g[@class='nc-x-axis']/{NS}line")) == 60


def test_line_escapes_and_demo():
    chart = line([EVIL, "b"], [Series(EVIL, [1, 2])], title=EVIL, demo=True, id_prefix="e")
    root = check_chart(chart)
    assert EVIL in all_text(root)
    with pytest.raises(ValueError, match="1 valeurs pour 2 points"):
        line(["a", "b"], [Series("x", [1])])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=1, max_size=8))
def test_spread_keeps_order_and_gap(positions):
    placed = spread(positions, 13.0, -1000, 1000)
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    ys = [placed[i] for i in order]
    assert all(b - a >= 13.0 - 1e-9 for a, b in zip(ys, ys[1:]))


DECATHLON = [
    3.2719055,
    1.7371310,
    1.4049167,
    1.0568504,
    0.6847735,
    0.5992687,
    0.4512353,
    0.3968766,
    0.2148149,
    0.1822275,
]


def test_scree_bars_cumulative_and_table():
    chart = scree(DECATHLON, reference_line=1, id_prefix="sc")
    root = check_chart(chart)
    assert len(with_class(root, "nc-bar")) == 10
    assert len(with_class(root, "nc-point")) == 10
    assert len(with_class(root, "nc-reference")) == 1
    assert chart.table.headers == [
        "Dimension",
        "Valeur propre",
        "Pourcentage de variance",
        "Pourcentage cumulé",
    ]
    # FactoMineR: Dim.1 explains 32.719 % of the decathlon's variance (10 variables)
    assert chart.table.rows[0] == ["Dim.1", "3,272", f"32,72{NBSP}%", f"32,72{NBSP}%"]
    assert chart.table.rows[-1][3] == f"100,00{NBSP}%"
    assert "32,7\u00a0%" in all_text(root)
    # 70 % reached with 4 dims (32.7+17.4+14.0+10.6 = 74.7)
    assert "les 4 premières dimensions expliquent 74,7" in chart.description
    heights = [float(r.get("height")) for r in with_class(root, "nc-bar")]
    assert heights == sorted(heights, reverse=True)


def test_scree_rejects_negative():
    with pytest.raises(ValueError):
        scree([1, -0.5])
