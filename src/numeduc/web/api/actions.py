"""The action catalogue (open data, no sign-in), in the same shape as
``numeduc actions catalogue --format json`` (``numeduc.actions.serialise.action_dict``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from ninja import Path, Router, Schema

from numeduc.actions import load_catalogue
from numeduc.actions.plans import variant_totals
from numeduc.actions.serialise import action_dict
from numeduc.web.action_plans import data as plan_data
from numeduc.web.action_plans.models import Plan

from .common import AUTH, DEPARTEMENT_CODE, MAX_ID, answers

router = Router(tags=["actions"])


@router.get(
    "/actions/catalogue",
    response=answers(list[dict[str, Any]]),
    summary="Le catalogue d'actions (données ouvertes)",
)
def catalogue(request):
    return [action_dict(a) for a in load_catalogue()]


# -- action plans: same rules as the plan pages (numeduc.web.action_plans.data) -------------


class PlanSummarySchema(Schema):
    id: int
    departement: str
    year: int  # the school year starts in September of this year
    school_year: str
    title: str
    share_consent: bool
    actions: int
    demo: bool


class NoteSchema(Schema):
    kind: str  # note (the département's follow-up) | comment (the DAN partner)
    text: str
    status: str  # the status the note set, or ""
    noted_on: dt.date


class PlannedActionSchema(Schema):
    id: int
    catalogue_id: str  # "" for an action written by the département
    title: str
    description: str
    factor: str
    baseline_level: int | None
    target_level: int | None
    owner: str
    partners: list[str]
    starts_on: dt.date
    ends_on: dt.date
    investment: str  # euros, exact decimal string
    running: str  # euros per year, exact decimal string
    yearly_cost: str  # the linked budget scenario's total per year, else running + investment over five years
    scenario: int | None  # the linked budget scenario
    usage_indicator: str
    usage_profile: str  # ELEVE | PARENT | ENSEIGNANT | PERSONNEL, "" when not per profile
    usage_comparison: str  # ge (at least) | le (at most)
    usage_target: float | None
    usage_colleges: list[str]  # UAI
    variant: str  # minimal | median | maximal
    status: str  # prevue | en_cours | realisee | abandonnee
    notes: list[NoteSchema]


class VariantSchema(Schema):
    variant: str
    actions: int
    per_year: str  # euros per year, exact decimal string
    per_pupil: str | None  # per pupil of the département's public collèges; null when unknown


class PlanSchema(PlanSummarySchema):
    baseline_campaign: int | None
    variants: list[VariantSchema]
    planned_actions: list[PlannedActionSchema]


def _summary(plan: Plan, count: int) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "departement": plan.departement.code,
        "year": plan.year,
        "school_year": plan.school_year,
        "title": plan.title,
        "share_consent": plan.share_consent,
        "actions": count,
        "demo": plan.is_demo,
    }


@router.get(
    "/plans/departements/{code}",
    response=answers(list[PlanSummarySchema], 401, 403, 404),
    auth=AUTH,
    summary="Les plans d'actions d'un département (ses comptes et la coordination)",
)
def departement_plans(request, code: str = Path(..., pattern=DEPARTEMENT_CODE, example="45")):
    dep = plan_data.get_departement_plans_for(request.user, code)
    plans = Plan.objects.filter(departement=dep).select_related("departement").annotate(n=Count("actions"))
    return [_summary(plan, plan.n) for plan in plans.order_by("-year")]


@router.get(
    "/plans/{plan_id}",
    response=answers(PlanSchema, 401, 403, 404),
    auth=AUTH,
    summary="Un plan d'actions, ses variantes et ses actions (règles des pages des plans)",
)
def plan_detail(request, plan_id: int = Path(..., ge=1, le=MAX_ID, example=1)):
    plan = plan_data.get_plan_for(request.user, plan_id)
    actions = list(
        plan.actions.select_related("scenario")
        .prefetch_related("notes", "usage_colleges")
        .order_by("position", "pk")
    )
    costed = plan_data.costed_actions(actions)
    return {
        **_summary(plan, len(actions)),
        "baseline_campaign": plan.baseline_campaign_id,
        "variants": [
            {
                "variant": t.variant,
                "actions": t.actions,
                "per_year": str(t.per_year),
                "per_pupil": str(t.per_pupil) if t.per_pupil is not None else None,
            }
            for t in variant_totals(costed, plan_data.plan_pupils(plan))
        ],
        "planned_actions": [
            {
                "id": a.pk,
                "catalogue_id": a.catalogue_id,
                "title": a.title,
                "description": a.description,
                "factor": a.factor,
                "baseline_level": a.baseline_level,
                "target_level": a.target_level,
                "owner": a.owner,
                "partners": list(a.partners),
                "starts_on": a.starts_on,
                "ends_on": a.ends_on,
                "investment": str(a.investment),
                "running": str(a.running),
                "yearly_cost": str(plan_data.action_cost(a).yearly),
                "scenario": a.scenario_id,
                "usage_indicator": a.usage_indicator,
                "usage_profile": a.usage_profile,
                "usage_comparison": a.usage_comparison,
                "usage_target": a.usage_target,
                "usage_colleges": sorted(c.uai for c in a.usage_colleges.all()),
                "variant": a.variant,
                "status": a.status,
                "notes": [
                    {"kind": n.kind, "text": n.text, "status": n.status, "noted_on": n.noted_on}
                    for n in a.notes.all()
                ],
            }
            for a in actions
        ],
    }
