"""The tables of the budget exports (scenario and comparison, CSV and XLSX): their columns
(:class:`numeduc.exports.Table`) and frames, built from the results of ``data.py`` and written
by ``numeduc.web.downloads``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from numeduc import budget
from numeduc.budget import export as budget_export
from numeduc.exports import Column, Table
from numeduc.formatting import fr_date, fr_euro, fr_number
from numeduc.usage import fleet as usage_fleet
from numeduc.web.demo_mark import DEMO_MARK

from .data import ScenarioResult


def _money(value: Decimal) -> float:
    return float(budget.cents(value))


def years_frame(result: ScenarioResult) -> pd.DataFrame:
    """One row per year, one column per family (the columns of ``budget_export.YEARS_TABLE``)."""
    if result.simulation is not None:
        return budget_export.export_frame(result.simulation, "years")
    families = [f for f in budget.FAMILIES if any(f in y.by_family for y in result.years)]
    rows = []
    for y in result.years:
        row = {"year": y.year}
        row.update({f: _money(y.by_family.get(f, Decimal(0))) for f in families})
        row.update(
            {
                "total": _money(y.total),
                "discounted_total": _money(y.discounted_total),
                "cumulative": _money(y.cumulative),
            }
        )
        rows.append(row)
    return budget_export.years_with_every_family(pd.DataFrame(rows))


def summary_rows(result: ScenarioResult) -> list[tuple[str, object]]:
    s = result.scenario
    rows: list[tuple[str, object]] = []
    if s.is_demo:
        rows.append(("Avertissement", f"{DEMO_MARK.upper()} : scénario fictif, ne pas utiliser pour décider"))
    rows += [
        ("Scénario", s.name),
        ("Département", f"{s.departement.name} ({s.departement.code})"),
        ("Préréglage de départ", s.base_preset),
        ("Périmètre", s.get_scope_display()),
        ("Stratégie", budget.STRATEGIES[result.engine.strategy]),
        ("Mode", budget.MODES[result.engine.mode]),
        ("Horizon (années)", result.engine.horizon),
        ("Collèges", result.n_colleges),
        ("Élèves", result.pupils),
        ("Total (€/an)", float(result.total_per_year)),
        ("Coût par élève (€/élève/an)", float(result.per_pupil_per_year)),
        ("Coût total sur l'horizon (€)", float(result.tco)),
        ("Source des effectifs", result.pupils_source),
        ("Arrondi", "centime le plus proche, demi vers le haut, après calcul exact en décimal"),
    ]
    return rows


README_TABLE = Table(
    "budget-readme",
    "À lire : ce que contient le fichier",
    "un renseignement sur le scénario ou la comparaison",
    (Column("field", "Champ"), Column("value", "Valeur")),
)

COMPARISON_TABLE = Table(
    "budget-comparison",
    "Comparaison de scénarios de budget",
    "un scénario ; par famille, la moyenne annuelle actualisée",
    (
        Column("scenario", "Scénario"),
        Column("departement", "Code du département"),
        Column(
            "scope", "Périmètre", description="un collège type ou tous les collèges publics du département"
        ),
        Column("strategy", "Stratégie d'équipement", labels=budget.STRATEGIES),
        Column("horizon", "Horizon (années)", "integer", "années"),
        Column("colleges", "Collèges", "integer", "collèges"),
        Column("pupils", "Élèves", "integer", "élèves"),
        Column("total_per_year", "Coût annuel (€)", "number", "€/an"),
        Column("per_pupil_per_year", "Coût par élève (€/élève/an)", "number", "€/élève/an"),
        Column("tco", "Coût total sur l'horizon (€)", "number", "€"),
        *(
            Column(
                f, f"{label} (€/an)", "number", "€/an", f"moyenne annuelle actualisée, famille « {label} »"
            )
            for f, label in budget.FAMILIES.items()
        ),
    ),
)

COMPARISON_YEARS_TABLE = Table(
    "budget-comparison-years",
    "Comparaison de scénarios de budget, année par année",
    "une année d'un scénario",
    (Column("scenario", "Scénario"), *budget_export.YEARS_TABLE.declared),
)

Sheets = list[tuple[str, Table, pd.DataFrame]]


def scenario_csv(result: ScenarioResult) -> tuple[Table, pd.DataFrame]:
    """The CSV export: lines of the collège (one-collège scenario) or the collèges (département)."""
    if result.simulation is not None:
        return budget_export.LINES_TABLE, budget_export.export_frame(result.simulation, "lines")
    assert result.colleges is not None  # a département-wide result has its collèges
    return budget_export.COLLEGES_TABLE, budget_export.colleges_frame(result.colleges)


def scenario_sheets(result: ScenarioResult) -> Sheets:
    """The sheets of a scenario's workbook: À lire, Lignes or Collèges, Années, Paramètres."""
    table, frame = scenario_csv(result)
    summary = pd.DataFrame(summary_rows(result), columns=["field", "value"])
    parameters = budget.to_dataframe(result.simulation or budget.simulate(result.engine), "parameters")
    return [
        ("À lire", README_TABLE, summary),
        ("Lignes" if table is budget_export.LINES_TABLE else "Collèges", table, frame),
        ("Années", budget_export.YEARS_TABLE, years_frame(result)),
        ("Paramètres", budget_export.PARAMETERS_TABLE, parameters),
    ]


def comparison_frame(results: list[ScenarioResult]) -> pd.DataFrame:
    """One row per scenario (:data:`COMPARISON_TABLE`), 0 € for a family a scenario lacks."""
    rows = []
    for r in results:
        row = {
            "scenario": r.scenario.name,
            "departement": r.scenario.departement.code,
            "scope": r.scenario.get_scope_display(),
            "strategy": r.engine.strategy,
            "horizon": r.engine.horizon,
            "colleges": r.n_colleges,
            "pupils": r.pupils,
            "total_per_year": float(r.total_per_year),
            "per_pupil_per_year": float(r.per_pupil_per_year),
            "tco": float(r.tco),
        }
        means = r.mean_by_family()
        row.update({f: float(means.get(f, Decimal(0))) for f in budget.FAMILIES})
        rows.append(row)
    return pd.DataFrame(rows, columns=[c.name for c in COMPARISON_TABLE.declared])


def comparison_sheets(results: list[ScenarioResult]) -> Sheets:
    """The sheets of a comparison's workbook: [À lire,] Synthèse, Années."""
    demo = any(r.scenario.is_demo for r in results)
    years = []
    for r in results:
        frame = years_frame(r)
        frame.insert(0, "scenario", r.scenario.name)
        years.append(frame)
    sheets: Sheets = [
        ("Synthèse", COMPARISON_TABLE, comparison_frame(results)),
        ("Années", COMPARISON_YEARS_TABLE, pd.concat(years, ignore_index=True)),
    ]
    if demo:
        readme = pd.DataFrame(
            [("Avertissement", f"{DEMO_MARK.upper()} : scénarios fictifs")], columns=["field", "value"]
        )
        sheets.insert(0, ("À lire", README_TABLE, readme))
    return sheets


# -- the measured fleet's renewals in the cash view (numeduc.usage.fleet, docs/fleet.md) -----

FLEET_RENEWAL_TABLE = Table(
    "budget-fleet-renewal",
    "Renouvellement du parc mesuré par année (vue trésorerie)",
    "une année de l'horizon ; la dernière ligne, sans année, est ce que le lissage reporte au-delà",
    (
        Column("year", "Année", "integer", description="année civile ; vide : au-delà de l'horizon"),
        Column(
            "devices",
            "Appareils à renouveler",
            "integer",
            "appareils",
            "dernier inventaire MDM : appareil dû l'année où finit sa durée de vie, puis à chaque durée de vie",
        ),
        Column(
            "investment_eur", "Investissement à l'échéance (€)", "number", "€", "appareils × prix unitaire"
        ),
        Column("smoothed_devices", "Appareils, lissé", "integer", "appareils"),
        Column("smoothed_investment_eur", "Investissement lissé (€)", "number", "€"),
        Column("smoothing_years", "Lissage (années)", "integer", "années", "1 : sans lissage"),
        Column(
            "mobile_investment_eur",
            "Dont équipements mobiles, à l'échéance (€)",
            "number",
            "€",
            "tablettes, ordinateurs portables, Chromebooks et autres appareils",
        ),
        Column("mobile_smoothed_investment_eur", "Dont équipements mobiles, lissé (€)", "number", "€"),
        Column("scenario", "Scénario en mode trésorerie", description="vide : aucun scénario à côté"),
        Column(
            "scenario_mobile_eur",
            "Scénario : équipements mobiles (€)",
            "number",
            "€",
            "ligne « Équipements mobiles » du scénario (appareils et chariots), non actualisée ; "
            "son année 1 est la première année de la prévision",
        ),
    ),
)


@dataclass
class FleetCash:
    """What the département page shows of the measured fleet's renewals (and its CSV)."""

    view: usage_fleet.CashView
    smoothing_years: int
    scenario: object | None  # the cash-mode Scenario set beside, if any
    scenario_years: dict[int, Decimal] | None  # its mobile-equipment spend by calendar year
    rows: list[dict]
    sentences: list[str]
    carried: str | None  # what the smoothing carries beyond the horizon, in words
    scenario_sentences: list[str]
    snapshot: str
    notes: list[str]  # overdue devices, devices without a date, an old inventory

    @property
    def start_year(self) -> int:
        return int(self.view.plan["year"].iloc[0])

    @property
    def end_year(self) -> int:
        return int(self.view.plan["year"].iloc[-1])


def _devices(n: int) -> str:
    return f"{fr_number(n)} appareil{'s' if n > 1 else ''}"


def peak_sentences(view: usage_fleet.CashView, smoothing_years: int) -> list[str]:
    """The peak year before and after smoothing, in plain French."""
    plan = view.plan
    if view.peak is None:
        return [
            "Aucun appareil n'arrive en fin de vie sur l'horizon : pas d'investissement de renouvellement."
        ]
    devices = dict(zip(plan["year"], plan["devices"], strict=True))
    smoothed = dict(zip(plan["year"], plan["smoothed_devices"], strict=True))
    p = view.peak
    out = [
        f"À l'échéance, l'année la plus lourde est {p.year} : {fr_euro(p.amount, 0)} "
        f"({_devices(int(devices[p.year]))} à renouveler)."
    ]
    if smoothing_years == 1:
        out.append("Sans lissage, chaque appareil est renouvelé l'année où finit sa durée de vie.")
        return out
    s = view.smoothed_peak
    if s is None:  # every renewal carried beyond the horizon
        out.append(f"Lissé sur {smoothing_years} ans, aucun renouvellement ne reste dans l'horizon.")
        return out
    if s.amount < p.amount:
        out.append(
            f"Lissé sur {smoothing_years} ans, le pic descend à {fr_euro(s.amount, 0)} en {s.year} "
            f"({_devices(int(smoothed[s.year]))}), soit {fr_euro(p.amount - s.amount, 0)} de moins "
            "que le pic à l'échéance."
        )
    else:
        out.append(
            f"Lissé sur {smoothing_years} ans, le pic reste de {fr_euro(s.amount, 0)} en {s.year} : "
            "le lissage ne l'abaisse pas (les renouvellements sont déjà étalés)."
        )
    return out


def carried_sentence(view: usage_fleet.CashView, smoothing_years: int, end_year: int) -> str | None:
    n = int(view.plan.attrs.get("carried_devices", 0))
    if smoothing_years == 1 or not n:
        return None
    eur = float(view.plan.attrs.get("carried_eur", 0))
    return (
        f"Le lissage reporte {_devices(n)} ({fr_euro(eur, 0)}) après {end_year}, la fin de l'horizon : "
        f"ces appareils restent en service jusqu'à {smoothing_years - 1} an"
        f"{'s' if smoothing_years > 2 else ''} de plus que leur durée de vie."
    )


def inventory_notes(view: usage_fleet.CashView, start_year: int, today: dt.date | None = None) -> list[str]:
    """What the reader should know of the inventory: overdue devices, undated ones, its age."""
    out = []
    if n := view.overdue:
        out.append(
            f"{_devices(n)} déjà au-delà de {'leur' if n > 1 else 'sa'} durée de vie "
            f"{'sont comptés' if n > 1 else 'est compté'} en {start_year}."
        )
    if n := view.unknown_age:
        out.append(
            f"{_devices(n)} sans date d'achat ni d'inscription au MDM {'sont laissés' if n > 1 else 'est laissé'} "
            "de côté."
        )
    this_year = (today or dt.date.today()).year
    if start_year < this_year:
        out.append(
            f"L'inventaire date de {start_year} : la prévision part de cette année-là ; chargez un "
            "inventaire récent pour une prévision à partir d'aujourd'hui."
        )
    return out


def fleet_cash_section(
    view: usage_fleet.CashView,
    *,
    smoothing_years: int,
    scenario=None,
    scenario_amounts: list[Decimal] | None = None,
) -> FleetCash:
    plan, mobile = view.plan, view.mobile
    start = int(plan["year"].iloc[0])
    years = usage_fleet.scenario_years(start, scenario_amounts) if scenario_amounts is not None else None
    compared = usage_fleet.cash_comparison(mobile, years)
    rows = []
    for r, m, c in zip(
        plan.to_dict("records"), mobile.to_dict("records"), compared.to_dict("records"), strict=True
    ):
        rows.append(
            {
                "year": int(r["year"]),
                "devices": fr_number(int(r["devices"])),
                "investment": fr_euro(r["investment_eur"], 0),
                "smoothed_devices": fr_number(int(r["smoothed_devices"])),
                "smoothed_investment": fr_euro(r["smoothed_investment_eur"], 0),
                "mobile": fr_euro(m["investment_eur"], 0),
                "mobile_smoothed": fr_euro(m["smoothed_investment_eur"], 0),
                "scenario": fr_euro(c["scenario_eur"], 0) if c["scenario_eur"] is not None else "—",
                "peak": view.peak is not None and int(r["year"]) == view.peak.year,
                "smoothed_peak": view.smoothed_peak is not None and int(r["year"]) == view.smoothed_peak.year,
            }
        )
    end = int(plan["year"].iloc[-1])
    scenario_sentences = []
    if scenario is not None and years is not None:
        shown = compared.dropna(subset=["scenario_eur"])
        beyond = [y for y in years if y > end]
        scenario_sentences.append(
            f"Sur {start}-{end}, le scénario « {scenario.name} » prévoit "
            f"{fr_euro(float(shown['scenario_eur'].sum()), 0)} d'équipements mobiles ; le parc mesuré "
            f"demande {fr_euro(float(shown['investment_eur'].sum()), 0)} à l'échéance et "
            f"{fr_euro(float(shown['smoothed_investment_eur'].sum()), 0)} lissé sur {smoothing_years} an"
            f"{'s' if smoothing_years > 1 else ''} pour les mêmes années."
        )
        if beyond:
            scenario_sentences.append(
                f"Les années du scénario après {end} ne sont pas montrées (la prévision s'arrête à {end})."
            )
    return FleetCash(
        view=view,
        smoothing_years=smoothing_years,
        scenario=scenario,
        scenario_years=years,
        rows=rows,
        sentences=peak_sentences(view, smoothing_years),
        carried=carried_sentence(view, smoothing_years, end),
        scenario_sentences=scenario_sentences,
        snapshot=fr_date(view.snapshot_date),
        notes=inventory_notes(view, start),
    )


def fleet_renewal_frame(section: FleetCash) -> pd.DataFrame:
    """:data:`FLEET_RENEWAL_TABLE`: one row per year, then what the smoothing carries beyond."""
    plan, mobile = section.view.plan, section.view.mobile
    compared = usage_fleet.cash_comparison(mobile, section.scenario_years)
    name = section.scenario.name if section.scenario is not None else ""
    frame = pd.DataFrame(
        {
            "year": [int(y) for y in plan["year"]],
            "devices": [int(v) for v in plan["devices"]],
            "investment_eur": plan["investment_eur"],
            "smoothed_devices": [int(v) for v in plan["smoothed_devices"]],
            "smoothed_investment_eur": plan["smoothed_investment_eur"],
            "smoothing_years": section.smoothing_years,
            "mobile_investment_eur": mobile["investment_eur"],
            "mobile_smoothed_investment_eur": mobile["smoothed_investment_eur"],
            "scenario": name,
            "scenario_mobile_eur": pd.to_numeric(compared["scenario_eur"], errors="coerce"),
        }
    )
    carried = {
        "year": None,
        "devices": None,
        "investment_eur": None,
        "smoothed_devices": int(plan.attrs.get("carried_devices", 0)),
        "smoothed_investment_eur": float(plan.attrs.get("carried_eur", 0)),
        "smoothing_years": section.smoothing_years,
        "mobile_investment_eur": None,
        "mobile_smoothed_investment_eur": float(mobile.attrs.get("carried_eur", 0)),
        "scenario": name,
        "scenario_mobile_eur": None,
    }
    return pd.concat([frame, pd.DataFrame([carried])], ignore_index=True)
