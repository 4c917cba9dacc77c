"""Suggest actions of the catalogue to one département, in priority order, each with its reason.

Input: the département's levels on the 13 factors (``f01`` … ``f13`` → 1-4, some may be
missing), optionally the medians of its comparable départements and of all départements, its
levels at the previous campaign, a yearly budget ceiling and its number of collèges.

Rules (docs/actions.md, « Suggestions »):

1. **Which actions.** An action *applies* to a factor it works on when the département's level is
   known and ``from <= level < to``: it has reached where the action starts and not yet where it
   leads.  An action is a candidate when it applies to at least one of its factors; so an action
   whose target level is already reached, or whose factor is not answered, is never suggested.
2. **Priority.** For each factor an action applies to: the gap to the comparable départements'
   median (median − level), then the gap to the national median, then the level itself (lower
   first).  A missing median counts as no gap.  The action is ranked by the factor where these are
   worst, then by its yearly cost (cheaper first), then by its id — so the order is total and the
   same input always gives the same list.
3. **Prerequisites.** An action comes after its prerequisites: each must be either *reached*
   (every factor it works on is known and at or above its target level) or suggested earlier.  A
   prerequisite that is itself a candidate is pulled forward, just before the first action that
   needs it; an action whose prerequisite is neither reached nor a candidate is not suggested.
4. **Budget.** With a ceiling, actions are taken in that order while their yearly cost (investment
   spread over ``INVESTMENT_SPREAD_YEARS`` plus running cost, per collège costs times the
   number of collèges) fits in what is left; one that does not fit is skipped, and so are the
   actions that need it.

The previous levels only change the wording of the reason (« en baisse depuis la campagne
précédente »), not the order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from numeduc.actions.model import (
    FACTOR_IDS,
    HIGHEST_LEVEL,
    LOWEST_LEVEL,
    Action,
    Catalogue,
    FactorTarget,
    factor_id,
)
from numeduc.formatting import fr_euro, fr_number
from numeduc.text import fr_join

# Costs given per collège are compared, when the number of collèges is not known, for a
# département of this size (5,300 public collèges over 101 départements is about 52).
REFERENCE_COLLEGES = 50


class SituationError(ValueError):
    """A situation cannot be used (French message naming the field and the value)."""


@dataclass(frozen=True)
class Situation:
    levels: Mapping[str, float]
    peer_medians: Mapping[str, float] = field(default_factory=dict)
    national_medians: Mapping[str, float] = field(default_factory=dict)
    previous_levels: Mapping[str, float] = field(default_factory=dict)
    budget_per_year: float | None = None  # euros per year for all suggested actions together
    colleges: int | None = None  # public collèges of the département

    @classmethod
    def from_factor_results(
        cls, results: Iterable[Any], *, budget_per_year: float | None = None, colleges: int | None = None
    ) -> Situation:
        """A situation from the results page's ``numeduc.analysis.profile.FactorResult`` rows.

        Each row has ``factor`` (1-13), ``level``, ``peer_median``, ``national_median`` and
        ``previous_level`` (numbers or ``None``); missing values are left out.
        """
        rows = list(results)

        def values(attribute: str) -> dict[str, float]:
            found = {}
            for row in rows:
                value = getattr(row, attribute)
                if value is not None and not math.isnan(value):
                    found[factor_id(row.factor)] = value
            return found

        return cls(
            levels=values("level"),
            peer_medians=values("peer_median"),
            national_medians=values("national_median"),
            previous_levels=values("previous_level"),
            budget_per_year=budget_per_year,
            colleges=colleges,
        )


@dataclass(frozen=True)
class Suggestion:
    rank: int  # 1 for the first
    action: Action
    factor: str  # the factor the priority comes from, e.g. "f07"
    level: float  # the département's level on it
    target_level: int  # where the action leads on it
    reason: str  # French, names the factor
    yearly_cost: float | None  # euros per year; None when per-collège and the count is unknown
    prerequisite_of: tuple[str, ...] = ()  # later suggestions that need this one


@cache
def factor_labels() -> dict[str, str]:
    """``{"f01": "Maturité des équipes", …}``: the self-diagnosis questionnaire's short labels."""
    from numeduc.questionnaires import load_questionnaire

    items = load_questionnaire("autodiagnostic").factor_items()
    return {f"f{item.factor:02d}": item.short_label or item.label for item in items}


def _check_values(values: Mapping[str, float], name: str) -> None:
    for key, value in values.items():
        if key not in FACTOR_IDS:
            raise SituationError(f"{name} : facteur « {key} » inconnu (f01 à {FACTOR_IDS[-1]})")
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not (LOWEST_LEVEL <= value <= HIGHEST_LEVEL)
        ):
            raise SituationError(
                f"{name} : {key} = {value!r} hors de l'échelle {LOWEST_LEVEL} à {HIGHEST_LEVEL}"
            )


def _check(situation: Situation) -> None:
    _check_values(situation.levels, "niveaux")
    _check_values(situation.peer_medians, "médianes des départements comparables")
    _check_values(situation.national_medians, "médianes nationales")
    _check_values(situation.previous_levels, "niveaux précédents")
    if situation.colleges is not None and situation.colleges < 1:
        raise SituationError(f"nombre de collèges : au moins 1 attendu, {situation.colleges} trouvé")
    if situation.budget_per_year is not None:
        if situation.budget_per_year < 0:
            raise SituationError(f"plafond budgétaire négatif : {fr_euro(situation.budget_per_year, 0)}")
        if situation.colleges is None:
            raise SituationError(
                "un plafond budgétaire demande le nombre de collèges du département "
                "(une partie des coûts est donnée par collège)"
            )


def _level_words(value: float) -> str:
    """``3`` → « 3 », ``2.5`` → « 2,5 »."""
    return fr_number(value, 0 if float(value).is_integer() else 1)


@dataclass(frozen=True)
class _Candidate:
    action: Action
    target: FactorTarget  # the factor the priority comes from
    key: tuple


def suggest(catalogue: Catalogue, situation: Situation, *, limit: int | None = None) -> list[Suggestion]:
    """The ranked suggestions for ``situation`` (rules in the module docstring).

    ``limit`` keeps the first ones only (prerequisites stay before what needs them).  Raises
    ``SituationError`` for a factor outside f01-f13, a value outside 1-4, a negative budget, or
    a budget without the number of collèges.
    """
    _check(situation)
    levels = situation.levels

    def gaps(target: FactorTarget) -> tuple[float, float, float]:
        level = levels[target.factor]
        peer = situation.peer_medians.get(target.factor)
        national = situation.national_medians.get(target.factor)
        return (
            0.0 if peer is None else peer - level,
            0.0 if national is None else national - level,
            float(level),
        )

    def applies(target: FactorTarget) -> bool:
        level = levels.get(target.factor)
        return level is not None and target.from_level <= level < target.to_level

    def reached(action: Action) -> bool:
        return all(
            levels.get(t.factor) is not None and levels[t.factor] >= t.to_level for t in action.factors
        )

    colleges_for_order = situation.colleges or REFERENCE_COLLEGES
    candidates: dict[str, _Candidate] = {}
    for action in catalogue:
        applicable = [t for t in action.factors if applies(t)]
        if not applicable:
            continue
        main = min(applicable, key=lambda t: (-gaps(t)[0], -gaps(t)[1], gaps(t)[2], t.factor))
        peer_gap, national_gap, level = gaps(main)
        key = (-peer_gap, -national_gap, level, action.cost.yearly(colleges_for_order), action.id)
        candidates[action.id] = _Candidate(action, main, key)

    placed: list[_Candidate] = []
    placed_ids: set[str] = set()
    refused: set[str] = set()
    spent = 0.0

    def place(action_id: str) -> bool:
        nonlocal spent
        if action_id in placed_ids:
            return True
        if action_id in refused:
            return False
        candidate = candidates[action_id]
        pending = [p for p in candidate.action.prerequisites if p not in placed_ids]
        for prerequisite in sorted(
            pending, key=lambda p: (0, candidates[p].key) if p in candidates else (1, (p,))
        ):
            if reached(catalogue.get(prerequisite)):
                continue
            # The catalogue has no prerequisite cycle (the loader refuses one), so this ends.
            if prerequisite not in candidates or not place(prerequisite):
                refused.add(action_id)
                return False
        if situation.budget_per_year is not None:
            assert situation.colleges is not None
            cost = candidate.action.cost.yearly(situation.colleges)
            if spent + cost > situation.budget_per_year + 1e-9:
                refused.add(action_id)
                return False
            spent += cost
        placed.append(candidate)
        placed_ids.add(action_id)
        return True

    for action_id in sorted(candidates, key=lambda a: candidates[a].key):
        place(action_id)

    chosen = placed if limit is None else placed[: max(limit, 0)]
    chosen_ids = {c.action.id for c in chosen}
    suggestions = []
    for rank, candidate in enumerate(chosen, start=1):
        needed_by = tuple(
            later.action.id
            for later in chosen[rank:]
            if candidate.action.id in later.action.prerequisites and later.action.id in chosen_ids
        )
        suggestions.append(_suggestion(rank, candidate, situation, needed_by, catalogue))
    return suggestions


def _comparison(level: float, peer: float | None, national: float | None) -> str:
    below, beside = [], []
    for median, words in (
        (peer, "la médiane des départements comparables"),
        (national, "la médiane nationale"),
    ):
        if median is None:
            continue
        if median > level:
            below.append(f"{words} est {_level_words(median)}")
        else:
            beside.append(f"{words.removeprefix('la ')} : {_level_words(median)}")
    text = ""
    if below:
        text += " alors que " + fr_join(below)
    if beside:
        text += " (" + " ; ".join(beside) + ")"
    return text


def _suggestion(
    rank: int,
    candidate: _Candidate,
    situation: Situation,
    needed_by: tuple[str, ...],
    catalogue: Catalogue,
) -> Suggestion:
    labels = factor_labels()
    action, target = candidate.action, candidate.target
    level = situation.levels[target.factor]
    reason = f"{labels[target.factor]} : niveau {_level_words(level)} sur {HIGHEST_LEVEL}"
    reason += _comparison(
        level, situation.peer_medians.get(target.factor), situation.national_medians.get(target.factor)
    )
    previous = situation.previous_levels.get(target.factor)
    if previous is not None and previous != level:
        trend = "en baisse" if previous > level else "en hausse"
        reason += f", {trend} depuis la campagne précédente (niveau {_level_words(previous)})"
    reason += f". Cette action vise le niveau {target.to_level}."
    others = [
        t
        for t in action.factors
        if t is not target
        and t.factor in situation.levels
        and t.from_level <= situation.levels[t.factor] < t.to_level
    ]
    if others:
        also = [f"{labels[t.factor]} (niveau {_level_words(situation.levels[t.factor])})" for t in others]
        reason += f" Elle agit aussi sur : {fr_join(also)}."
    if needed_by:
        titles = [f"« {catalogue.get(i).title} »" for i in needed_by]
        reason += f" À faire avant {fr_join(titles)}."
    if action.cost.per == "college" and situation.colleges is None:
        yearly = None
    else:
        yearly = action.cost.yearly(situation.colleges or 1)
    return Suggestion(
        rank=rank,
        action=action,
        factor=target.factor,
        level=level,
        target_level=target.to_level,
        reason=reason,
        yearly_cost=yearly,
        prerequisite_of=needed_by,
    )


__all__ = [
    "REFERENCE_COLLEGES",
    "Situation",
    "SituationError",
    "Suggestion",
    "factor_labels",
    "suggest",
]
