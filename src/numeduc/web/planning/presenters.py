"""The tables of the budget exports (scenario and comparison, CSV and XLSX): their columns
(:class:`numeduc.exports.Table`) and frames, built from the results of ``data.py`` and written
by ``numeduc.web.downloads``."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from numeduc import budget
from numeduc.budget import export as budget_export
from numeduc.exports import Column, Table
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
