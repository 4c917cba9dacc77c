"""Degenerate inputs still give a valid, honest chart (no crash, contract kept)."""

from __future__ import annotations

import pandas as pd
import pytest

from numeduc.charts import (
    Band,
    Point,
    Series,
    bar,
    boxplot_strip,
    choropleth,
    correlation_circle,
    distribution_strip,
    heatmap,
    line,
    radar,
    scatter,
    scree,
    tornado,
)
from numeduc.charts.validate import check_chart, with_class

CASES = {
    "line without any value": lambda: line(["a", "b"], [Series("x", [None, None])]),
    "line of one point": lambda: line(["a"], [Series("x", [3])]),
    "bars without any value": lambda: bar(["a", "b"], [Series("x", [None, None])]),
    "negative stacked bars": lambda: bar(
        ["a"], [Series("x", [-3]), Series("y", [-2])], stacked=True, horizontal=True
    ),
    "one individual": lambda: scatter([Point("a", 0, 0)]),
    "1x1 missing correlation": lambda: heatmap(pd.DataFrame([[float("nan")]], index=["a"], columns=["b"])),
    "map without values": lambda: choropleth(None, {}),
    "map with one value": lambda: choropleth(None, {"75": 3.0}),
    "tornado without swing": lambda: tornado([("a", 5, 5)], 5),
    "radar without series": lambda: radar(["a", "b", "c"], []),
    "scree of zeros": lambda: scree([0, 0]),
    "strip without marker": lambda: distribution_strip([Band("a", None, 1, 50), Band("b", 1, None, 50)]),
    "box of one value": lambda: boxplot_strip([5.0], 5.0),
    "null arrow": lambda: correlation_circle({"a": (0, 0)}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_degenerate_input_gives_a_valid_chart(name):
    check_chart(CASES[name]())


def test_map_without_values_is_all_hatched():
    chart = choropleth(None, {}, id_prefix="e")
    root = check_chart(chart)
    assert {d.get("fill") for d in with_class(root, "nc-dep")} == {"url(#e-missing)"}
    assert all(row[2] == "non renseigné" for row in chart.table.rows)
