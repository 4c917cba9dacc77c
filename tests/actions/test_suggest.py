"""``suggest``: the ranking rule, the reasons, prerequisites and the budget ceiling."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numeduc.actions import FACTOR_IDS, Situation, SituationError, load_catalogue, suggest
from numeduc.actions.suggest import factor_labels

CATALOGUE = load_catalogue()


def _ids(suggestions):
    return [s.action.id for s in suggestions]


# -- wording ------------------------------------------------------------------------------------
def test_the_reason_compares_with_peers_in_plain_french():
    first = suggest(CATALOGUE, Situation(levels={"f07": 1}, peer_medians={"f07": 3}))[0]
    assert first.factor == "f07"
    assert first.reason.startswith(
        "Budget par élève : niveau 1 sur 4 alors que la médiane des départements comparables est 3. "
        "Cette action vise le niveau "
    )


def test_the_reason_names_both_medians_the_trend_and_decimals():
    situation = Situation(
        levels={"f04": 3, "f05": 2},  # internet reached: the wifi action may start
        peer_medians={"f05": 2.5},
        national_medians={"f05": 3},
        previous_levels={"f05": 3},
    )
    first = suggest(CATALOGUE, situation)[0]
    assert first.reason.startswith(
        "Wifi des collèges : niveau 2 sur 4 alors que la médiane des départements comparables est 2,5 "
        "et la médiane nationale est 3, en baisse depuis la campagne précédente (niveau 3). "
    )


def test_a_median_at_or_below_the_level_is_given_as_a_plain_figure():
    situation = Situation(levels={"f04": 4, "f05": 2}, peer_medians={"f05": 1}, national_medians={"f05": 2})
    first = suggest(CATALOGUE, situation)[0]
    assert first.reason.startswith(
        "Wifi des collèges : niveau 2 sur 4 (médiane des départements comparables : 1 ; médiane nationale : 2). "
    )


# -- rules on a two-action catalogue (fibre, then wifi that needs it) ---------------------------
def test_a_prerequisite_is_pulled_before_the_action_that_needs_it(good_dir):
    catalogue = load_catalogue(good_dir)
    suggestions = suggest(catalogue, Situation(levels={"f04": 1, "f05": 1}, peer_medians={"f05": 4}))
    assert _ids(suggestions) == ["fibre", "wifi"]
    assert suggestions[0].prerequisite_of == ("wifi",)
    assert suggestions[0].reason.endswith("À faire avant « Couvrir les salles en wifi ».")


def test_a_reached_prerequisite_is_not_suggested_and_a_blocked_action_is_dropped(good_dir):
    catalogue = load_catalogue(good_dir)
    assert _ids(suggest(catalogue, Situation(levels={"f04": 3, "f05": 1}))) == ["wifi"]
    # Internet not answered: the fibre action neither applies nor is reached, so wifi waits.
    assert _ids(suggest(catalogue, Situation(levels={"f05": 1}))) == []
    assert _ids(suggest(catalogue, Situation(levels={"f04": 4, "f05": 3}))) == []


def test_the_budget_ceiling_skips_what_does_not_fit_and_what_needs_it(good_dir):
    catalogue = load_catalogue(good_dir)
    # Per collège and per year: fibre 1 000 / 5 + 100 = 300, wifi 500 / 5 = 100; ten collèges.
    both = Situation(levels={"f04": 1, "f05": 1}, colleges=10, budget_per_year=4000)
    assert [(s.action.id, s.yearly_cost) for s in suggest(catalogue, both)] == [
        ("fibre", 3000.0),
        ("wifi", 1000.0),
    ]
    tight = Situation(levels={"f04": 1, "f05": 1}, colleges=10, budget_per_year=3500)
    assert _ids(suggest(catalogue, tight)) == ["fibre"]
    too_small = Situation(levels={"f04": 1, "f05": 1}, colleges=10, budget_per_year=2000)
    assert _ids(suggest(catalogue, too_small)) == []


def test_cost_breaks_ties_then_id(good_dir):
    catalogue = load_catalogue(good_dir)
    # No medians, same level: the cheaper wifi would come first, but it needs fibre (level 1).
    assert _ids(suggest(catalogue, Situation(levels={"f04": 1, "f05": 1}))) == ["fibre", "wifi"]
    assert (
        suggest(catalogue, Situation(levels={"f04": 1}))[0].yearly_cost is None
    )  # per collège, count unknown


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        (Situation(levels={"f14": 2}), "niveaux : facteur « f14 » inconnu"),
        (Situation(levels={"f01": 5}), "niveaux : f01 = 5 hors de l'échelle 1 à 4"),
        (
            Situation(levels={"f01": 1}, peer_medians={"f01": 0.5}),
            "médianes des départements comparables : f01",
        ),
        (
            Situation(levels={"f01": 1}, budget_per_year=1000),
            "un plafond budgétaire demande le nombre de collèges",
        ),
        (Situation(levels={"f01": 1}, budget_per_year=-1, colleges=3), "plafond budgétaire négatif"),
        (Situation(levels={"f01": 1}, colleges=0), "nombre de collèges : au moins 1 attendu, 0 trouvé"),
    ],
)
def test_bad_situations_are_refused_in_french(situation, message):
    with pytest.raises(SituationError) as caught:
        suggest(CATALOGUE, situation)
    assert str(caught.value).startswith(message)


def test_limit_keeps_the_first_ones():
    situation = Situation(levels=dict.fromkeys(FACTOR_IDS, 1))
    everything = suggest(CATALOGUE, situation)
    assert len(everything) > 10
    first_five = suggest(CATALOGUE, situation, limit=5)
    assert _ids(first_five) == _ids(everything[:5])
    # « À faire avant … » only names suggestions that are shown.
    shown = set(_ids(first_five))
    assert all(set(s.prerequisite_of) <= shown for s in first_five)


def test_a_departement_at_the_top_everywhere_gets_nothing():
    assert suggest(CATALOGUE, Situation(levels=dict.fromkeys(FACTOR_IDS, 4))) == []


# -- properties over the built-in catalogue -----------------------------------------------------
HALF_LEVELS = st.sampled_from([1, 1.5, 2, 2.5, 3, 3.5, 4])
situations = st.builds(
    Situation,
    levels=st.dictionaries(st.sampled_from(FACTOR_IDS), st.integers(1, 4)),
    peer_medians=st.dictionaries(st.sampled_from(FACTOR_IDS), HALF_LEVELS),
    national_medians=st.dictionaries(st.sampled_from(FACTOR_IDS), HALF_LEVELS),
    previous_levels=st.dictionaries(st.sampled_from(FACTOR_IDS), st.integers(1, 4)),
)
with_budget = st.builds(
    lambda s, budget, colleges: Situation(**{**s.__dict__, "budget_per_year": budget, "colleges": colleges}),
    situations,
    st.floats(min_value=0, max_value=2_000_000, allow_nan=False),
    st.integers(1, 200),
)
ANY_SITUATION = st.one_of(situations, with_budget)
PROPERTY = settings(max_examples=60, deadline=None)


def _reached(action, levels):
    return all(levels.get(t.factor) is not None and levels[t.factor] >= t.to_level for t in action.factors)


@PROPERTY
@given(ANY_SITUATION)
def test_never_suggests_an_action_whose_target_level_is_reached(situation):
    for s in suggest(CATALOGUE, situation):
        level = situation.levels[s.factor]
        assert level < s.target_level and s.level == level
        target = next(t for t in s.action.factors if t.factor == s.factor)
        assert target.from_level <= level < target.to_level
        assert not _reached(s.action, situation.levels)


@PROPERTY
@given(ANY_SITUATION, st.one_of(st.none(), st.integers(1, 30)))
def test_prerequisites_are_suggested_before_or_already_reached(situation, limit):
    suggestions = suggest(CATALOGUE, situation, limit=limit)
    seen: set[str] = set()
    for s in suggestions:
        for prerequisite in s.action.prerequisites:
            assert prerequisite in seen or _reached(CATALOGUE.get(prerequisite), situation.levels), (
                s.action.id,
                prerequisite,
            )
        seen.add(s.action.id)
    assert [s.rank for s in suggestions] == list(range(1, len(suggestions) + 1))
    assert len(seen) == len(suggestions)  # no action twice


@PROPERTY
@given(ANY_SITUATION, st.randoms(use_true_random=False))
def test_deterministic_whatever_the_order_of_the_input(situation, rng: random.Random):
    def shuffled(mapping):
        items = list(mapping.items())
        rng.shuffle(items)
        return dict(items)

    again = Situation(
        levels=shuffled(situation.levels),
        peer_medians=shuffled(situation.peer_medians),
        national_medians=shuffled(situation.national_medians),
        previous_levels=shuffled(situation.previous_levels),
        budget_per_year=situation.budget_per_year,
        colleges=situation.colleges,
    )
    assert suggest(CATALOGUE, situation) == suggest(CATALOGUE, again)


@PROPERTY
@given(ANY_SITUATION)
def test_every_reason_names_its_factor_and_the_budget_holds(situation):
    labels = factor_labels()
    suggestions = suggest(CATALOGUE, situation)
    for s in suggestions:
        assert s.reason.startswith(f"{labels[s.factor]} : niveau ")
        assert f"vise le niveau {s.target_level}." in s.reason
    if situation.budget_per_year is not None:
        assert sum(s.yearly_cost or 0 for s in suggestions) <= situation.budget_per_year + 1e-6


@PROPERTY
@given(situations)
def test_the_first_suggestion_is_the_most_urgent_one_that_can_start_now(situation):
    # Among the suggestions whose prerequisites are all reached, none is more urgent than the first
    # (the first may itself be a prerequisite pulled forward for an even more urgent one).
    suggestions = suggest(CATALOGUE, situation)
    if not suggestions:
        return
    first = suggestions[0]

    def gap(s, medians):
        median = medians.get(s.factor)
        return 0.0 if median is None else median - s.level

    def urgency(s):
        return (-gap(s, situation.peer_medians), -gap(s, situation.national_medians), s.level)

    free = [
        s
        for s in suggestions
        if all(_reached(CATALOGUE.get(p), situation.levels) for p in s.action.prerequisites)
    ]
    if first in free and not first.prerequisite_of:
        assert urgency(first) <= min(urgency(s) for s in free)


def test_a_situation_from_the_results_page_profile_rows():
    from numeduc.analysis.profile import FactorResult

    rows = [
        FactorResult(
            factor=7, label="Budget", level=1.0, national_median=2.0, peer_median=3.0, previous_level=2.0
        ),
        FactorResult(
            factor=4, label="Internet", level=None, national_median=3.0, peer_median=None, previous_level=None
        ),
        FactorResult(
            factor=5,
            label="Wifi",
            level=2.0,
            national_median=float("nan"),
            peer_median=2.5,
            previous_level=None,
        ),
    ]
    situation = Situation.from_factor_results(rows, budget_per_year=1000.0, colleges=12)
    assert situation == Situation(
        levels={"f07": 1.0, "f05": 2.0},
        peer_medians={"f07": 3.0, "f05": 2.5},
        national_medians={"f07": 2.0, "f04": 3.0},
        previous_levels={"f07": 2.0},
        budget_per_year=1000.0,
        colleges=12,
    )
    assert suggest(CATALOGUE, situation)[0].reason.startswith("Budget par élève : niveau 1 sur 4 alors que")
