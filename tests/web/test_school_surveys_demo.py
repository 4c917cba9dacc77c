"""The demo school surveys: everything marked demo, only demo surveys replaced, answers as the
answer page stores them, and beside the (small, generated) demo logs both agreement and gaps."""

from __future__ import annotations

import inspect

import pytest

from numeduc.school_surveys.compare import gaps_by_college, survey_months
from numeduc.web.school_surveys import data, services
from numeduc.web.school_surveys.demo import DEMO_CLOSES_ON, DEMO_OPENS_ON, load_demo_school_surveys
from numeduc.web.school_surveys.models import SchoolSurvey, Submission
from numeduc.web.territories.models import Departement
from numeduc.web.usage_dashboard import store

from .conftest import USAGE_MONTH_2

pytestmark = pytest.mark.django_db


def test_the_survey_month_is_one_of_the_demo_logs():
    from numeduc.web.usage_dashboard.demo import load_demo_usage

    defaults = inspect.signature(load_demo_usage).parameters
    start = defaults["start_month"].default
    year, month = map(int, start.split("-"))
    logged = [f"{year + (month - 1 + i) // 12:04d}-{(month - 1 + i) % 12 + 1:02d}" for i in range(3)]
    assert survey_months(DEMO_OPENS_ON, DEMO_CLOSES_ON) == ["2024-11"] == [USAGE_MONTH_2]
    assert "2024-11" in logged


def test_the_loader_marks_everything_demo_and_replaces_only_demo_surveys(world):
    real = services.open_survey("college-eleves", Departement.objects.get(code="45"), world["loiret_editor"])
    link = real.colleges.first()
    questionnaire = real.questionnaire
    raw = {f"item-{i.id}": i.choices[0].value for i in questionnaire.items if i.type == "choice"}
    services.submit(link, raw, "une-vraie-reponse")

    first = load_demo_school_surveys(seed=4)
    again = load_demo_school_surveys(seed=4)
    assert again["answers"] == first["answers"] > 0
    assert first["seconds"] < 3 and again["seconds"] < 3

    demo = SchoolSurvey.objects.filter(is_demo=True)
    assert sorted((s.questionnaire_slug, s.departement.code) for s in demo) == [
        ("college-eleves", "45"),
        ("college-eleves", "59"),
        ("college-parents", "45"),
    ]
    assert all("(démonstration)" in s.title for s in demo)
    # The real survey and its answer are untouched; nothing doubled.
    assert SchoolSurvey.objects.filter(is_demo=False).get() == real
    assert Submission.objects.filter(link__survey=real, is_demo=False).count() == 1
    demo_answers = Submission.objects.filter(link__survey__in=demo)
    assert demo_answers.count() == again["answers"]
    assert not demo_answers.filter(is_demo=False).exists()
    assert again["pupils"] + again["parents"] == again["answers"]

    questionnaires = {s.pk: s.questionnaire for s in demo}
    for submission in demo_answers.select_related("link"):
        assert DEMO_OPENS_ON <= submission.answered_on <= DEMO_CLOSES_ON
        assert submission.answered_on.weekday() < 5
        assert 0 < len(submission.nonce) <= services.MAX_NONCE
        # Stored exactly as the answer page would store the same form.
        form = {f"item-{k}": str(v) for k, v in submission.answers.items()}
        assert services.parse_answers(questionnaires[submission.link.survey_id], form) == submission.answers


def test_the_results_show_some_collèges_and_hide_others_and_the_comparison_agrees_and_differs(world):
    report = load_demo_school_surveys(seed=4)
    loiret = SchoolSurvey.objects.get(
        is_demo=True, departement__code="45", questionnaire_slug="college-eleves"
    )
    rows = data.result_rows(loiret)
    assert {r["uai"] for r in rows} == {c.uai for c in world["colleges"]}  # the collèges with logs
    assert all(r["demo"] for r in rows)
    shown = [r for r in rows if r["shown"]]
    hidden = [r for r in rows if not r["shown"]]
    assert shown and hidden
    assert any(0 < r["n"] < 5 for r in hidden)

    _, cells, _ = data.survey_results(loiret)
    indicators = store.load("45").indicators
    gaps = gaps_by_college(
        cells,
        loiret.questionnaire_slug,
        "eleve",
        indicators,
        survey_months(loiret.opens_on, loiret.closes_on),
    )
    planned = next(s for s in report["surveys"] if s["id"] == loiret.pk)
    differences = {
        uai: [c.result.declared - c.result.measured for c in comparisons]
        for uai, comparisons in gaps.items()
        if all(c.result.declared is not None and c.result.measured is not None for c in comparisons)
    }
    assert differences  # shown collèges, with logs
    for uai, diffs in differences.items():
        if uai in planned["overstating"]:
            assert all(d > 0.2 for d in diffs)
        else:
            assert all(abs(d) < 0.1 for d in diffs)
    assert set(planned["overstating"]) & set(differences)
    assert set(differences) - set(planned["overstating"])

    nord = SchoolSurvey.objects.get(is_demo=True, departement__code="59")
    _, cells, _ = data.survey_results(nord)
    no_logs = gaps_by_college(cells, nord.questionnaire_slug, "eleve", indicators.iloc[0:0], ["2024-11"])
    assert no_logs and all(c.result.measured is None for cs in no_logs.values() for c in cs)
    assert not next(s for s in report["surveys"] if s["id"] == nord.pk)["logs"]


def test_without_a_warehouse_the_answers_are_drawn_without_logs(territories):
    from numeduc.web.territories.models import College

    loiret = Departement.objects.get(code="45")
    for i in range(1, 7):
        College.objects.create(uai=f"045000{i}B", name=f"Collège {i}", departement=loiret)
    report = load_demo_school_surveys(seed=1)
    assert [(s["departement"], s["logs"]) for s in report["surveys"]] == [("45", False), ("45", False)]
    assert report["hidden"] >= 1 and report["answers"] > 0


def test_demo_setup_loads_the_school_surveys_after_the_logs():
    from numeduc.cli import demo

    source = inspect.getsource(demo.setup)
    assert source.index("load_demo_usage(") < source.index("load_demo_school_surveys(seed=seed)")
