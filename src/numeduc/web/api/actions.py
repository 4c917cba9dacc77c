"""The action catalogue (open data, no sign-in), with the CLI's field names
(``numeduc actions catalogue --format json``)."""

from __future__ import annotations

from typing import Any

from ninja import Router

from numeduc.actions import load_catalogue

from .common import answers

router = Router(tags=["actions"])


def _action(action) -> dict[str, Any]:
    return {
        "action": action.id,
        "title": action.title,
        "family": action.family,
        "family_label": action.family_label,
        "why": action.why,
        "how": action.how,
        "factors": [{"factor": t.factor, "from": t.from_level, "to": t.to_level} for t in action.factors],
        "prerequisites": list(action.prerequisites),
        "cost": {
            "investment": action.cost.investment,
            "running": action.cost.running,
            "per": action.cost.per,
        },
        "partners": list(action.partners),
        "indicators": list(action.indicators),
        "source": action.source.describe(),
    }


@router.get(
    "/actions/catalogue",
    response=answers(list[dict[str, Any]]),
    summary="Le catalogue d'actions (données ouvertes)",
)
def catalogue(request):
    return [_action(a) for a in load_catalogue()]
