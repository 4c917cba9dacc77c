"""Peer groups of départements on the real INSEE indicators."""

from __future__ import annotations

import pytest

from numeduc.stats import peer_groups
from numeduc.stats.peers import load_departement_indicators


@pytest.fixture(scope="module")
def indicators():
    return load_departement_indicators()


@pytest.fixture(scope="module")
def result(indicators):
    return peer_groups(indicators)


def test_every_departement_gets_a_group(result, indicators):
    assert len(result.groups) == 101
    assert set(result.groups.index) == set(indicators.index)
    assert result.groups.between(1, result.n_groups).all()
    assert result.n_groups == 3  # inertia-gain rule (the white paper also had 3 groups)


def test_paris_is_computed_apart_then_attached_and_flagged(result):
    assert result.outliers == ["75"]
    assert bool(result.flagged.loc["75"]) is True
    assert int(result.flagged.sum()) == 1
    assert "75" not in result.hcpc_result.clusters.index
    assert any("Paris (75)" in note and "rattaché" in note for note in result.notes)


def test_missing_cells_are_imputed_and_reported(result):
    imputed = set(result.imputed)
    assert {
        ("971", "poverty_rate"),
        ("972", "poverty_rate"),
        ("973", "poverty_rate"),
        ("974", "poverty_rate"),
    } <= imputed
    assert {("976", "density"), ("976", "poverty_rate"), ("976", "population_growth")} <= imputed
    assert len(imputed) == 7
    assert any("Mayotte (976)" in note and "moyenne" in note for note in result.notes)
    assert not result.model_data.isna().any().any()


def test_profiles_are_in_original_units(result, indicators):
    profiles = result.profiles
    assert profiles["n"].sum() == 101
    for g, row in profiles.iterrows():
        members = result.members(g)
        assert row["share_0_19"] == pytest.approx(indicators.loc[members, "share_0_19"].mean())
        assert row["density"] == pytest.approx(indicators.loc[members, "density"].mean())


def test_min_group_merges_small_groups(indicators):
    res = peer_groups(indicators, min_group=5)
    assert res.groups.value_counts().min() >= 5 or res.n_groups == 2
    assert any("moins de 5" in note for note in res.notes)


def test_raw_density_and_no_outlier(indicators):
    res = peer_groups(indicators, log_density_column=None, exclude_outliers=())
    assert res.outliers == []
    assert not res.flagged.any()
    assert len(res.groups) == 101


def test_code_column_is_accepted(indicators):
    frame = indicators.reset_index()
    res = peer_groups(frame)
    assert res.groups.loc["2A"] >= 1


def test_missing_indicator_column_is_an_error(indicators):
    with pytest.raises(KeyError, match="share_0_19"):
        peer_groups(indicators.drop(columns=["share_0_19"]))
