"""Demonstration data of the evaluation pages (« données de démonstration »): a seeded strategy
declared for each Loiret collège in the database, and one Loiret pilot on collèges of one
referential group, linked to the Loiret demo plan's action on pupils' ENT use when it exists.

Run after the demo territories, usage warehouse and action plans (``load_demo_evaluation()``);
idempotent: the demo rows are replaced, the others left alone."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import transaction

from numeduc.demo.usage import STRATEGY_WEIGHTS
from numeduc.evaluation.common import referential_groups
from numeduc.evaluation.strategies import normalise_strategy
from numeduc.web.action_plans.models import PlannedAction
from numeduc.web.territories.models import College, Departement
from numeduc.web.usage_dashboard import store

from . import services
from .models import CollegeStrategy, Pilot

DEMO_CODE = "45"
DEMO_SEED = 2017
PILOT_SIZE = 5
PILOT_INDICATORS = [("monthly_active_rate", "ELEVE"), ("sessions_per_user", "ELEVE")]


def _loiret_action() -> PlannedAction | None:
    return (
        PlannedAction.objects.filter(plan__departement__code=DEMO_CODE, plan__is_demo=True)
        .order_by("-plan__year", "pk")
        .first()
    )


def _start_month(months: list[str]) -> str:
    """A month leaving at least two months before (the pre-trend check needs them)."""
    if len(months) >= 3:
        return months[max(2, len(months) // 2)]
    return "2024-11"


@transaction.atomic
def load_demo_evaluation() -> tuple[list[CollegeStrategy], Pilot | None]:
    departement = Departement.objects.get(code=DEMO_CODE)
    colleges = list(College.objects.filter(departement=departement, public=True).order_by("uai"))
    CollegeStrategy.objects.filter(is_demo=True).delete()
    Pilot.objects.filter(is_demo=True, departement=departement).delete()
    rng = np.random.default_rng(DEMO_SEED)
    names = list(STRATEGY_WEIGHTS)
    weights = np.array([STRATEGY_WEIGHTS[n] for n in names])
    drawn = rng.choice(names, size=len(colleges), p=weights / weights.sum())
    declared = []
    for college, strategy in zip(colleges, drawn, strict=True):
        if CollegeStrategy.objects.filter(college=college, is_demo=False).exists():
            continue  # a real declaration is never overwritten by the demo
        declared.append(
            services.declare_strategy(
                college, normalise_strategy(strategy) or "aucune", dt.date(2022, 9, 1), None, is_demo=True
            )
        )
    if not colleges:
        return declared, None
    wh = store.load(DEMO_CODE)
    by_uai = {c.uai: c for c in colleges}
    chosen = colleges[:PILOT_SIZE]
    start = "2024-11"
    if wh is not None:
        groups = referential_groups(wh.establishments)
        groups = groups[groups.index.isin(list(by_uai))]
        if len(groups):
            largest = groups.value_counts().index[0]
            members = sorted(groups[groups == largest].index)
            chosen = [by_uai[u] for u in members[::2][:PILOT_SIZE]]
        start = _start_month(wh.months)
    pilot = services.create_pilot(
        departement,
        {
            "title": "Tablettes prêtées aux élèves de 6e",
            "description": (
                "Données de démonstration. Dans les collèges pilotes, chaque élève de 6e reçoit une tablette "
                "qu'il garde à la maison ; les enseignants déposent les devoirs dans l'ENT."
            ),
            "start_month": start,
            "indicators": PILOT_INDICATORS,
            "colleges": chosen,
            "action": _loiret_action(),
        },
        None,
        is_demo=True,
    )
    return declared, pilot
