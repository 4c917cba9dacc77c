"""``numeduc budget …``: simulate budgets, list presets, size bandwidth, sensitivity."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(
    help="Budget pluriannuel et débit des collèges (modèle du livre blanc ADF 2017, complété).",
    no_args_is_help=True,
)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


MODE_SHORT = {"annualised": "annualisé", "cash": "trésorerie"}


def _fail(message: str) -> None:
    typer.echo(f"Erreur : {message}", err=True)
    raise typer.Exit(code=2)


def _scenario(preset: Optional[str], scenario_file: Optional[Path]):
    from numeduc.budget import ScenarioError, list_presets, load_preset, load_scenario

    if bool(preset) == bool(scenario_file):
        _fail("indiquez soit --preset NOM, soit --scenario FICHIER.yaml (l'un des deux, pas les deux).")
    try:
        if preset:
            try:
                return load_preset(preset)
            except KeyError:
                _fail(f"préréglage inconnu « {preset} » ; disponibles : {', '.join(list_presets())}.")
        return load_scenario(scenario_file)
    except ScenarioError as exc:
        _fail(str(exc))


def _emit(text: str, output: Optional[Path]) -> None:
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"Écrit : {output}", err=True)


def _eur(value) -> str:
    """French euro amount of a Decimal already rounded to the cent (fr_euro takes floats)."""
    from numeduc.formatting import fr_euro

    return fr_euro(float(value))


def _print_table(sim) -> None:
    from rich.console import Console
    from rich.table import Table

    from numeduc.budget import FAMILIES, STRATEGIES
    from numeduc.formatting import fr_number

    s = sim.scenario
    console = Console(width=140)
    title = s.label or s.name
    table = Table(title=f"{title}\n{fr_number(int(sim.pupils))} élèves, {STRATEGIES[s.strategy].lower()}, mode {MODE_SHORT[s.mode]}, {s.horizon} ans")
    table.add_column("Ligne")
    table.add_column("Famille")
    table.add_column("€/an (moyenne)", justify="right")
    for line in sim.lines:
        table.add_row(line.label_fr, FAMILIES[line.family], _eur(line.amount))
    table.add_section()
    table.add_row("[bold]Total par an[/bold]", "", f"[bold]{_eur(sim.total_per_year)}[/bold]")
    table.add_row("Par élève et par an", "", _eur(sim.per_pupil_per_year))
    table.add_row(f"Coût total sur {s.horizon} ans", "", _eur(sim.tco))
    console.print(table)
    if s.mode == "cash" or s["discount_rate"] > 0:
        years = Table(title="Année par année")
        years.add_column("Année", justify="right")
        years.add_column("Dépense", justify="right")
        years.add_column("Actualisée", justify="right")
        years.add_column("Cumul actualisé", justify="right")
        for y in sim.years:
            years.add_row(str(y.year), _eur(y.total), _eur(y.discounted_total), _eur(y.cumulative))
        console.print(years)


@app.command("simulate")
def simulate_command(
    preset: Optional[str] = typer.Option(None, "--preset", "-p", help="Nom d'un préréglage (voir « numeduc budget presets »)."),
    scenario: Optional[Path] = typer.Option(None, "--scenario", "-s", help="Fichier de scénario YAML."),
    output_format: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table, json, csv ou xlsx."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Fichier de sortie (obligatoire pour xlsx)."),
) -> None:
    """Simule le budget d'un collège sur plusieurs années."""
    from numeduc.budget import simulate, to_csv, to_xlsx

    chosen = _scenario(preset, scenario)
    if output_format is OutputFormat.xlsx and output is None:
        _fail("le format xlsx demande un fichier de sortie : --output FICHIER.xlsx")
    sim = simulate(chosen)
    if output_format is OutputFormat.json:
        _emit(json.dumps(sim.to_dict(), ensure_ascii=False, indent=2) + "\n", output)
    elif output_format is OutputFormat.csv:
        _emit(to_csv(sim), output)
    elif output_format is OutputFormat.xlsx:
        to_xlsx(sim, output)
        typer.echo(f"Écrit : {output}", err=True)
    else:
        if output is not None:
            from rich.console import Console

            with output.open("w", encoding="utf-8") as handle:
                import contextlib

                with contextlib.redirect_stdout(handle):
                    _print_table(sim)
            typer.echo(f"Écrit : {output}", err=True)
        else:
            _print_table(sim)


@app.command("presets")
def presets_command() -> None:
    """Liste les préréglages fournis."""
    from rich.console import Console
    from rich.table import Table

    from numeduc.budget import list_presets, load_preset, simulate

    table = Table(title="Préréglages de budget")
    table.add_column("Nom")
    table.add_column("Description")
    table.add_column("€/élève/an", justify="right")
    for name in list_presets():
        scenario = load_preset(name)
        table.add_row(name, scenario.label, _eur(simulate(scenario).per_pupil_per_year))
    Console(width=140).print(table)
