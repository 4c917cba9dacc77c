"""The tables of the budget exports (scenario and comparison, CSV and XLSX): what
``numeduc.web.downloads`` writes, built from the results of ``data.py``."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from numeduc import budget
from numeduc.web.demo_mark import DEMO_MARK

from .data import ScenarioResult


def _money(value: Decimal) -> float:
    return float(budget.cents(value))


def years_frame(result: ScenarioResult) -> pd.DataFrame:
    """One row per year, one column per family (the engine's ``years`` layout)."""
    if result.simulation is not None:
        return budget.to_dataframe(result.simulation, "years")
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
    return pd.DataFrame(rows)


def summary_rows(result: ScenarioResult) -> list[tuple[str, object]]:
    s = result.scenario
    rows: list[tuple[str, object]] = []
    if s.is_demo:
        rows.append(
            ("Avertissement", "DONNÉES DE DÉMONSTRATION : scénario fictif, ne pas utiliser pour décider")
        )
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


def _mark(frame: pd.DataFrame, demo: bool) -> pd.DataFrame:
    if demo:
        frame = frame.copy()
        frame["avertissement"] = DEMO_MARK
    return frame


def scenario_tables(result: ScenarioResult) -> dict[str, pd.DataFrame]:
    """The tables of a scenario export, sheet name -> frame (engine's exporters for one collège)."""
    demo = result.scenario.is_demo
    tables = {"À lire": pd.DataFrame(summary_rows(result), columns=["champ", "valeur"])}
    if result.simulation is not None:
        tables["Lignes"] = budget.to_dataframe(result.simulation, "lines")
    else:
        tables["Collèges"] = result.colleges
    tables["Années"] = years_frame(result)
    tables["Paramètres"] = budget.to_dataframe(
        result.simulation or budget.simulate(result.engine), "parameters"
    )
    return {name: (frame if name == "À lire" else _mark(frame, demo)) for name, frame in tables.items()}


def scenario_csv_frame(result: ScenarioResult) -> pd.DataFrame:
    """The CSV export: lines of the collège (one-collège scenario) or the collèges (département)."""
    tables = scenario_tables(result)
    return tables["Lignes"] if "Lignes" in tables else tables["Collèges"]


def comparison_frame(results: list[ScenarioResult]) -> pd.DataFrame:
    families = [f for f in budget.FAMILIES if any(f in r.families for r in results)]
    rows = []
    for r in results:
        row = {
            "scenario": r.scenario.name,
            "departement": r.scenario.departement.code,
            "perimetre": r.scenario.get_scope_display(),
            "strategie": r.engine.strategy,
            "horizon": r.engine.horizon,
            "colleges": r.n_colleges,
            "eleves": r.pupils,
            "total_par_an": float(r.total_per_year),
            "par_eleve_par_an": float(r.per_pupil_per_year),
            "cout_total_horizon": float(r.tco),
        }
        means = r.mean_by_family()
        row.update({f: float(means.get(f, Decimal(0))) for f in families})
        rows.append(row)
    frame = pd.DataFrame(rows)
    return _mark(frame, any(r.scenario.is_demo for r in results))


def comparison_tables(results: list[ScenarioResult]) -> dict[str, pd.DataFrame]:
    demo = any(r.scenario.is_demo for r in results)
    tables = {"Synthèse": comparison_frame(results)}
    years = []
    for r in results:
        frame = years_frame(r)
        frame.insert(0, "scenario", r.scenario.name)
        years.append(frame)
    tables["Années"] = _mark(pd.concat(years, ignore_index=True).fillna(0.0), demo)
    if demo:
        tables = {
            "À lire": pd.DataFrame(
                [("Avertissement", "DONNÉES DE DÉMONSTRATION : scénarios fictifs")],
                columns=["champ", "valeur"],
            ),
            **tables,
        }
    return tables
