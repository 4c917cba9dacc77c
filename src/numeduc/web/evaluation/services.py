"""Writes of the evaluation app: a collège's strategy (one row per collège, whoever saves at the
same moment) and a new pilot."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import CollegeStrategy, Pilot


def declare_strategy(college, strategy: str, since, user, *, is_demo: bool = False) -> CollegeStrategy:
    """Create or replace the collège's declaration. Two editors saving the same collège at the same
    moment: one creates the row, the other's create hits the unique constraint and updates it
    instead (the last one wins, nobody gets an error page)."""
    values = {
        "strategy": strategy,
        "since": since,
        "declared_by": user if getattr(user, "pk", None) else None,
        "declared_at": timezone.now(),
        "is_demo": is_demo,
    }
    for attempt in range(3):
        try:
            with transaction.atomic():
                obj, _ = CollegeStrategy.objects.update_or_create(college=college, defaults=values)
            return obj
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def create_pilot(departement, values: dict, user, *, is_demo: bool = False) -> Pilot:
    """A pilot of ``departement``: its collèges and its plan action must be the département's own."""
    action = values.get("action")
    if action is not None and action.plan.departement_id != departement.pk:
        raise ValueError("L'action du plan doit être une action d'un plan du département.")
    if any(c.departement_id != departement.pk for c in values["colleges"]):
        raise ValueError("Les collèges pilotes doivent être des collèges du département.")
    with transaction.atomic():
        pilot = Pilot.objects.create(
            departement=departement,
            title=values["title"],
            description=values["description"],
            start_month=values["start_month"],
            indicators=[list(pair) for pair in values["indicators"]],
            action=values.get("action"),
            created_by=user if getattr(user, "pk", None) else None,
            is_demo=is_demo,
        )
        pilot.colleges.set(values["colleges"])
    return pilot
