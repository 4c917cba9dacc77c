"""The seeded synthetic self-diagnosis campaigns reproduce what the white paper published."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import kruskal, spearmanr

from numeduc.demo import DEFAULT_SEED, SAMPLE_DEPARTEMENTS, generate_selfdiag_campaign
from numeduc.questionnaires import budget_level, comment_key, load_questionnaire
from numeduc.reference import colleges, departements

QUESTIONNAIRE = load_questionnaire("autodiagnostic", "2017")
FACTORS = [item.id for item in QUESTIONNAIRE.factor_items()]
GOVERNANCE = [item.id for item in QUESTIONNAIRE.factor_items() if item.axis == "gouvernance"]
PAPER_BUDGET_SHARES = {1: 0.093, 2: 0.442, 3: 0.256, 4: 0.209}


@pytest.fixture(scope="module")
def deps():
    return departements()


@pytest.fixture(scope="module")
def public_colleges():
    return colleges(public_only=True)


@pytest.fixture(scope="module")
def campaign_2017(deps, public_colleges):
    return generate_selfdiag_campaign(deps, 2017, seed=DEFAULT_SEED, colleges=public_colleges)


@pytest.fixture(scope="module")
def campaign_2018(deps, public_colleges, campaign_2017):
    return generate_selfdiag_campaign(
        deps, 2018, seed=DEFAULT_SEED, previous=campaign_2017, colleges=public_colleges
    )


def spearman(frame, a, b):
    result = spearmanr(frame[a], frame[b])
    return result.statistic, result.pvalue


def check_valid(frame: pd.DataFrame, deps: pd.DataFrame) -> None:
    """Every value is an answer the questionnaire engine accepts; comments are marked demo."""
    expected = [item.id for item in QUESTIONNAIRE.items] + [comment_key(i) for i in FACTORS]
    assert list(frame.columns) == expected
    assert frame.index.is_unique and frame.index.is_monotonic_increasing
    assert set(frame.index) <= set(deps.index)
    for item in QUESTIONNAIRE.items:
        for value in frame[item.id]:
            assert value is not None and not (isinstance(value, float) and math.isnan(value)), item.id
            assert (
                item.parse(str(value)) == pytest.approx(value)
                if item.type == "number"
                else item.parse(str(value)) == value
            )
    for column in (comment_key(i) for i in FACTORS):
        texts = frame[column].dropna()
        assert all(text.startswith("[démo] ") for text in texts)
    assert frame[[comment_key(i) for i in FACTORS]].notna().sum(axis=1).between(1, 4).all()
    # factor 7 is computed from the amounts, never drawn on its own
    totals = frame["budget_investissement_par_eleve"] + frame["budget_fonctionnement_par_eleve"]
    assert (frame["f07_budget_par_eleve"] == totals.map(budget_level)).all()
    assert frame.attrs["demo"] is True


def test_default_campaign_is_valid(campaign_2017, deps):
    assert len(campaign_2017) == 39
    assert campaign_2017.index.name == "code"
    check_valid(campaign_2017, deps)
    for column in FACTORS + ["homogeneite_parc", "nombre_colleges", "nombre_collegiens"]:
        assert campaign_2017[column].dtype == "int64"


def test_sample_departements_answer(campaign_2017):
    assert set(SAMPLE_DEPARTEMENTS) <= set(campaign_2017.index)


def test_deterministic(deps, public_colleges, campaign_2017):
    again = generate_selfdiag_campaign(deps, 2017, seed=DEFAULT_SEED, colleges=public_colleges)
    pd.testing.assert_frame_equal(campaign_2017, again)
    other = generate_selfdiag_campaign(deps, 2017, seed=DEFAULT_SEED + 1, colleges=public_colleges)
    assert not campaign_2017[FACTORS].equals(other.reindex(campaign_2017.index)[FACTORS])


def test_real_college_counts(campaign_2017, public_colleges):
    loiret = public_colleges[public_colleges["departement_code"] == "45"]
    assert campaign_2017.at["45", "nombre_colleges"] == len(loiret)
    assert campaign_2017.at["45", "nombre_collegiens"] == int(loiret["pupils"].sum())


def test_budget_distribution_matches_the_paper(campaign_2017):
    shares = campaign_2017["f07_budget_par_eleve"].value_counts(normalize=True)
    for level, paper in PAPER_BUDGET_SHARES.items():
        # 39 answers: quotas by largest remainder are within one answer (2.6 points) of the paper
        assert abs(shares.get(level, 0.0) - paper) < 1 / 39, (level, shares.get(level), paper)


def test_use_is_not_significantly_related_to_budget(campaign_2017):
    _, pvalue = spearman(campaign_2017, "f10_utilisation_equipements", "f07_budget_par_eleve")
    assert pvalue > 0.05


def test_use_goes_down_with_fleet_homogeneity(campaign_2017):
    rho, pvalue = spearman(campaign_2017, "f10_utilisation_equipements", "homogeneite_parc")
    assert rho < 0 and pvalue < 0.05
    byod = campaign_2017[campaign_2017["strategie_equipement"] == "byod"]
    assert (byod["homogeneite_parc"] == 1).all()


def test_user_support_goes_with_use(campaign_2017):
    rho, pvalue = spearman(campaign_2017, "f10_utilisation_equipements", "f03_accompagnement_utilisateurs")
    assert rho > 0 and pvalue < 0.05


def test_maturity_rises_with_evaluation(campaign_2017):
    rho, pvalue = spearman(campaign_2017, "f01_maturite_equipes", "f02_evaluation_suivi")
    assert rho > 0 and pvalue < 0.05


def test_governance_depends_little_on_budget(campaign_2017):
    for item_id in GOVERNANCE:
        rho, pvalue = spearman(campaign_2017, item_id, "f07_budget_par_eleve")
        assert pvalue > 0.05 and abs(rho) < 0.3, item_id


def test_security_responsibility_neither_helps_nor_hinders(campaign_2017):
    mean_level = campaign_2017[FACTORS].mean(axis=1)
    groups = [
        mean_level[campaign_2017["responsabilite_securite"] == k] for k in ("etat", "departement", "partagee")
    ]
    assert all(len(g) >= 3 for g in groups)
    assert kruskal(*groups).pvalue > 0.05


def test_second_campaign_follows_the_first(campaign_2017, campaign_2018, deps):
    check_valid(campaign_2018, deps)
    returning = campaign_2018.index.intersection(campaign_2017.index)
    newcomers = campaign_2018.index.difference(campaign_2017.index)
    assert len(returning) >= 0.8 * len(campaign_2017)
    assert len(newcomers) >= 2
    steps = (campaign_2018.loc[returning, FACTORS] - campaign_2017.loc[returning, FACTORS]).stack()
    assert steps.isin([-1, 0, 1, 2]).all()
    counts = steps.value_counts(normalize=True)
    assert counts.get(0, 0) > 0.5 and counts.get(1, 0) > counts.get(-1, 0)
    assert counts.get(-1, 0) < 0.1
    # the mean level rises a little from one year to the next
    assert (
        campaign_2018.loc[returning, FACTORS].to_numpy().mean()
        > campaign_2017.loc[returning, FACTORS].to_numpy().mean()
    )
    strategy_kept = (
        campaign_2018.loc[returning, "strategie_equipement"]
        == campaign_2017.loc[returning, "strategie_equipement"]
    ).mean()
    assert strategy_kept == 1.0


def test_second_campaign_deterministic(deps, public_colleges, campaign_2017, campaign_2018):
    again = generate_selfdiag_campaign(
        deps, 2018, seed=DEFAULT_SEED, previous=campaign_2017, colleges=public_colleges
    )
    pd.testing.assert_frame_equal(campaign_2018, again)


def test_bad_respondent_count(deps, public_colleges):
    with pytest.raises(ValueError, match="n_respondents"):
        generate_selfdiag_campaign(deps, 2017, seed=1, n_respondents=0, colleges=public_colleges)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(8, 101))
def test_invariants_for_any_seed(deps, public_colleges, seed, n):
    frame = generate_selfdiag_campaign(deps, 2017, seed=seed, n_respondents=n, colleges=public_colleges)
    assert len(frame) == n
    check_valid(frame, deps)
    assert set(SAMPLE_DEPARTEMENTS) <= set(frame.index)
    counts = frame["f07_budget_par_eleve"].value_counts()
    for level, paper in PAPER_BUDGET_SHARES.items():
        assert abs(counts.get(level, 0) - paper * n) < 1


def test_loosely_related_to_demographics(deps, public_colleges):
    """All 101 départements answering: budget and use a little lower where poverty is high,
    bandwidth a little better where density is high (weak links, by design)."""
    import numpy as np

    frame = generate_selfdiag_campaign(
        deps, 2017, seed=DEFAULT_SEED, n_respondents=101, colleges=public_colleges
    )
    poverty = deps.loc[frame.index, "poverty_rate"]
    known = poverty.notna()
    budget = frame["budget_investissement_par_eleve"] + frame["budget_fonctionnement_par_eleve"]
    rho_budget = spearmanr(budget[known], poverty[known]).statistic
    rho_use = spearmanr(frame.loc[known, "f10_utilisation_equipements"], poverty[known]).statistic
    density = np.log(deps.loc[frame.index, "density"])
    dense = density.notna()
    rho_internet = spearmanr(frame.loc[dense, "f04_infrastructure_internet"], density[dense]).statistic
    assert -0.5 < rho_budget < 0
    assert -0.5 < rho_use < 0
    assert 0 < rho_internet < 0.6
