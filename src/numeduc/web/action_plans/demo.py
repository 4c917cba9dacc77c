"""Demo action plans, for the demonstration instance (``numeduc demo setup``; docs/demo-data.md).

Written through ``services`` like every plan, by nobody (``user=None``: the history shows no
author), with fixed dates so that the history reads as if the plans had been kept over the
school year. Every text written here starts with « [démo] »; every plan is ``is_demo``.

- 10 to 14 départements that sent both the 2017 and the 2018 demo self-diagnosis: a plan for
  2017-2018 starting from 2017, 3 to 6 actions among the catalogue's suggestions for their 2017
  levels, mostly completed. At least five of them share three catalogue actions, so that the
  coordinator's national view (figures over fewer than five départements hidden) shows some.
  Their 2018 answers were generated without these plans: the follow-up confirms them or not.
- The Loiret (45): a plan for 2024-2025 in progress, two actions with usage targets on named
  public collèges, measurable by the demo usage logs (2024-09 to 2024-11), one linked to the
  demo budget scenario « BYOD sur les collèges du Loiret ».
- The Nord (59) has no plan: its demo account starts from nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
from django.db import transaction
from django.utils import timezone

from numeduc.actions import Situation, load_catalogue, suggest
from numeduc.web.planning.models import Scenario
from numeduc.web.surveys.models import Campaign, Response
from numeduc.web.territories.models import College, Departement

from . import services
from .data import SELF_DIAGNOSIS, baseline_levels
from .models import Plan, PlannedAction

DEMO_PLANS_SEED = 2017
LOIRET = "45"
NORD = "59"
EXCLUDED = (LOIRET, NORD)  # the demo accounts' départements
BYOD_SCENARIO = "BYOD sur les collèges du Loiret"
# The catalogue actions a 2017 plan picks from: the first suggestions for its 2017 levels.
SUGGESTIONS = 8
SHARED_ACTIONS = 3  # catalogue actions common to the core départements
MIN_SHARED = 5  # the national view shows figures over at least five départements
MAX_ABANDONED = 1
Status = PlannedAction.Status

OWNERS = (
    "Direction de l'éducation et des collèges",
    "Service du numérique éducatif",
    "Direction des systèmes d'information",
    "Cheffe de projet numérique éducatif",
    "Direction des bâtiments et de la maintenance",
)
STARTED_NOTES = (
    "[démo] Lancement : réunion des partenaires et calendrier arrêté.",
    "[démo] Premier comité de suivi : le responsable et les partenaires sont désignés.",
    "[démo] Démarrage dans un premier groupe de collèges.",
)
DONE_NOTES = (
    "[démo] Action menée à terme ; bilan présenté au comité de pilotage.",
    "[démo] Réalisée dans les délais ; le bilan est joint au rapport annuel.",
    "[démo] Terminée ; les collèges concernés ont fait un retour positif.",
)
ABANDONED_NOTES = (
    "[démo] Abandonnée : le budget prévu a été réaffecté au renouvellement des équipements.",
    "[démo] Abandonnée : le partenaire principal s'est retiré du projet.",
    "[démo] Abandonnée : reportée au prochain plan, faute de chef de projet.",
)


def _start(action, started: dt.date, rng) -> dt.date:
    """The action set « en cours » on ``started`` with one of the demo's start notes."""
    services.set_status(
        action,
        Status.IN_PROGRESS,
        STARTED_NOTES[int(rng.integers(len(STARTED_NOTES)))],
        None,
        noted_on=started,
        when=_at(started, 15),
    )
    return started


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def _day(start: dt.date, rng: np.random.Generator, low: int, high: int) -> dt.date:
    """A day between ``low`` and ``high`` days after ``start`` (both included)."""
    return start + dt.timedelta(days=int(rng.integers(low, high + 1)))


def _demo_selfdiag(year: int) -> Campaign:
    return Campaign.objects.get(is_demo=True, questionnaire_slug=SELF_DIAGNOSIS, year=year)


def _submitted_codes(campaign: Campaign) -> set[str]:
    return set(
        Response.objects.filter(campaign=campaign, status=Response.Status.SUBMITTED).values_list(
            "departement__code", flat=True
        )
    )


def _levels(departement: Departement, campaign: Campaign) -> dict[str, int]:
    """The département's factor levels at ``campaign`` (as a plan starting from it reads them)."""
    return baseline_levels(Plan(departement=departement, baseline_campaign=campaign))


def _suggested(levels: dict[str, int], limit: int | None) -> list[tuple[str, str, int]]:
    """``(action id, factor, target level)`` of the catalogue's suggestions, in their order."""
    return [
        (s.action.id, s.factor, s.target_level)
        for s in suggest(load_catalogue(), Situation(levels=levels), limit=limit)
    ]


Key = tuple[str, str]  # (catalogue action, factor): a row of the national view


def _shared_core(suggestions: dict[str, list[Key]]) -> tuple[tuple[Key, ...], list[str]]:
    """Three (catalogue action, factor) pairs suggested to as many départements as possible, and
    those départements (at least five with the default seeds: tested). Deterministic: pairs by
    frequency then name, triples in that order, the first with the most départements."""
    counts: dict[Key, int] = {}
    for keys in suggestions.values():
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    frequent = sorted(counts, key=lambda k: (-counts[k], k))[:12]
    best: tuple[tuple[Key, ...], list[str]] = ((), [])
    for triple in itertools.combinations(frequent, SHARED_ACTIONS):
        supporters = sorted(code for code, ids in suggestions.items() if set(triple) <= set(ids))
        if len(supporters) > len(best[1]):
            best = (triple, supporters)
    return best


def _fields(action_id: str, factor: str, target: int, owner: str, starts: dt.date, ends: dt.date) -> dict:
    fields = services.catalogue_defaults(action_id)
    fields.update(
        description="[démo] " + fields["description"],
        factor=factor,
        target_level=target,
        owner=owner,
        starts_on=starts,
        ends_on=ends,
    )
    return fields


def _outcomes(count: int, rng: np.random.Generator) -> list[str]:
    """The final statuses of a 2017 plan's actions, in a drawn order: mostly completed, the
    others in progress, at most one abandoned."""
    done = max(-(-count // 2), count - int(rng.integers(1, 3)))
    abandoned = MAX_ABANDONED if count > done and rng.random() < 0.4 else 0
    statuses = [Status.DONE] * done + [Status.ABANDONED] * abandoned
    statuses += [Status.IN_PROGRESS] * (count - len(statuses))
    return [statuses[i] for i in rng.permutation(count).tolist()]


def _plan_2017(
    departement: Departement,
    campaign: Campaign,
    chosen: list[tuple[str, str, int]],
    levels: dict[str, int],
    rng: np.random.Generator,
    completed: set[str],
) -> Plan:
    """A 2017-2018 plan; the actions in ``completed`` end « réalisée » whatever the draw."""
    created = _day(dt.date(2017, 9, 1), rng, 4, 20)
    plan = services.create_plan(
        departement,
        2017,
        "Plan d'actions numérique 2017-2018",
        None,
        baseline_campaign=campaign,
        is_demo=True,
        when=_at(created, 10),
    )
    outcomes = [
        Status.DONE if item[0] in completed else outcome
        for item, outcome in zip(chosen, _outcomes(len(chosen), rng), strict=True)
    ]
    for position, (action_id, factor, target) in enumerate(chosen):
        starts = _day(created, rng, 7, 70)
        ends = _day(dt.date(2018, 3, 31), rng, 0, 91)
        owner = OWNERS[int(rng.integers(len(OWNERS)))]
        action = services.add_action(
            plan,
            _fields(action_id, factor, target, owner, starts, ends),
            None,
            catalogue_id=action_id,
            baseline_level=levels.get(factor),
            when=_at(created, 10) + dt.timedelta(minutes=5 * (position + 1)),
        )
        outcome = outcomes[position]
        started = _start(action, _day(starts, rng, 0, 10), rng)
        if outcome == Status.IN_PROGRESS:
            continue
        if outcome == Status.DONE:
            closed = min(_day(ends, rng, -20, 0), dt.date(2018, 6, 30))
            note = DONE_NOTES[int(rng.integers(len(DONE_NOTES)))]
        else:
            closed = _day(started, rng, 30, 120)
            note = ABANDONED_NOTES[int(rng.integers(len(ABANDONED_NOTES)))]
        closed = max(closed, started + dt.timedelta(days=1))
        services.set_status(action, outcome, note, None, noted_on=closed, when=_at(closed, 16))
    return plan


def _plans_2017(rng: np.random.Generator) -> list[Plan]:
    c2017, c2018 = _demo_selfdiag(2017), _demo_selfdiag(2018)
    # A département with a real plan for 2017 keeps it (one plan per year): no demo plan there.
    taken = set(Plan.objects.filter(year=2017).values_list("departement__code", flat=True))
    eligible = sorted((_submitted_codes(c2017) & _submitted_codes(c2018)) - set(EXCLUDED) - taken)
    departements = Departement.objects.in_bulk(eligible, field_name="code")
    levels = {code: _levels(departements[code], c2017) for code in eligible}
    suggested = {code: _suggested(levels[code], SUGGESTIONS) for code in eligible}
    shared, supporters = _shared_core({code: [s[:2] for s in items] for code, items in suggested.items()})

    core_size = min(len(supporters), MIN_SHARED + int(rng.integers(0, 2)))
    core = sorted(rng.choice(supporters, size=core_size, replace=False).tolist())
    others = [code for code in eligible if code not in core]
    total = min(int(rng.integers(10, 15)), len(eligible))
    extra = rng.choice(others, size=max(total - len(core), 0), replace=False).tolist() if others else []
    chosen_codes = sorted(core + extra)

    plans = []
    for code in chosen_codes:
        items = suggested[code]
        wanted = int(rng.integers(3, 7))
        # The core départements complete the shared actions: the national view's rows need five
        # départements that planned them and five that completed them.
        completed = {s[0] for s in items if s[:2] in shared} if code in core else set()
        pool = [s[0] for s in items if s[0] not in completed]
        picks = rng.permutation(len(pool))[: max(wanted - len(completed), 0)].tolist()
        keep = completed | {pool[i] for i in picks}
        chosen = [s for s in items if s[0] in keep]  # the suggestions' order
        if len(chosen) < 3:
            continue  # too few suggestions (levels already high): no plan
        plans.append(_plan_2017(departements[code], c2017, chosen, levels[code], rng, completed))

    sharing = rng.choice(len(plans), size=min(int(rng.integers(2, 4)), len(plans)), replace=False)
    for index in sorted(sharing.tolist()):
        services.set_plan_consent(plans[index], True, None, when=_at(dt.date(2018, 7, 2)))
    return plans


# -- the Loiret ------------------------------------------------------------------------------

LOIRET_START = dt.date(2024, 9, 1)
LOIRET_END = dt.date(2025, 6, 30)
USAGE_TARGETS = (
    # indicator, profile (who it counts), comparison, target (a rate 0..1)
    ("monthly_active_rate", "ELEVE", PlannedAction.Comparison.AT_LEAST, 0.6),
    ("parents_never_grades_share", "PARENT", PlannedAction.Comparison.AT_MOST, 0.5),
)
# Catalogue actions whose effect the ENT's usage shows (preferred for the usage targets).
USAGE_FACTORS = ("f10", "f11", "f13", "f03", "f02")
BYOD_ACTIONS = ("accueil-byod", "pilote-colleges-volontaires", "classes-mobiles", "wifi-salles")


def _plan_loiret(rng: np.random.Generator) -> Plan | None:
    loiret = Departement.objects.get(code=LOIRET)
    c2017 = _demo_selfdiag(2017)
    answered = Response.objects.filter(campaign=c2017, departement=loiret, status=Response.Status.SUBMITTED)
    if not answered.exists() or Plan.objects.filter(departement=loiret, year=2024).exists():
        return None  # no 2017 answer, or a real plan for 2024 that stays
    levels = _levels(loiret, c2017)
    suggested = _suggested(levels, None)
    count = int(rng.integers(5, 8))
    chosen = suggested[:count]
    byod = next((s for s in suggested if s[0] in BYOD_ACTIONS), None)
    if byod is not None and byod not in chosen:
        chosen = [*chosen[: count - 1], byod]
    usage = [s for s in chosen if s[1] in USAGE_FACTORS and s != byod]
    usage = (usage + [s for s in chosen if s not in usage and s != byod])[: len(USAGE_TARGETS)]
    scenario = Scenario.objects.filter(is_demo=True, departement=loiret, name=BYOD_SCENARIO).first()
    colleges = list(College.objects.filter(departement=loiret, public=True).order_by("uai")[:4])

    created = dt.date(2024, 6, 24)
    plan = services.create_plan(
        loiret,
        2024,
        "Plan d'actions numérique 2024-2025",
        None,
        baseline_campaign=c2017,
        is_demo=True,
        when=_at(created, 10),
    )
    # Left « prévue », without any note or comment.
    silent = next(s for s in reversed(chosen) if s not in usage and s != byod)
    for position, item in enumerate(chosen):
        action_id, factor, target = item
        owner = OWNERS[int(rng.integers(len(OWNERS)))]
        fields = _fields(action_id, factor, target, owner, LOIRET_START, LOIRET_END)
        if item in usage:
            indicator, profile, comparison, value = USAGE_TARGETS[usage.index(item)]
            fields.update(
                usage_indicator=indicator,
                usage_profile=profile,
                usage_comparison=comparison,
                usage_target=value,
                usage_colleges=colleges,
            )
        if item == byod and scenario is not None:
            fields["scenario"] = scenario
        action = services.add_action(
            plan,
            fields,
            None,
            catalogue_id=action_id,
            baseline_level=levels.get(factor),
            when=_at(created, 10) + dt.timedelta(minutes=5 * (position + 1)),
        )
        if item == silent or (item not in usage and rng.random() < 0.3):
            continue  # still « prévue »
        _start(action, _day(LOIRET_START, rng, 7, 60), rng)
        if item in usage:
            checked = dt.date(2024, 12, 9)
            services.set_status(
                action,
                Status.IN_PROGRESS,
                "[démo] Point d'étape : la cible d'usage est relevée dans les journaux de septembre "
                "à novembre des collèges concernés.",
                None,
                noted_on=checked,
                when=_at(checked, 11),
            )
    return plan


@transaction.atomic
def load_demo_plans(seed: int = DEMO_PLANS_SEED) -> list[Plan]:
    """(Re)create the demo plans (module docstring); other plans are left alone. Needs the demo
    campaigns (``numeduc.web.demo.load_demo``) and, for the Loiret's budget link, the demo
    scenarios (``numeduc.web.planning.demo``)."""
    Plan.objects.filter(is_demo=True).delete()
    rng = np.random.default_rng([seed, 6])
    plans = _plans_2017(rng)
    loiret = _plan_loiret(np.random.default_rng([seed, 45]))
    return [*plans, *([loiret] if loiret is not None else [])]
