"""Fetch-and-check helpers of the catalogue, the feedback write (one per département, updated in
place, safe under concurrent saves) and the feedback aggregates the pages and the API show."""

from __future__ import annotations

import functools

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from numeduc.reference import colleges as reference_colleges
from numeduc.web.accounts.permissions import (
    can_curate_resources,
    can_give_feedback,
    can_view_resource,
    fetch_for,
)
from numeduc.web.planning.data import MAX_ID
from numeduc.web.territories.models import College, Departement

from .models import Feedback, Resource

RESOURCE_NOT_FOUND = "Ressource introuvable dans le catalogue."
DEPARTEMENT_NOT_FOUND = "Département inconnu."
REFUSED_VIEW = "Cette ressource n'est pas encore publiée : seuls la coordination et les DAN la lisent."
REFUSED_CURATE = "Seuls la coordination nationale et les DAN créent et modifient les fiches du catalogue."
REFUSED_FEEDBACK = (
    "Seuls les éditeurs d'un département donnent son retour d'expérience, pour leur propre département."
)
RESOURCE_RULES = {
    "view": [(can_view_resource, REFUSED_VIEW)],
    "edit": [
        (can_view_resource, REFUSED_VIEW),
        (lambda user, _r: can_curate_resources(user), REFUSED_CURATE),
    ],
}
DEPARTEMENT_RULES = {"feedback": [(can_give_feedback, REFUSED_FEEDBACK)]}


def get_resource_for(user, pk: int, action: str = "view") -> Resource:
    if not 1 <= pk <= MAX_ID:
        raise Http404(RESOURCE_NOT_FOUND)
    return fetch_for(
        user,
        Resource.objects.select_related("created_by", "curated_by"),
        RESOURCE_RULES,
        action,
        RESOURCE_NOT_FOUND,
        pk=pk,
    )


def get_departement_for(user, code: str, action: str = "feedback") -> Departement:
    return fetch_for(
        user, Departement.objects.all(), DEPARTEMENT_RULES, action, DEPARTEMENT_NOT_FOUND, code=code
    )


def visible_resources(user) -> QuerySet[Resource]:
    queryset = Resource.objects.all()
    if not can_curate_resources(user):
        queryset = queryset.filter(published=True)
    return queryset


def with_aggregates(queryset: QuerySet[Resource]) -> QuerySet[Resource]:
    return queryset.annotate(
        feedback_count=Count("feedbacks", distinct=True),
        recommend_yes=Count(
            "feedbacks", filter=Q(feedbacks__would_recommend=Feedback.Recommend.YES), distinct=True
        ),
        recommend_reserved=Count(
            "feedbacks", filter=Q(feedbacks__would_recommend=Feedback.Recommend.RESERVED), distinct=True
        ),
        recommend_no=Count(
            "feedbacks", filter=Q(feedbacks__would_recommend=Feedback.Recommend.NO), distinct=True
        ),
        feedback_colleges=Sum("feedbacks__colleges_count"),
    )


def max_colleges(departement: Departement) -> int:
    """The bound of « nombre de collèges »: the département's collèges in the database (public
    and private), else those of the reference data."""
    n = College.objects.filter(departement=departement).count()
    return n or _reference_college_counts().get(departement.code, 0)


@functools.cache
def _reference_college_counts() -> dict[str, int]:
    colleges = reference_colleges()
    return {
        str(k): int(v) for k, v in colleges.groupby(colleges["departement_code"].astype(str)).size().items()
    }


FEEDBACK_FIELDS = ("purpose", "colleges_count", "what_worked", "what_did_not", "would_recommend")


def save_feedback(
    resource: Resource, departement: Departement, values: dict, author, *, is_demo=False
) -> Feedback:
    """The département's feedback on the resource, created or updated in place. Two editors
    saving at once: the second one's create hits the unique constraint, and then updates."""
    fields = {k: values[k] for k in FEEDBACK_FIELDS} | {
        "author": author,
        "updated_at": timezone.now(),
        "is_demo": is_demo,
    }
    for _attempt in range(3):
        try:
            with transaction.atomic():
                feedback, _created = Feedback.objects.select_for_update().update_or_create(
                    resource=resource, departement=departement, defaults=fields
                )
                return feedback
        except IntegrityError:
            continue  # the other save created it meanwhile: update it on the next attempt
    raise IntegrityError("retour d'expérience : enregistrement concurrent")
