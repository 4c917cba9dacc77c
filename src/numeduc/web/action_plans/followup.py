"""Follow-up of a plan, measured, not declared: the database and the usage warehouse → the pure
core's ``FactorFollowUp`` and ``UsageFollowUp`` (``numeduc.actions.followup``).

* Factor: the level of the action's factor at the plan's baseline campaign (copied into the
  action when it was created) against the département's level at the **next** self-diagnosis
  campaign it sent its answers to (the first one of a later year).
* Usage: the action's indicator, for its profile, in each named collège, over the months of the
  action that the warehouse holds; the value of a collège over several months pools them
  (Σ numerators / Σ denominators: for a monthly rate, the mean month weighted by the
  population), and its referential (the collèges of the same density, size and priority
  education, as on the usage pages) is given for the last of these months.
* National: per catalogue action, the départements that planned it and completed it, and how
  their factor moved against the other départements that answered both campaigns; every figure
  over fewer than five départements hidden (the core does it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from numeduc.actions.followup import (
    CAVEAT,
    ActionOverview,
    FactorFollowUp,
    PlannedActionRecord,
    UsageFollowUp,
    national_overview,
)
from numeduc.actions.suggest import factor_id
from numeduc.formatting import fr_number
from numeduc.web.accounts.permissions import can_view_usage_departement
from numeduc.web.surveys import data as surveys_data
from numeduc.web.surveys.models import Campaign, Response
from numeduc.web.usage_dashboard import data as usage_data
from numeduc.web.usage_dashboard import store
from numeduc.web.usage_dashboard.labels import format_value, full_label, month_label

from .data import SELF_DIAGNOSIS
from .models import Plan, PlannedAction

__all__ = ["CAVEAT", "PlanFollowUp", "UsageCheck", "national_rows", "next_campaign", "plan_followup"]


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def next_campaign(plan: Plan) -> Campaign | None:
    """The first self-diagnosis campaign of a year after the plan's baseline campaign to which the
    département sent its answers; ``None`` while there is none (or the plan starts from none)."""
    baseline = plan.baseline_campaign
    if baseline is None:
        return None
    return (
        Campaign.objects.filter(
            questionnaire_slug=SELF_DIAGNOSIS,
            year__gt=baseline.year,
            responses__departement_id=plan.departement_id,
            responses__status=Response.Status.SUBMITTED,
        )
        .distinct()
        .order_by("year", "pk")
        .first()
    )


def _levels_at(campaign: Campaign | None, code: str) -> dict[str, int]:
    if campaign is None:
        return {}
    levels = surveys_data.campaign_levels(campaign)
    if code not in levels.index:
        return {}
    row = levels.loc[code]
    return {factor_id(factor): int(level) for factor, level in row.items() if pd.notna(level)}


@dataclass(frozen=True)
class CollegeLine:
    """One named collège of a usage target, as the follow-up table shows it."""

    uai: str
    name: str
    value: str
    met: bool | None
    group: str
    group_median: str


@dataclass(frozen=True)
class UsageCheck:
    """A usage target checked against the logs: ``followup`` when some month of the action is in
    the warehouse, else ``message`` says why it cannot be checked yet."""

    followup: UsageFollowUp | None
    message: str
    label: str
    colleges: list[CollegeLine] = field(default_factory=list)
    demo: bool = False

    @property
    def sentence(self) -> str:
        return self.followup.sentence if self.followup is not None else self.message


@dataclass(frozen=True)
class PlanFollowUp:
    baseline: Campaign | None
    campaign: Campaign | None  # the next campaign answered, None while there is none
    factors: dict[int, FactorFollowUp]  # by action pk, for the actions that aim at a factor
    usage: dict[int, UsageCheck]  # by action pk, for the actions with a usage target
    usage_demo: bool  # a usage check reads demonstration logs

    @property
    def has_any(self) -> bool:
        return bool(self.factors or self.usage)


def _usage_rows(data: store.WarehouseData, indicator: str, profile: str) -> tuple[pd.DataFrame, str]:
    """The warehouse's rows of the indicator for the profile, and the profile actually read: a
    blank profile reads the profile-less rows, or the only profile the indicator has."""
    rows = data.indicators[data.indicators["indicator"] == indicator]
    profiles = sorted(rows["profile"].dropna().unique())
    if profile in profiles:
        return rows[rows["profile"] == profile], profile
    if not profile and len(profiles) == 1:
        return rows[rows["profile"] == profiles[0]], profiles[0]
    return rows.iloc[0:0], profile


def usage_check(
    action: PlannedAction, data: store.WarehouseData | None, *, detail: bool, demo: bool = False
) -> UsageCheck:
    """The action's usage target against the warehouse ``data`` of its département; ``detail``
    adds the collège-by-collège lines (only for those who may read the département's usage);
    ``demo`` says the warehouse holds demonstration logs (``usage_dashboard.data.is_demo``)."""
    indicator, profile = action.usage_indicator, action.usage_profile
    label = full_label(indicator, profile)
    colleges = sorted(action.usage_colleges.all(), key=lambda c: (c.name, c.uai))
    if not colleges:
        return UsageCheck(None, "Aucun collège nommé pour la cible : rien à mesurer.", label)
    if data is None:
        return UsageCheck(
            None,
            "Pas encore de journaux d'usage chargés pour ce département : la cible sera vérifiée "
            "quand ils le seront.",
            label,
        )
    first, last = _month(action.starts_on), _month(action.ends_on)
    months = [m for m in data.months if first <= m <= last]
    if not months:
        held = data.months
        span = f"{month_label(held[0])} – {month_label(held[-1])}" if held else "aucun mois"
        return UsageCheck(
            None,
            f"Aucun journal sur la période de l'action ({month_label(first)} – {month_label(last)}) ; "
            f"l'entrepôt couvre {span}.",
            label,
            demo=demo,
        )
    rows, profile_read = _usage_rows(data, indicator, profile)
    rows = rows[rows["month"].isin(months)]
    if rows.empty and not profile:
        return UsageCheck(
            None,
            "Cet indicateur est mesuré par profil : précisez qui est compté (élèves, parents…).",
            label,
            demo=demo,
        )
    uais = [c.uai for c in colleges]
    rows = rows[rows["uai"].isin(uais)]
    pooled = rows.groupby("uai")[["numerator", "denominator"]].sum()
    values = {
        uai: float(pooled.at[uai, "numerator"] / pooled.at[uai, "denominator"])
        for uai in pooled.index
        if pooled.at[uai, "denominator"] > 0
    }
    followup = UsageFollowUp(
        indicator=indicator,
        comparison=action.usage_comparison,
        target=float(action.usage_target or 0),  # plan_followup checks only actions with a target
        values=values,
        first_month=months[0],
        last_month=months[-1],
        colleges=tuple(uais),
        target_text=format_value(indicator, action.usage_target),
    )
    lines = []
    if detail:
        latest = rows.sort_values("month").groupby("uai").tail(1).set_index("uai")
        measured = {row.uai: row for row in followup.per_college}
        for college in colleges:
            ref = latest.loc[college.uai] if college.uai in latest.index else None
            lines.append(
                CollegeLine(
                    uai=college.uai,
                    name=college.name,
                    value=format_value(indicator, measured[college.uai].value, missing="pas de journaux"),
                    met=measured[college.uai].met,
                    group=""
                    if ref is None
                    else f"{ref['group']} ({fr_number(int(ref['group_size']))} collèges)",
                    group_median="—" if ref is None else format_value(indicator, ref["median"]),
                )
            )
    return UsageCheck(followup, "", full_label(indicator, profile_read), lines, demo)


def plan_followup(plan: Plan, user) -> PlanFollowUp:
    """Every measured follow-up of the plan's actions, for ``user`` (the collège lines of the
    usage targets only for whoever may read the département's usage pages)."""
    campaign = next_campaign(plan)
    levels_now = _levels_at(campaign, plan.departement.code)
    actions = list(plan.actions.prefetch_related("usage_colleges"))
    factors = {
        a.pk: FactorFollowUp(a.factor, a.baseline_level, a.target_level, levels_now.get(a.factor))
        for a in actions
        if a.factor
    }
    targeted = [a for a in actions if a.usage_indicator and a.usage_target is not None]
    usage: dict[int, UsageCheck] = {}
    if targeted:
        data = store.load(plan.departement.code)
        detail = can_view_usage_departement(user, plan.departement)
        demo = usage_data.is_demo(plan.departement)
        usage = {a.pk: usage_check(a, data, detail=detail, demo=demo) for a in targeted}
    return PlanFollowUp(
        baseline=plan.baseline_campaign,
        campaign=campaign,
        factors=factors,
        usage=usage,
        usage_demo=any(check.demo for check in usage.values()),
    )


# -- the coordinator's national view ---------------------------------------------------------


@dataclass(frozen=True)
class NationalRows:
    """What ``national_overview`` takes, for the plans that start from ``baseline``."""

    baseline: Campaign
    records: list[PlannedActionRecord]
    peers_change: dict[str, dict[str, float | None]]
    plans: int
    demo: bool


def baseline_choices(*, demo: bool) -> list[tuple[Campaign, int]]:
    """The campaigns plans start from, with their number of plans (most plans first)."""
    counts: dict[int, int] = {}
    for pk in Plan.objects.filter(is_demo=demo, baseline_campaign__isnull=False).values_list(
        "baseline_campaign_id", flat=True
    ):
        counts[pk] = counts.get(pk, 0) + 1
    campaigns = Campaign.objects.in_bulk(list(counts))
    return sorted(
        ((campaigns[pk], n) for pk, n in counts.items()),
        key=lambda item: (-item[1], -item[0].year, item[0].pk),
    )


def _next_campaigns(baseline: Campaign) -> list[Campaign]:
    return list(
        Campaign.objects.filter(questionnaire_slug=SELF_DIAGNOSIS, year__gt=baseline.year).order_by(
            "year", "pk"
        )
    )


def national_rows(baseline: Campaign, *, demo: bool) -> NationalRows:
    """The catalogue actions of the plans starting from ``baseline`` (real plans, or demo plans
    when ``demo``: never mixed) and the factor changes of every département between ``baseline``
    and the next campaign it answered."""
    before = surveys_data.campaign_levels(baseline)
    later = [(c, surveys_data.campaign_levels(c)) for c in _next_campaigns(baseline)]
    changes: dict[str, dict[str, float | None]] = {}
    for code in before.index:
        after = next((levels.loc[code] for _, levels in later if code in levels.index), None)
        if after is None:
            continue
        for factor in before.columns:
            start, end = before.at[code, factor], after[factor]
            if pd.notna(start) and pd.notna(end):
                changes.setdefault(factor_id(factor), {})[code] = float(end - start)
    plans = Plan.objects.filter(baseline_campaign=baseline, is_demo=demo)
    actions = (
        PlannedAction.objects.filter(plan__in=plans)
        .exclude(catalogue_id="")
        .exclude(factor="")
        .values_list("plan__departement__code", "catalogue_id", "status", "factor")
    )
    records = [
        PlannedActionRecord(code, catalogue_id, status, factor, changes.get(factor, {}).get(code))
        for code, catalogue_id, status, factor in actions
    ]
    return NationalRows(baseline, records, changes, plans.count(), demo)


def overview(rows: NationalRows) -> list[ActionOverview]:
    return national_overview(rows.records, rows.peers_change)
