"""The demo answers to the school surveys: seeded, valid for their questionnaire, some collèges
below the threshold, and beside the logs close for most collèges and far for a planted few."""

from __future__ import annotations

import pytest

from numeduc.demo import DEMO_PREFIX
from numeduc.demo.school_surveys import (
    OVERSTATE_POINTS,
    RESPONDENTS,
    generate_school_answers,
    plan_colleges,
)
from numeduc.questionnaires import load_questionnaire
from numeduc.school_surveys.anonymity import MIN_ANSWERS
from numeduc.school_surveys.compare import pairings_for

SLUGS = ("college-eleves", "college-parents", "college-enseignants", "college-personnels")
UAIS = [f"0450{i:03d}A" for i in range(16)]


def _measured(slug: str) -> dict:
    """A measured share per collège and paired indicator, from 10 % to 55 %."""
    return {
        uai: {
            (p.indicator, p.profile): 0.10 + 0.03 * ((i + j) % 16) for j, p in enumerate(pairings_for(slug))
        }
        for i, uai in enumerate(UAIS)
    }


def _declared(answers: list[dict], pairing) -> float:
    return sum(a[pairing.item] in pairing.yes_values for a in answers) / len(answers)


@pytest.mark.parametrize("slug", SLUGS)
def test_same_seed_same_answers_and_another_seed_others(slug):
    questionnaire = load_questionnaire(slug)
    one = generate_school_answers(questionnaire, UAIS, seed=5, measured=_measured(slug))
    assert one == generate_school_answers(
        questionnaire, list(reversed(UAIS)), seed=5, measured=_measured(slug)
    )
    assert one != generate_school_answers(questionnaire, UAIS, seed=6, measured=_measured(slug))


@pytest.mark.parametrize("slug", SLUGS)
def test_every_answer_is_one_the_engine_accepts_and_stores_as_is(slug):
    questionnaire = load_questionnaire(slug)
    answers = generate_school_answers(questionnaire, UAIS, seed=1, measured=_measured(slug))
    assert sorted(answers) == sorted(UAIS)
    items = {item.id: item for item in questionnaire.items}
    texts = 0
    for college_answers in answers.values():
        for answer in college_answers:
            assert set(answer) <= set(items)
            assert questionnaire.missing_required(answer) == []
            for item_id, value in answer.items():
                # What services.parse_answers would store for the form string.
                assert items[item_id].parse(str(value)) == value
                if items[item_id].type == "text":
                    texts += 1
                    assert value.startswith(f"{DEMO_PREFIX} ")
    total = sum(len(a) for a in answers.values())
    has_text = any(item.type == "text" for item in questionnaire.items)
    # Free texts are rare, but they exist.
    assert not has_text or 0 < texts < total * len([i for i in items.values() if i.type == "text"]) * 0.15


def test_counts_vary_some_collèges_stay_below_the_threshold_and_the_head_s_is_shown():
    questionnaire = load_questionnaire("college-eleves")
    for seed in range(20):
        plans = plan_colleges(questionnaire, UAIS, seed=seed, shown=[UAIS[0]])
        counts = [p.respondents for p in plans]
        small = [p for p in plans if not p.shown]
        assert 1 <= len(small) <= 4
        assert all(1 <= p.respondents < MIN_ANSWERS for p in small)
        assert all(RESPONDENTS[0] <= p.respondents <= RESPONDENTS[1] for p in plans if p.shown)
        assert len(set(counts)) > 5
        assert plans[0].uai == UAIS[0] and plans[0].shown
        answers = generate_school_answers(questionnaire, UAIS, seed=seed, plans=plans)
        assert [len(answers[p.uai]) for p in plans] == counts


@pytest.mark.parametrize("slug", ("college-eleves", "college-parents"))
def test_declared_is_close_to_measured_in_most_collèges_and_far_above_in_a_planted_minority(slug):
    questionnaire = load_questionnaire(slug)
    measured = _measured(slug)
    plans = plan_colleges(questionnaire, UAIS, seed=3, measured=measured)
    answers = generate_school_answers(questionnaire, UAIS, seed=3, measured=measured, plans=plans)
    shown = [p for p in plans if p.shown]
    overstating = [p for p in shown if p.overstates]
    assert not any(p.overstates for p in plans if not p.shown)
    # About one in four of the shown collèges.
    assert round(0.25 * len(shown)) == len(overstating) >= 2
    for plan in shown:
        for pairing in pairings_for(slug):
            share = measured[plan.uai][(pairing.indicator, pairing.profile)]
            gap = _declared(answers[plan.uai], pairing) - share
            if plan.overstates:
                # The planted gap, give or take the rounding to a count of answers.
                assert OVERSTATE_POINTS[0] - 0.5 / plan.respondents <= gap <= OVERSTATE_POINTS[1] + 0.05
            else:
                # Within the 10 points under which DeclaredMeasured says they agree.
                assert abs(gap) < 0.10


def test_without_logs_the_declared_share_is_drawn_in_the_prior():
    questionnaire = load_questionnaire("college-eleves")
    plans = plan_colleges(questionnaire, UAIS, seed=2)
    for plan in plans:
        assert set(plan.targets) == {p.item for p in pairings_for("college-eleves")}
        assert all(0.25 <= t <= 0.65 for t in plan.targets.values())
        assert all(m is None for m in plan.measured.values())


def test_the_generator_is_pure():
    import ast
    from pathlib import Path

    import numeduc.demo.school_surveys as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not any(name and (name.startswith("django") or ".web" in name) for name in imported)
