"""Writing a story: created by an editor, changed through a conditional update on its version
(a form opened on version n never overwrites version n + 1), published or kept as draft."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Story


class StoryConflict(Exception):
    """The story changed since the form was opened."""

    MESSAGE = (
        "Cette réussite a été modifiée par quelqu'un d'autre depuis l'ouverture du formulaire : "
        "rechargez la page pour partir de sa dernière version (ce que vous avez saisi est conservé ci-dessous)."
    )

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


@transaction.atomic
def create_story(
    departement, values: dict, user, *, is_demo: bool = False, when: dt.datetime | None = None
) -> Story:
    """A new story; ``published_at`` is the moment it is created when it is published at once."""
    now = when or timezone.now()
    story = Story(
        departement=departement, author=user, is_demo=is_demo, created_at=now, updated_at=now, **values
    )
    story.published_at = now if story.is_published else None
    story.full_clean()
    story.save()
    return story


def update_story(story: Story, version: int | None, values: dict) -> Story:
    """Save ``values`` over ``story`` if it is still at ``version`` (StoryConflict otherwise).

    A story published again keeps its first publication date; back to draft, it loses it."""
    checked = Story(**{**_fields(story), **values})
    checked.published_at = story.published_at or timezone.now()
    checked.full_clean(exclude=["author"], validate_unique=False, validate_constraints=False)
    now = timezone.now()
    if values["status"] == Story.Status.PUBLISHED:
        published_at = Coalesce(F("published_at"), Value(now, output_field=DateTimeField()))
    else:
        published_at = None
    changed = Story.objects.filter(pk=story.pk, version=story.version if version is None else version).update(
        **values, published_at=published_at, updated_at=now, version=F("version") + 1
    )
    if not changed:
        raise StoryConflict()
    story.refresh_from_db()
    return story


def _fields(story: Story) -> dict:
    return {
        f.attname: getattr(story, f.attname)
        for f in Story._meta.concrete_fields
        if f.attname not in ("action_id",)
    } | {"action": story.action}
