"""Pilot evaluation: matching and difference-in-differences against hand computations, an effect
injected into the generator's indicators, and the null case's coverage (docs/evaluation.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from numeduc.evaluation.common import referential_groups
from numeduc.evaluation.pilot import (
    Pilot,
    difference_in_differences,
    evaluate,
    match_colleges,
    month_words,
)

from .panel import MONTHS, establishments, panel


def long(values: dict[str, list[float]], months: list[str]) -> pd.DataFrame:
    rows = []
    for uai, ys in values.items():
        for m, y in zip(months, ys, strict=True):
            rows.append(
                {
                    "uai": uai,
                    "month": m,
                    "indicator": "sessions_per_user",
                    "profile": "ELEVE",
                    "value": y,
                    "numerator": y * 100,
                    "denominator": 100.0,
                }
            )
    return pd.DataFrame(rows)


def est_of(uais, pupils=250, density="rural"):
    return pd.DataFrame([{"uai": u, "density_grid3": density, "pupils": pupils, "ep": "none"} for u in uais])


def test_difference_in_differences_by_hand():
    months = ["2024-09", "2024-10", "2024-11", "2024-12"]
    values = {
        "P1": [2.0, 2.0, 5.0, 6.0],
        "P2": [3.0, 3.0, 4.0, 4.0],
        "C1": [2.0, 2.0, 2.5, 3.0],  # nearest of P1
        "C2": [3.1, 3.1, 3.1, 3.1],  # nearest of P2
        "C3": [9.0, 9.0, 9.0, 9.0],  # far from both
    }
    ind, est = long(values, months), est_of(values)
    m = match_colleges(ind, est, ["P1", "P2"], "2024-11", [("sessions_per_user", "ELEVE")], k=1)
    assert m.pairs.set_index("pilot")["match"].to_dict() == {"P1": "C1", "P2": "C2"}
    r = difference_in_differences(ind, m, "sessions_per_user", "ELEVE", "2024-11")
    # P1: gaps 0, 0, 2.5, 3 -> δ = 2.75; P2: gaps −0.1, −0.1, 0.9, 0.9 -> δ = 1.0
    assert r.overall.estimate == pytest.approx((2.75 + 1.0) / 2)
    half = 12.7062047 * np.std([2.75, 1.0], ddof=1) / np.sqrt(2)
    assert (r.overall.low, r.overall.high) == pytest.approx((1.875 - half, 1.875 + half))
    by = r.by_month.set_index("month")
    assert by.loc["2024-11", "did"] == pytest.approx((2.5 + 1.0) / 2)
    assert by.loc["2024-12", "did"] == pytest.approx((3.0 + 1.0) / 2)
    assert by.loc["2024-09", "did"] == pytest.approx(0.0)
    assert r.gap_before.estimate == pytest.approx((0 - 0.1) / 2)
    assert r.placebo is not None and r.placebo.estimate == pytest.approx(0.0)
    # ratio: pilots after 4.75, before 2.5; matched 2.55 -> 2.925: counterfactual 2.5 + 0.375
    assert r.ratio.estimate == pytest.approx(4.75 / 2.875)
    assert r.sentences[0].startswith(
        "Depuis novembre 2024, les élèves des 2 collèges pilotes se connectent 1,7 fois plus"
    )


def test_matching_stays_in_the_group_without_replacement_then_with():
    values = {
        "P1": [1.0, 1.0],
        "P2": [1.1, 1.1],
        "C1": [1.05, 1.05],
        "C2": [3.0, 3.0],
        "U1": [1.0, 1.0],  # same values, other group: never taken
    }
    months = ["2024-09", "2024-10"]
    ind = long(values, months)
    est = pd.concat([est_of(["P1", "P2", "C1", "C2"]), est_of(["U1"], pupils=700)])
    m = match_colleges(ind, est, ["P1", "P2"], "2024-10", [("sessions_per_user", "ELEVE")], k=2)
    pairs = m.pairs
    assert "U1" not in set(pairs["match"])
    first = pairs[pairs["rank"] == 1].set_index("pilot")["match"].to_dict()
    assert first == {"P1": "C1", "P2": "C2"}  # C1 taken by P1: P2 gets the other one
    assert pairs[pairs["rank"] == 2]["reused"].all() and m.reused
    groups = referential_groups(est)
    assert (pairs["group"] == groups["P1"]).all()


def test_a_pilot_without_comparison_is_said_unmatched():
    ind = long({"P1": [1.0, 2.0]}, ["2024-09", "2024-10"])
    m = match_colleges(ind, est_of(["P1"]), ["P1"], "2024-10", [("sessions_per_user", "ELEVE")])
    assert "P1" in m.unmatched
    r = difference_in_differences(ind, m, "sessions_per_user", "ELEVE", "2024-10")
    assert r.sentences[0].startswith("Pas d'estimation")
    assert month_words("2025-02") == "février 2025"


def inject(ind: pd.DataFrame, pilots, start: str, factor: float) -> pd.DataFrame:
    """Multiply the pilots' monthly active pupils from ``start`` by ``factor``, never above the
    population (the denominator)."""
    out = ind.copy()
    sel = (
        out["uai"].isin(pilots)
        & (out["month"] >= start)
        & (out["indicator"] == "monthly_active_rate")
        & (out["profile"] == "ELEVE")
    )
    out.loc[sel, "numerator"] = np.minimum(out.loc[sel, "numerator"] * factor, out.loc[sel, "denominator"])
    out.loc[sel, "value"] = out.loc[sel, "numerator"] / out.loc[sel, "denominator"]
    return out


def generator_pilot(est: pd.DataFrame) -> tuple[str, ...]:
    groups = referential_groups(est)
    largest = groups.value_counts().index[0]
    members = sorted(groups[groups == largest].index)
    return tuple(members[::4][:4])  # 4 pilots of 19: 12 distinct matches


def test_the_generator_with_an_injected_effect_is_recovered_and_without_one_covers_zero(generated):
    ind, est = generated
    pilots = generator_pilot(est)
    start = "2024-12"
    spec = Pilot(pilots, start, (("monthly_active_rate", "ELEVE"),))
    _, [null] = evaluate(ind, est, spec)
    assert null.overall.covers_zero, null.overall
    injected = inject(ind, pilots, start, 1.3)
    key = ["uai", "month", "indicator", "profile"]
    delta = injected.set_index(key)["value"] - ind.set_index(key)["value"]
    truth = delta[delta != 0].groupby(level="uai").mean().reindex(list(pilots)).fillna(0).mean()
    matching, [res] = evaluate(injected, est, spec)
    assert len(matching.pairs) == 3 * len(pilots) and not matching.reused
    assert res.overall.low <= truth <= res.overall.high, (truth, res.overall)
    assert not res.overall.covers_zero  # 30 % more active pupils is seen
    assert res.placebo is not None and res.placebo.covers_zero  # nothing was injected before the start
    assert res.overall.estimate - null.overall.estimate == pytest.approx(truth)  # the estimator is linear


def test_a_known_effect_on_a_synthetic_panel_is_recovered():
    est = establishments()
    rng = np.random.default_rng(7)
    pilots = tuple(rng.choice(est["uai"], 10, replace=False))
    ind = panel(est, rng, pilots=pilots, effect=0.08)
    _, [res] = evaluate(ind, est, Pilot(pilots, "2025-01", (("monthly_active_rate", "ELEVE"),)))
    assert res.overall.low <= 0.08 <= res.overall.high
    assert not res.overall.covers_zero
    assert res.months == MONTHS


REPLICATIONS = 200


def test_with_no_effect_the_95_percent_interval_covers_zero_at_about_its_rate():
    """200 seeded replications of a null pilot (10 pilot collèges of 60): the interval covers 0 in
    90 to 99 % of them (measured: see docs/evaluation.md); the placebo likewise."""
    est = establishments()
    covered = placebo_covered = 0
    for seed in range(REPLICATIONS):
        rng = np.random.default_rng(seed)
        pilots = tuple(rng.choice(est["uai"], 10, replace=False))
        ind = panel(est, rng, pilots=pilots)
        _, [res] = evaluate(ind, est, Pilot(pilots, "2025-01", (("monthly_active_rate", "ELEVE"),)))
        covered += res.overall.covers_zero
        placebo_covered += res.placebo.covers_zero
    rate = covered / REPLICATIONS
    print(f"coverage {rate:.3f}, placebo {placebo_covered / REPLICATIONS:.3f}")
    assert 0.90 <= rate <= 0.99
    assert 0.90 <= placebo_covered / REPLICATIONS <= 0.99
