"""The catalogue of resources that proved themselves, as open data (no sign-in): the published
entries, their feedback totals (not the départements' texts, read on the pages by signed-in
users) and their measured use in the usage warehouses (numeduc.web.resources)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from ninja import Path, Router, Schema

from numeduc.web.demo_mark import built_on_demo
from numeduc.web.resources import data, measured
from numeduc.web.resources.models import Resource

from .common import MAX_ID, answers

router = Router(tags=["catalogue des ressources"])


class FeedbackTotalsSchema(Schema):
    count: int
    recommend_yes: int
    recommend_reserved: int
    recommend_no: int
    colleges: int  # collèges declared in the feedbacks, summed


class MonthUseSchema(Schema):
    month: str
    colleges: int
    colleges_total: int
    colleges_share: float
    pupils: int
    pupils_total: int
    pupils_share: float | None


class TrendSchema(Schema):
    first_month: str
    last_month: str
    colleges_points: float
    pupils_points: float


class MeasuredUseSchema(Schema):
    module: str
    departements: list[str]
    months: list[MonthUseSchema]
    trend: TrendSchema | None


class ResourceSchema(Schema):
    id: int
    kind: str
    title: str
    description: str
    cost_model: str
    yearly_cost_per_pupil: float | None
    url: str
    ent_module: str
    departements: list[str]
    colleges: list[str]
    feedback: FeedbackTotalsSchema
    measured_use: MeasuredUseSchema | None
    demo: bool


def _row(r: Any, *, with_use: bool) -> dict:
    # ``r``: a Resource annotated by data.with_aggregates (feedback_count, recommend_yes…)
    use = measured.resource_use(r.ent_module) if with_use and r.ent_module else None
    return {
        "id": r.pk,
        "kind": r.kind,
        "title": r.title,
        "description": r.description,
        "cost_model": r.cost_model,
        "yearly_cost_per_pupil": None if r.yearly_cost_per_pupil is None else float(r.yearly_cost_per_pupil),
        "url": r.url,
        "ent_module": r.ent_module,
        "departements": sorted(d.code for d in r.departements.all()),
        "colleges": sorted(c.uai for c in r.colleges.all()),
        "feedback": {
            "count": r.feedback_count,
            "recommend_yes": r.recommend_yes,
            "recommend_reserved": r.recommend_reserved,
            "recommend_no": r.recommend_no,
            "colleges": r.feedback_colleges or 0,
        },
        "measured_use": None
        if use is None
        else {
            "module": use["module"],
            "departements": use["departements"],
            "months": use["rows"],
            "trend": use["trend"],
        },
        "demo": built_on_demo(r, bool(use and use["demo"])),
    }


def _published():
    return data.with_aggregates(Resource.objects.filter(published=True)).prefetch_related(
        "departements", "colleges"
    )


@router.get(
    "/resources",
    response=answers(list[ResourceSchema]),
    summary="Le catalogue des ressources et applications qui ont fait leurs preuves (fiches publiées), "
    "avec les totaux des retours des départements et l'usage mesuré dans les journaux de l'ENT",
)
def resources(request):
    return [_row(r, with_use=True) for r in _published().order_by("title", "pk")]


@router.get(
    "/resources/{resource_id}",
    response=answers(ResourceSchema, 404),
    summary="Une fiche publiée du catalogue des ressources",
)
def resource(request, resource_id: int = Path(..., ge=1, le=MAX_ID, example=1)):
    r = _published().filter(pk=resource_id).first()
    if r is None:
        raise Http404(data.RESOURCE_NOT_FOUND)
    return _row(r, with_use=True)
