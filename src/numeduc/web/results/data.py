"""From the database to the pure analysis core: levels of a campaign's respondents, peer groups."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from numeduc.web.surveys.models import Answer, Campaign, Response


def campaign_answers(campaign: Campaign, item_ids: list[str] | None = None) -> pd.DataFrame:
    """Submitted answers of a campaign: one row per département, one column per item id."""
    answers = Answer.objects.filter(
        response__campaign=campaign, response__status=Response.Status.SUBMITTED, response__departement__isnull=False
    )
    if item_ids is not None:
        answers = answers.filter(item_id__in=item_ids)
    rows = answers.values_list("response__departement__code", "item_id", "value")
    frame = pd.DataFrame(list(rows), columns=["code", "item", "value"])
    if frame.empty:
        return pd.DataFrame(columns=item_ids or [], dtype=object)
    return frame.pivot(index="code", columns="item", values="value").reindex(columns=item_ids)


def campaign_levels(campaign: Campaign) -> pd.DataFrame:
    """Factor levels (columns 1..13) of the campaign's submitted responses, indexed by département code.

    Cached in the process under a key that changes whenever a response of the campaign
    changes (count and latest update of its responses), so a stale frame is never served.
    """
    from django.db.models import Count, Max

    stamp = campaign.responses.aggregate(n=Count("id"), last=Max("updated_at"))
    return _cached_levels(campaign.pk, stamp["n"], stamp["last"]).copy()


@lru_cache(maxsize=64)
def _cached_levels(campaign_id: int, n_responses: int, last_update) -> pd.DataFrame:
    return _read_levels(Campaign.objects.get(pk=campaign_id))


def _read_levels(campaign: Campaign) -> pd.DataFrame:
    items = campaign.questionnaire.factor_items()
    frame = campaign_answers(campaign, [item.id for item in items])
    frame.columns = [item.factor for item in items]
    return frame.apply(pd.to_numeric, errors="coerce")


def campaign_analysis(campaign: Campaign):
    """The national analysis of a campaign (PCA, correlations, cross-tabs, peer groups), cached in
    the process under the same key as ``campaign_levels`` (it changes with any response).

    Raises ``numeduc.analysis.NotEnoughRespondents`` like ``analyse_campaign``; the result is
    shared between requests: callers read it, never change it."""
    from django.db.models import Count, Max

    stamp = campaign.responses.aggregate(n=Count("id"), last=Max("updated_at"))
    return _cached_analysis(campaign.pk, stamp["n"], stamp["last"])


@lru_cache(maxsize=16)
def _cached_analysis(campaign_id: int, n_responses: int, last_update):
    from numeduc import reference
    from numeduc.analysis.campaign import analyse_campaign

    answers = campaign_answers(Campaign.objects.get(pk=campaign_id))
    return analyse_campaign(answers, reference.departements(), peer_groups=reference_peer_groups().groups)


def response_levels(response: Response) -> pd.Series:
    items = response.campaign.questionnaire.factor_items()
    values = response.values()
    return pd.Series({item.factor: values.get(item.id) for item in items}, dtype=float)


def comparison_campaign(campaign: Campaign) -> Campaign | None:
    """Comparisons use closed campaigns: this one if closed, else the latest closed one before it."""
    if campaign.is_closed:
        return campaign
    return (
        Campaign.objects.filter(questionnaire_slug=campaign.questionnaire_slug, status=Campaign.Status.CLOSED,
                                year__lte=campaign.year)
        .exclude(pk=campaign.pk).order_by("-year", "-closes_on").first()
    )


def previous_response(response: Response) -> Response | None:
    return (
        Response.objects.filter(
            departement=response.departement, status=Response.Status.SUBMITTED,
            campaign__questionnaire_slug=response.campaign.questionnaire_slug,
            campaign__year__lt=response.campaign.year,
        ).select_related("campaign").order_by("-campaign__year").first()
    )


@lru_cache(maxsize=1)
def reference_peer_groups():
    """Peer groups of the 101 départements (Ward on the four INSEE indicators), computed once."""
    from numeduc import reference
    from numeduc.analysis.peers import compute_peer_groups

    return compute_peer_groups(reference.departements())
