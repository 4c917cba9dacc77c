"""« Did it work? »: the strategy comparison, the pilots' difference-in-differences, and the
fleet and bandwidth tables of a département — what the pages of ``numeduc.web.evaluation`` and
the usage dashboard's ``/parc/`` and ``/debit/`` pages show, as JSON.

Same data and rules as those pages: the évaluation pages' ``get_departement_for`` /
``get_pilot_for`` (``can_view_evaluation``, ``can_view_pilot``: the département's editors and
viewers, the coordinator, the DAN of its evaluation group, a school head for its collège's rows
only) and the usage dashboard's ``get_departement_for`` (``can_view_usage_departement``) for the
fleet and the bandwidth. Figures come from the pure core (``numeduc.evaluation``,
``numeduc.usage.fleet``, ``numeduc.usage.bandwidth``); a figure the core cannot compute
(NaN, infinity) is ``null``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

import pandas as pd
from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError

from numeduc.evaluation.common import is_share
from numeduc.evaluation.pilot import Interval, evaluate, month_words
from numeduc.evaluation.pilot import Pilot as PilotSpec
from numeduc.evaluation.strategies import METHOD, POOLED, REFERENCE, SHORT_LABELS, WARNING, compare_strategies
from numeduc.experiences.model import STRATEGIES
from numeduc.web.accounts.permissions import (
    can_view_college_evaluation,
    can_view_national_strategies,
    can_view_plan,
    is_school_head,
    require,
)
from numeduc.web.evaluation import data as evaluation_data
from numeduc.web.evaluation.models import CollegeStrategy
from numeduc.web.territories.models import College
from numeduc.web.usage_dashboard import data as usage_data
from numeduc.web.usage_dashboard import presenters as usage_presenters
from numeduc.web.usage_dashboard import store
from numeduc.web.usage_dashboard.labels import full_label

from .common import AUTH, DEPARTEMENT_CODE, MAX_ID, answers

router = Router(tags=["évaluation"])

INDICATOR_KEYS = tuple(evaluation_data.indicator_key(i, p) for i, p in evaluation_data.INDICATOR_CHOICES)
IndicatorKey = Literal[INDICATOR_KEYS]  # type: ignore[valid-type]
STRATEGY_KEYS = tuple(STRATEGIES)
Strategy = Literal[STRATEGY_KEYS]  # type: ignore[valid-type]
DEFAULT_KEY = evaluation_data.indicator_key("monthly_active_rate", "ELEVE")
INDICATOR_QUERY = Query(
    DEFAULT_KEY,
    description="Indicateur et profil comparés, « indicateur|PROFIL » (ceux que la page propose)",
)
REFERENCE_QUERY = Query(REFERENCE, description="Stratégie de référence (par défaut : aucune)")
NO_LOGS = (
    "Aucun journal d'usage n'est chargé pour ce département : sans les connexions des collèges, il n'y a "
    "rien à comparer."
)
NO_LOGS_DEP = "Aucun journal d'usage chargé pour ce département."
NATIONAL_REFUSED = "La comparaison nationale des stratégies est réservée à la coordination nationale."


def _num(value) -> float | None:
    """A finite float, or None (JSON never holds NaN or infinity)."""
    if value is None or value is pd.NaT:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _int(value) -> int | None:
    value = _num(value)
    return None if value is None else int(value)


# -- strategies ---------------------------------------------------------------------------------


class ContrastSchema(Schema):
    """One strategy against the reference strategy, in one referential group or pooled."""

    group: str  # « densité · taille · EP », or « ensemble des groupes (pondéré) »
    pooled: bool
    strategy: str
    strategy_label: str
    reference: str
    n: int  # collèges of the strategy
    n_reference: int
    mean: float | None
    mean_reference: float | None
    difference: float | None  # mean − mean of the reference (a share: a ratio, × 100 for points)
    ci_low: float | None  # 95 % interval (Welch in a group, normal when pooled)
    ci_high: float | None
    hedges_g: float | None  # effect size
    g_ci_low: float | None
    g_ci_high: float | None
    significant: bool  # the interval excludes 0
    refused: bool  # a cell under 5 collèges: no figure
    reason: str


class CellSchema(Schema):
    group: str
    strategy: str
    strategy_label: str
    n: int
    mean: float | None  # null when refused (under 5 collèges)
    sd: float | None
    refused: bool
    reason: str


class DeclarationSchema(Schema):
    uai: str
    college: str
    strategy: str
    strategy_label: str
    since: dt.date | None
    demo: bool


class StrategiesSchema(Schema):
    departement: str | None  # null for the national comparison
    departement_name: str
    demo: bool
    warning: str  # the strategies are not assigned at random
    method: str
    indicator: str
    profile: str
    indicator_label: str
    share: bool  # a share: means are ratios 0-1, differences in points once × 100
    reference: str
    reference_label: str
    notice: str  # why there is nothing to compare (no usage log), else ""
    n_declared: int
    own_only: bool  # a school head: its collège's declaration only
    declarations: list[DeclarationSchema]
    sentences: list[str]
    pooled: list[ContrastSchema]
    groups: list[ContrastSchema]
    cells: list[CellSchema]


def _contrast(r: dict) -> dict:
    low, high = _num(r["ci_low"]), _num(r["ci_high"])
    refused = bool(r["refused"])
    return {
        "group": str(r["group"]),
        "pooled": r["group"] == POOLED,
        "strategy": r["strategy"],
        "strategy_label": SHORT_LABELS[r["strategy"]],
        "reference": r["reference"],
        "n": _int(r["n"]) or 0,
        "n_reference": _int(r["n_reference"]) or 0,
        "mean": _num(r["mean"]),
        "mean_reference": _num(r["mean_reference"]),
        "difference": _num(r["difference"]),
        "ci_low": low,
        "ci_high": high,
        "hedges_g": _num(r["hedges_g"]),
        "g_ci_low": _num(r["g_ci_low"]),
        "g_ci_high": _num(r["g_ci_high"]),
        "significant": not refused and low is not None and high is not None and not (low <= 0 <= high),
        "refused": refused,
        "reason": str(r["reason"] or ""),
    }


def _comparison(indicators, establishments, strategies: dict[str, str], pair, reference) -> dict:
    comparison = compare_strategies(
        indicators, establishments, strategies, pair[0], pair[1], reference=reference
    )
    rows = [_contrast(r) for r in comparison.contrasts.to_dict("records")]
    return {
        "sentences": comparison.sentences(),
        "pooled": [r for r in rows if r["pooled"]],
        "groups": [r for r in rows if not r["pooled"]],
        "cells": [
            {
                "group": str(r["group"]),
                "strategy": r["strategy"],
                "strategy_label": SHORT_LABELS[r["strategy"]],
                "n": int(r["n"]),
                "mean": _num(r["mean"]),
                "sd": _num(r["sd"]),
                "refused": bool(r["refused"]),
                "reason": str(r["reason"] or ""),
            }
            for r in comparison.cells.to_dict("records")
            if r["n"] > 0
        ],
    }


def _strategies_answer(pair, reference, **fields) -> dict:
    return {
        "warning": WARNING,
        "method": METHOD,
        "indicator": pair[0],
        "profile": pair[1],
        "indicator_label": full_label(*pair),
        "share": is_share(pair[0]),
        "reference": reference,
        "reference_label": SHORT_LABELS[reference],
        "notice": "",
        "sentences": [],
        "pooled": [],
        "groups": [],
        "cells": [],
        **fields,
    }


def _declaration(d: CollegeStrategy) -> dict:
    return {
        "uai": d.college.uai,
        "college": d.college.name,
        "strategy": d.strategy,
        "strategy_label": SHORT_LABELS.get(d.strategy, d.strategy),
        "since": d.since,
        "demo": d.is_demo,
    }


@router.get(
    "/evaluation/departements/{code}/strategies",
    response=answers(StrategiesSchema, 401, 403, 404),
    auth=AUTH,
    summary="Quelle stratégie pour quels usages ? Les stratégies d'équipement d'un département "
    "comparées dans des groupes de collèges comparables (écart, intervalle à 95 %, taille d'effet)",
)
def departement_strategies(
    request,
    code: str = Path(..., pattern=DEPARTEMENT_CODE, example="45"),
    indicator: IndicatorKey = INDICATOR_QUERY,
    reference: Strategy = REFERENCE_QUERY,
):
    dep = evaluation_data.get_departement_for(request.user, code)
    pair = evaluation_data.parse_indicator(indicator) or ("monthly_active_rate", "ELEVE")
    rows = evaluation_data.declarations(dep)
    wh = evaluation_data.warehouse(dep.code)
    answer = _strategies_answer(
        pair,
        reference,
        departement=dep.code,
        departement_name=dep.name,
        demo=(wh is not None and usage_data.is_demo(dep)) or any(d.is_demo for d in rows),
        n_declared=len(rows),
        own_only=is_school_head(request.user),
        declarations=[_declaration(d) for d in rows if can_view_college_evaluation(request.user, d.college)],
    )
    if wh is None:
        answer["notice"] = NO_LOGS
    else:
        answer.update(
            _comparison(
                wh.indicators, wh.establishments, evaluation_data.strategies_map(rows), pair, reference
            )
        )
    return answer


@router.get(
    "/evaluation/strategies",
    response=answers(StrategiesSchema, 401, 403),
    auth=AUTH,
    summary="La comparaison des stratégies d'équipement sur tous les départements qui les ont déclarées "
    "(coordination nationale)",
)
def national_strategies(
    request, indicator: IndicatorKey = INDICATOR_QUERY, reference: Strategy = REFERENCE_QUERY
):
    require(can_view_national_strategies(request.user), NATIONAL_REFUSED)
    pair = evaluation_data.parse_indicator(indicator) or ("monthly_active_rate", "ELEVE")
    rows = list(CollegeStrategy.objects.select_related("college__departement"))
    frames, ests, demo = [], [], any(d.is_demo for d in rows)
    for dep_code in sorted({d.college.departement.code for d in rows}):
        wh = evaluation_data.warehouse(dep_code)
        if wh is None:
            continue
        demo = demo or store.is_demo_folder(dep_code)
        frames.append(wh.indicators)
        ests.append(wh.establishments)
    answer = _strategies_answer(
        pair,
        reference,
        departement=None,
        departement_name="Ensemble des départements",
        demo=demo,
        n_declared=len(rows),
        own_only=False,
        declarations=[],
    )
    if not frames:
        answer["notice"] = "Aucun département n'a à la fois des stratégies déclarées et des journaux d'usage."
    else:
        answer.update(
            _comparison(
                pd.concat(frames, ignore_index=True),
                pd.concat(ests, ignore_index=True),
                evaluation_data.strategies_map(rows),
                pair,
                reference,
            )
        )
    return answer


# -- pilots -------------------------------------------------------------------------------------


class CollegeRefSchema(Schema):
    uai: str
    name: str


class PilotSummarySchema(Schema):
    id: int
    departement: str
    title: str
    start_month: str  # AAAA-MM, the first month the change played
    start: str  # « décembre 2024 »
    colleges: int
    indicators: list[list[str]]  # [[indicator, profile], …]
    demo: bool


class IntervalSchema(Schema):
    estimate: float | None
    low: float | None  # 95 % (t with P − 1 degrees of freedom, P pilot collèges)
    high: float | None
    n: int  # pilot collèges (clusters)
    covers_zero: bool | None


class MonthSchema(Schema):
    month: str
    period: str  # avant, après
    pilot_mean: float | None
    matched_mean: float | None
    did: float | None  # 0 = the same gap as before the pilot
    low: float | None
    high: float | None
    n: int


class DidSchema(Schema):
    indicator: str
    profile: str
    label: str
    share: bool
    n_pilots: int
    n_matched: int
    overall: IntervalSchema  # difference in differences, after − before
    gap_before: IntervalSchema  # the gap pilot − matched before the start
    placebo: IntervalSchema | None  # the same DiD on the months before (null: one month only)
    ratio: IntervalSchema  # after ÷ what the pilots would have had without the pilot
    pilot_before: float | None
    pilot_after: float | None
    matched_before: float | None
    matched_after: float | None
    sentences: list[str]
    months: list[MonthSchema]


class PairSchema(Schema):
    pilot: str
    pilot_name: str
    match: str
    match_name: str
    rank: int
    distance: float | None
    group: str
    level: str  # densite_taille_ep, or a wider group when the strict one had no collège left
    fallback: bool
    reused: bool  # the match also serves another pilot collège


class UnmatchedSchema(Schema):
    uai: str
    name: str
    reason: str


class ActionRefSchema(Schema):
    id: int
    plan_id: int
    title: str


class PilotSchema(Schema):
    id: int
    departement: str
    departement_name: str
    title: str
    description: str
    start_month: str
    start: str
    indicators: list[list[str]]
    created_at: dt.datetime
    demo: bool
    action: ActionRefSchema | None  # the plan's action, when the reader may read that plan
    own_only: bool  # a school head: its collège's rows only
    n_colleges: int
    colleges: list[CollegeRefSchema]
    notice: str  # why nothing is evaluated (no usage log), else ""
    method: str
    reused: bool
    pairs: list[PairSchema]
    unmatched: list[UnmatchedSchema]
    results: list[DidSchema]


def _interval(iv: Interval | None) -> dict | None:
    if iv is None:
        return None
    low, high = _num(iv.low), _num(iv.high)
    return {
        "estimate": _num(iv.estimate),
        "low": low,
        "high": high,
        "n": int(iv.n),
        "covers_zero": None if low is None or high is None else bool(iv.covers_zero),
    }


def _summary(p) -> dict:
    return {
        "id": p.pk,
        "departement": p.departement.code,
        "title": p.title,
        "start_month": p.start_month,
        "start": month_words(p.start_month),
        "colleges": p.colleges.count(),
        "indicators": [list(pair) for pair in p.indicator_pairs],
        "demo": p.is_demo,
    }


@router.get(
    "/evaluation/departements/{code}/pilots",
    response=answers(list[PilotSummarySchema], 401, 403, 404),
    auth=AUTH,
    summary="Les pilotes déclarés d'un département (un chef d'établissement : ceux de son collège)",
)
def departement_pilots(request, code: str = Path(..., pattern=DEPARTEMENT_CODE, example="45")):
    dep = evaluation_data.get_departement_for(request.user, code)
    return [_summary(p) for p in evaluation_data.visible_pilots(request.user, dep)]


@router.get(
    "/evaluation/pilots/{pilot_id}",
    response=answers(PilotSchema, 401, 403, 404),
    auth=AUTH,
    summary="Un pilote : ses collèges, les collèges comparables appariés et la différence de "
    "différences par indicateur et par mois, avec ses intervalles à 95 %",
)
def pilot(request, pilot_id: int = Path(..., ge=1, le=MAX_ID, example=1)):
    item = evaluation_data.get_pilot_for(request.user, pilot_id)
    dep = item.departement
    colleges = list(item.colleges.all().order_by("name"))
    wh = evaluation_data.warehouse(dep.code)
    action = item.action if item.action and can_view_plan(request.user, item.action.plan) else None
    answer: dict[str, Any] = {
        "id": item.pk,
        "departement": dep.code,
        "departement_name": dep.name,
        "title": item.title,
        "description": item.description,
        "start_month": item.start_month,
        "start": month_words(item.start_month),
        "indicators": [list(pair) for pair in item.indicator_pairs],
        "created_at": item.created_at,
        "demo": item.is_demo or (wh is not None and usage_data.is_demo(dep)),
        "action": None
        if action is None
        else {"id": action.pk, "plan_id": action.plan_id, "title": action.title},
        "own_only": is_school_head(request.user),
        "n_colleges": len(colleges),
        "colleges": [
            {"uai": c.uai, "name": c.name} for c in colleges if can_view_college_evaluation(request.user, c)
        ],
        "notice": "",
        "method": "",
        "reused": False,
        "pairs": [],
        "unmatched": [],
        "results": [],
    }
    if wh is None:
        answer["notice"] = NO_LOGS
        return answer
    spec = PilotSpec(tuple(c.uai for c in colleges), item.start_month, tuple(item.indicator_pairs))
    matching, results = evaluate(wh.indicators, wh.establishments, spec)
    by_uai = {c.uai: c for c in College.objects.filter(departement=dep)}

    def visible(uai: str) -> bool:
        college = by_uai.get(uai)
        return college is not None and can_view_college_evaluation(request.user, college)

    def name(uai: str) -> str:
        college = by_uai.get(uai)
        return college.name if college else uai

    answer.update(
        method=matching.method,
        reused=matching.reused,
        pairs=[
            {
                "pilot": r["pilot"],
                "pilot_name": name(r["pilot"]),
                "match": r["match"],
                "match_name": name(r["match"]),
                "rank": int(r["rank"]),
                "distance": _num(r["distance"]),
                "group": str(r["group"]),
                "level": str(r["level"]),
                "fallback": r["level"] != "densite_taille_ep",
                "reused": bool(r["reused"]),
            }
            for r in matching.pairs.to_dict("records")
            if visible(r["pilot"])
        ],
        unmatched=[
            {"uai": u, "name": name(u), "reason": why} for u, why in matching.unmatched.items() if visible(u)
        ],
        results=[
            {
                "indicator": r.indicator,
                "profile": r.profile,
                "label": full_label(r.indicator, r.profile),
                "share": is_share(r.indicator),
                "n_pilots": r.n_pilots,
                "n_matched": r.n_matched,
                "overall": _interval(r.overall),
                "gap_before": _interval(r.gap_before),
                "placebo": _interval(r.placebo),
                "ratio": _interval(r.ratio),
                "pilot_before": _num(r.pilot_before),
                "pilot_after": _num(r.pilot_after),
                "matched_before": _num(r.matched_before),
                "matched_after": _num(r.matched_after),
                "sentences": r.sentences,
                "months": [
                    {
                        "month": str(m["month"]),
                        "period": str(m["period"]),
                        "pilot_mean": _num(m["pilot_mean"]),
                        "matched_mean": _num(m["matched_mean"]),
                        "did": _num(m["did"]),
                        "low": _num(m["low"]),
                        "high": _num(m["high"]),
                        "n": int(m["n"]),
                    }
                    for m in r.by_month.to_dict("records")
                ],
            }
            for r in results
        ],
    )
    return answer


# -- fleet and bandwidth (the usage dashboard's /parc/ and /debit/ pages) -------------------------


class FleetRowSchema(Schema):
    uai: str  # "" for the département's row
    college: str
    pupils: int | None
    devices: int  # counted devices for pupils (whiteboards apart)
    whiteboards: int
    pupils_per_device: float | None  # N of « 1 équipement pour N élèves »
    devices_per_pupil: float | None
    known_age: int
    median_age: float | None  # years
    past_life: int  # devices at or past their planned life
    past_life_share: float | None  # ratio 0-1
    unseen_30d: int  # no MDM check-in in the 30 days before the snapshot
    unseen_30d_share: float | None
    snapshot_date: dt.date | None


class AgeSchema(Schema):
    age_label: str
    devices: int
    past_life: int


class PlanYearSchema(Schema):
    year: int
    devices: int  # devices due that year
    investment_eur: float
    smoothed_devices: int
    smoothed_investment_eur: float


class ClassSchema(Schema):
    device_class: str
    label: str
    lifetime_years: float
    price_eur: float


class FleetSchema(Schema):
    departement: str
    departement_name: str
    demo: bool
    demo_note: str
    snapshot_date: dt.date | None
    colleges: list[FleetRowSchema]
    departement_row: FleetRowSchema
    ages: list[AgeSchema]  # counted devices, whiteboards included
    plan: list[PlanYearSchema]  # renewal forecast and its investment (cash view)
    smoothing_years: int
    carried_devices: int  # pushed beyond the horizon by the smoothing
    carried_eur: float
    unknown_age: int  # devices without any date: left out of the forecast
    classes: list[ClassSchema]  # lifetimes and prices used (budget parameters)


def _fleet_row(r: dict, names: dict[str, str]) -> dict:
    snap = r.get("snapshot_date")
    return {
        "uai": r["uai"],
        "college": names.get(r["uai"], "") if r["uai"] else "Ensemble du département",
        "pupils": _int(r["pupils"]),
        "devices": int(r["devices"]),
        "whiteboards": int(r["whiteboards"]),
        "pupils_per_device": _num(r["pupils_per_device"]),
        "devices_per_pupil": _num(r["devices_per_pupil"]),
        "known_age": int(r["known_age"]),
        "median_age": _num(r["median_age"]),
        "past_life": int(r["past_life"]),
        "past_life_share": _num(r["past_life_share"]),
        "unseen_30d": int(r["unseen_30d"]),
        "unseen_30d_share": _num(r["unseen_30d_share"]),
        "snapshot_date": snap if isinstance(snap, dt.date) else None,
    }


def fleet_classes() -> list[dict]:
    """The lifetime and price of each device class (budget parameters' defaults)."""
    from numeduc.usage import fleet as usage_fleet

    lifetimes, prices = usage_fleet.default_lifetimes(), usage_fleet.default_prices()
    return [
        {
            "device_class": cls,
            "label": usage_fleet.CLASS_LABELS[cls],
            "lifetime_years": float(lifetimes[cls]),
            "price_eur": float(prices[cls]),
        }
        for cls in usage_fleet.CLASS_LABELS
    ]


def _usage_data(request, code: str):
    dep = usage_data.get_departement_for(request.user, code)
    data = store.load(dep.code)
    if data is None or not data.months:
        raise HttpError(404, NO_LOGS_DEP)
    return dep, data


def _names(data) -> dict[str, str]:
    return {str(r["uai"]): str(r.get("name") or "") for r in data.establishments.to_dict("records")}


@router.get(
    "/usage/departements/{code}/fleet",
    response=answers(FleetSchema, 401, 403, 404),
    auth=AUTH,
    tags=["usages"],
    summary="Parc d'équipements des collèges d'un département : équipements par élève, âge, au-delà de "
    "la durée de vie, non vus depuis 30 jours, renouvellement prévu par année et investissement lissé",
)
def departement_fleet(request, code: str = Path(..., pattern=DEPARTEMENT_CODE, example="45")):
    dep, data = _usage_data(request, code)
    f = usage_presenters.fleet_data(data)
    names = _names(data)
    rows = [_fleet_row(r, names) for r in f.table.to_dict("records")]
    snaps = [r["snapshot_date"] for r in rows if r["snapshot_date"] is not None]
    return {
        "departement": dep.code,
        "departement_name": dep.name,
        "demo": usage_data.is_demo(dep),
        "demo_note": usage_data.demo_note(dep),
        "snapshot_date": max(snaps) if snaps else None,
        "colleges": [r for r in rows if r["uai"]],
        "departement_row": next(r for r in rows if not r["uai"]),
        "ages": [
            {"age_label": str(r["age_label"]), "devices": int(r["devices"]), "past_life": int(r["past_life"])}
            for r in f.ages.to_dict("records")
        ],
        "plan": [
            {
                "year": int(r["year"]),
                "devices": int(r["devices"]),
                "investment_eur": _num(r["investment_eur"]) or 0.0,
                "smoothed_devices": int(r["smoothed_devices"]),
                "smoothed_investment_eur": _num(r["smoothed_investment_eur"]) or 0.0,
            }
            for r in f.plan.to_dict("records")
        ],
        "smoothing_years": int(f.plan.attrs.get("smoothing_years") or 0),
        "carried_devices": int(f.plan.attrs.get("carried_devices") or 0),
        "carried_eur": _num(f.plan.attrs.get("carried_eur")) or 0.0,
        "unknown_age": int(f.unknown_age),
        "classes": fleet_classes(),
    }


class RungSchema(Schema):
    key: str
    label: str
    lower_mbps: float
    upper_mbps: float | None
    colleges: int


class BandwidthRowSchema(Schema):
    uai: str
    college: str
    pupils: int
    staff: int
    users: int  # pupils + staff
    link_mbps: float | None
    rung: str  # key of the ladder, "" when the link is unknown
    rung_label: str
    kbps_per_user: float | None
    baseline_mbps: float | None  # need at 100 kbit/s per user
    target_mbps: float | None  # need at 1 Mbit/s per user
    ratio_baseline: float | None  # link ÷ baseline (under 1: too slow)
    ratio_target: float | None
    gap_baseline_mbps: float | None
    gap_target_mbps: float | None
    peak_clients: float | None  # measured (wifi), highest month
    pressure: float | None  # estimated peak ÷ link, highest month
    peak_mbps: float | None
    bytes_per_pupil_day: float | None
    to_upgrade: bool
    why: str
    upgrade_to_mbps: float | None
    access_points_needed: int | None
    access_points_missing: int | None
    access_points_eur: float | None
    link_eur_per_year: float | None


class UpgradeSchema(Schema):
    uai: str
    college: str
    why: str
    link_mbps: float | None
    upgrade_to_mbps: float | None
    link_eur_per_year: float | None
    access_points_eur: float | None


class BandwidthSchema(Schema):
    departement: str
    departement_name: str
    demo: bool
    demo_note: str
    ladder: list[RungSchema]
    colleges: list[BandwidthRowSchema]  # worst served first
    to_upgrade: list[UpgradeSchema]
    upgrade_links_eur_per_year: float  # Σ link_eur_per_year of the collèges to upgrade
    access_points_eur: float  # Σ access_points_eur


def _bandwidth_row(r: dict, names: dict[str, str]) -> dict:
    return {
        "uai": r["uai"],
        "college": names.get(r["uai"], "") or str(r.get("name") or ""),
        "pupils": int(r["pupils"]),
        "staff": int(r["staff"]),
        "users": int(r["users"]),
        "link_mbps": _num(r["link_mbps"]),
        "rung": str(r["rung"] or ""),
        "rung_label": str(r["rung_label"]),
        "why": str(r["why"] or ""),
        "to_upgrade": bool(r["to_upgrade"]),
        "access_points_needed": _int(r["access_points_needed"]),
        "access_points_missing": _int(r["access_points_missing"]),
        **{
            k: _num(r[k])
            for k in (
                "kbps_per_user",
                "baseline_mbps",
                "target_mbps",
                "ratio_baseline",
                "ratio_target",
                "gap_baseline_mbps",
                "gap_target_mbps",
                "peak_clients",
                "pressure",
                "peak_mbps",
                "bytes_per_pupil_day",
                "upgrade_to_mbps",
                "access_points_eur",
                "link_eur_per_year",
            )
        },
    }


@router.get(
    "/usage/departements/{code}/bandwidth",
    response=answers(BandwidthSchema, 401, 403, 404),
    auth=AUTH,
    tags=["usages"],
    summary="Débit internet des collèges d'un département : chaque lien sur l'échelle du livre blanc et "
    "face à 100 kbit/s par usager, pic mesuré, collèges à équiper d'abord et coût",
)
def departement_bandwidth(request, code: str = Path(..., pattern=DEPARTEMENT_CODE, example="45")):
    from numeduc.usage.bandwidth import ladder_counts

    dep, data = _usage_data(request, code)
    table = usage_presenters.bandwidth_data(data)
    names = _names(data)
    rows = [_bandwidth_row(r, names) for r in table.to_dict("records")]
    upgrade = [r for r in rows if r["to_upgrade"]]
    return {
        "departement": dep.code,
        "departement_name": dep.name,
        "demo": usage_data.is_demo(dep),
        "demo_note": usage_data.demo_note(dep),
        "ladder": [
            {
                "key": rung.key,
                "label": rung.label,
                "lower_mbps": rung.lower,
                "upper_mbps": rung.upper,
                "colleges": n,
            }
            for rung, n in ladder_counts(table)
        ],
        "colleges": rows,
        "to_upgrade": [
            {
                k: r[k]
                for k in (
                    "uai",
                    "college",
                    "why",
                    "link_mbps",
                    "upgrade_to_mbps",
                    "link_eur_per_year",
                    "access_points_eur",
                )
            }
            for r in upgrade
        ],
        "upgrade_links_eur_per_year": sum(r["link_eur_per_year"] or 0.0 for r in upgrade),
        "access_points_eur": sum(r["access_points_eur"] or 0.0 for r in rows),
    }
