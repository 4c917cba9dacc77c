"""Database ↔ core for the action plans: the fetch-and-check helpers of every object a URL
names, and the frames the pure core (``numeduc.actions``) takes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from django.http import Http404

from numeduc.actions import Situation, load_catalogue, suggest
from numeduc.actions.plans import CostedAction
from numeduc.actions.suggest import Suggestion, factor_id
from numeduc.web.accounts.permissions import (
    can_change_plan_consent,
    can_comment_action,
    can_create_plan,
    can_edit_plan,
    can_view_plan,
    fetch_for,
    reads_departement_documents,
)
from numeduc.web.planning.data import MAX_ID, cached_totals, colleges_frame, colleges_version
from numeduc.web.results import data as results_data
from numeduc.web.surveys import data as surveys_data
from numeduc.web.surveys.models import Campaign, Response
from numeduc.web.territories.models import Departement

from .models import Plan, PlannedAction

PLAN_NOT_FOUND = "Plan d'actions introuvable."
ACTION_NOT_FOUND = "Action introuvable."
REFUSED = "Ce plan d'actions n'est pas consultable avec votre compte."
EDIT_REFUSED = "Seuls les éditeurs du département modifient son plan d'actions."

PLAN_RULES = {
    "view": [(can_view_plan, REFUSED)],
    "edit": [(can_view_plan, REFUSED), (can_edit_plan, EDIT_REFUSED)],
    "consent": [
        (can_view_plan, REFUSED),
        (
            can_change_plan_consent,
            "Seuls les éditeurs du département donnent ou retirent l'accord de partage.",
        ),
    ],
}


def _plan_of(rule):
    return lambda user, action: rule(user, action.plan)


ACTION_RULES = {
    "view": [(_plan_of(can_view_plan), REFUSED)],
    "edit": [(_plan_of(can_view_plan), REFUSED), (_plan_of(can_edit_plan), EDIT_REFUSED)],
    "comment": [
        (_plan_of(can_view_plan), REFUSED),
        (
            can_comment_action,
            "Seul le DAN de l'académie commente une action, quand il en est partenaire.",
        ),
    ],
}

DEPARTEMENT_PLANS_RULES = {
    "view": [
        (
            reads_departement_documents,
            "Les plans d'actions de ce département ne sont pas consultables avec votre compte.",
        )
    ],
    "edit": [(can_create_plan, "Seuls les éditeurs du département créent son plan d'actions.")],
}


def get_plan_for(user, pk: int, action: str = "view") -> Plan:
    """The plan (404 if none), after checking that ``user`` may ``action`` it (403)."""
    if not 1 <= pk <= MAX_ID:
        raise Http404(PLAN_NOT_FOUND)
    queryset = Plan.objects.select_related("departement", "departement__academie", "baseline_campaign")
    return fetch_for(user, queryset, PLAN_RULES, action, PLAN_NOT_FOUND, pk=pk)


def get_action_for(user, pk: int, action: str = "view") -> PlannedAction:
    """The planned action (404 if none), after checking that ``user`` may ``action`` it (403):
    "view", "edit" (fields, status, notes) or "comment" (the DAN partner)."""
    if not 1 <= pk <= MAX_ID:
        raise Http404(ACTION_NOT_FOUND)
    queryset = PlannedAction.objects.select_related("plan", "plan__departement", "scenario")
    return fetch_for(user, queryset, ACTION_RULES, action, ACTION_NOT_FOUND, pk=pk)


def get_departement_plans_for(user, code: str, action: str = "view") -> Departement:
    """The département (404 if none) whose plans ``user`` may "view" (its own users and the
    coordinator: the list of its plans) or "edit" (create one)."""
    return fetch_for(
        user, Departement.objects, DEPARTEMENT_PLANS_RULES, action, "Département inconnu.", code=code
    )


def plan_version(plan: Plan) -> tuple:
    """What everything computed from the plan depends on (cache keys): every write of
    services.py bumps ``updated_at``."""
    stored = Plan.objects.filter(pk=plan.pk).values_list("updated_at", flat=True).first()
    return ("plan", plan.pk, stored.isoformat() if stored else None)


# -- figures of a plan (one place for the page, the exports and the API) -------------------


def plan_pupils(plan: Plan) -> int | None:
    """The pupils of the département's public collèges (the collèges referential, as the budget
    planner counts them): what « par élève » divides by."""
    pupils = colleges_frame(plan.departement)["pupils"].dropna()
    total = int(pupils.sum())
    return total or None


@dataclass(frozen=True)
class ActionCost:
    yearly: Decimal  # euros per year
    source: str  # « montants saisis » or the linked scenario's name
    problem: str = ""  # why a linked scenario could not be used (its amounts count instead)


def action_cost(action: PlannedAction) -> ActionCost:
    """An action's cost per year: the linked budget scenario's total per year when there is one
    (the budget engine's figure, the same as on the scenario's page), else its own amounts
    (running + investment over five years)."""
    scenario = action.scenario
    if scenario is None:
        return ActionCost(action.yearly_cost, "montants saisis")
    colleges = colleges_version(scenario.departement) if scenario.is_departement_scope else None
    totals, problem = cached_totals(scenario, colleges)
    if problem is not None or totals is None:
        return ActionCost(
            action.yearly_cost,
            "montants saisis",
            f"le scénario « {scenario.name} » est à corriger"
            + (f" ({problem.message})" if problem is not None else "")
            + " : ses montants ne comptent pas",
        )
    return ActionCost(totals[0], f"scénario « {scenario.name} »")


def costed_actions(actions) -> list[CostedAction]:
    """What ``numeduc.actions.plans.variant_totals`` takes, one per action."""
    return [CostedAction(a.variant, a.status, action_cost(a).yearly) for a in actions]


# -- where a plan starts from: the département's self-diagnosis ----------------------------

SELF_DIAGNOSIS = "autodiagnostic"


def answered_campaigns(departement) -> list[Campaign]:
    """The self-diagnosis campaigns to which the département sent its answers, latest first: the
    levels a plan may start from."""
    return list(
        Campaign.objects.filter(
            questionnaire_slug=SELF_DIAGNOSIS,
            responses__departement=departement,
            responses__status=Response.Status.SUBMITTED,
        )
        .distinct()
        .order_by("-year", "-pk")
    )


def baseline_levels(plan: Plan) -> dict[str, int]:
    """The département's level of each factor (``f01``…) at the plan's baseline campaign; empty
    when the plan has none or the département did not send its answers."""
    if plan.baseline_campaign_id is None:
        return {}
    response = Response.objects.filter(
        campaign_id=plan.baseline_campaign_id,
        departement_id=plan.departement_id,
        status=Response.Status.SUBMITTED,
    ).first()
    if response is None:
        return {}
    levels = surveys_data.response_levels(response)
    return {factor_id(factor): int(level) for factor, level in levels.items() if pd.notna(level)}


def suggestions_for(user, departement, campaign: Campaign | None, *, limit: int = 8) -> list[Suggestion]:
    """The catalogue's actions ranked for the département's profile at ``campaign`` (the same
    ranking as « Que faire maintenant ? » on its results page)."""
    if campaign is None:
        return []
    response = Response.objects.filter(
        campaign=campaign, departement=departement, status=Response.Status.SUBMITTED
    ).first()
    if response is None:
        return []
    previous = results_data.visible_previous(user, response)
    profile, *_ = results_data.profile_with_previous(campaign, departement, response, previous)
    return suggest(load_catalogue(), Situation.from_factor_results(profile.factors), limit=limit)
