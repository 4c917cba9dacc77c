"""Declared (survey) beside measured (logs): pairings, periods and shares against a hand
computation, and the refusals (hidden cells, missing logs, other months or collèges)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from numeduc.questionnaires import load_questionnaire
from numeduc.school_surveys.anonymity import CollegePlace
from numeduc.school_surveys.compare import (
    PAIRINGS,
    compare,
    declared_share,
    gaps_by_college,
    measured_share,
    pairings_for,
    school_year_of_month,
    survey_months,
)
from numeduc.school_surveys.rollup import summarise
from numeduc.usage.indicator_ids import INDICATORS

PLACES = {"A": CollegePlace("45", "rural"), "B": CollegePlace("45", "urbain")}


def _answers(uai: str, values: list[str], item: str = "ent_notes") -> list[dict]:
    return [
        {"response": f"{uai}-{i}", "uai": uai, "audience": "eleve", "item": item, "value": v}
        for i, v in enumerate(values)
    ]


def _indicator(
    uai, month, numerator, denominator, indicator="service_reach_notes_competences", profile="ELEVE"
):
    return {
        "uai": uai,
        "month": month,
        "indicator": indicator,
        "profile": profile,
        "value": numerator / denominator,
        "numerator": numerator,
        "denominator": denominator,
    }


def test_every_pairing_names_a_real_item_with_its_values_and_a_real_indicator():
    for pairing in PAIRINGS:
        questionnaire = load_questionnaire(pairing.questionnaire)
        item = {i.id: i for i in questionnaire.items}[pairing.item]
        assert set(pairing.yes_values) <= {c.value for c in item.choices}, pairing
        assert pairing.indicator in INDICATORS, pairing
        assert pairing.profile in {"ELEVE", "PARENT", "ENSEIGNANT", "PERSONNEL"}
    assert {p.item for p in pairings_for("college-eleves")} == {
        "ent_notes",
        "ent_devoirs",
        "ent_messages",
        "ent_ressources",
    }
    assert pairings_for("college-personnels") == ()


def test_survey_months_span_the_window_across_a_new_year():
    assert survey_months(dt.date(2024, 11, 4), dt.date(2024, 11, 29)) == ["2024-11"]
    assert survey_months(dt.date(2024, 12, 15), dt.date(2025, 2, 1)) == ["2024-12", "2025-01", "2025-02"]
    with pytest.raises(ValueError):
        survey_months(dt.date(2025, 1, 2), dt.date(2025, 1, 1))
    assert [school_year_of_month(m) for m in ("2024-07", "2024-08", "2024-11", "2025-06")] == [
        "2023-2024",
        "2024-2025",
        "2024-2025",
        "2024-2025",
    ]


def test_measured_share_weighs_pupils_not_collèges_and_keeps_to_the_period_and_collèges():
    frame = pd.DataFrame(
        [
            _indicator("A", "2024-11", 30, 100),
            _indicator("B", "2024-11", 270, 300),
            _indicator("A", "2024-10", 100, 100),  # another month
            _indicator("C", "2024-11", 0, 500),  # another collège
            _indicator("A", "2024-11", 99, 100, profile="PARENT"),  # another profile
        ]
    )
    # (30 + 270) / (100 + 300), not the mean of 30 % and 90 %.
    assert measured_share(frame, ["A", "B"], ["2024-11"], "service_reach_notes_competences", "ELEVE") == (
        pytest.approx(300 / 400)
    )
    assert measured_share(
        frame, ["A"], ["2024-10", "2024-11"], "service_reach_notes_competences", "ELEVE"
    ) == (pytest.approx(130 / 200))
    assert measured_share(frame, ["A"], ["2024-09"], "service_reach_notes_competences", "ELEVE") is None
    assert measured_share(frame, [], ["2024-11"], "service_reach_notes_competences", "ELEVE") is None
    assert (
        measured_share(frame.iloc[0:0], ["A"], ["2024-11"], "service_reach_notes_competences", "ELEVE")
        is None
    )


def test_declared_share_counts_at_least_monthly_among_those_who_answered_the_item():
    rows = _answers(
        "A", ["quotidien", "hebdomadaire", "mensuel", "moins_une_fois_par_mois", "jamais", "jamais"]
    )
    _, cells = summarise(pd.DataFrame(rows), PLACES)
    notes = pairings_for("college-eleves")[0]
    assert notes.item == "ent_notes"
    assert declared_share(cells[("college", "A", "eleve")], notes) == (pytest.approx(3 / 6), 6)
    devoirs = next(p for p in PAIRINGS if p.item == "ent_devoirs" and p.profile == "ELEVE")
    assert declared_share(cells[("college", "A", "eleve")], devoirs) == (None, 0)  # nobody answered it
    assert declared_share(None, notes) == (None, 0)


def test_a_collège_below_the_threshold_is_never_compared_but_its_logs_still_are_not_hidden():
    rows = _answers("A", ["quotidien"] * 8) + _answers("B", ["jamais"] * 3)
    _, cells = summarise(pd.DataFrame(rows), PLACES)
    frame = pd.DataFrame([_indicator("A", "2024-11", 40, 100), _indicator("B", "2024-11", 10, 100)])
    by_college = gaps_by_college(cells, "college-eleves", "eleve", frame, ["2024-11"])
    # B has 3 answers: hidden; A would be recoverable from the département minus B, so the
    # secondary suppression hides it too — neither is compared.
    notes_a = by_college["A"][0]
    notes_b = by_college["B"][0]
    assert notes_b.result.declared is None and notes_b.result.measured == pytest.approx(0.1)
    assert notes_b.result.sentence == "Pas assez de réponses à l'enquête pour comparer."
    assert notes_a.result.declared is None


def test_a_gap_is_said_in_plain_words_with_its_points():
    rows = _answers("A", ["quotidien"] * 8 + ["jamais"] * 2) + _answers(
        "B", ["hebdomadaire"] * 5 + ["jamais"] * 5
    )
    _, cells = summarise(pd.DataFrame(rows), PLACES)
    frame = pd.DataFrame([_indicator("A", "2024-11", 40, 100), _indicator("B", "2024-11", 45, 100)])
    a = compare(cells[("college", "A", "eleve")], "college-eleves", frame, ["A"], ["2024-11"])[0]
    assert (
        a.answered == 10
        and a.result.declared == pytest.approx(0.8)
        and a.result.measured == pytest.approx(0.4)
    )
    assert a.result.gap == pytest.approx(0.4)
    assert "40 points d'écart" in a.result.sentence and "surestimer" in a.result.sentence
    assert "80\u202f%" in a.result.sentence or "80\u00a0%" in a.result.sentence
    b = compare(cells[("college", "B", "eleve")], "college-eleves", frame, ["B"], ["2024-11"])[0]
    assert "concordent" in b.result.sentence
    dep = compare(cells[("departement", "45", "eleve")], "college-eleves", frame, ["A", "B"], ["2024-11"])[0]
    assert dep.result.declared == pytest.approx(13 / 20) and dep.result.measured == pytest.approx(85 / 200)
    no_logs = compare(cells[("college", "A", "eleve")], "college-eleves", frame, ["A"], ["2023-11"])[0]
    assert no_logs.result.sentence == "Pas de journaux d'usage sur la période pour comparer."
