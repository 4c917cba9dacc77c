"""What the budget pages read: stored scenarios run through the pure budget engine
(``numeduc.budget``), a département's positioning among the others, and a scenario fetched after
its permission check (``get_scenario_for``).

The access rules themselves live in ``numeduc.web.accounts.permissions``; the export tables are
built in ``presenters.py``.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from statistics import median

import pandas as pd
from django.conf import settings
from django.http import Http404

from numeduc import budget
from numeduc.budget import scaled_to_pupils
from numeduc.budget.bands import BUDGET_BANDS
from numeduc.budget.bands import band_of as _band_of
from numeduc.budget.parameters import BANDWIDTH_SPECS, parse_number
from numeduc.questionnaires.derived import SELF_DIAGNOSIS_BUDGET_ITEMS
from numeduc.web.accounts.permissions import (
    can_edit_departement_budget,
    can_edit_scenario,
    can_view_departement_budget,
    can_view_scenario,
    fetch_for,
)
from numeduc.web.demo_mark import DEMO_MARK
from numeduc.web.territories.models import College, Departement

from .models import Scenario

PUPILS_SOURCE = "effectifs réels des collèges publics (DEPP, rentrée 2020)"
# The self-diagnosis items whose sum is the département's declared budget per pupil (written
# once, beside the factor 7 check of the questionnaire page).
BUDGET_ITEMS = SELF_DIAGNOSIS_BUDGET_ITEMS
# The white paper's bands (€/pupil/year, defined in numeduc.budget.bands): label, lower, upper.
BANDS = tuple((band.label, band.lower, band.upper) for band in BUDGET_BANDS)
WHITE_PAPER_BUCKET_SHARES = {band.label: band.white_paper_share for band in BUDGET_BANDS}


@dataclass
class YearRow:
    year: int
    by_family: dict[str, Decimal]  # undiscounted
    total: Decimal
    discounted_total: Decimal
    cumulative: Decimal  # discounted, running


@dataclass
class ScenarioResult:
    """What the pages and exports show for one scenario (amounts exact, rounded when shown)."""

    scenario: Scenario
    engine: budget.Scenario
    total_per_year: Decimal  # rounded to the cent (engine rounding)
    per_pupil_per_year: Decimal
    tco: Decimal
    pupils: int
    n_colleges: int
    years: list[YearRow]
    simulation: budget.Simulation | None = None  # one collège
    departement: budget.DepartementSimulation | None = None
    colleges: pd.DataFrame | None = None  # uai, name, pupils, per collège results
    pupils_source: str = ""
    _bandwidth: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def families(self) -> list[str]:
        present = {f for y in self.years for f, v in y.by_family.items() if v != 0}
        return [f for f in budget.FAMILIES if f in present]

    def mean_by_family(self) -> dict[str, Decimal]:
        """Discounted mean per year of each family (what the white paper's table shows)."""
        if self.simulation is not None:
            return {f: budget.cents(v) for f, v in self.simulation.by_family().items()}
        n = len(self.years)
        rate = self.engine["discount_rate"]
        out: dict[str, Decimal] = {}
        for y in self.years:
            factor = 1 / (1 + rate) ** (y.year - 1)
            for f, v in y.by_family.items():
                out[f] = out.get(f, Decimal(0)) + v * factor / n
        return {f: budget.cents(v) for f, v in out.items()}

    def bandwidth(self) -> pd.DataFrame:
        if self._bandwidth is None:
            self._bandwidth = bandwidth_rows(self)
        return self._bandwidth


def colleges_frame(departement) -> pd.DataFrame:
    """The département's public collèges from the ``College`` table; the package's reference
    data when the table holds none (an instance loaded without collèges)."""
    rows = list(
        College.objects.filter(departement=departement, public=True).values(
            "uai", "name", "commune_name", "density_label", "priority_education", "pupils"
        )
    )
    if rows:
        frame = pd.DataFrame(rows)
        frame["departement_code"] = departement.code
        return frame
    from numeduc.reference import colleges

    frame = colleges(public_only=True)
    return frame[frame["departement_code"] == departement.code].reset_index(drop=True)


# -- stored scenarios that a rule now refuses ----------------------------------------------

# Largest primary key the database can hold (BigAutoField): a larger ID in a URL is a 404, not
# an integer overflow in the database driver.
MAX_ID = 2**63 - 1


@dataclass
class ScenarioProblem:
    """Why a stored scenario cannot be computed, in French, and how to fix it."""

    scenario: Scenario
    detail: str  # the engine's message (label, value, bound)
    out_of_bounds: bool  # a stored value a rule refuses (vs. data the scenario depends on)

    @property
    def message(self) -> str:
        what = "contient une valeur hors limites" if self.out_of_bounds else "ne peut pas être calculé"
        return f"Le scénario « {self.scenario.name} » {what} ({self.detail}). Modifiez-le pour le corriger."

    @property
    def edit_url(self) -> str:
        from django.urls import reverse

        return reverse("planning:edit", args=[self.scenario.pk])


def problem_of(scenario: Scenario, error: Exception) -> ScenarioProblem:
    if isinstance(error, budget.ScenarioError):
        field_name = error.field or ""
        out_of_bounds = field_name.startswith("parameters.") or field_name in (
            "horizon",
            "cohorts",
            "current_mbps",
        )
        return ScenarioProblem(scenario, error.detail, out_of_bounds)
    return ScenarioProblem(scenario, str(error), False)


def engine_of(scenario: Scenario) -> tuple[budget.Scenario | None, ScenarioProblem | None]:
    """The engine scenario of a stored one, or the problem that prevents it (never raises)."""
    try:
        engine = scenario.to_engine()
        _check_current_mbps(scenario)
        return engine, None
    except ValueError as error:  # ScenarioError is a ValueError
        return None, problem_of(scenario, error)


def try_run(scenario: Scenario) -> tuple[ScenarioResult | None, ScenarioProblem | None]:
    """``run`` that answers the problem instead of raising: a stored value that a later rule
    refuses, a collège of the data out of the model's bounds."""
    try:
        return run(scenario), None
    except ValueError as error:
        return None, problem_of(scenario, error)


# -- cached figures of the département page (docs/architecture.md, « Caching ») ---------------


def scenario_version(scenario: Scenario) -> tuple:
    """Every stored field of the scenario (``run`` reads them all, through ``engine_dict`` and
    the bounds checks): ``updated_at`` alone would miss a value written with ``.update()``."""
    return tuple((f.attname, getattr(scenario, f.attname)) for f in scenario._meta.concrete_fields)


def colleges_version(departement) -> tuple:
    """What ``colleges_frame`` reads for a département-wide scenario (the ``College`` rows)."""
    rows = (
        College.objects.filter(departement=departement, public=True)
        .order_by("uai")
        .values_list("uai", "name", "commune_name", "density_label", "priority_education", "pupils")
    )
    return (departement.code, departement.name, tuple(rows))


def cached_totals(
    scenario: Scenario, colleges: tuple | None
) -> tuple[tuple[Decimal, Decimal] | None, ScenarioProblem | None]:
    """(total per year, per pupil per year) of ``try_run(scenario)``, or its problem.

    Kept in Django's cache under the scenario's stored values and, for a département-wide
    scenario, ``colleges`` (``colleges_version``): saving or editing a scenario shows at once.
    A problem is not cached: it is rare, and its message holds the scenario itself."""
    from numeduc.web.caching import CACHE_TIMEOUT, cache, cache_key

    key = cache_key(
        "budget-totals", scenario_version(scenario), colleges if scenario.is_departement_scope else None
    )
    totals = cache.get(key)
    if totals is not None:
        return totals, None
    result, problem = try_run(scenario)
    if problem is not None:
        return None, problem
    totals = (result.total_per_year, result.per_pupil_per_year)
    cache.set(key, totals, CACHE_TIMEOUT)
    return totals, None


def _check_current_mbps(scenario: Scenario) -> None:
    if scenario.current_mbps is None:
        return
    _, problem = parse_number(BANDWIDTH_SPECS["current_mbps"], scenario.current_mbps)
    if problem:
        raise budget.ScenarioError(problem, origin=f"scénario « {scenario.name} »", field="current_mbps")


def _years_of(sim: budget.Simulation) -> list[YearRow]:
    return [YearRow(y.year, dict(y.by_family), y.total, y.discounted_total, y.cumulative) for y in sim.years]


def run(scenario: Scenario, engine: budget.Scenario | None = None) -> ScenarioResult:
    """Simulate a stored scenario: one collège, or every public collège of its département."""
    engine = engine or scenario.to_engine()
    _check_current_mbps(scenario)
    if not scenario.is_departement_scope:
        sim = budget.simulate(engine)
        return ScenarioResult(
            scenario,
            engine,
            sim.total_per_year,
            sim.per_pupil_per_year,
            sim.tco,
            int(sim.pupils),
            1,
            _years_of(sim),
            simulation=sim,
            pupils_source="effectif du préréglage",
        )
    frame = colleges_frame(scenario.departement)
    dep = budget.simulate_departement(
        engine, scenario.departement.code, frame, n_colleges=None, scale_equipment=scenario.scale_equipment
    )
    if dep.per_pupil_per_year is None:
        raise ValueError(
            f"aucun élève dans les collèges publics {scenario.departement.name_of} : pas de coût par élève"
        )
    # Years by family: the engine gives the département's total only, so simulate each
    # distinct collège size once (as simulate_departement does) and weight by its count.
    sizes = dep.colleges["pupils"].value_counts()
    years: dict[int, YearRow] = {}
    for size, count in sizes.items():
        sim = budget.simulate_college(engine, int(size), scenario.scale_equipment)
        for y in sim.years:
            row = years.setdefault(y.year, YearRow(y.year, {}, Decimal(0), Decimal(0), Decimal(0)))
            for f, v in y.by_family.items():
                row.by_family[f] = row.by_family.get(f, Decimal(0)) + v * count
            row.total += y.total * count
            row.discounted_total += y.discounted_total * count
    running = Decimal(0)
    for y in sorted(years):
        running += years[y].discounted_total
        years[y].cumulative = running
    tco = budget.cents(sum((r.discounted_total for r in years.values()), Decimal(0)))
    return ScenarioResult(
        scenario,
        engine,
        dep.total_per_year,
        dep.per_pupil_per_year,
        tco,
        dep.pupils,
        dep.n_colleges,
        [years[y] for y in sorted(years)],
        departement=dep,
        colleges=dep.colleges,
        pupils_source=PUPILS_SOURCE,
    )


def bandwidth_rows(result: ScenarioResult) -> pd.DataFrame:
    """Needs and gaps (Mbit/s) of each collège against the SETDA/FCC targets, with the
    scenario's current access when it is known."""
    scenario, engine = result.scenario, result.engine
    carts = engine["carts"] if engine.strategy == "classe_mobile" else engine["hybrid_carts"]
    options = {"carts_in_use": int(carts), "cart_size": int(engine["cart_size"])}
    if result.colleges is None:
        one = budget.scenario_bandwidth(engine, current_mbps=scenario.current_mbps)
        row = {"uai": "", "name": "Collège type du scénario"}
        row.update(one.to_dict())
        return pd.DataFrame([row])
    frame = result.colleges[["uai", "name", "pupils"]]
    return budget.bandwidth_table(
        frame, strategy=engine.strategy, current_mbps=scenario.current_mbps, **options
    )


def below_target(result: ScenarioResult) -> pd.DataFrame:
    """Collèges whose current access is below the 1 Mbit/s per user target, largest gap first."""
    table = result.bandwidth()
    if table.empty or table["current_mbps"].isna().all():
        return table.iloc[0:0]
    return table[table["gap_target_mbps"] > 0].sort_values(
        ["gap_target_mbps", "name"], ascending=[False, True]
    )


def tornado_bars(result: ScenarioResult, limit: int = 10) -> tuple[list[budget.TornadoBar], int | None]:
    """The engine's tornado for one collège of the scenario (the département's mean collège
    when the scenario covers all its collèges); returns the bars and the pupils used."""
    engine = result.engine
    pupils = None
    try:
        if result.colleges is not None and result.n_colleges:
            pupils = round(result.pupils / result.n_colleges)
            engine = scaled_to_pupils(engine, pupils, result.scenario.scale_equipment)
        return budget.tornado(engine)[:limit], pupils
    except ValueError:
        # The mean collège of a département's real collèges may leave the bounds (no pupils,
        # scaled equipment): no sensitivity chart then, the rest of the page stands.
        return [], pupils


# -- the département's budget per pupil against the national distribution -----------------


def band_of(value: float) -> str:
    return _band_of(value).label


def declared_budgets(campaign) -> pd.Series:
    """Declared budget per pupil (investment + operation, €/pupil/year) of every submitted
    answer of ``campaign`` that gives both items, indexed by département code."""
    from numeduc.web.surveys.data import campaign_answers

    frame = campaign_answers(campaign, list(BUDGET_ITEMS))
    if frame.empty:
        return pd.Series(dtype=float)
    numbers = frame.apply(pd.to_numeric, errors="coerce").dropna()
    return numbers.sum(axis=1).astype(float)


@dataclass
class Positioning:
    campaign: object | None  # the campaign whose answers give the distribution
    own_value: float | None
    own_campaign: object | None  # the campaign of the département's own answer
    n: int
    shares: dict[str, float]  # band label -> % of respondents
    peer_median: float | None
    peer_n: int
    peer_group_name: str


def positioning_version(departement) -> tuple:
    """What ``positioning`` reads: the département, every campaign's row (which one is closed,
    its year and dates choose the distribution) and every response and answer (the
    département's own and the chosen campaign's)."""
    from numeduc.web.surveys.data import all_responses_version
    from numeduc.web.surveys.models import Campaign

    campaigns = tuple(
        Campaign.objects.order_by("pk").values_list(*(f.attname for f in Campaign._meta.concrete_fields))
    )
    return (departement.code, departement.name, campaigns, all_responses_version())


def cached_positioning(departement) -> tuple[Positioning, tuple]:
    """``positioning(departement)`` from Django's cache under ``positioning_version``, and that version."""
    from numeduc.web.caching import cached

    version = positioning_version(departement)
    return cached("budget-positioning", version, lambda: positioning(departement)), version


def positioning(departement) -> Positioning:
    """The département's latest submitted budget per pupil, the national distribution of a
    closed campaign's answers in the white paper's four bands, and its peer group's median
    (only with at least ``MIN_GROUP`` respondents in the group)."""
    from numeduc.analysis.profile import MIN_GROUP
    from numeduc.web.surveys.data import comparison_campaign, reference_peer_groups
    from numeduc.web.surveys.models import Answer, Response

    own_value, own_campaign = None, None
    responses = (
        Response.objects.filter(departement=departement, status=Response.Status.SUBMITTED)
        .select_related("campaign")
        .order_by("-campaign__year", "-submitted_at")
    )
    for response in responses:
        values = dict(
            Answer.objects.filter(response=response, item_id__in=BUDGET_ITEMS).values_list("item_id", "value")
        )
        numbers = [pd.to_numeric(values.get(item), errors="coerce") for item in BUDGET_ITEMS]
        if all(v is not None and not pd.isna(v) for v in numbers):
            own_value, own_campaign = float(sum(numbers)), response.campaign
            break
    campaign = comparison_campaign(own_campaign) if own_campaign else None
    if campaign is None:
        from numeduc.web.surveys.models import Campaign

        campaign = (
            Campaign.objects.filter(status=Campaign.Status.CLOSED, questionnaire_slug="autodiagnostic")
            .order_by("-year", "-closes_on")
            .first()
        )
    values = declared_budgets(campaign) if campaign else pd.Series(dtype=float)
    n = len(values)
    shares = {label: 0.0 for label, _, _ in BANDS}
    if n >= MIN_GROUP:
        counts = values.map(band_of).value_counts()
        shares = {label: round(100 * int(counts.get(label, 0)) / n, 1) for label, _, _ in BANDS}
    peers = reference_peer_groups()
    group = peers.groups.get(departement.code)
    members = [code for code, g in peers.groups.items() if g == group] if group is not None else []
    peer_values = [float(values[c]) for c in members if c in values.index]
    peer_median = median(peer_values) if len(peer_values) >= MIN_GROUP else None
    return Positioning(
        campaign if n >= MIN_GROUP else None,
        own_value,
        own_campaign,
        n,
        shares,
        peer_median,
        len(peer_values),
        peers.group_names.get(group, "") if group is not None else "",
    )


# -- the measured fleet's renewals in the cash view (numeduc.usage.fleet, docs/fleet.md) -----

# Written by the usage demo loader in a warehouse of synthetic logs (usage_dashboard.store
# .DEMO_MARKER, which this app may not import: it is above planning; a test keeps them equal).
WAREHOUSE_DEMO_MARKER = "_numeduc_demo.json"
# The planner's budget line the measured mobile devices are set beside (model.LINE_DEFINITIONS).
MOBILE_LINE = "mobile_equipment"
MAX_FLEET_HORIZON = 20


def fleet_warehouse(code: str) -> Path:
    """The département's usage warehouse (``settings.USAGE_WAREHOUSE_ROOT / code``)."""
    return Path(settings.USAGE_WAREHOUSE_ROOT) / code


@functools.cache
def _fleet_code_signature() -> str:
    """Hash of the fleet module's source: a new formula shows as a new ingestion does."""
    from importlib.util import find_spec

    spec = find_spec("numeduc.usage.fleet")
    origin = spec.origin if spec is not None else None
    return hashlib.sha256(Path(origin).read_bytes()).hexdigest()[:16] if origin else ""


def fleet_version(code: str) -> tuple | None:
    """What the fleet's figures are computed from: every ingestion of the MDM inventory of the
    département's warehouse (id and content hash of each file, from its manifest) and the fleet
    code; None when the warehouse holds no MDM inventory. A new ingestion changes it at once."""
    from numeduc.usage.warehouse import manifest

    path = fleet_warehouse(code)
    if not path.is_dir():
        return None
    entries = manifest(path, "mdm_devices")
    if not entries:
        return None
    keys = tuple(sorted((e.get("ingest_id", ""), e.get("sha256", "")) for e in entries))
    return (str(path), keys, _fleet_code_signature(), fleet_is_demo(code))


def fleet_is_demo(code: str) -> bool:
    """The warehouse holds synthetic (demonstration) logs."""
    return (fleet_warehouse(code) / WAREHOUSE_DEMO_MARKER).is_file()


def fleet_parameters(engine: budget.Scenario | None) -> tuple[dict[str, int], dict[str, Decimal]]:
    """Lifetime (whole years, rounded half up as the cash mode does) and unit price of each MDM
    device class: the scenario's values, else the budget parameters' defaults."""
    from numeduc.usage import fleet as usage_fleet

    lifetimes, prices = usage_fleet.default_lifetimes(), usage_fleet.default_prices()
    if engine is None:
        return lifetimes, prices
    for cls, name in usage_fleet.LIFETIME_PARAMETERS.items():
        lifetimes[cls] = max(1, int(Decimal(engine[name]).to_integral_value(rounding=ROUND_HALF_UP)))
    for cls, name in usage_fleet.PRICE_PARAMETERS.items():
        prices[cls] = Decimal(engine[name])
    return lifetimes, prices


def cached_fleet_devices(code: str, version: tuple) -> pd.DataFrame:
    """The MDM snapshot's devices (``read_devices``: the Ibis read, the slow part), once per
    warehouse state."""
    from numeduc.usage import fleet as usage_fleet
    from numeduc.web.caching import cached

    return cached("budget-fleet-devices", version, lambda: usage_fleet.read_devices(fleet_warehouse(code)))


def cached_cash_view(
    code: str,
    *,
    smoothing_years: int,
    horizon: int,
    lifetimes: dict[str, int],
    prices: dict[str, Decimal],
):
    """The measured fleet's renewal forecast and investment plan (``numeduc.usage.fleet
    .cash_view``), kept in Django's cache under the warehouse state (``fleet_version``) and
    every value it depends on; None without an MDM inventory."""
    from numeduc.usage import fleet as usage_fleet
    from numeduc.web.caching import cached

    version = fleet_version(code)
    if version is None:
        return None

    def compute():
        devices = usage_fleet.device_table(cached_fleet_devices(code, version), lifetimes)
        return usage_fleet.cash_view(devices, prices=prices, horizon=horizon, smoothing_years=smoothing_years)

    params = (
        smoothing_years,
        horizon,
        sorted(lifetimes.items()),
        sorted((k, str(v)) for k, v in prices.items()),
    )
    view = cached("budget-fleet-cash", (version, params), compute)
    return view if view.devices else None


def cash_scenarios(departement) -> list[Scenario]:
    """The département's scenarios in cash mode covering its collèges (those whose years can be
    set beside the measured fleet), most recently updated first."""
    return list(
        Scenario.objects.filter(
            departement=departement, mode="cash", scope=Scenario.Scope.DEPARTEMENT
        ).order_by("-updated_at", "pk")
    )


def cached_mobile_years(scenario: Scenario) -> list[Decimal] | None:
    """The scenario's undiscounted spend on the line « Équipements mobiles » each year of its
    horizon (year 1 first), over the département's collèges; None when it cannot be computed."""
    from numeduc.budget.departement import line_by_year
    from numeduc.web.caching import cached

    def compute():
        result, problem = try_run(scenario)
        if problem is not None or result is None or result.colleges is None:
            return None
        pupils = [int(p) for p in result.colleges["pupils"]]
        return line_by_year(result.engine, pupils, MOBILE_LINE, scenario.scale_equipment)

    version = (scenario_version(scenario), colleges_version(scenario.departement))
    return cached("budget-mobile-years", version, compute)


# -- fetching a scenario for a reader ------------------------------------------------------

REFUSED = "Les scénarios budgétaires de ce département ne vous sont pas accessibles."
# Whoever reads no département's budget at all (DAN, school head): the index and the API list.
REFUSED_ALL = "Les scénarios budgétaires sont réservés aux départements et à la coordination."
SCENARIO_NOT_FOUND = "Scénario introuvable."
SCENARIO_RULES = {
    "view": [(can_view_scenario, REFUSED)],
    "edit": [
        (can_view_scenario, REFUSED),
        (can_edit_scenario, "Seuls les éditeurs du département modifient ses scénarios."),
    ],
}


def get_scenario_for(user, pk: int, action: str = "view") -> Scenario:
    """The scenario (404 if none), after checking that ``user`` may ``action`` it (403)."""
    if not 1 <= pk <= MAX_ID:
        # The URL's <int:pk> takes any digits; beyond the database's integers there is no scenario.
        raise Http404(SCENARIO_NOT_FOUND)
    queryset = Scenario.objects.select_related("departement")
    return fetch_for(user, queryset, SCENARIO_RULES, action, SCENARIO_NOT_FOUND, pk=pk)


DEPARTEMENT_BUDGET_RULES = {
    "view": [(can_view_departement_budget, REFUSED)],
    "edit": [(can_edit_departement_budget, "Seuls les éditeurs du département créent ses scénarios.")],
}


def get_departement_budget_for(user, code: str, action: str = "view") -> Departement:
    """The département (404 if none), after checking that ``user`` may ``action`` its budget
    scenarios (403): "view" them, or "edit" (create) them."""
    return fetch_for(
        user, Departement.objects, DEPARTEMENT_BUDGET_RULES, action, "Département inconnu.", code=code
    )


__all__ = [
    "BANDS",
    "BUDGET_ITEMS",
    "DEMO_MARK",
    "MAX_ID",
    "REFUSED",
    "REFUSED_ALL",
    "DEPARTEMENT_BUDGET_RULES",
    "SCENARIO_NOT_FOUND",
    "SCENARIO_RULES",
    "WHITE_PAPER_BUCKET_SHARES",
    "Positioning",
    "ScenarioProblem",
    "ScenarioResult",
    "band_of",
    "below_target",
    "colleges_frame",
    "declared_budgets",
    "engine_of",
    "get_departement_budget_for",
    "get_scenario_for",
    "positioning",
    "problem_of",
    "run",
    "tornado_bars",
    "try_run",
]
