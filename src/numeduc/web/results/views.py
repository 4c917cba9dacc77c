"""A département's self-diagnosis results against all respondents and its peer group."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe

from numeduc import reference
from numeduc.analysis.profile import MIN_GROUP
from numeduc.charts import radar
from numeduc.formatting import fr_number
from numeduc.web import caching, downloads
from numeduc.web.accounts.permissions import (
    can_create_plan,
    can_view_response,
    can_view_usage_departement,
    owns_response,
    reads_departement_documents,
    views_results_as_shared,
)
from numeduc.web.demo_mark import built_on_demo
from numeduc.web.surveys.models import Campaign, Response
from numeduc.web.territories.models import Departement
from numeduc.web.usage_dashboard import store
from numeduc.web.usage_dashboard.data import is_demo
from numeduc.web.usage_dashboard.integration import declared_vs_measured

from . import data, presenters


def _level(value) -> str:
    return "—" if value is None else fr_number(value, 1 if value % 1 else 0)


def _radar_html(profile, departement: Departement, campaign: Campaign, demo: bool) -> str:
    chart = radar(
        [r.label for r in profile.factors],
        presenters.radar_series(profile, departement.name),
        max_value=4,
        min_value=0,
        title=f"Niveaux de maturité par facteur — {departement.name}, {campaign.title}",
        id_prefix="radar",
        demo=demo,
    )
    return chart.figure_html()


def _usage_comparison(
    departement: Departement, profile, user, declared_year: int | None = None
) -> dict | None:
    """``declared_vs_measured`` for this user, cached under the warehouse's manifest signature
    (a new ingestion changes it), the declared levels and the two other things it reads (the
    département's count of public collèges and whether its warehouse is a demo one).

    The permission is checked here at every request, with the same rule as the function's own
    (``can_view_usage_departement``), so the cached rows are only ever data anyone allowed
    sees alike."""

    if user is not None and not can_view_usage_departement(user, departement):
        return None
    path = store.warehouse_path(departement.code)
    signature = store.manifest_signature(path) if path.is_dir() else None
    if signature is None:  # no warehouse: nothing to compute, nothing worth caching
        return declared_vs_measured(departement, profile.factors, declared_year=declared_year)
    version = (
        departement.code,
        str(path),
        signature,
        [(f.factor, f.label, f.level) for f in profile.factors],
        departement.colleges.filter(public=True).count(),
        is_demo(departement),
        declared_year,
    )
    key = caching.cache_key("usage-comparison", *version)
    rows = caching.cache.get(key)
    if rows is None:
        rows = declared_vs_measured(departement, profile.factors, declared_year=declared_year)
        # None here means a damaged or empty warehouse (logged by the function): not cached,
        # so that it shows as soon as it is repaired.
        if rows is not None:
            caching.cache.set(key, rows, caching.CACHE_TIMEOUT)
    return rows


# The « déclaré / mesuré » rows come from the département's usage warehouse.
@caching.page_cached(lambda request, campaign_id, code: store.warehouse_state(code))
@login_required
def departement_results(request, campaign_id: int, code: str):
    campaign, departement = data.get_results_for(request.user, campaign_id, code)
    questionnaire = campaign.questionnaire
    factor_items = questionnaire.factor_items()
    if not factor_items:
        raise Http404("Ce questionnaire n'a pas de facteurs à comparer.")
    response = Response.objects.filter(campaign=campaign, departement=departement).first()
    if response is not None:
        # The objects already read: the permission checks and the template would read them again.
        response.campaign, response.departement = campaign, departement
    is_own = response is not None and owns_response(request.user, response)
    if response is None or not response.is_submitted:
        return render(
            request,
            "results/not_ready.html",
            {
                "campaign": campaign,
                "departement": departement,
                "response": response if is_own else None,
            },
            status=404,
        )

    previous = data.visible_previous(request.user, response)
    profile, reference_campaign, peers, version = data.profile_with_previous(
        campaign, departement, response, previous
    )
    demo = built_on_demo(campaign, reference_campaign)
    chart_html = caching.cached(
        "radar",
        (version, departement.name, campaign.title, demo),
        lambda: _radar_html(profile, departement, campaign, demo),
    )
    own_group = peers.groups.get(departement.code)
    members = Departement.objects.filter(code__in=[c for c, g in peers.groups.items() if g == own_group])
    indicator_rows = presenters.indicator_rows(
        {column: getattr(departement, column) for column in reference.PEER_INDICATORS}, peers, own_group
    )
    return render(
        request,
        "results/departement.html",
        {
            "campaign": campaign,
            "departement": departement,
            "response": response,
            "profile": profile,
            "radar": mark_safe(chart_html),
            "reference_campaign": reference_campaign,
            "previous": previous,
            "peers": peers,
            "own_group": own_group,
            "group_name": peers.group_names.get(own_group, "") if own_group is not None else "",
            "group_portrait": peers.portraits.get(own_group, "") if own_group is not None else "",
            "members": members,
            "indicator_rows": indicator_rows,
            "min_group": MIN_GROUP,
            "demo": demo,
            "shared_view": views_results_as_shared(request.user, departement, campaign),
            "can_view_response": can_view_response(request.user, response),
            "peer_notes": peers.notes_for(departement.code),
            "usage_comparison": _usage_comparison(departement, profile, request.user, campaign.year),
            "next_steps": presenters.next_steps(profile, departement.code),
            "can_create_plan": can_create_plan(request.user, departement),
            "reads_plans": reads_departement_documents(request.user, departement),
            "levels_table": [
                {
                    "r": r,
                    "level": _level(r.level),
                    "national": _level(r.national_median),
                    "peer": _level(r.peer_median),
                    "previous": _level(r.previous_level),
                    "change": r.change,
                }
                for r in profile.factors
            ],
            "axes_table": [
                {"a": a, "score": _level(a.score), "national": _level(a.national), "peer": _level(a.peer)}
                for a in profile.axes
            ],
        },
    )


@login_required
def departement_results_csv(request, campaign_id: int, code: str):
    """The profile table as CSV (French spreadsheet conventions: see ``numeduc.web.downloads``)."""
    campaign, departement = data.get_results_for(request.user, campaign_id, code)
    response = Response.objects.filter(
        campaign=campaign, departement=departement, status=Response.Status.SUBMITTED
    ).first()
    if response is None or not campaign.questionnaire.factor_items():
        raise Http404("Aucune réponse transmise par ce département pour cette campagne.")
    profile, reference_campaign, _ = data.compute_profile(campaign, departement, response, request.user)
    demo = built_on_demo(campaign, reference_campaign)
    suffix = "-demonstration" if demo else ""
    frame = presenters.results_frame(code, campaign.year, profile)
    return downloads.table_response(
        request,
        f"autodiagnostic-{code}-{campaign.year}{suffix}.csv",
        presenters.RESULTS_TABLE,
        frame,
        demo=demo,
    )
