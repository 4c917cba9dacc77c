"""What the usage pages read from the database beside the warehouse files: whether a
département's warehouse is a demo one and its note, and the refusal messages of the usage
pages (shared by the pages, the results page's usage rows and the API), and the collèges as the
national referential gives them (place, pupils and their school year)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from numeduc.web.accounts.permissions import can_view_usage_college, can_view_usage_departement, fetch_for
from numeduc.web.territories.models import College, Departement

from . import store
from .models import UsageWarehouse

REFUSED_DEP = "Les usages de ce département ne vous sont pas accessibles."
REFUSED_COLLEGE = "Les usages de ce collège ne vous sont pas accessibles."
DEPARTEMENT_NOT_FOUND = "Département inconnu."
COLLEGE_NOT_FOUND = "Collège inconnu."


def is_demo(departement) -> bool:
    """Registered as demo, or marked as such in its folder by the demo loader."""
    return UsageWarehouse.objects.filter(
        departement=departement, is_demo=True
    ).exists() or store.is_demo_folder(departement.code)


def demo_note(departement) -> str:
    entry = UsageWarehouse.objects.filter(departement=departement, is_demo=True).first()
    if entry:
        return entry.note
    marker = store.warehouse_path(departement.code) / store.DEMO_MARKER
    try:
        return json.loads(marker.read_text(encoding="utf-8")).get("note", "")
    except (OSError, ValueError):
        return ""


DEPARTEMENT_RULES = {"view": [(can_view_usage_departement, REFUSED_DEP)]}
COLLEGE_RULES = {"view": [(can_view_usage_college, REFUSED_COLLEGE)]}


def get_departement_for(user, code: str, action: str = "view") -> Departement:
    """The département (404 if none), after checking that ``user`` may ``action`` its usage (403)."""
    return fetch_for(user, Departement.objects, DEPARTEMENT_RULES, action, DEPARTEMENT_NOT_FOUND, code=code)


def get_college_for(user, uai: str, action: str = "view") -> College:
    """The collège (404 if none), after checking that ``user`` may ``action`` its usage (403)."""
    return fetch_for(
        user, College.objects.select_related("departement"), COLLEGE_RULES, action, COLLEGE_NOT_FOUND, uai=uai
    )


@dataclass(frozen=True)
class ReferenceCollege:
    """A collège as the national referential gives it (the budget pages read the same rows):
    its place, and its pupils with the school year they were counted (``2020-2021``)."""

    uai: str
    name: str
    commune_name: str
    latitude: float | None
    longitude: float | None
    pupils: int | None
    pupils_school_year: str


REFERENCE_FIELDS = ("uai", "name", "commune_name", "latitude", "longitude", "pupils", "pupils_school_year")


def reference_colleges(departement) -> dict[str, ReferenceCollege]:
    """The département's collèges of the referential, by UAI (one query)."""
    rows = College.objects.filter(departement=departement).values_list(*REFERENCE_FIELDS)
    return {row[0]: ReferenceCollege(*row) for row in rows}


def reference_college(college: College) -> ReferenceCollege:
    """The same record for a collège already fetched."""
    return ReferenceCollege(*(getattr(college, name) for name in REFERENCE_FIELDS))
