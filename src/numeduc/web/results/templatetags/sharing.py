"""« Départements qui partagent leurs réponses »: the list shown on the national pages."""

from __future__ import annotations

from django import template

from numeduc.web.accounts.permissions import can_view_departement_results
from numeduc.web.surveys.models import Response

register = template.Library()


def shared_departements_for(user, campaign) -> list:
    """The départements whose results this user may open thanks to their agreement (public campaigns only).

    Each one is checked with the same rule as its results page, so the list never links to a
    page that would answer 403 (the coordinator sees the agreements before publication too).
    """
    if not campaign.public:
        return []
    responses = (
        Response.objects.filter(
            campaign=campaign, departement__isnull=False, share_consent=True, status=Response.Status.SUBMITTED
        )
        .select_related("departement")
        .order_by("departement__code")
    )
    return [r.departement for r in responses if can_view_departement_results(user, r.departement, campaign)]


@register.inclusion_tag("results/_shared_departements.html", takes_context=True)
def shared_departements(context, campaign):
    user = context.get("user")
    return {"campaign": campaign, "departements": shared_departements_for(user, campaign)}
