"""Fetch-and-check helpers of the stories (404 and 403 with French sentences), and the lists
each page reads."""

from __future__ import annotations

from django.http import Http404

from numeduc.web.accounts.models import Role
from numeduc.web.accounts.permissions import (
    can_edit_story,
    can_view_story,
    can_write_story,
    fetch_for,
    is_departement_user,
    sees_every_departement,
)
from numeduc.web.planning.data import MAX_ID
from numeduc.web.territories.models import Departement

from .models import Story

LATEST = 30
FEED_SIZE = 20

STORY_NOT_FOUND = "Réussite introuvable."
DEPARTEMENT_NOT_FOUND = "Département inconnu."
REFUSED_VIEW = (
    "Cette réussite est un brouillon : seuls les équipes de son département et la coordination "
    "nationale la lisent avant sa publication."
)
REFUSED_WRITE = "Seuls les éditeurs du département racontent et modifient ses réussites."

STORY_RULES = {
    "view": [(can_view_story, REFUSED_VIEW)],
    "edit": [(can_view_story, REFUSED_VIEW), (can_edit_story, REFUSED_WRITE)],
}
DEPARTEMENT_RULES = {"write": [(can_write_story, REFUSED_WRITE)]}


def get_story_for(user, pk: int, action: str = "view") -> Story:
    if not 1 <= pk <= MAX_ID:
        raise Http404(STORY_NOT_FOUND)
    queryset = Story.objects.select_related("departement", "action__plan__departement")
    return fetch_for(user, queryset, STORY_RULES, action, STORY_NOT_FOUND, pk=pk)


def get_departement_for(user, code: str, action: str = "write") -> Departement:
    return fetch_for(
        user, Departement.objects.all(), DEPARTEMENT_RULES, action, DEPARTEMENT_NOT_FOUND, code=code
    )


def latest_published(limit: int = LATEST) -> list[Story]:
    return list(
        Story.objects.filter(status=Story.Status.PUBLISHED)
        .select_related("departement")
        .order_by("-published_at", "-pk")[:limit]
    )


def drafts_for(user) -> list[Story]:
    """The drafts the user may read: the coordinator's are all of them, a département's users
    see their own département's; nobody else sees any."""
    drafts = Story.objects.filter(status=Story.Status.DRAFT).select_related("departement")
    if sees_every_departement(user):
        pass
    elif is_departement_user(user) and user.departement_id:
        drafts = drafts.filter(departement_id=user.departement_id)
    else:
        return []
    return list(drafts.order_by("departement__code", "-told_on", "-pk"))


def open_data_feed(limit: int = FEED_SIZE) -> list[Story]:
    """The public feed: the latest published stories whose département agreed to open data."""
    return list(
        Story.objects.filter(status=Story.Status.PUBLISHED, share_open_data=True)
        .select_related("departement")
        .order_by("-published_at", "-pk")[:limit]
    )


def writes_for(user) -> Departement | None:
    """The département whose new story the user may tell (its editors only)."""
    if user.is_authenticated and user.role == Role.DEPARTEMENT_EDITOR and user.departement_id:
        departement = user.departement
        return departement if can_write_story(user, departement) else None
    return None
