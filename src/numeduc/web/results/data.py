"""A département's profile for a campaign (levels against all respondents and its peer group),
from the database through the pure core, cached under the version of what it is computed from;
shared by the results page, its CSV and the API."""

from __future__ import annotations

import pandas as pd
from django.http import Http404

from numeduc.analysis.profile import AxisDefinition, build_profile
from numeduc.web.accounts.permissions import (
    can_view_departement_results,
    check_rules,
    views_results_as_shared,
)
from numeduc.web.caching import cached
from numeduc.web.surveys import data as surveys_data
from numeduc.web.surveys.models import Campaign, Response
from numeduc.web.territories.models import Departement


def profile_version(
    campaign: Campaign,
    departement_code: str,
    response: Response,
    reference_campaign: Campaign | None,
    previous: Response | None,
) -> tuple:
    """Everything a département's profile (``compute_profile``) is computed from.

    ``previous`` is the previous response *this user may see* (None otherwise), so two users who
    do not see the same previous campaign never share a profile."""
    return (
        campaign.pk,
        campaign.questionnaire_slug,
        campaign.questionnaire_version,
        departement_code,
        *surveys_data.response_versions(response, previous),
        None
        if reference_campaign is None
        else (
            reference_campaign.year,
            reference_campaign == campaign,
            surveys_data.campaign_version(reference_campaign),
        ),
    )


def visible_previous(user, response: Response) -> Response | None:
    """The département's previous submitted response, if this user may also read that campaign's results.

    A user of another département reading these results under the « campagne publique »
    exception must not learn the previous campaign's levels unless that campaign is shared too.
    """
    previous = surveys_data.previous_response(response)
    if (
        previous is None
        or user is None
        or not views_results_as_shared(user, response.departement, response.campaign)
    ):
        return previous
    return previous if can_view_departement_results(user, response.departement, previous.campaign) else None


def compute_profile(campaign: Campaign, departement: Departement, response: Response, user=None):
    """The département's profile for this campaign (shared by the page and the API).

    With ``user``, the change since the previous campaign is kept only if that user may read
    the previous campaign's results too.
    """
    return profile_with_previous(campaign, departement, response, visible_previous(user, response))[:3]


def profile_with_previous(
    campaign: Campaign, departement: Departement, response: Response, previous: Response | None
):
    """``compute_profile`` given the previous response the user may see (or None).

    The profile is cached under ``profile_version``: the responses it is computed from
    (this one, the visible previous one, the comparison campaign's) and that visibility, so a
    saved answer shows at once and a user who may not see the previous campaign never gets a
    profile computed for one who may."""
    reference_campaign = surveys_data.comparison_campaign(campaign)
    peers = surveys_data.reference_peer_groups()
    version = profile_version(campaign, departement.code, response, reference_campaign, previous)

    def build():
        questionnaire = campaign.questionnaire
        factor_items = questionnaire.factor_items()
        levels = surveys_data.campaign_levels(reference_campaign) if reference_campaign else pd.DataFrame()
        reference_label = (
            ""
            if reference_campaign == campaign
            else (f" de la campagne {reference_campaign.year}" if reference_campaign else "")
        )
        return build_profile(
            departement.code,
            levels,
            {item.factor: item.label for item in factor_items},
            [AxisDefinition(a.id, a.label, tuple(a.factors)) for a in questionnaire.axes],
            groups=peers.groups,
            group_profiles=peers.standardised_profiles,
            group_names=peers.group_names,
            own_levels=surveys_data.response_levels(response),
            previous_levels=surveys_data.response_levels(previous) if previous else None,
            reference_label=reference_label,
        )

    profile = cached("profile", version, build)
    return profile, reference_campaign, peers, version


RESULTS_RULES = {
    "view": [(can_view_departement_results, "Les résultats de ce département ne vous sont pas accessibles.")]
}


def get_results_for(user, campaign_id: int, code: str, action: str = "view") -> tuple[Campaign, Departement]:
    """The campaign and the département (404 if either is missing), after checking that ``user``
    may ``action`` (only "view") this département's results for this campaign (403)."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404(surveys_data.CAMPAIGN_NOT_FOUND)
    departement = Departement.objects.filter(code=code).first()
    if departement is None:
        raise Http404("Département inconnu.")
    check_rules(RESULTS_RULES[action], user, departement, campaign)
    return campaign, departement
