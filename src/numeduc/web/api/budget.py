"""Budget scenarios of the départements, with their results (read only).

Same visibility as the planning pages (``can_view_departement_budget``, ``can_view_scenario``):
the coordinator reads every département's scenarios, a département's editors and viewers read
its own, nobody else. Same engine adapter as the pages (``numeduc.web.planning.data.run``).
A stored scenario that no longer passes the engine's validation (a preset changed under it,
new input bounds) is listed with null figures and the engine's French reason in ``error``:
never a 500, and the other scenarios are still answered.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from decimal import Decimal

from ninja import Path, Query, Router, Schema

from numeduc import budget
from numeduc.web.accounts.permissions import (
    can_view_departement_budget,
    can_view_scenario,
    require,
)
from numeduc.web.planning import data as planning
from numeduc.web.planning.models import Scenario
from numeduc.web.territories.models import Departement

from .common import AUTH, DEPARTEMENT_CODE, MAX_ID, answers

router = Router(tags=["budget"])
logger = logging.getLogger(__name__)


class FamilyAmountSchema(Schema):
    family: str
    label: str
    amount: float  # €/year, discounted mean over the horizon (the white paper's table)


class ResultsSchema(Schema):
    pupils: int
    n_colleges: int
    pupils_source: str
    total_per_year: float  # €/year for the scenario's collèges, rounded to the cent
    per_pupil_per_year: float  # €/pupil/year
    per_college_per_year: float  # €/collège/year (total / collèges)
    tco: float  # € over the horizon, discounted
    by_family: list[FamilyAmountSchema]


class ScenarioSchema(Schema):
    id: int
    name: str
    departement: str
    departement_name: str
    base_preset: str
    scope: str  # college (one typical collège) | departement (every public collège)
    strategy: str
    mode: str
    horizon: int
    support: str
    state_cofunding: bool
    indirect_costs: bool
    cohorts: int
    scale_equipment: bool
    current_mbps: float | None
    parameters: dict[str, str]
    description: str
    demo: bool
    updated_at: dt.datetime
    results: ResultsSchema | None
    error: str | None  # why the figures are null (French), else null


class YearSchema(Schema):
    year: int
    by_family: dict[str, float]
    total: float
    discounted_total: float
    cumulative: float


class CollegeResultSchema(Schema):
    uai: str
    name: str
    commune: str
    pupils: int
    pupils_estimated: bool
    total_per_year: float
    per_pupil_per_year: float
    bucket: str  # the white paper's band of cost per pupil


class ScenarioDetailSchema(ScenarioSchema):
    years: list[YearSchema]
    colleges: list[CollegeResultSchema]  # empty for a one-collège scenario


def _money(value) -> float:
    return float(budget.cents(Decimal(value)))


def _finite(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _run(scenario: Scenario) -> tuple[planning.ScenarioResult | None, str | None]:
    """The pages' computation, or (None, the French reason) when the stored scenario fails."""
    try:
        return planning.run(scenario), None
    except budget.ScenarioError as error:
        return None, f"Le scénario ne peut pas être calculé : {error}"
    except (ValueError, ArithmeticError, TypeError, KeyError) as error:
        # Stored values the engine cannot even read (hand-edited database, old format).
        logger.warning("scénario %s illisible : %r", scenario.pk, error)
        return None, "Le scénario ne peut pas être calculé : ses paramètres enregistrés sont illisibles."


def _results(result: planning.ScenarioResult) -> dict:
    means = result.mean_by_family()
    return {
        "pupils": int(result.pupils),
        "n_colleges": int(result.n_colleges),
        "pupils_source": result.pupils_source,
        "total_per_year": _money(result.total_per_year),
        "per_pupil_per_year": _money(result.per_pupil_per_year),
        "per_college_per_year": _money(result.total_per_year / result.n_colleges)
        if result.n_colleges
        else 0.0,
        "tco": _money(result.tco),
        "by_family": [
            {"family": f, "label": label, "amount": _money(means[f])}
            for f, label in budget.FAMILIES.items()
            if f in means and means[f] != 0
        ],
    }


def _scenario(s: Scenario, result, error) -> dict:
    parameters = s.parameters if isinstance(s.parameters, dict) else {}
    return {
        "id": s.pk,
        "name": s.name,
        "departement": s.departement.code,
        "departement_name": s.departement.name,
        "base_preset": s.base_preset,
        "scope": s.scope,
        "strategy": s.strategy,
        "mode": s.mode,
        "horizon": s.horizon,
        "support": s.support,
        "state_cofunding": s.state_cofunding,
        "indirect_costs": s.indirect_costs,
        "cohorts": s.cohorts,
        "scale_equipment": s.scale_equipment,
        "current_mbps": _finite(s.current_mbps),
        "parameters": {str(k): str(v) for k, v in parameters.items()},
        "description": s.description,
        "demo": s.is_demo,
        "updated_at": s.updated_at,
        "results": _results(result) if result is not None else None,
        "error": error,
    }


@router.get(
    "/budget/scenarios",
    response=answers(list[ScenarioSchema], 401, 403, 404),
    auth=AUTH,
    summary="Les scénarios budgétaires lisibles, avec leurs résultats (par élève, par collège, totaux)",
)
def scenarios(
    request,
    departement: str = Query(
        None,
        pattern=DEPARTEMENT_CODE,
        example="45",
        description="Code d'un département : ses scénarios seulement",
    ),
):
    user = request.user
    if departement is not None:
        dep = planning.get_departement_budget_for(user, departement)
        readable = [dep]
    else:
        readable = [d for d in Departement.objects.all() if can_view_departement_budget(user, d)]
        # The pages refuse the planning index to whoever reads no département's budget (DAN,
        # school head): an empty list would hide that the role has no access at all.
        require(bool(readable), planning.REFUSED_ALL)
    query = (
        Scenario.objects.filter(departement__in=readable)
        .select_related("departement")
        .order_by("departement__code", "-updated_at", "pk")
    )
    out = []
    for s in query:
        if not can_view_scenario(user, s):  # the per-object rule, as the pages call it
            continue
        result, error = _run(s)
        out.append(_scenario(s, result, error))
    return out


@router.get(
    "/budget/scenarios/{scenario_id}",
    response=answers(ScenarioDetailSchema, 401, 403, 404),
    auth=AUTH,
    summary="Un scénario budgétaire : résultats, années, et chaque collège pour un scénario départemental",
)
def scenario_detail(request, scenario_id: int = Path(..., ge=1, le=MAX_ID, example=1)):
    s = planning.get_scenario_for(request.user, scenario_id)
    result, error = _run(s)
    out = _scenario(s, result, error)
    out["years"], out["colleges"] = [], []
    if result is None:
        return out
    out["years"] = [
        {
            "year": y.year,
            "by_family": {f: _money(v) for f, v in y.by_family.items()},
            "total": _money(y.total),
            "discounted_total": _money(y.discounted_total),
            "cumulative": _money(y.cumulative),
        }
        for y in result.years
    ]
    if result.colleges is not None:
        frame = result.colleges.sort_values("uai")
        out["colleges"] = [
            {
                "uai": str(r["uai"]),
                "name": str(r["name"]),
                "commune": str(r.get("commune_name") or ""),
                "pupils": int(r["pupils"]),
                "pupils_estimated": bool(r["pupils_estimated"]),
                "total_per_year": float(r["total_per_year"]),
                "per_pupil_per_year": float(r["per_pupil_per_year"]),
                "bucket": str(r["bucket"]),
            }
            for r in frame.to_dict("records")
        ]
    return out
