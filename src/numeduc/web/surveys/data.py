"""From the database to the pure analysis core: answers and levels of a campaign's respondents,
peer groups, the comparison campaign, the completion of a campaign; and the versions of that
data, which every cache of the results, national and budget pages is keyed on (see « Caching »
in docs/architecture.md; the cache itself is ``numeduc.web.caching``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from django.db.models import Count, Max

from numeduc.web.accounts.permissions import can_view_national_results, can_view_response, fetch_for
from numeduc.web.surveys.models import Answer, Campaign, Response


def campaign_version(campaign: Campaign | int) -> tuple:
    """What changes whenever anything a campaign's results are computed from changes: count and
    latest update of its responses (a status change, a submission, a saved answer all bump the
    response's ``updated_at`` through ``surveys.services``) and of their answers (should an answer
    ever be written around the services). One query."""
    campaign_id = campaign if isinstance(campaign, int) else campaign.pk
    stamp = Response.objects.filter(campaign_id=campaign_id).aggregate(
        n=Count("id", distinct=True),
        last=Max("updated_at"),
        n_answers=Count("answers"),
        last_answer=Max("answers__updated_at"),
    )
    return (campaign_id, stamp["n"], stamp["last"], stamp["n_answers"], stamp["last_answer"])


def all_responses_version() -> tuple:
    """``campaign_version`` of every campaign at once (for what reads across campaigns, such as
    the budget page's positioning). Two queries."""
    responses = Response.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    answers = Answer.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (responses["n"], responses["last"], answers["n"], answers["last"])


def response_versions(*responses: Response | None) -> list[tuple | None]:
    """The same for each response (its row as read by this request, and its answers): one query
    for all of them; None for None."""
    present = [r for r in responses if r is not None]
    stamps = {}
    if present:
        stamps = {
            row["response_id"]: (row["n"], row["last"])
            for row in Answer.objects.filter(response__in=present)
            .values("response_id")
            .annotate(n=Count("id"), last=Max("updated_at"))
            .order_by()
        }
    return [
        None if r is None else (r.pk, r.status, r.updated_at, *stamps.get(r.pk, (0, None))) for r in responses
    ]


def campaign_answers(campaign: Campaign, item_ids: list[str] | None = None) -> pd.DataFrame:
    """Submitted answers of a campaign: one row per département, one column per item id."""
    answers = Answer.objects.filter(
        response__campaign=campaign,
        response__status=Response.Status.SUBMITTED,
        response__departement__isnull=False,
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

    Cached in the process under ``campaign_version``, which changes whenever a response of the
    campaign or one of its answers changes, so a stale frame is never served.
    """
    return _cached_levels(campaign_version(campaign)).copy()


@lru_cache(maxsize=64)
def _cached_levels(version: tuple) -> pd.DataFrame:
    return _read_levels(Campaign.objects.get(pk=version[0]))


def _read_levels(campaign: Campaign) -> pd.DataFrame:
    items = campaign.questionnaire.factor_items()
    frame = campaign_answers(campaign, [item.id for item in items])
    frame.columns = [item.factor for item in items]
    return frame.apply(pd.to_numeric, errors="coerce")


def campaign_analysis(campaign: Campaign):
    """The national analysis of a campaign (PCA, correlations, cross-tabs, peer groups), cached in
    the process under the same key as ``campaign_levels`` (it changes with any response).

    Raises ``numeduc.analysis.NotEnoughRespondents`` like ``analyse_campaign``; the result is
    shared between requests: callers read it, never change it. (In the process, not in Django's
    cache: the national page caches what it renders from it, so this object is only needed when
    that is recomputed, and unpickling it at every request would cost more than it saves.)"""
    return analysis_for_version(campaign_version(campaign))


@lru_cache(maxsize=16)
def analysis_for_version(version: tuple):
    """``campaign_analysis`` of the campaign ``version[0]`` for an already read ``campaign_version``."""
    from numeduc import reference
    from numeduc.analysis.campaign import analyse_campaign

    answers = campaign_answers(Campaign.objects.get(pk=version[0]))
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
        Campaign.objects.filter(
            questionnaire_slug=campaign.questionnaire_slug,
            status=Campaign.Status.CLOSED,
            year__lte=campaign.year,
        )
        .exclude(pk=campaign.pk)
        .order_by("-year", "-closes_on")
        .first()
    )


def previous_response(response: Response) -> Response | None:
    return (
        Response.objects.filter(
            departement=response.departement,
            status=Response.Status.SUBMITTED,
            campaign__questionnaire_slug=response.campaign.questionnaire_slug,
            campaign__year__lt=response.campaign.year,
        )
        .select_related("campaign")
        .order_by("-campaign__year")
        .first()
    )


@lru_cache(maxsize=1)
def reference_peer_groups():
    """Peer groups of the 101 départements (Ward on the four INSEE indicators), computed once."""
    from numeduc import reference
    from numeduc.analysis.peers import compute_peer_groups

    return compute_peer_groups(reference.departements())


def completion(campaign: Campaign) -> tuple[dict, list[dict]]:
    """Counts and one row per target: not started, draft (with progress), submitted."""
    responses = {
        (r.departement_id or r.academie_id): r
        for r in campaign.responses.prefetch_related("answers").select_related("departement", "academie")
    }
    targets = (
        list(campaign.target_departements.all())
        if campaign.audience == "departement"
        else list(campaign.target_academies.all())
    )
    total_items = len(campaign.questionnaire.items)
    rows, counts = [], {"targets": len(targets), "not_started": 0, "draft": 0, "submitted": 0}
    for target in targets:
        response = responses.get(target.pk)
        if response is None:
            state = "not_started"
        else:
            state = response.status
        counts[state] += 1
        answered = sum(1 for a in response.answers.all() if a.value is not None) if response else 0
        rows.append(
            {
                "target": target,
                "response": response,
                "state": state,
                "answered": answered,
                "shared": bool(response and response.share_consent),
                "progress": round(100 * answered / total_items) if total_items else 0,
            }
        )
    counts["rate"] = round(100 * counts["submitted"] / counts["targets"]) if counts["targets"] else 0
    return counts, rows


RESPONSE_RULES = {"view": [(can_view_response, "Cette réponse ne vous est pas accessible.")]}


def get_response_for(user, response_id: int, action: str = "view") -> Response:
    """The response (404 if none), after checking that ``user`` may ``action`` it (403)."""
    queryset = Response.objects.select_related("campaign", "departement", "academie")
    return fetch_for(user, queryset, RESPONSE_RULES, action, "Réponse introuvable.", pk=response_id)


CAMPAIGN_NOT_FOUND = "Campagne introuvable."
CAMPAIGN_RULES = {
    "national": [
        (can_view_national_results, "L'analyse nationale de cette campagne n'est pas encore publiée.")
    ]
}


def get_campaign_for(user, campaign_id: int, action: str = "national") -> Campaign:
    """The campaign (404 if none), after checking that ``user`` may ``action`` it (403); the one
    action so far is "national": read its national aggregates and analysis."""
    return fetch_for(user, Campaign.objects, CAMPAIGN_RULES, action, CAMPAIGN_NOT_FOUND, pk=campaign_id)


# -- what the reference data already knows of a respondent -----------------------------------


@dataclass(frozen=True)
class CollegeCounts:
    """A département's public collèges as the collèges referential counts them."""

    colleges: int
    pupils: int  # with the estimate for the collèges without a count (as the budget planner)
    colleges_without_pupils: int
    estimated_pupils: int  # part of ``pupils`` that is estimated
    school_year: str  # « 2020-2021 »; ``""`` when the data does not say


def college_counts(departement) -> CollegeCounts | None:
    """The public collèges of ``departement`` and their pupils, from the ``College`` table (the
    package's referential when the table holds none); ``None`` when neither knows any."""
    from numeduc.budget.departement import pupils_fill
    from numeduc.reference import colleges
    from numeduc.web.territories.models import College

    rows = list(
        College.objects.filter(departement=departement, public=True).values("pupils", "pupils_school_year")
    )
    if rows:
        frame = pd.DataFrame(rows)
    else:
        frame = colleges(public_only=True)
        frame = frame[frame["departement_code"] == departement.code][["pupils", "pupils_school_year"]]
    if frame.empty:
        return None
    pupils = pd.to_numeric(frame["pupils"], errors="coerce")
    missing = int(pupils.isna().sum())
    fill = pupils_fill(pupils, default=0)
    years = frame["pupils_school_year"].dropna().astype(str)
    years = years[years != ""]
    return CollegeCounts(
        colleges=len(frame),
        pupils=int(pupils.sum()) + missing * fill,
        colleges_without_pupils=missing,
        estimated_pupils=missing * fill,
        school_year=years.mode().iloc[0] if len(years) else "",
    )
