"""The school surveys' roll-ups, with the rules of the survey pages (numeduc.web.school_surveys.
data): the département's staff, the coordinator and the DAN of its evaluation group. The rows
are those ``numeduc surveys results --format json`` prints; the aggregates only where shown."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Count
from ninja import Path, Query, Router, Schema

from numeduc.school_surveys.anonymity import LEVELS
from numeduc.web.school_surveys import data
from numeduc.web.school_surveys.models import SchoolSurvey

from .common import AUTH, DEPARTEMENT_CODE, MAX_ID, answers

router = Router(tags=["enquêtes des collèges"])
Level = Literal[LEVELS]  # type: ignore[valid-type]
LEVEL_QUERY = Query("college", description="college, departement, groupe ou national")


class SchoolSurveySchema(Schema):
    id: int  # the ``--campaign`` of ``numeduc surveys results``
    departement: str
    questionnaire: str
    questionnaire_version: str
    audience: str  # eleve | enseignant | parent | personnel
    title: str
    opens_on: dt.date
    closes_on: dt.date
    colleges: int
    answers: int
    demo: bool


@router.get(
    "/school-surveys/departements/{code}",
    response=answers(list[SchoolSurveySchema], 401, 403, 404),
    auth=AUTH,
    summary="Les enquêtes anonymes ouvertes dans les collèges d'un département",
)
def departement_surveys(request, code: str = Path(..., pattern=DEPARTEMENT_CODE, example="45")):
    dep = data.get_departement_for(request.user, code)
    surveys = SchoolSurvey.objects.filter(departement=dep).annotate(
        n_colleges=Count("colleges", distinct=True), n_answers=Count("colleges__submissions")
    )
    return [
        {
            "id": s.pk,
            "departement": dep.code,
            "questionnaire": s.questionnaire_slug,
            "questionnaire_version": s.questionnaire_version,
            "audience": s.audience,
            "title": s.title,
            "opens_on": s.opens_on,
            "closes_on": s.closes_on,
            "colleges": s.n_colleges,
            "answers": s.n_answers,
            "demo": s.is_demo,
        }
        for s in surveys.order_by("-opens_on", "-pk")
    ]


@router.get(
    "/school-surveys/{survey_id}/results",
    response=answers(list[dict[str, Any]], 401, 403, 404),
    auth=AUTH,
    summary="Résultats d'une enquête des collèges par collège, département, groupe de collèges ou au "
    "niveau national : effectifs, et répartitions seulement à partir de 5 réponses",
)
def survey_results(
    request,
    survey_id: int = Path(..., ge=1, le=MAX_ID, example=1),
    level: Level = LEVEL_QUERY,
):
    survey = data.get_survey_for(request.user, survey_id)
    return data.result_rows(survey, level)
