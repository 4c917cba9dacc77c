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


def scenario_from_options(preset: Optional[str], scenario_file: Optional[Path]):
    """The scenario named by ``--preset`` or read from ``--scenario`` (exactly one of them);
    a French error on stderr and exit code 2 otherwise.  Shared with ``numeduc usage cost``."""
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


def emit(text: str, output: Optional[Path]) -> None:
    """The text on stdout, or in ``output`` with « Écrit : … » on stderr."""
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

    chosen = scenario_from_options(preset, scenario)
    if output_format is OutputFormat.xlsx and output is None:
        _fail("le format xlsx demande un fichier de sortie : --output FICHIER.xlsx")
    sim = simulate(chosen)
    if output_format is OutputFormat.json:
        emit(json.dumps(sim.to_dict(), ensure_ascii=False, indent=2) + "\n", output)
    elif output_format is OutputFormat.csv:
        emit(to_csv(sim), output)
    elif output_format is OutputFormat.xlsx:
        to_xlsx(sim, output)
        typer.echo(f"Écrit : {output}", err=True)
    else:
        if output is not None:
            import contextlib

            with output.open("w", encoding="utf-8") as handle:
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


class Strategy(str, Enum):
    eim = "eim"
    classe_mobile = "classe_mobile"
    byod = "byod"
    hybride = "hybride"


class SmallFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _mbit(value: float) -> str:
    from numeduc.formatting import fr_number

    return f"{fr_number(value, 1)}\u00a0Mbit/s"


@app.command("bandwidth")
def bandwidth_command(
    pupils: Optional[int] = typer.Option(None, "--pupils", min=0, help="Nombre d'élèves (sauf avec --departement)."),
    departement: Optional[str] = typer.Option(None, "--departement", "-d", help="Code de département : un calcul par collège public (effectifs 2020-2021)."),
    staff: Optional[int] = typer.Option(None, "--staff", min=0, help="Nombre de personnels (défaut : 1 pour 10 élèves)."),
    strategy: Strategy = typer.Option(Strategy.classe_mobile, "--strategy", help="eim, classe_mobile, byod ou hybride."),
    current: Optional[float] = typer.Option(None, "--current", min=0, help="Débit actuel du collège en Mbit/s, pour calculer l'écart."),
    concurrency: float = typer.Option(1.0, "--concurrency", min=0.01, help="Facteur de simultanéité si le lien est partagé (1,5 à 2,25)."),
    classrooms: int = typer.Option(17, "--classrooms", min=0, help="Nombre de salles de classe à couvrir en wifi."),
    carts_in_use: int = typer.Option(4, "--carts", min=0, help="Classes mobiles utilisées en même temps."),
    devices_per_pupil: Optional[float] = typer.Option(None, "--devices-per-pupil", min=0, help="Appareils par élève (défaut : 1 en EIM, 2 en BYOD/hybride)."),
    clients_per_ap: int = typer.Option(30, "--clients-per-ap", min=1, help="Clients par borne wifi (20 à 50)."),
    headroom: float = typer.Option(0.35, "--headroom", min=0, help="Marge au-dessus du pic (0,30 à 0,40)."),
    output_format: SmallFormat = typer.Option(SmallFormat.table, "--format", "-f", help="table ou json."),
) -> None:
    """Dimensionne l'accès internet et le nombre de bornes wifi d'un collège."""
    from numeduc.budget import bandwidth

    options = dict(concurrency=concurrency, classrooms=classrooms, carts_in_use=carts_in_use,
                   devices_per_pupil=devices_per_pupil, clients_per_ap=clients_per_ap, headroom=headroom)
    if departement is not None:
        _bandwidth_departement(departement, strategy.value, current, output_format, options)
        return
    if pupils is None:
        _fail("indiquez --pupils N (ou --departement CODE).")
    try:
        result = bandwidth(
            pupils, staff, strategy.value, current_mbps=current, concurrency=concurrency, classrooms=classrooms,
            carts_in_use=carts_in_use, devices_per_pupil=devices_per_pupil, clients_per_ap=clients_per_ap, headroom=headroom,
        )
    except ValueError as exc:
        _fail(str(exc))
    if output_format is not SmallFormat.table:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    from numeduc.formatting import fr_number

    table = Table(title=f"Débit et wifi : {fr_number(result.pupils)} élèves, {fr_number(result.staff)} personnels, stratégie {result.strategy}")
    table.add_column("Mesure")
    table.add_column("Valeur", justify="right")
    table.add_column("Écart avec l'accès actuel", justify="right")
    gap = lambda v: "—" if v is None else _mbit(v)  # noqa: E731
    table.add_row("Cible court terme (100 kbit/s par usager)", _mbit(result.baseline_mbps), gap(result.gap_baseline_mbps))
    table.add_row("Cible long terme (1 Mbit/s par usager)", _mbit(result.target_mbps), gap(result.gap_target_mbps))
    table.add_row("Pic estimé (appareils actifs)", _mbit(result.peak_mbps), "")
    table.add_row("Débit à contractualiser (pic + marge)", _mbit(result.contract_mbps), gap(result.gap_contract_mbps))
    table.add_row("Appareils présents", fr_number(result.devices_present), "")
    table.add_row("Clients associés / actifs", f"{fr_number(result.clients_associated)} / {fr_number(result.clients_active)}", "")
    table.add_row("Bornes wifi", fr_number(result.access_points), "")
    Console(width=120).print(table)


def _bandwidth_departement(code: str, strategy: str, current: Optional[float], output_format, options: dict) -> None:
    from numeduc.budget import bandwidth_table
    from numeduc.reference import colleges

    frame = colleges(public_only=True)
    frame = frame[frame["departement_code"] == code]
    if frame.empty:
        _fail(f"aucun collège public trouvé pour le département « {code} ».")
    try:
        table = bandwidth_table(frame, strategy=strategy, current_mbps=current, **options)
    except ValueError as exc:
        _fail(str(exc))
    if output_format is SmallFormat.csv:
        typer.echo(table.to_csv(index=False), nl=False)
        return
    if output_format is SmallFormat.json:
        typer.echo(table.to_json(orient="records", force_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    from numeduc.formatting import fr_number

    summary = Table(title=f"Débit des {fr_number(len(table))} collèges publics du département {code} (stratégie {strategy})")
    summary.add_column("Mesure")
    summary.add_column("Total", justify="right")
    summary.add_column("Médiane par collège", justify="right")
    for label, column in (("Cible court terme (100 kbit/s par usager)", "baseline_mbps"),
                          ("Cible long terme (1 Mbit/s par usager)", "target_mbps"),
                          ("Débit à contractualiser (pic + marge)", "contract_mbps")):
        summary.add_row(label, _mbit(table[column].sum()), _mbit(table[column].median()))
    summary.add_row("Bornes wifi", fr_number(int(table["access_points"].sum())), fr_number(table["access_points"].median()))
    if current is not None:
        short = int((table["gap_baseline_mbps"] > 0).sum())
        summary.add_row(f"Collèges sous la cible court terme avec {_mbit(current)}", fr_number(short), "")
        short = int((table["gap_target_mbps"] > 0).sum())
        summary.add_row(f"Collèges sous la cible long terme avec {_mbit(current)}", fr_number(short), "")
    console = Console(width=120)
    console.print(summary)
    console.print("Effectifs : DEPP, rentrée 2020 (collèges sans effectif connu ignorés). "
                  "Personnels estimés à 1 pour 10 élèves.")


@app.command("tornado")
def tornado_command(
    preset: Optional[str] = typer.Option(None, "--preset", "-p", help="Nom d'un préréglage."),
    scenario: Optional[Path] = typer.Option(None, "--scenario", "-s", help="Fichier de scénario YAML."),
    variation: float = typer.Option(0.2, "--variation", min=0.0, max=0.99, help="Variation relative quand aucune fourchette n'est sourcée."),
    top: int = typer.Option(15, "--top", min=1, help="Nombre de paramètres affichés."),
    output_format: SmallFormat = typer.Option(SmallFormat.table, "--format", "-f", help="table, json ou csv."),
) -> None:
    """Sensibilité du total annuel à chaque paramètre (diagramme en tornade)."""
    from numeduc.budget import tornado

    chosen = scenario_from_options(preset, scenario)
    bars = tornado(chosen, variation=variation)[:top]
    rows = [
        {"parameter": b.parameter, "label_fr": b.label_fr, "unit": b.unit, "base_value": float(b.base_value),
         "low_value": float(b.low_value), "high_value": float(b.high_value), "total_low": float(b.total_low),
         "total_high": float(b.total_high), "swing": float(b.swing), "range": b.range_source}
        for b in bars
    ]
    if output_format is SmallFormat.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if output_format is SmallFormat.csv:
        import pandas as pd

        typer.echo(pd.DataFrame(rows).to_csv(index=False), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    from numeduc.formatting import fr_number

    def value(v) -> str:
        return fr_number(float(v), 0 if v == int(v) else 2)

    table = Table(title=f"Sensibilité du total annuel ({chosen.label or chosen.name})")
    for name, justify in (("Paramètre", "left"), ("Bas", "right"), ("Haut", "right"), ("Total (bas)", "right"),
                          ("Total (haut)", "right"), ("Écart", "right"), ("Fourchette", "left")):
        table.add_column(name, justify=justify)
    for b in bars:
        table.add_row(f"{b.label_fr} ({b.unit})", value(b.low_value), value(b.high_value), _eur(b.total_low),
                      _eur(b.total_high), _eur(b.swing), b.range_source)
    Console(width=160).print(table)


@app.command("departement")
def departement_command(
    code: str = typer.Argument(..., help="Code du département (ex. 45, 2A, 974)."),
    preset: Optional[str] = typer.Option(None, "--preset", "-p", help="Nom d'un préréglage."),
    scenario: Optional[Path] = typer.Option(None, "--scenario", "-s", help="Fichier de scénario YAML."),
    colleges: Optional[int] = typer.Option(None, "--colleges", min=1, help="Nombre de collèges si le département n'a pas de données."),
    mean_pupils: Optional[int] = typer.Option(None, "--mean-pupils", min=1, help="Effectif moyen si le département n'a pas de données."),
    scale: bool = typer.Option(False, "--scale/--no-scale", help="Adapter postes, salles, bornes et chariots à la taille de chaque collège."),
    output_format: SmallFormat = typer.Option(SmallFormat.table, "--format", "-f", help="table, json ou csv (csv : un collège par ligne)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Fichier de sortie (json ou csv)."),
) -> None:
    """Budget d'un département : chaque collège public simulé, puis la somme."""
    from numeduc.budget import simulate_departement

    chosen = scenario_from_options(preset, scenario)
    try:
        result = simulate_departement(chosen, code, n_colleges=colleges, mean_pupils=mean_pupils, scale_equipment=scale)
    except ValueError:
        _fail(f"aucun collège public trouvé pour le département « {code} » ; indiquez --colleges N et --mean-pupils N.")
    if output_format is SmallFormat.csv:
        emit(result.colleges.to_csv(index=False), output)
        return
    summary = {
        "departement_code": code, "scenario": chosen.name, "n_colleges": result.n_colleges, "pupils": result.pupils,
        "total_per_year": float(result.total_per_year), "per_pupil_per_year": float(result.per_pupil_per_year),
        "buckets_percent": result.buckets(), "source": result.source,
    }
    if output_format is SmallFormat.json:
        summary["colleges"] = json.loads(result.colleges.to_json(orient="records", force_ascii=False))
        emit(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", output)
        return
    from rich.console import Console
    from rich.table import Table

    from numeduc.formatting import fr_number, fr_percent

    table = Table(title=f"Département {code} : {chosen.label or chosen.name}")
    table.add_column("Mesure")
    table.add_column("Valeur", justify="right")
    table.add_row("Collèges publics", fr_number(result.n_colleges))
    table.add_row("Élèves", fr_number(result.pupils))
    table.add_row("Total par an", _eur(result.total_per_year))
    table.add_row("Par élève et par an", _eur(result.per_pupil_per_year))
    for label, share in result.buckets().items():
        table.add_row(f"Collèges à {label} par élève et par an", fr_percent(share))
    console = Console(width=120)
    console.print(table)
    console.print(f"Source des effectifs : {result.source}")
