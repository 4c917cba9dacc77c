"""The exports of a plan: its actions as a French CSV, a workbook (« Actions », « Variantes »,
« Notes ») and a printable page.

The tables (:class:`numeduc.exports.Table`) are defined here and written by
``numeduc.web.downloads`` (French file by default: BOM, ``;``, decimal comma; ``?format=`` for
the machine file or its schema). Every figure comes from ``data.py``, the same as on the plan's
page: an action's cost per year is ``data.action_cost``, the variants'
``numeduc.actions.plans.variant_totals`` over ``data.costed_actions``. A demo plan's files carry
the mark on every row and ``-demonstration`` in their name; its printable page, the badge.
"""

from __future__ import annotations

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from numeduc.actions.model import PARTNERS
from numeduc.actions.plans import variant_totals
from numeduc.exports import Column, Table
from numeduc.formatting import fr_date, fr_number
from numeduc.web import downloads
from numeduc.web.demo_mark import built_on_demo

from . import data, followup, presenters
from .models import ActionNote, Plan, PlannedAction

FORMATS = ("csv", "xlsx")

STATUS_LABELS = dict(PlannedAction.Status.choices)
VARIANT_LABELS = dict(PlannedAction.Variant.choices)
NOTE_KIND_LABELS = dict(ActionNote.Kind.choices)
DATE = "date (aaaa-mm-jj dans les fichiers CSV, une date dans le classeur)"

ACTIONS_TABLE = Table(
    "action-plan-actions",
    "Actions d'un plan d'actions",
    "une action du plan, dans l'ordre du plan",
    (
        Column("position", "Position", "integer", description="rang de l'action dans le plan, à partir de 1"),
        Column("title", "Intitulé"),
        Column(
            "catalogue_id",
            "Action du catalogue",
            description="identifiant de l'action du catalogue d'où elle vient, "
            "vide pour une action écrite par le département",
        ),
        Column("factor", "Facteur visé", description="nom du facteur et son code (f01 à f13)"),
        Column(
            "baseline_level",
            "Niveau de départ",
            "integer",
            description="niveau du facteur (1 à 4) à la campagne de départ",
        ),
        Column(
            "target_level", "Niveau visé", "integer", description="niveau visé (1 à 4) à la campagne suivante"
        ),
        Column("owner", "Responsable"),
        Column("partners", "Partenaires"),
        Column("starts_on", "Début", description=DATE),
        Column("ends_on", "Fin", description=DATE),
        Column("investment", "Investissement (€)", "number", "€"),
        Column("running", "Fonctionnement (€/an)", "number", "€/an"),
        Column(
            "yearly_cost",
            "Coût par an (€)",
            "number",
            "€/an",
            "le total par an du scénario budgétaire lié, sinon le fonctionnement plus "
            "l'investissement réparti sur cinq ans",
        ),
        Column(
            "cost_source", "Origine du coût", description="« montants saisis » ou le scénario budgétaire lié"
        ),
        Column("usage_target", "Cible d'usage"),
        Column(
            "usage_colleges", "Collèges de la cible", description="UAI des collèges, séparés par des virgules"
        ),
        Column(
            "variant",
            "Variante",
            labels=VARIANT_LABELS,
            description="la variante à partir de laquelle l'action compte (minimale ⊂ médiane ⊂ maximale)",
        ),
        Column("status", "Statut", labels=STATUS_LABELS),
        Column("last_note", "Dernière note", description="texte de la note de suivi la plus récente"),
        Column(
            "factor_followup",
            "Suivi mesuré du facteur",
            description="niveau de départ et niveau à la campagne suivante à laquelle le département a répondu",
        ),
        Column(
            "usage_followup",
            "Suivi mesuré de l'usage",
            description="la cible d'usage vérifiée dans les journaux des collèges nommés, sur les mois de l'action",
        ),
    ),
)

VARIANTS_TABLE = Table(
    "action-plan-variants",
    "Variantes d'un plan d'actions",
    "une variante (minimale, médiane, maximale) ; les actions abandonnées ne comptent dans aucune",
    (
        Column("variant", "Variante", labels=VARIANT_LABELS),
        Column("actions", "Actions", "integer", "actions"),
        Column("per_year", "Coût par an (€)", "number", "€/an"),
        Column(
            "per_pupil",
            "Par élève et par an (€)",
            "number",
            "€/élève/an",
            "rapporté aux élèves des collèges publics du département, vide s'ils ne sont pas connus",
        ),
    ),
)

NOTES_TABLE = Table(
    "action-plan-notes",
    "Notes de suivi d'un plan d'actions",
    "une note de suivi ou un commentaire du partenaire, par action puis de la plus récente à la plus ancienne",
    (
        Column("action", "Action"),
        Column("noted_on", "Date", description=DATE),
        Column("kind", "Type", labels=NOTE_KIND_LABELS),
        Column(
            "status",
            "Statut",
            labels=STATUS_LABELS,
            description="le statut que la note a donné à l'action, vide sinon",
        ),
        Column("text", "Texte"),
    ),
)


def _actions(plan: Plan) -> list[PlannedAction]:
    """The plan's actions in its order, with what the tables read (as ``presenters.action_rows``)."""
    queryset = plan.actions.select_related("scenario").prefetch_related("notes", "usage_colleges")
    return list(queryset.order_by("position", "pk"))


def _frame(table: Table, rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[c.name for c in table.declared])


def actions_frame(actions: list[PlannedAction], measured: followup.PlanFollowUp) -> pd.DataFrame:
    """One row per action (:data:`ACTIONS_TABLE`), with what ``measured`` says of it."""
    rows = []
    for rank, action in enumerate(actions, start=1):
        cost = data.action_cost(action)
        notes = list(action.notes.all())  # latest first (ActionNote.Meta.ordering)
        rows.append(
            {
                "position": rank,
                "title": action.title,
                "catalogue_id": action.catalogue_id,
                "factor": presenters.factor_label(action.factor) if action.factor else "",
                "baseline_level": action.baseline_level,
                "target_level": action.target_level,
                "owner": action.owner,
                "partners": ", ".join(PARTNERS[p] for p in action.partners),
                "starts_on": action.starts_on,
                "ends_on": action.ends_on,
                "investment": action.investment,
                "running": action.running,
                "yearly_cost": cost.yearly,
                "cost_source": f"{cost.source} ({cost.problem})" if cost.problem else cost.source,
                "usage_target": presenters.usage_target_text(action),
                "usage_colleges": ", ".join(sorted(c.uai for c in action.usage_colleges.all())),
                "variant": action.variant,
                "status": action.status,
                "last_note": notes[0].text if notes else "",
                "factor_followup": (
                    presenters.factor_followup_text(measured.factors[action.pk], measured.campaign)
                    if action.pk in measured.factors
                    else ""
                ),
                "usage_followup": measured.usage[action.pk].sentence if action.pk in measured.usage else "",
            }
        )
    return _frame(ACTIONS_TABLE, rows)


def variants_frame(plan: Plan, actions: list[PlannedAction]) -> pd.DataFrame:
    """One row per variant (:data:`VARIANTS_TABLE`): the figures of the plan's page."""
    totals = variant_totals(data.costed_actions(actions), data.plan_pupils(plan))
    rows = [
        {"variant": t.variant, "actions": t.actions, "per_year": t.per_year, "per_pupil": t.per_pupil}
        for t in totals
    ]
    return _frame(VARIANTS_TABLE, rows)


def notes_frame(actions: list[PlannedAction]) -> pd.DataFrame:
    """One row per note (:data:`NOTES_TABLE`)."""
    rows = [
        {
            "action": action.title,
            "noted_on": note.noted_on,
            "kind": note.kind,
            "status": note.status,
            "text": note.text,
        }
        for action in actions
        for note in action.notes.all()
    ]
    return _frame(NOTES_TABLE, rows)


def plan_sheets(plan: Plan, measured: followup.PlanFollowUp) -> list[tuple[str, Table, pd.DataFrame]]:
    actions = _actions(plan)
    return [
        ("Actions", ACTIONS_TABLE, actions_frame(actions, measured)),
        ("Variantes", VARIANTS_TABLE, variants_frame(plan, actions)),
        ("Notes", NOTES_TABLE, notes_frame(actions)),
    ]


@login_required
def plan_export(request, pk: int, fmt: str) -> HttpResponse:
    """``export.csv`` (one row per action) or ``export.xlsx`` (three sheets); 404 otherwise."""
    if fmt not in FORMATS:
        raise Http404("Format d'export inconnu : csv ou xlsx.")
    plan = data.get_plan_for(request.user, pk)
    measured = followup.plan_followup(plan, request.user)
    demo = built_on_demo(plan, measured.usage_demo)
    name = downloads.dated_filename(
        f"plan-actions-{plan.departement.code}-{plan.school_year}", fmt, demo=demo, fallback="plan-actions"
    )
    if fmt == "csv":
        frame = actions_frame(_actions(plan), measured)
        return downloads.table_response(request, name, ACTIONS_TABLE, frame, demo=demo)
    return downloads.workbook_response(name, plan_sheets(plan, measured), demo=demo)


@login_required
def plan_print(request, pk: int) -> HttpResponse:
    """The plan on paper: variants, every action with its SMART fields, the notes; no tools."""
    plan = data.get_plan_for(request.user, pk)
    pupils = data.plan_pupils(plan)
    rows = presenters.action_rows(plan)
    measured = followup.plan_followup(plan, request.user)
    presenters.attach_followup(rows, measured)
    for row in rows:
        row["colleges"] = ", ".join(sorted(c.uai for c in row["action"].usage_colleges.all()))
    return render(
        request,
        "action_plans/plan_print.html",
        {
            "plan": plan,
            "departement": plan.departement,
            "rows": rows,
            "followup": measured,
            "notes": [{"action": row["action"].title, **note} for row in rows for note in row["notes"]],
            "variants": presenters.variant_rows(plan, pupils),
            "pupils": fr_number(pupils) if pupils else None,
            "printed_on": fr_date(timezone.localdate()),
            "caveat": followup.CAVEAT,
            "demo": built_on_demo(plan, measured.usage_demo),
        },
    )
