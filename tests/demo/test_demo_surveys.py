"""Synthetic answers to the three-question survey and to the DAN questionnaire."""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd
import pytest

from numeduc.demo import (
    DEFAULT_SEED,
    SAMPLE_DEPARTEMENTS,
    generate_dan_answers,
    generate_selfdiag_campaign,
    generate_survey_answers,
)
from numeduc.questionnaires import budget_level, load_questionnaire, survey_budget_per_pupil
from numeduc.reference import academies, colleges, departements


@pytest.fixture(scope="module")
def deps():
    return departements()


@pytest.fixture(scope="module")
def public_colleges():
    return colleges(public_only=True)


@pytest.fixture(scope="module")
def survey(deps, public_colleges):
    return generate_survey_answers(deps, seed=DEFAULT_SEED, colleges=public_colleges)


@pytest.fixture(scope="module")
def dan():
    return generate_dan_answers(academies(), DEFAULT_SEED)


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def test_survey_shape_and_values(survey, deps):
    questionnaire = load_questionnaire("enquete-trois-questions", "2016")
    assert list(survey.columns) == [item.id for item in questionnaire.items]
    assert len(survey) == 45
    assert set(survey.index) <= set(deps.index)
    assert set(SAMPLE_DEPARTEMENTS) <= set(survey.index)
    for item in questionnaire.items:
        for value in survey[item.id]:
            if not is_missing(value):
                parsed = item.parse(str(value))
                assert parsed == pytest.approx(value) if item.type == "number" else parsed == value
    assert survey["prospective"].str.startswith("[démo] ").all()
    assert survey["strategique"].str.startswith("[démo] ").all()


def test_survey_budget_distribution_is_the_papers(survey):
    per_pupil = [survey_budget_per_pupil(row) for _, row in survey.iterrows()]
    given = [value for value in per_pupil if value is not None]
    assert len(given) == 43
    bands = Counter(budget_level(value) for value in given)
    # 4 / 19 / 11 / 9 of 43 = 9.3 / 44.2 / 25.6 / 20.9 %
    assert [round(100 * bands[level] / 43, 1) for level in (1, 2, 3, 4)] == [9.3, 44.2, 25.6, 20.9]
    missing = survey.index[[value is None for value in per_pupil]]
    assert not set(missing) & set(SAMPLE_DEPARTEMENTS)
    assert survey.loc[missing, "budget_investissement_2016"].isna().all()


def test_survey_consistent_with_self_diagnosis(survey, deps, public_colleges):
    campaign = generate_selfdiag_campaign(deps, 2017, seed=DEFAULT_SEED, colleges=public_colleges)
    assert set(campaign.index) <= set(survey.index)
    common = [code for code in campaign.index if survey_budget_per_pupil(survey.loc[code]) is not None]
    survey_levels = pd.Series(
        {code: budget_level(survey_budget_per_pupil(survey.loc[code])) for code in common}
    )
    gaps = (campaign.loc[common, "f07_budget_par_eleve"] - survey_levels).abs()
    assert gaps.max() <= 1
    assert (gaps == 0).mean() > 0.6


def test_survey_deterministic(survey, deps, public_colleges):
    pd.testing.assert_frame_equal(
        survey, generate_survey_answers(deps, seed=DEFAULT_SEED, colleges=public_colleges)
    )


def test_dan_answers_reproduce_the_paper(dan):
    assert len(dan) == 25
    assert dan.index.name == "academie_code"
    share = lambda column, values: round(100 * dan[column].isin(values).mean())  # noqa: E731
    assert share("satisfaction_engagement", ["tres_satisfait", "satisfait"]) == 84
    assert share("clarte_strategies", ["tres_claires", "plutot_claires"]) == 88
    assert share("souhait_comprendre_decisions", ["oui"]) == 56
    first = dan["obstacle_1"].value_counts()
    assert list(first.index[:4]) == ["budget", "maintenance", "reseaux_internes", "acces_internet"]
    for _, row in dan.iterrows():
        assert len({row["obstacle_1"], row["obstacle_2"], row["obstacle_3"]}) == 3


def test_dan_values_are_valid_answers(dan):
    questionnaire = load_questionnaire("dan", "2017")
    assert list(dan.columns) == [item.id for item in questionnaire.items]
    for item in questionnaire.items:
        for value in dan[item.id]:
            if not is_missing(value):
                assert item.parse(str(value)) == value
    assert dan["commentaire"].dropna().str.startswith("[démo] ").all()
    codes = set(academies()["academie_code"].astype(str))
    assert set(dan.index) <= codes


def test_dan_deterministic(dan):
    pd.testing.assert_frame_equal(dan, generate_dan_answers(academies(), DEFAULT_SEED))
    assert not dan.equals(generate_dan_answers(academies(), DEFAULT_SEED + 1))


def test_demo_dataset_and_split_answers():
    from numeduc.demo import demo_dataset, split_answers

    data = demo_dataset()
    assert sorted(data) == [
        "autodiagnostic/2017",
        "autodiagnostic/2018",
        "dan/2017",
        "enquete-trois-questions/2016",
    ]
    assert all(frame.attrs["demo"] for frame in data.values())
    first = data["autodiagnostic/2017"]
    answers, comments = split_answers(first.loc["93"])
    questionnaire = load_questionnaire("autodiagnostic", "2017")
    assert set(answers) == {item.id for item in questionnaire.items}
    assert type(answers["f01_maturite_equipes"]) is int
    assert type(answers["budget_investissement_par_eleve"]) is float
    assert 1 <= len(comments) <= 4
    assert set(comments) <= {item.id for item in questionnaire.factor_items()}
    assert all(text.startswith("[démo] ") for text in comments.values())
    survey_answers, _ = split_answers(data["enquete-trois-questions/2016"].iloc[0])
    assert "prospective" in survey_answers
