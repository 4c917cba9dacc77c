"""National analysis of a self-diagnosis campaign: PCA, correlations, the white paper's
cross-tabulations, peer groups and a map of France.

Who sees what (``docs/analysis.md``):
* the coordinator always; every signed-in user once the campaign is closed and published
  (``can_view_national_results``);
* the factor map of individuals (one point per département, labelled with its code) and the
  map coloured by each département's own level reveal a département's answers: coordinator
  only. Others get the map coloured by the median of the département's peer group, shown only
  for groups of at least MIN_GROUP respondents.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from numeduc.analysis import campaign as analysis
from numeduc.analysis import wording
from numeduc.analysis.profile import MIN_GROUP
from numeduc.formatting import fr_number
from numeduc.web import caching
from numeduc.web.accounts.permissions import can_view_national_results, sees_every_departement
from numeduc.web.surveys import data
from numeduc.web.surveys.models import Campaign

from .presenters import (
    MapChoiceError,
    correlation_sections,
    crosstab_sections,
    dendrogram_section,
    factor_name,
    map_choices,
    map_section,
    parse_map_choice,
    pca_sections,
    peer_group_rows,
    peer_indicator_headers,
)


# Map choices: GET parameter ``carte``.
def visible_campaigns(user):
    campaigns = Campaign.objects.filter(questionnaire_slug="autodiagnostic")
    return [c for c in campaigns if can_view_national_results(user, c)]


@login_required
def campaign_list(request):
    return render(request, "national/campaigns.html", {"campaigns": visible_campaigns(request.user)})


def _body_html(
    campaign: Campaign, version: tuple, demo: bool, coordinator: bool, targeted: int | None
) -> tuple[int, str]:
    """(respondents, the analysis sections rendered): everything of the page computed from the
    campaign's answers (``targeted``: départements asked, None when the campaign names none).
    Raises ``NotEnoughRespondents``."""
    peers = data.reference_peer_groups()
    result = data.analysis_for_version(version)
    sections = {
        "pca": pca_sections(result, result.peers, demo, coordinator),
        "correlations": correlation_sections(result, demo),
        "crosstabs": crosstab_sections(result, demo),
        "groups": [dendrogram_section(peers)],
    }
    context = {
        "coordinator": coordinator,
        "demo": demo,
        "min_group": MIN_GROUP,
        "result": result,
        "sections": sections,
        "axes": result.pca.axes,
        "peer_summary": result.peers,
        "key_points": analysis.key_points(
            result,
            group_sizes=list(peers.sizes().values()),
            targeted=targeted,
        ),
        "group_rows": peer_group_rows(peers, result.peers),
        "indicator_headers": peer_indicator_headers(),
        "group_test_rows": [
            {
                "label": factor_name(f),
                "h": fr_number(t.statistic, 2),
                "p": wording.fr_p(t.p_value),
                "effect": fr_number(t.effect_size, 3),
                "n": t.n,
            }
            for f, t in sorted(result.peers.tests.items())
        ],
        "crosstab_rows": [
            {
                "tab": t,
                "statistic": fr_number(t.statistic, 2),
                "p": wording.fr_p(t.p_value),
                "effect": fr_number(t.effect_size, 2),
            }
            for t in result.crosstabs
        ],
    }
    return result.n, render_to_string("national/_analysis_body.html", context)


def _map_html(map_choice: tuple[str, object], version: tuple, demo: bool, coordinator: bool) -> str:
    section = map_section(
        map_choice, data.analysis_for_version(version), data.reference_peer_groups(), demo, coordinator
    )
    return render_to_string("national/_section.html", {"s": section})


@caching.page_cached()
@login_required
def campaign_analysis(request, campaign_id: int):
    """The page. What is computed from the answers (analysis, charts, tables) is rendered once and
    cached under the campaign's data version (``data.campaign_version``: it changes with any
    response or answer), whether the reader is the coordinator (who sees the individual maps)
    and the demo flag; the map under the same key plus the map chosen. What depends on the
    reader otherwise (the départements sharing their answers, the map form) is rendered at every
    request."""
    campaign = data.get_campaign_for(request.user, campaign_id)
    if not campaign.questionnaire.factor_items():
        raise Http404("Ce questionnaire n'a pas de facteurs à analyser.")
    coordinator = sees_every_departement(request.user)
    demo = campaign.is_demo
    context = {
        "campaign": campaign,
        "demo": demo,
        "coordinator": coordinator,
        "min_group": MIN_GROUP,
        "map_choices": map_choices(),
        "map_value": request.GET.get("carte", "groupes"),
        "result_n": None,
    }
    status = 200
    try:
        map_choice = parse_map_choice(request.GET.get("carte"))
    except MapChoiceError as error:
        map_choice, status = None, 400
        context["map_error"] = str(error)
    version = data.campaign_version(campaign)
    targeted = campaign.target_departements.count() or None
    try:
        n, body = caching.cached(
            "national-body",
            (version, coordinator, demo, targeted),
            lambda: _body_html(campaign, version, demo, coordinator, targeted),
        )
    except analysis.NotEnoughRespondents as error:
        # Not cached: raised early, before anything costly is computed.
        context["not_enough"] = str(error)
        context["body"] = render_to_string("national/_analysis_body.html", {"not_enough": str(error)})
        return render(request, "national/analysis.html", context, status=status)
    map_html = ""
    if map_choice:
        map_html = caching.cached(
            "national-map",
            (version, coordinator, demo, map_choice),
            lambda: _map_html(map_choice, version, demo, coordinator),
        )
    context.update({"result_n": n, "body": mark_safe(body), "map_html": mark_safe(map_html)})
    return render(request, "national/analysis.html", context, status=status)
