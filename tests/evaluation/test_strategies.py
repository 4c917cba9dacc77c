"""Strategy comparison within referential groups, against hand computations (docs/evaluation.md)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from numeduc.evaluation.common import MIN_COLLEGES, referential_groups
from numeduc.evaluation.strategies import (
    POOLED,
    WARNING,
    compare_strategies,
    hedges_g,
    normalise_strategy,
)


def frame(values: dict[str, float], pupils: dict[str, int] | None = None):
    rows = [
        {
            "uai": u,
            "month": "2024-10",
            "indicator": "monthly_active_rate",
            "profile": "ELEVE",
            "value": v,
            "numerator": v * 100,
            "denominator": 100.0,
        }
        for u, v in values.items()
    ]
    est = pd.DataFrame(
        [
            {"uai": u, "density_grid3": "rural", "pupils": (pupils or {}).get(u, 250), "ep": "none"}
            for u in values
        ]
    )
    return pd.DataFrame(rows), est


def test_one_group_against_hand_computations():
    eim = [0.80, 0.85, 0.90, 0.70, 0.75]
    none = [0.60, 0.65, 0.70, 0.55, 0.50]
    values = {f"E{i}": v for i, v in enumerate(eim)} | {f"N{i}": v for i, v in enumerate(none)}
    ind, est = frame(values)
    strategies = {u: ("eim" if u.startswith("E") else "none") for u in values}
    res = compare_strategies(ind, est, strategies, "monthly_active_rate", "ELEVE")
    row = res.contrasts[(res.contrasts["group"] != POOLED) & (res.contrasts["strategy"] == "eim")].iloc[0]
    assert row.difference == pytest.approx(np.mean(eim) - np.mean(none))
    ci = stats.ttest_ind(eim, none, equal_var=False).confidence_interval(0.95)
    assert (row.ci_low, row.ci_high) == pytest.approx((ci.low, ci.high))
    sp = math.sqrt((4 * np.var(eim, ddof=1) + 4 * np.var(none, ddof=1)) / 8)
    g = (1 - 3 / (4 * 10 - 9)) * (np.mean(eim) - np.mean(none)) / sp
    assert row.hedges_g == pytest.approx(g)
    se = math.sqrt(10 / 25 + g * g / 20)
    assert (row.g_ci_low, row.g_ci_high) == pytest.approx((g - 1.959964 * se, g + 1.959964 * se), rel=1e-5)
    # one group only: the pooled row is that group's
    pooled = res.pooled().set_index("strategy").loc["eim"]
    assert pooled.difference == pytest.approx(row.difference)
    assert res.warning == WARNING and "pas tirées au sort" in WARNING
    assert any("plus haute de 20,0\u00a0points" in s for s in res.sentences())


def test_cells_under_five_colleges_are_refused_in_french():
    values = {f"E{i}": 0.8 for i in range(MIN_COLLEGES - 1)} | {f"N{i}": 0.6 + i / 100 for i in range(6)}
    ind, est = frame(values)
    strategies = {u: ("eim" if u.startswith("E") else "aucune") for u in values}
    res = compare_strategies(ind, est, strategies, "monthly_active_rate", "ELEVE")
    row = res.contrasts[(res.contrasts["group"] != POOLED) & (res.contrasts["strategy"] == "eim")].iloc[0]
    assert row.refused and math.isnan(row.difference)
    assert "4 collèges, moins de 5" in row.reason
    cell = res.cells[res.cells["strategy"] == "eim"].iloc[0]
    assert cell.refused and math.isnan(cell["mean"])
    pooled = res.pooled().set_index("strategy").loc["eim"]
    assert pooled.refused and "Aucun groupe" in pooled.reason


def test_groups_pooled_with_weights_n1n2_over_n1_plus_n2():
    rng = np.random.default_rng(3)
    values, pupils, strategies = {}, {}, {}
    parts = {"A": (5, 5, 250), "B": (6, 10, 700)}  # group: n eim, n none, pupils
    for g, (n1, n2, _size) in parts.items():
        for i in range(n1):
            values[f"{g}E{i}"] = 0.7 + rng.normal(0, 0.05)
            strategies[f"{g}E{i}"] = "eim"
        for i in range(n2):
            values[f"{g}N{i}"] = 0.6 + rng.normal(0, 0.05)
            strategies[f"{g}N{i}"] = "none"
    for u in values:
        pupils[u] = parts[u[0]][2]
    ind, est = frame(values, pupils)
    res = compare_strategies(ind, est, strategies, "monthly_active_rate", "ELEVE")
    per = res.contrasts[(res.contrasts["group"] != POOLED) & (res.contrasts["strategy"] == "eim")]
    assert len(per) == 2
    w = np.array([25 / 10, 60 / 16])
    expected = (w * per["difference"].to_numpy()).sum() / w.sum()
    pooled = res.pooled().set_index("strategy").loc["eim"]
    assert pooled.difference == pytest.approx(expected)
    assert pooled.n == 11 and pooled.n_reference == 15
    # variance Σ w² V / (Σ w)²
    var = []
    for g, (n1, n2, _) in parts.items():
        a = np.array([values[f"{g}E{i}"] for i in range(n1)])
        b = np.array([values[f"{g}N{i}"] for i in range(n2)])
        var.append(a.var(ddof=1) / n1 + b.var(ddof=1) / n2)
    se = math.sqrt((w * w * np.array(var)).sum()) / w.sum()
    assert pooled.ci_high - pooled.ci_low == pytest.approx(2 * 1.959964 * se, rel=1e-5)


def test_strategy_vocabulary_and_groups():
    assert normalise_strategy("none") == normalise_strategy("aucune") == "aucune"
    assert normalise_strategy("EIM") == "eim"
    assert normalise_strategy("tablettes") is None
    est = pd.DataFrame(
        [
            {"uai": "A", "density_grid3": "rural", "pupils": 250, "ep": "REP+"},
            {"uai": "B", "density_grid3": "urbain_dense", "pupils": 650, "ep": "none"},
        ]
    )
    assert referential_groups(est).to_dict() == {
        "A": "rural · <300 · EP",
        "B": "urbain dense · >600 · hors EP",
    }


def test_hedges_g_without_spread_is_not_a_number():
    assert math.isnan(hedges_g(np.ones(5), np.ones(5))[0])


def test_on_the_generator_strategies_compare_within_groups(generated):
    ind, est = generated
    strategies = dict(zip(est["uai"], est["strategy"], strict=True))
    res = compare_strategies(ind, est, strategies, "monthly_active_rate", "ELEVE", reference="classe_mobile")
    assert set(res.contrasts["strategy"]) <= {"eim", "byod", "hybride", "aucune"}
    shown = res.contrasts[~res.contrasts["refused"].astype(bool)]
    assert (shown["n"] >= MIN_COLLEGES).all() and (shown["n_reference"] >= MIN_COLLEGES).all()
    # the generator draws strategies independently of usage: every pooled interval is finite
    assert shown["ci_low"].le(shown["ci_high"]).all()
