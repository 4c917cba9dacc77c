"""The yearly cost model of a collège and its multi-year simulation.

Arithmetic is exact: every value is a ``Decimal`` and nothing is rounded until results are
shown.  Public amounts (``Line.amount``, ``Simulation.total_per_year``...) are rounded to the
cent, half up (the ``*_exact`` fields keep the unrounded value).  Totals are rounded from the
exact sum, so they may differ by a cent from the sum of rounded lines in general (not for the
white paper's table, whose rounded lines add up exactly to 45 451,43 €).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from numeduc.budget.scenario import Scenario, ScenarioError, check_scenario

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)

# Budget families (stacked bars). The first six are the white paper's own families.
FAMILIES: dict[str, str] = {
    "terminal": "Terminaux",
    "wifi_thd": "Wifi et très haut débit",
    "ent": "ENT, logiciels et ressources",
    "maintenance": "Maintenance et support",
    "hosting": "Hébergement",
    "human_resources": "Pilotage et formation",
    "indirect": "Coûts indirects",
    "state_funding": "Cofinancement de l'État",
}

MOBILE_LABELS = {
    "eim": "Équipements individuels mobiles (EIM)",
    "classe_mobile": "Classes mobiles",
    "byod": "Parc de prêt (BYOD)",
    "hybride": "Classes mobiles et parc de prêt (hybride)",
}

# name -> (family, French label, parameters it depends on)
LINE_DEFINITIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "connexion": ("wifi_thd", "Connexion (fournisseur d'accès)", ("isp_cost_per_year",)),
    "wired_network": ("wifi_thd", "Réseau filaire", ("wired_network_capex", "wired_network_life")),
    "wifi": ("wifi_thd", "Réseau wifi", ("access_points", "access_point_price", "access_point_life")),
    "network_maintenance": (
        "maintenance",
        "Maintenance réseau et wifi",
        ("network_maintenance_contract", "network_maintenance_years"),
    ),
    "desktops": ("terminal", "Ordinateurs fixes", ("desktops", "desktop_price", "desktop_life")),
    "desktop_maintenance": (
        "maintenance",
        "Maintenance des ordinateurs",
        ("desktops", "desktop_maintenance"),
    ),
    "local_servers": ("hosting", "Serveurs locaux", ("server_capex", "server_life")),
    "ent_software": ("ent", "Logiciels, applications pédagogiques, ENT", ("pupils", "ent_per_pupil")),
    "mdm": ("terminal", "Gestion de flotte mobile (MDM)", ("mdm_licence",)),
    "tbi_vpi": ("terminal", "TBI/VPI", ("tbi_rooms", "tbi_price", "tbi_life")),
    "mobile_equipment": (
        "terminal",
        "Équipements mobiles",
        ("mobile_device_price", "mobile_device_life", "cart_size", "cart_price", "cart_life"),
    ),
    "mobile_maintenance": (
        "maintenance",
        "Maintenance des équipements mobiles",
        ("mobile_maintenance_rate",),
    ),
    "support_staff": ("maintenance", "Support technique", ()),
    "training": ("human_resources", "Pilotage, formation, conduite du changement", ("training_share",)),
    "indirect_downtime": (
        "indirect",
        "Temps d'enseignement perdu (incidents)",
        ("incidents_per_year", "minutes_lost_per_incident", "teacher_hour_cost"),
    ),
    "state_cofunding": (
        "state_funding",
        "Cofinancement de l'État (déduit)",
        ("state_match_rate", "state_resources_per_pupil"),
    ),
}


def cents(value: Decimal) -> Decimal:
    """Round to the cent, half up (as the white paper's table does)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Fleet:
    """Device counts implied by the strategy."""

    mobile_devices: int  # tablets/laptops bought by the collectivité
    carts: int
    equipped_pupils: int  # pupils receiving their own device (EIM), for State aid
    managed_devices: int  # devices under MDM licence (personal BYOD devices are not)


def fleet(scenario: Scenario) -> Fleet:
    """Device counts of a strategy (spec A.6)."""
    s = scenario
    pupils = s["pupils"]

    def cart_devices(n):
        return int(n * s["cart_size"])

    if s.strategy == "eim":
        equipped = math.ceil(pupils * s["eim_coverage"])
        devices = math.ceil(pupils * s["eim_coverage"] * (ONE + s["eim_spare_rate"]))
        return Fleet(devices, 0, equipped, devices)
    if s.strategy == "classe_mobile":
        devices = cart_devices(s["carts"])
        return Fleet(devices, int(s["carts"]), 0, devices)
    loan = math.ceil(pupils * s["byod_loan_share"])
    if s.strategy == "byod":
        # Personal devices are on the wifi but cannot be put under the collège's MDM.
        return Fleet(loan, 0, 0, loan)
    devices = cart_devices(s["hybrid_carts"]) + loan
    return Fleet(devices, int(s["hybrid_carts"]), 0, devices)


@dataclass(frozen=True)
class Asset:
    """Something bought and renewed: annualised as quantity × price / life."""

    line: str
    quantity: Decimal
    unit_price: Decimal
    life: Decimal

    @property
    def annualised(self) -> Decimal:
        return self.quantity * self.unit_price / self.life

    def cash(self, year: int, cohorts: int) -> Decimal:
        """Spend in ``year`` (1-based) when the first purchase is spread over ``cohorts`` years.

        Cohort c (0-based) buys its share in year c+1 and renews it every ``life`` years
        (life rounded to whole years, at least 1).  Cohorts are capped at the life so that each
        cohort buys exactly k times over a horizon of k lives (annualised = cash over it).
        """
        life = max(1, int(self.life.to_integral_value(rounding=ROUND_HALF_UP)))
        n = max(1, min(cohorts, life))
        quantity = self.quantity
        if quantity == quantity.to_integral_value():  # whole units: spread them, never split one
            whole = int(quantity)
            shares = [Decimal(whole // n + (1 if c < whole % n else 0)) for c in range(n)]
        else:
            shares = [quantity / n] * n
        spend = ZERO
        for c, share in enumerate(shares):
            if year - 1 >= c and (year - 1 - c) % life == 0:
                spend += share * self.unit_price
        return spend


def assets(scenario: Scenario, fleet_: Fleet | None = None) -> list[Asset]:
    """The investments of a collège for this scenario."""
    s = scenario
    f = fleet_ or fleet(s)
    return [
        Asset("wired_network", ONE, s["wired_network_capex"], s["wired_network_life"]),
        Asset("wifi", s["access_points"], s["access_point_price"], s["access_point_life"]),
        Asset("desktops", s["desktops"], s["desktop_price"], s["desktop_life"]),
        Asset("local_servers", ONE, s["server_capex"], s["server_life"]),
        Asset("tbi_vpi", s["tbi_rooms"], s["tbi_price"], s["tbi_life"]),
        Asset(
            "mobile_equipment", Decimal(f.mobile_devices), s["mobile_device_price"], s["mobile_device_life"]
        ),
        Asset("mobile_equipment", Decimal(f.carts), s["cart_price"], s["cart_life"]),
    ]


def year_lines(scenario: Scenario, year: int = 1) -> dict[str, Decimal]:
    """Undiscounted amount of every line in ``year`` (identical every year in annualised mode).

    Raises ``ScenarioError`` (French) when a value is outside its bounds."""
    check_scenario(scenario)
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= scenario.horizon:
        raise ScenarioError(
            f"Année : entier entre 1 et {scenario.horizon} (l'horizon) attendu, reçu « {year} »",
            origin=scenario.origin or scenario.name,
            field="year",
        )
    return _year_lines(scenario, year)


def _year_lines(scenario: Scenario, year: int) -> dict[str, Decimal]:
    # Unchecked: callers have validated the scenario (simulate, simulate_departement).
    s = scenario
    f = fleet(s)
    cash = s.mode == "cash"
    out: dict[str, Decimal] = {}
    asset_list = assets(s, f)

    def capex(asset: Asset) -> Decimal:
        return asset.cash(year, s.cohorts) if cash else asset.annualised

    for asset in asset_list:
        out[asset.line] = out.get(asset.line, ZERO) + capex(asset)
    mobile_annualised = sum((a.annualised for a in asset_list if a.line == "mobile_equipment"), ZERO)

    lines: dict[str, Decimal] = {
        "connexion": s["isp_cost_per_year"],
        "wired_network": out["wired_network"],
        "wifi": out["wifi"],
        "network_maintenance": s["network_maintenance_contract"] / s["network_maintenance_years"],
        "desktops": out["desktops"],
        "desktop_maintenance": s["desktops"] * s["desktop_maintenance"],
        "local_servers": out["local_servers"],
        "ent_software": s["pupils"] * s["ent_per_pupil"],
        "mdm": f.managed_devices * s["mdm_licence"],
        "tbi_vpi": out["tbi_vpi"],
        "mobile_equipment": out["mobile_equipment"],
        # Maintenance is a running cost: based on the annualised capex in both modes.
        "mobile_maintenance": s["mobile_maintenance_rate"] * mobile_annualised,
    }
    if s.support == "internal":
        fleet_size = s["desktops"] + f.mobile_devices
        fte = max(ONE / s["colleges_per_technician"], fleet_size / s["devices_per_technician"])
        lines["support_staff"] = fte * s["technician_cost"]
    elif s.support == "outsourced":
        lines["support_staff"] = s["outsourced_per_college"]
    if s["training_share"] > 0:
        lines["training"] = s["training_share"] * sum(lines.values(), ZERO)
    if s.indirect_costs:
        lines["indirect_downtime"] = (
            s["incidents_per_year"] * s["minutes_lost_per_incident"] / 60 * s["teacher_hour_cost"]
        )
    if s.state_cofunding and s.strategy == "eim" and f.mobile_devices:
        device_asset = asset_list[5]
        quantity = device_asset.quantity
        bought = (
            Asset("count", quantity, ONE, device_asset.life).cash(year, s.cohorts)
            if cash
            else quantity / device_asset.life
        )
        renewed_share = bought / quantity  # share of the fleet (re)equipped this year
        # "1 € of State money per 1 € of collectivité money": the State pays rate / (1 + rate)
        # of the device spend (half of it at 1:1).
        match = s["state_match_rate"]
        aid = (
            match / (ONE + match) * capex(device_asset)
            + s["state_resources_per_pupil"] * f.equipped_pupils * renewed_share
        )
        lines["state_cofunding"] = -aid
    return lines


@dataclass(frozen=True)
class Line:
    """One budget line, averaged per year over the horizon (and discounted if asked)."""

    name: str
    family: str
    label_fr: str
    amount: Decimal  # €/an, rounded to the cent
    unit: str
    source: str
    amount_exact: Decimal

    @property
    def family_label_fr(self) -> str:
        return FAMILIES[self.family]


@dataclass(frozen=True)
class YearResult:
    year: int
    by_family: dict[str, Decimal]  # undiscounted, exact
    total: Decimal  # undiscounted, exact
    discounted_total: Decimal
    cumulative: Decimal  # discounted, running sum


@dataclass
class Simulation:
    """Result of ``simulate``: lines, years, totals."""

    scenario: Scenario
    lines: list[Line]
    years: list[YearResult]
    tco_exact: Decimal  # discounted sum over the horizon
    fleet: Fleet
    by_line_year: list[dict[str, Decimal]] = field(repr=False, default_factory=list)

    @property
    def pupils(self) -> Decimal:
        return self.scenario["pupils"]

    @property
    def horizon(self) -> int:
        return self.scenario.horizon

    @property
    def total_per_year_exact(self) -> Decimal:
        return self.tco_exact / self.horizon

    @property
    def total_per_year(self) -> Decimal:
        return cents(self.total_per_year_exact)

    @property
    def per_pupil_per_year_exact(self) -> Decimal:
        return self.total_per_year_exact / self.pupils if self.pupils else ZERO

    @property
    def per_pupil_per_year(self) -> Decimal:
        return cents(self.per_pupil_per_year_exact)

    @property
    def tco(self) -> Decimal:
        return cents(self.tco_exact)

    def by_family(self) -> dict[str, Decimal]:
        """Average €/year per family (rounded to the cent)."""
        totals: dict[str, Decimal] = {}
        for line in self.lines:
            totals[line.family] = totals.get(line.family, ZERO) + line.amount_exact
        return {k: cents(v) for k, v in totals.items()}


def _line_source(scenario: Scenario, names: tuple[str, ...]) -> str:
    seen: list[str] = []
    for name in names:
        p = scenario.parameter(name)
        text = f"{p.label_fr} : {p.source}"
        if text not in seen:
            seen.append(text)
    return " ; ".join(seen)


def simulate(scenario: Scenario) -> Simulation:
    """Simulate ``scenario.horizon`` years (annualised or cash mode, discounted at ``discount_rate``).

    Raises ``ScenarioError`` (French, naming the parameter and its bound) when a value is outside
    its domain, e.g. a scenario built in code with ``Scenario(...)``: within the bounds every
    figure is finite and exact to the cent."""
    check_scenario(scenario)
    return _simulate(scenario)


def _simulate(scenario: Scenario) -> Simulation:
    # Unchecked: the caller has validated the scenario (``simulate``, ``simulate_college``).
    s = scenario
    rate = s["discount_rate"]
    years: list[YearResult] = []
    per_year: list[dict[str, Decimal]] = []
    line_sums: dict[str, Decimal] = {}
    cumulative = ZERO
    first = _year_lines(s, 1) if s.mode == "annualised" else None
    for year in range(1, s.horizon + 1):
        amounts = dict(first) if first is not None else _year_lines(s, year)
        per_year.append(amounts)
        factor = ONE / (ONE + rate) ** (year - 1)
        by_family: dict[str, Decimal] = {}
        for name, amount in amounts.items():
            family = LINE_DEFINITIONS[name][0]
            by_family[family] = by_family.get(family, ZERO) + amount
            line_sums[name] = line_sums.get(name, ZERO) + amount * factor
        total = sum(amounts.values(), ZERO)
        discounted = total * factor
        cumulative += discounted
        years.append(YearResult(year, by_family, total, discounted, cumulative))

    lines = []
    for name, total in line_sums.items():
        family, label, params = LINE_DEFINITIONS[name]
        if name == "mobile_equipment":
            label = MOBILE_LABELS[s.strategy]
            params = (
                params
                + (
                    {
                        "eim": ("eim_coverage", "eim_spare_rate"),
                        "classe_mobile": ("carts",),
                        "byod": ("byod_loan_share",),
                        "hybride": ("hybrid_carts", "byod_loan_share"),
                    }[s.strategy]
                )
            )
        if name == "support_staff":
            params = (
                ("colleges_per_technician", "devices_per_technician", "technician_cost")
                if s.support == "internal"
                else ("outsourced_per_college",)
            )
            label = "Support technique interne" if s.support == "internal" else "Maintenance externalisée"
        average = total / s.horizon
        lines.append(Line(name, family, label, cents(average), "€/an", _line_source(s, params), average))
    return Simulation(s, lines, years, cumulative, fleet(s), per_year)
