"""Demonstration sheets kept by départements (« données de démonstration »): for a few
départements that answered both demo self-diagnosis campaigns, two published versions, each
with the levels of one campaign, so that « qui a progressé sur ce facteur ? » has something to
show. Texts invented for the demo start with « [démo] »; the paper's sheets are real content and
are only reused as the starting point, as the form does."""

from __future__ import annotations

from django.db import transaction

from numeduc.web.surveys.data import response_levels
from numeduc.web.surveys.models import Response
from numeduc.web.territories.models import Departement

from . import data
from .models import DepartementSheet, SheetVersion

DEMO_SHEET_CODES = ("14", "44", "50", "54", "64", "69", "71", "90", "93")


def _content(dep, paper, response, note: str) -> dict:
    levels = {str(k): float(v) for k, v in response_levels(response).items() if v == v}
    base = {
        "title": paper.title if paper else f"{dep.name} : [démo] fiche de démonstration",
        "introduction": paper.introduction
        if paper
        else f"[démo] Fiche inventée pour la démonstration {dep.name_of}.",
        "strategies": list(paper.strategies) if paper else ["classe_mobile"],
        "themes": list(paper.themes) if paper else ["equipement"],
        "history": [{"year": f.year, "title": f.title, "text": f.text} for f in paper.history]
        if paper
        else [],
        "objectives": [{"text": f.text} for f in paper.objectives] if paper else [],
        "projects": [{"title": "[démo] Bilan de l'année", "text": note, "result": "", "action": ""}],
        "figures": {
            "budget_per_pupil": None,
            "budget_scenario": "",
            "active_pupils_share": None,
            "usage_month": "",
            "diagnosis": {"campaign": response.campaign.pk, "year": response.campaign.year, "levels": levels},
        },
    }
    return base


def load_demo_sheets() -> int:
    """(Re)create the demo versions; a département's real versions are never touched."""
    sheets = data.paper_sheets()
    made = 0
    with transaction.atomic():
        SheetVersion.objects.filter(is_demo=True).delete()
        for code in DEMO_SHEET_CODES:
            dep = Departement.objects.filter(code=code).first()
            if dep is None:
                continue
            responses = list(
                Response.objects.filter(
                    departement=dep,
                    status=Response.Status.SUBMITTED,
                    campaign__questionnaire_slug="autodiagnostic",
                    campaign__is_demo=True,
                )
                .select_related("campaign")
                .order_by("campaign__year")
            )
            if len(responses) < 2:
                continue
            sheet, _ = DepartementSheet.objects.get_or_create(departement=dep)
            if sheet.versions.filter(is_demo=False).exists():
                continue
            for number, response in enumerate(responses[-2:], start=1):
                note = f"[démo] Où en était le département après l'autodiagnostic {response.campaign.year}."
                SheetVersion.objects.create(
                    sheet=sheet,
                    number=number,
                    status=SheetVersion.Status.PUBLISHED,
                    content=_content(dep, sheets.departements.get(code), response, note),
                    is_demo=True,
                )
                made += 1
    return made
