"""The action catalogue (open data, no sign-in), in the same shape as
``numeduc actions catalogue --format json`` (``numeduc.actions.serialise.action_dict``)."""

from __future__ import annotations

from typing import Any

from ninja import Router

from numeduc.actions import load_catalogue
from numeduc.actions.serialise import action_dict

from .common import answers

router = Router(tags=["actions"])


@router.get(
    "/actions/catalogue",
    response=answers(list[dict[str, Any]]),
    summary="Le catalogue d'actions (données ouvertes)",
)
def catalogue(request):
    return [action_dict(a) for a in load_catalogue()]
