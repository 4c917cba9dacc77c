"""Budget per pupil and the white paper's four budget bands; the other shipped questionnaires."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from numeduc.questionnaires import (
    budget_level,
    budget_per_pupil,
    comment_key,
    load_questionnaire,
    survey_budget_per_pupil,
)


@pytest.mark.parametrize(
    "value, level",
    [(0, 1), (49.99, 1), (50, 2), (74.9, 2), (75, 3), (100, 3), (100.01, 4), (400, 4)],
)
def test_budget_bands(value, level):
    assert budget_level(value) == level


def test_budget_level_missing():
    assert budget_level(None) is None
    assert budget_level(math.nan) is None


@given(st.floats(0, 1e7), st.floats(0, 1e7), st.integers(1, 300000))
def test_budget_per_pupil_and_level_agree_with_the_band_labels(invest, operate, pupils):
    per_pupil = budget_per_pupil(invest, operate, pupils)
    assert per_pupil == pytest.approx((invest + operate) / pupils)
    level = budget_level(per_pupil)
    label = load_questionnaire("autodiagnostic", "2017").item("f07_budget_par_eleve").level(level).label
    assert label.startswith({1: "Moins de 50", 2: "De 50 à 75", 3: "De 75 à 100", 4: "Plus de 100"}[level])


def test_budget_per_pupil_missing_parts():
    assert budget_per_pupil(None, 10, 10) is None
    assert budget_per_pupil(10, 10, 0) is None
    assert budget_per_pupil(10, math.nan, 5) is None
    answers = {
        "budget_investissement_2016": 1_000_000,
        "budget_fonctionnement_2016": 1_800_000,
        "nombre_collegiens_2016": 25_000,
    }
    assert survey_budget_per_pupil(answers) == pytest.approx(112.0)


def test_comment_key():
    assert comment_key("f01_maturite_equipes") == "f01_maturite_equipes__comment"


def test_three_question_survey():
    survey = load_questionnaire("enquete-trois-questions", "2016")
    assert survey.audience == "departement"
    assert [i.type for i in survey.items] == ["text", "text", "number", "number", "number"]
    assert survey.item("nombre_collegiens_2016").integer
    assert survey.item("budget_investissement_2016").unit == "€"
    assert survey.factor_items() == [] and survey.axes == ()


def test_dan_questionnaire():
    dan = load_questionnaire("dan", "2017")
    assert dan.audience == "dan"
    satisfaction = dan.item("satisfaction_engagement")
    assert [c.value for c in satisfaction.choices] == [
        "tres_satisfait",
        "satisfait",
        "peu_satisfait",
        "pas_satisfait",
    ]
    assert len(dan.item("clarte_strategies").choices) == 4
    obstacles = [c.value for c in dan.item("obstacle_1").choices]
    assert obstacles[:4] == ["budget", "maintenance", "reseaux_internes", "acces_internet"]
    assert dan.item("obstacle_2").choices == dan.item("obstacle_1").choices
    assert dan.item("commentaire").type == "text"
