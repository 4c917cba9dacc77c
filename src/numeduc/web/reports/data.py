"""What a département's report and its « L'essentiel » page say, gathered from the apps below
this one through their own computations (the results page's profile, the experience sheets' key
figures, the budget's cached totals and positioning, the usage warehouse, the school surveys,
the action plans' follow-up), each section shown only to a reader the section's own page lets in.

``reader`` is a user (the web) or ``None`` (the ``numeduc report`` command, run by whoever
operates the configured database: every section is included).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404
from django.utils import timezone

from numeduc import budget, reference
from numeduc.analysis.profile import MIN_GROUP
from numeduc.charts import Series, bar, radar
from numeduc.formatting import fr_date, fr_euro, fr_number
from numeduc.web.accounts.permissions import (
    can_view_departement_budget,
    can_view_departement_results,
    can_view_plan,
    can_view_school_surveys,
    can_view_usage_departement,
    check_rules,
    views_results_as_shared,
)
from numeduc.web.action_plans.followup import plan_followup
from numeduc.web.action_plans.models import Plan
from numeduc.web.demo_mark import built_on_demo
from numeduc.web.experiences import data as experiences_data
from numeduc.web.planning import data as planning_data
from numeduc.web.planning.models import Scenario
from numeduc.web.results import data as results_data
from numeduc.web.results import presenters as results_presenters
from numeduc.web.school_surveys.models import SchoolSurvey
from numeduc.web.school_surveys.presenters import survey_page
from numeduc.web.surveys import data as surveys_data
from numeduc.web.surveys.models import Campaign, Response
from numeduc.web.territories.models import Departement
from numeduc.web.usage_dashboard import presenters as usage_presenters
from numeduc.web.usage_dashboard import store as usage_store
from numeduc.web.usage_dashboard.data import is_demo as usage_is_demo
from numeduc.web.usage_dashboard.integration import declared_vs_measured
from numeduc.web.usage_dashboard.labels import month_label

SELF_DIAGNOSIS = "autodiagnostic"
DEPARTEMENT_NOT_FOUND = "Département inconnu."
CAMPAIGN_NOT_FOUND = "Aucune campagne d'autodiagnostic pour cette année."
NOT_SUBMITTED = "Ce département n'a pas transmis sa réponse à cette campagne : pas de rapport à produire."
REFUSED = (
    "Le rapport de ce département ne vous est pas accessible : il se lit là où ses résultats se lisent "
    "(le département, la coordination nationale, le DAN de son académie une fois les résultats publiés)."
)
REPORT_RULES = {"view": [(can_view_departement_results, REFUSED)]}
MAX_SURVEYS = 3


class ReportError(Exception):
    """A report that cannot be built (the département, the campaign or its answer is missing)."""


@dataclass(frozen=True)
class Subject:
    departement: Departement
    campaign: Campaign
    response: Response


def find_subject(code: str, year: int) -> Subject:
    """The département, the self-diagnosis campaign of ``year`` and its submitted response, or
    ``ReportError`` with a French sentence."""
    departement = Departement.objects.select_related("academie").filter(code=code).first()
    if departement is None:
        raise ReportError(DEPARTEMENT_NOT_FOUND)
    campaign = (
        Campaign.objects.filter(questionnaire_slug=SELF_DIAGNOSIS, year=year).order_by("-opens_on").first()
    )
    if campaign is None:
        raise ReportError(CAMPAIGN_NOT_FOUND)
    response = Response.objects.filter(
        campaign=campaign, departement=departement, status=Response.Status.SUBMITTED
    ).first()
    if response is None:
        raise ReportError(NOT_SUBMITTED)
    response.campaign, response.departement = campaign, departement
    return Subject(departement, campaign, response)


def get_subject_for(user, code: str, year: int) -> Subject:
    """``find_subject`` for a web reader: 404 when something is missing, 403 (French sentence)
    when the results page of this département and campaign would refuse the reader."""
    departement = Departement.objects.filter(code=code).first()
    if departement is None:
        raise Http404(DEPARTEMENT_NOT_FOUND)
    campaign = (
        Campaign.objects.filter(questionnaire_slug=SELF_DIAGNOSIS, year=year).order_by("-opens_on").first()
    )
    if campaign is None:
        raise Http404(CAMPAIGN_NOT_FOUND)
    check_rules(REPORT_RULES["view"], user, departement, campaign)
    try:
        return find_subject(code, year)
    except ReportError as exc:
        raise Http404(str(exc)) from None


def _sees(reader, rule, *objects) -> bool:
    """The command line (``reader`` None) sees every section; a user what the section's page shows."""
    return reader is None or rule(reader, *objects)


def _level(value) -> str:
    return "—" if value is None else fr_number(value, 1 if value % 1 else 0)


# -- the sections ------------------------------------------------------------------------------


def radar_chart(profile, departement: Departement, campaign: Campaign, demo: bool):
    """The results page's radar (same series, same title, same description)."""
    return radar(
        [r.label for r in profile.factors],
        results_presenters.radar_series(profile, departement.name),
        max_value=4,
        min_value=0,
        title=f"Niveaux de maturité par facteur — {departement.name}, {campaign.title}",
        id_prefix="radar",
        demo=demo,
    )


def _compared(r) -> tuple[str, float | None]:
    if r.peer_median is not None:
        return "la médiane des départements comparables", r.peer_median
    if r.national_median is not None:
        return "la médiane nationale", r.national_median
    return "", None


def plain_sentence(r, name: str) -> str:
    """« Pilotage et stratégie : niveau 3 sur 4, au-dessus de la médiane des départements comparables (2). »"""
    level = "non renseigné" if r.level is None else f"niveau {_level(r.level)} sur 4"
    what, median = _compared(r)
    if median is None or r.level is None:
        return f"{r.label} : {level}."
    if r.level > median:
        where = "au-dessus de"
    elif r.level < median:
        where = "en dessous de"
    else:
        where = "au niveau de"
    return f"{r.label} : {level}, {where} {what} ({_level(median)})."


def change_words(change) -> str:
    if change is None:
        return "—"
    if change > 0:
        return f"en progrès (+{fr_number(change, 0)})"
    if change < 0:
        return f"en recul ({fr_number(change, 0)})".replace("-", "−")
    return "stable"


def profile_section(reader, subject: Subject) -> dict:
    campaign, departement, response = subject.campaign, subject.departement, subject.response
    previous = (
        results_data.visible_previous(reader, response)
        if reader is not None
        else surveys_data.previous_response(response)
    )
    profile, reference_campaign, peers, _version = results_data.profile_with_previous(
        campaign, departement, response, previous
    )
    demo = built_on_demo(campaign, reference_campaign)
    chart = radar_chart(profile, departement, campaign, demo)
    own_group = peers.groups.get(departement.code)
    members = list(
        Departement.objects.filter(code__in=[c for c, g in peers.groups.items() if g == own_group]).order_by(
            "code"
        )
    )
    return {
        "profile": profile,
        "reference_campaign": reference_campaign,
        "previous": previous,
        "demo": demo,
        "radar": chart,
        "strengths": [plain_sentence(r, departement.name) for r in profile.strongest],
        "weaknesses": [plain_sentence(r, departement.name) for r in profile.weakest],
        "levels_table": [
            {
                "r": r,
                "level": _level(r.level),
                "national": _level(r.national_median),
                "peer": _level(r.peer_median),
                "previous": _level(r.previous_level),
                "change": change_words(r.change),
            }
            for r in profile.factors
        ],
        "axes_table": [
            {"a": a, "score": _level(a.score), "national": _level(a.national), "peer": _level(a.peer)}
            for a in profile.axes
        ],
        "own_group": own_group,
        "group_name": peers.group_names.get(own_group, "") if own_group is not None else "",
        "group_portrait": peers.portraits.get(own_group, "") if own_group is not None else "",
        "members": members,
        "peer_notes": peers.notes_for(departement.code),
        "indicator_rows": results_presenters.indicator_rows(
            {column: getattr(departement, column) for column in reference.PEER_INDICATORS}, peers, own_group
        ),
        "next_steps": results_presenters.next_steps(profile, departement.code),
        "shared_view": reader is not None and views_results_as_shared(reader, departement, campaign),
    }


def figures_section(departement: Departement) -> list[dict]:
    """The experience sheets' key figures (reference data, beside the paper's 2017 figure)."""
    paper = experiences_data.paper_sheets().departements.get(departement.code)
    return [
        {
            "key": f.key,
            "label": f.label,
            "unit": f.unit,
            "value": f.shown(f.value),
            "year": f.year,
            "source": f.source,
            "paper": f.shown(f.paper.value) if f.paper else "—",
        }
        for f in experiences_data.figures_of(departement.code, paper)
    ]


def budget_section(reader, departement: Departement) -> dict | None:
    """The saved scenarios (per year, per pupil, band of the paper), the declared budget's
    position, and a bar chart; None for a reader the budget page refuses."""
    if not _sees(reader, can_view_departement_budget, departement):
        return None
    scenarios = list(Scenario.objects.filter(departement=departement).order_by("-updated_at", "pk"))
    colleges = (
        planning_data.colleges_version(departement)
        if any(s.is_departement_scope for s in scenarios)
        else None
    )
    rows, bars = [], []
    for s in scenarios:
        totals, problem = planning_data.cached_totals(s, colleges)
        if problem is not None:
            rows.append({"name": s.name, "problem": problem.message})
            continue
        assert totals is not None  # no problem: the totals
        total, per_pupil = totals
        rows.append(
            {
                "name": s.name,
                "total": fr_euro(float(total), 0),
                "per_pupil": fr_euro(float(per_pupil)),
                "band": planning_data.band_of(float(per_pupil)),
                "scope": s.get_scope_display(),
                "updated": fr_date(s.updated_at),
            }
        )
        bars.append((f"Scénario « {s.name} »", float(per_pupil)))
    paper = budget.simulate(budget.load_preset(budget.WHITE_PAPER_PRESET))
    pos, _ = planning_data.cached_positioning(departement)
    if pos.own_value is not None:
        bars.append((f"Budget déclaré ({getattr(pos.own_campaign, 'year', '')})", pos.own_value))
    if pos.peer_median is not None:
        bars.append(("Médiane des départements comparables", pos.peer_median))
    bars.append(("Collège type du livre blanc (2017)", float(paper.per_pupil_per_year)))
    demo = built_on_demo(*scenarios, pos.campaign)
    chart = bar(
        [label for label, _ in bars],
        [Series("Budget par élève et par an", [value for _, value in bars], "primary")],
        horizontal=True,
        unit="€/élève/an",
        value_format=lambda v: fr_euro(v, 0),
        title=f"Budget numérique par élève et par an {departement.name_of}",
        id_prefix="budget",
        demo=demo,
        source="numeduc, scénarios enregistrés ; autodiagnostic ; livre blanc ADF 2017",
        category_header="Budget",
    )
    return {
        "rows": rows,
        "chart": chart,
        "positioning": pos,
        "own_value": fr_euro(pos.own_value) if pos.own_value is not None else None,
        "own_band": planning_data.band_of(pos.own_value) if pos.own_value is not None else None,
        "peer_median": fr_euro(pos.peer_median) if pos.peer_median is not None else None,
        "paper_per_pupil": fr_euro(float(paper.per_pupil_per_year)),
        "bands": [
            {
                "label": label,
                "share": fr_number(pos.shares[label], 1) + " %" if pos.campaign else "—",
                "paper": fr_number(planning_data.WHITE_PAPER_BUCKET_SHARES[label], 1) + " %",
            }
            for label, _, _ in planning_data.BANDS
        ],
        "min_group": MIN_GROUP,
        "demo": demo,
    }


def usage_section(reader, departement: Departement, profile, campaign: Campaign) -> dict | None:
    """The month's key indicators and « déclaré / mesuré » for factors 2, 9 and 10, where the
    département's usage logs are loaded; None otherwise or for a reader the usage page refuses."""
    if not _sees(reader, can_view_usage_departement, departement):
        return None
    try:
        data = usage_store.load(departement.code)
    except Exception:  # noqa: BLE001 - a damaged warehouse must not take the report down
        return None
    if data is None or not data.months:
        return None
    month = data.months[-1]
    return {
        "month_label": month_label(month),
        "overview": usage_presenters.overview(data, month),
        "comparison": declared_vs_measured(departement, profile.factors, declared_year=campaign.year),
        "demo": usage_is_demo(departement),
    }


def surveys_section(reader, departement: Departement) -> list[dict] | None:
    """The latest school surveys of the département (declared by pupils or parents against the
    measured logs); None for a reader the survey pages refuse."""
    if not _sees(reader, can_view_school_surveys, departement):
        return None
    out = []
    for survey in SchoolSurvey.objects.filter(departement=departement).order_by("-opens_on", "pk")[
        :MAX_SURVEYS
    ]:
        page = survey_page(survey)
        out.append(
            {
                "survey": survey,
                "opens": fr_date(survey.opens_on),
                "closes": fr_date(survey.closes_on),
                "total": page["total"],
                "levels": page["levels"],
                "comparisons": page["comparisons"],
                "chart": page["chart"],
                "demo": page["demo"],
            }
        )
    return out


def plans_section(reader, departement: Departement, campaign: Campaign) -> dict:
    """The plans that start from this campaign (else the département's latest), their actions
    and their measured follow-up; only the plans the reader may read."""
    plans = list(
        Plan.objects.filter(departement=departement, baseline_campaign=campaign).order_by("-year", "pk")
    )
    from_campaign = bool(plans)
    if not plans:
        latest = Plan.objects.filter(departement=departement).order_by("-year", "-pk").first()
        plans = [latest] if latest is not None else []
    out = []
    for plan in plans:
        if not _sees(reader, can_view_plan, plan):
            continue
        followup = plan_followup(plan, reader)
        actions = []
        for action in plan.actions.all().order_by("position", "pk"):
            factor = followup.factors.get(action.pk)
            usage = followup.usage.get(action.pk)
            actions.append(
                {
                    "title": action.title,
                    "status": action.get_status_display(),
                    "owner": action.owner,
                    "dates": f"{fr_date(action.starts_on)} – {fr_date(action.ends_on)}",
                    "cost": fr_euro(float(action.investment or Decimal(0)), 0),
                    "running": fr_euro(float(action.running or Decimal(0)), 0),
                    "factor": factor.sentence if factor is not None else "",
                    "usage": usage.sentence if usage is not None else "",
                }
            )
        out.append(
            {
                "plan": plan,
                "actions": actions,
                "next_campaign": followup.campaign,
                "demo": plan.is_demo or followup.usage_demo,
            }
        )
    return {"plans": out, "from_campaign": from_campaign}


def departement_report(reader, subject: Subject) -> dict:
    """Everything the département report's template receives."""
    departement, campaign = subject.departement, subject.campaign
    profile = profile_section(reader, subject)
    budget_part = budget_section(reader, departement)
    usage = usage_section(reader, departement, profile["profile"], campaign)
    surveys = surveys_section(reader, departement)
    plans = plans_section(reader, departement, campaign)
    demo = built_on_demo(
        profile["demo"],
        bool(budget_part and budget_part["demo"]),
        bool(usage and usage["demo"]),
        any(s["demo"] for s in surveys or []),
        any(p["demo"] for p in plans["plans"]),
    )
    return {
        "departement": departement,
        "campaign": campaign,
        "response": subject.response,
        "submitted": fr_date(subject.response.submitted_at),
        "generated": fr_date(timezone.now()),
        "figures": figures_section(departement),
        "budget": budget_part,
        "usage": usage,
        "usage_visible": _sees(reader, can_view_usage_departement, departement),
        "surveys": surveys,
        "plans": plans,
        "demo": demo,
        "title": f"Rapport {departement.name_of} — autodiagnostic {campaign.year}",
        **{k: v for k, v in profile.items() if k != "demo"},
        "profile_demo": profile["demo"],
    }


def essentiel(reader, subject: Subject) -> dict:
    """« L'essentiel » for elected officials: three figures, one chart (the radar), what to
    decide next (the first suggested actions of the weakest factors)."""
    departement, campaign = subject.departement, subject.campaign
    profile = profile_section(reader, subject)
    p = profile["profile"]
    figures = {f["key"]: f for f in figures_section(departement)}
    levels = [r.level for r in p.factors if r.level is not None]
    above = [
        r
        for r in p.factors
        if r.level is not None and _compared(r)[1] is not None and r.level > _compared(r)[1]
    ]
    below = [
        r
        for r in p.factors
        if r.level is not None and _compared(r)[1] is not None and r.level < _compared(r)[1]
    ]
    three = [
        {
            "value": fr_number(sum(levels) / len(levels), 1) if levels else "—",
            "label": "niveau moyen sur 4, sur les 13 facteurs de réussite du numérique éducatif",
        },
        {
            "value": f"{len(above)} / {len(p.factors)}",
            "label": "facteurs au-dessus des départements comparables"
            if p.peers
            else "facteurs au-dessus de la médiane nationale",
        },
    ]
    budget_part = budget_section(reader, departement)
    pupils = figures.get("pupils")
    if budget_part and budget_part["own_value"]:
        three.append(
            {"value": budget_part["own_value"], "label": "budget numérique déclaré par élève et par an"}
        )
    elif pupils:
        three.append({"value": pupils["value"], "label": f"collégiens dans le public ({pupils['year']})"})
    return {
        "departement": departement,
        "campaign": campaign,
        "generated": fr_date(timezone.now()),
        "three": three,
        "radar": profile["radar"],
        "strengths": [r.label for r in p.strongest[:2]],
        "weaknesses": [r.label for r in p.weakest[:2]],
        "below": len(below),
        "next_steps": profile["next_steps"][:3],
        "group_name": profile["group_name"],
        "group_portrait": profile["group_portrait"],
        "national_n": p.national.n if p.national else None,
        "demo": built_on_demo(profile["demo"], bool(budget_part and budget_part["demo"])),
        "title": f"L'essentiel {departement.name_of} — autodiagnostic {campaign.year}",
    }
