"""Database and warehouse ↔ core for the evaluation pages: the fetch-and-check helpers, each
département's indicators (its usage warehouse) and its declared strategies."""

from __future__ import annotations

import pandas as pd
from django.http import Http404

from numeduc.web.accounts.permissions import (
    can_edit_evaluation,
    can_view_college_evaluation,
    can_view_evaluation,
    can_view_pilot,
    fetch_for,
)
from numeduc.web.planning.data import MAX_ID
from numeduc.web.territories.models import Departement
from numeduc.web.usage_dashboard import store

from .models import CollegeStrategy, Pilot

DEPARTEMENT_NOT_FOUND = "Département inconnu."
PILOT_NOT_FOUND = "Pilote introuvable."
REFUSED_VIEW = (
    "Les évaluations de ce département ne vous sont pas accessibles : elles sont lues par ses équipes, la "
    "coordination nationale, le DAN que le département a fait entrer dans son groupe d'évaluation et, "
    "pour leur collège, les chefs d'établissement."
)
REFUSED_EDIT = "Seuls les éditeurs du département déclarent les stratégies et créent des pilotes."
REFUSED_PILOT = (
    "Ce pilote ne vous est pas accessible : il est lu par les équipes du département, la coordination "
    "nationale, le DAN de son groupe d'évaluation et les chefs d'établissement de ses collèges."
)
DEPARTEMENT_RULES = {
    "view": [(can_view_evaluation, REFUSED_VIEW)],
    "edit": [(can_edit_evaluation, REFUSED_EDIT)],
}
PILOT_RULES = {"view": [(can_view_pilot, REFUSED_PILOT)]}
# The indicators offered for comparisons and pilots (identifier, profile): the ones a département's
# evaluation lead asks about first (docs/evaluation.md).
INDICATOR_CHOICES: list[tuple[str, str]] = [
    ("monthly_active_rate", "ELEVE"),
    ("sessions_per_user", "ELEVE"),
    ("regular_use_share", "ELEVE"),
    ("weekly_regularity", "ELEVE"),
    ("service_reach_ressources", "ELEVE"),
    ("monthly_active_rate", "ENSEIGNANT"),
    ("sessions_per_user", "ENSEIGNANT"),
    ("monthly_active_rate", "PARENT"),
    ("parents_never_grades_share", "PARENT"),
    ("device_activity_rate_30d", ""),
    ("device_utilisation", ""),
]


def get_departement_for(user, code: str, action: str = "view") -> Departement:
    return fetch_for(
        user,
        Departement.objects.select_related("academie"),
        DEPARTEMENT_RULES,
        action,
        DEPARTEMENT_NOT_FOUND,
        code=code,
    )


def get_pilot_for(user, pk: int, action: str = "view") -> Pilot:
    if not 1 <= pk <= MAX_ID:
        raise Http404(PILOT_NOT_FOUND)
    queryset = Pilot.objects.select_related("departement", "action__plan")
    return fetch_for(user, queryset, PILOT_RULES, action, PILOT_NOT_FOUND, pk=pk)


def warehouse(code: str) -> store.WarehouseData | None:
    """The département's cached indicators, None when no usage log was loaded."""
    return store.load(code)


def declarations(departement) -> list[CollegeStrategy]:
    return list(
        CollegeStrategy.objects.filter(college__departement=departement).select_related(
            "college", "declared_by"
        )
    )


def visible_declarations(user, departement) -> list[CollegeStrategy]:
    """The declared strategies the user may read row by row (a school head: its collège's)."""
    return [d for d in declarations(departement) if can_view_college_evaluation(user, d.college)]


def strategies_map(rows: list[CollegeStrategy]) -> dict[str, str]:
    return {d.college.uai: d.strategy for d in rows}


def visible_pilots(user, departement) -> list[Pilot]:
    pilots = Pilot.objects.filter(departement=departement).prefetch_related("colleges")
    return [p for p in pilots if can_view_pilot(user, p)]


def indicator_key(indicator: str, profile: str) -> str:
    return f"{indicator}|{profile}"


def parse_indicator(value: str | None) -> tuple[str, str] | None:
    if not value or "|" not in value:
        return None
    pair = tuple(value.split("|", 1))
    return pair if pair in INDICATOR_CHOICES else None


def empty_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    return pd.DataFrame(columns=["uai", "month", "indicator", "profile", "value"]), pd.DataFrame(
        columns=["uai", "density_grid3", "pupils", "ep"]
    )
