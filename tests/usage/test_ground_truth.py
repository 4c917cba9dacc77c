"""Every indicator against the generator's ground truth (counts kept while generating)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from numeduc.usage.indicators import INDICATORS, OUTPUT_COLUMNS, compute_indicators, departement_summary
from numeduc.usage.schemas import PROFILES

KEY = ["uai", "month", "indicator", "profile"]


def test_output_columns_and_profiles(indicators):
    assert list(indicators.columns[:7]) == OUTPUT_COLUMNS
    for col in ("group", "group_size", "percentile", "median", "q1", "q3", "robust_z", "fallback"):
        assert col in indicators.columns
    assert set(indicators["profile"]) <= set(PROFILES) | {""}
    assert not indicators.duplicated(KEY).any()
    assert set(indicators["month"]) == {"2024-10", "2024-11"}


def test_every_indicator_is_computed(indicators, ground_truth):
    assert set(indicators["indicator"]) == set(INDICATORS)
    assert set(ground_truth["indicator"]) == set(INDICATORS)


@pytest.mark.parametrize("indicator", INDICATORS)
def test_indicator_matches_ground_truth(indicators, ground_truth, indicator):
    got = indicators[indicators["indicator"] == indicator]
    want = ground_truth[ground_truth["indicator"] == indicator]
    merged = want.merge(got, on=KEY, how="outer", suffixes=("_true", ""), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][KEY].head()
    np.testing.assert_allclose(merged["numerator"], merged["numerator_true"], rtol=1e-9)
    np.testing.assert_allclose(merged["denominator"], merged["denominator_true"], rtol=1e-9)
    np.testing.assert_allclose(merged["value"], merged["value_true"], rtol=1e-9, atol=1e-12)


def test_values_are_plausible(indicators):
    rates = indicators[
        indicators["indicator"].isin(
            [
                "monthly_active_rate",
                "account_activation_rate",
                "out_of_school_share",
                "device_activity_rate_30d",
                "regular_use_share",
            ]
        )
    ]
    assert rates["value"].between(0, 1).all()
    mar = indicators[(indicators["indicator"] == "monthly_active_rate")]
    # The generator makes teachers more active than parents (ENTmip finding).
    by_profile = mar.groupby("profile")["value"].mean()
    assert by_profile["ENSEIGNANT"] > by_profile["PARENT"]
    never = indicators[indicators["indicator"] == "parents_never_grades_share"]["value"]
    assert (never > 0.2).all()  # 30 % of parents ignore grades, plus inactive parents


def test_month_filter_gives_same_values(warehouse, indicators):
    one = compute_indicators(warehouse, month="2024-11", referential=False)
    assert set(one["month"]) == {"2024-11"}
    full = indicators[indicators["month"] == "2024-11"]
    merged = full.merge(one, on=KEY, suffixes=("", "_m"))
    assert len(merged) == len(full) == len(one)
    np.testing.assert_allclose(merged["value"], merged["value_m"], rtol=1e-12)


def test_departement_summary_pools_numerators(indicators):
    summary = departement_summary(indicators)
    row = summary[
        (summary["indicator"] == "monthly_active_rate")
        & (summary["profile"] == "ELEVE")
        & (summary["month"] == "2024-10")
    ].iloc[0]
    sub = indicators[
        (indicators["indicator"] == "monthly_active_rate")
        & (indicators["profile"] == "ELEVE")
        & (indicators["month"] == "2024-10")
    ]
    assert row["value"] == pytest.approx(sub["numerator"].sum() / sub["denominator"].sum())
    assert row["median_college"] == pytest.approx(sub["value"].median())
    assert row["n_colleges"] == sub["uai"].nunique() == 12
    assert row["departement"] == "48"


def test_referential_columns_are_consistent(indicators):
    sub = indicators[
        (indicators["indicator"] == "monthly_active_rate")
        & (indicators["profile"] == "ELEVE")
        & (indicators["month"] == "2024-10")
    ]
    own = sub[~sub["fallback"]]
    assert (own["group_size"] >= 10).all()
    assert (own["group_level"] == "densite_taille_ep").all()
    fell = sub[sub["fallback"]]
    assert fell["fallback_reason"].str.contains("trop petit").all()
    assert (sub["fallback_reason"] == "").sum() == len(own)
    for _label, grp in sub.groupby("group"):
        if grp["group_level"].iloc[0] == "ensemble":
            members = sub
        else:
            members = grp  # every member of a label shares its group here
        assert grp["median"].iloc[0] == pytest.approx(members["value"].median())
        assert grp["group_size"].iloc[0] == len(members)
    assert sub["percentile"].between(0, 100).all()
    assert pd.api.types.is_bool_dtype(sub["fallback"])
