"""``numeduc budget …``: simulate budgets, list presets, size bandwidth, sensitivity.

Every number of an option is read here (as text) and checked against the registry's bounds
(``numeduc.budget.parameters``): a value out of its domain, ``inf`` or ``nan`` gets a French
message naming the option and the bound, and exit code 2 — never a traceback.  JSON output is
strict (``allow_nan=False``): a missing figure is ``null``, never ``NaN`` or ``Infinity``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import typer

from numeduc.cli.errors import fail

app = typer.Typer(
    help="Budget pluriannuel et débit des collèges (modèle du livre blanc ADF 2017, complété).",
    no_args_is_help=True,
)

# csv: the French file (BOM, « ; », decimal comma, French headers); csv-machine: the analysts' file
# (English snake_case headers, « , », dot decimals); numeduc.exports writes both (docs/exports.md).
CSV_FORMATS = ("csv", "csv-machine")
SIMULATE_FORMATS = ("table", "json", *CSV_FORMATS, "xlsx")
SMALL_FORMATS = ("table", "json", *CSV_FORMATS)
MODE_SHORT = {"annualised": "annualisé", "cash": "trésorerie"}


def _choice(option: str, raw: str, choices: tuple[str, ...]) -> str:
    key = str(raw).strip().lower()
    if key not in choices:
        from numeduc.budget.parameters import shown_value

        fail(f"{option} : valeur inconnue « {shown_value(raw)} » ; valeurs possibles : {', '.join(choices)}.")
    return key


def _number(option: str, spec, raw: str | None, *, default: Any = None):
    """The option's value checked against ``spec`` (int for whole numbers, float otherwise);
    ``default`` when the option is not given."""
    from numeduc.budget.parameters import parse_number

    if raw is None:
        return default
    value, problem = parse_number(spec, raw)
    if problem:
        fail(f"{option} : {problem}.")
    return int(value) if spec.integer else float(value)


def _strategy(raw: str) -> str:
    from numeduc.budget import STRATEGIES
    from numeduc.budget.scenario import STRATEGY_ALIASES

    key = str(raw).strip().lower()
    key = STRATEGY_ALIASES.get(key, key)
    return _choice("--strategy", key, tuple(STRATEGIES))


def departement_code(raw: str) -> str:
    """A département code of the reference data (``45``, ``2A``, ``974``; ``1`` reads ``01``);
    a French error and exit code 2 for a code that does not exist."""
    from numeduc.budget.parameters import shown_value
    from numeduc.reference import departements

    code = str(raw).strip().upper()
    if code.isascii() and code.isdigit() and len(code) == 1:
        code = code.zfill(2)
    if code not in departements().index:
        fail(
            f"département : code « {shown_value(raw, 12)} » inconnu ; codes possibles : 01 à 95, 2A, 2B, 971 à 976."
        )
    return code


def _plain(value: Any) -> Any:
    """JSON-ready copy: numpy scalars to Python, non-finite floats to None (strict JSON)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    return value


def json_text(data: Any) -> str:
    """Strict JSON (``allow_nan=False``), French characters kept, ending with a newline."""
    return json.dumps(_plain(data), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def scenario_from_options(preset: str | None, scenario_file: Path | None):
    """The scenario named by ``--preset`` or read from ``--scenario`` (exactly one of them);
    a French error on stderr and exit code 2 otherwise.  Shared with ``numeduc usage cost``."""
    from numeduc.budget import ScenarioError, list_presets, load_preset, load_scenario
    from numeduc.budget.parameters import shown_value

    if bool(preset) == bool(scenario_file):
        fail("indiquez soit --preset NOM, soit --scenario FICHIER.yaml (l'un des deux, pas les deux).")
    try:
        if preset:
            try:
                return load_preset(preset)
            except KeyError:
                fail(
                    f"préréglage inconnu « {shown_value(preset)} » ; disponibles : {', '.join(list_presets())}."
                )
        return load_scenario(scenario_file)
    except ScenarioError as exc:
        fail(str(exc))


def _write(output: Path, write) -> None:
    try:
        write()
    except OSError as exc:
        fail(f"impossible d'écrire « {output} » ({exc.strerror or exc}).")


def emit(text: str, output: Path | None) -> None:
    """The text on stdout, or in ``output`` with « Écrit : … » on stderr."""
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        # newline="": the French CSV's CRLF line ends are written as they are.
        _write(output, lambda: output.write_text(text, encoding="utf-8", newline=""))
        typer.echo(f"Écrit : {output}", err=True)


def emit_table(table, frame, variant: str, output: Path | None, *, demo: bool = False) -> None:
    """``frame`` as the CSV ``variant`` (``csv`` or ``csv-machine``) of ``table``, on stdout or
    in ``output``: every CSV of the command line is written here, through numeduc.exports."""
    from numeduc import exports

    emit(exports.csv_text(table, frame, variant=variant, demo=demo), output)


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
    table = Table(
        title=(
            f"{title}\n{fr_number(int(sim.pupils))} élèves, {STRATEGIES[s.strategy].lower()}, "
            f"mode {MODE_SHORT[s.mode]}, {s.horizon} ans"
        )
    )
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
    preset: str | None = typer.Option(
        None, "--preset", "-p", help="Nom d'un préréglage (voir « numeduc budget presets »)."
    ),
    scenario: Path | None = typer.Option(
        None, "--scenario", "-s", help="Fichier de scénario YAML (ou JSON)."
    ),
    output_format: str = typer.Option(
        "table", "--format", "-f", help="table, json, csv (tableur français), csv-machine ou xlsx."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Fichier de sortie (obligatoire pour xlsx)."
    ),
) -> None:
    """Simule le budget d'un collège sur plusieurs années."""
    from numeduc.budget import ScenarioError, simulate, simulation_to_dict, to_xlsx
    from numeduc.budget.export import LINES_TABLE, export_frame

    fmt = _choice("--format", output_format, SIMULATE_FORMATS)
    chosen = scenario_from_options(preset, scenario)
    if fmt == "xlsx" and output is None:
        fail("le format xlsx demande un fichier de sortie : --output FICHIER.xlsx")
    try:
        sim = simulate(chosen)
    except ScenarioError as exc:
        fail(str(exc))
    if fmt == "json":
        emit(json_text(simulation_to_dict(sim)), output)
    elif fmt in CSV_FORMATS:
        emit_table(LINES_TABLE, export_frame(sim, "lines"), fmt, output)
    elif fmt == "xlsx":
        _write(output, lambda: to_xlsx(sim, output))
        typer.echo(f"Écrit : {output}", err=True)
    elif output is not None:
        import contextlib

        def table_to_file() -> None:
            with output.open("w", encoding="utf-8") as handle:
                with contextlib.redirect_stdout(handle):
                    _print_table(sim)

        _write(output, table_to_file)
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


def _mbit(value: float) -> str:
    from numeduc.formatting import fr_number

    return f"{fr_number(value, 1)}\u00a0Mbit/s"


@app.command("bandwidth")
def bandwidth_command(
    pupils: str | None = typer.Option(
        None, "--pupils", help="Nombre d'élèves, 1 à 5 000 (sauf avec --departement)."
    ),
    departement: str | None = typer.Option(
        None,
        "--departement",
        "-d",
        help="Code de département : un calcul par collège public (effectifs 2020-2021).",
    ),
    staff: str | None = typer.Option(
        None, "--staff", help="Nombre de personnels (défaut : 1 pour 10 élèves)."
    ),
    strategy: str = typer.Option("classe_mobile", "--strategy", help="eim, classe_mobile, byod ou hybride."),
    current: str | None = typer.Option(
        None, "--current", help="Débit actuel du collège en Mbit/s, pour calculer l'écart."
    ),
    concurrency: str | None = typer.Option(
        None,
        "--concurrency",
        help="Facteur de simultanéité si le lien est partagé (1 à 10 ; 1,5 à 2,25). Défaut : 1.",
    ),
    classrooms: str | None = typer.Option(
        None, "--classrooms", help="Nombre de salles de classe à couvrir en wifi. Défaut : 17."
    ),
    carts_in_use: str | None = typer.Option(
        None, "--carts", help="Classes mobiles utilisées en même temps. Défaut : 4."
    ),
    devices_per_pupil: str | None = typer.Option(
        None,
        "--devices-per-pupil",
        help="Appareils par élève, 0 à 10 (défaut : 1 en EIM, 2 en BYOD/hybride).",
    ),
    clients_per_ap: str | None = typer.Option(
        None, "--clients-per-ap", help="Clients par borne wifi (20 à 50). Défaut : 30."
    ),
    headroom: str | None = typer.Option(
        None, "--headroom", help="Marge au-dessus du pic (0,30 à 0,40). Défaut : 0,35."
    ),
    output_format: str = typer.Option(
        "table", "--format", "-f", help="table, json, csv ou csv-machine (csv : avec --departement)."
    ),
) -> None:
    """Dimensionne l'accès internet et le nombre de bornes wifi d'un collège."""
    from numeduc.budget import bandwidth
    from numeduc.budget.parameters import BANDWIDTH_SPECS as SPECS

    fmt = _choice("--format", output_format, SMALL_FORMATS)
    chosen_strategy = _strategy(strategy)
    options = {
        "concurrency": _number("--concurrency", SPECS["concurrency"], concurrency, default=1.0),
        "classrooms": _number("--classrooms", SPECS["classrooms"], classrooms, default=17),
        "carts_in_use": _number("--carts", SPECS["carts_in_use"], carts_in_use, default=4),
        "devices_per_pupil": _number("--devices-per-pupil", SPECS["devices_per_pupil"], devices_per_pupil),
        "clients_per_ap": _number("--clients-per-ap", SPECS["clients_per_ap"], clients_per_ap, default=30),
        "headroom": _number("--headroom", SPECS["headroom"], headroom, default=0.35),
    }
    current_mbps = _number("--current", SPECS["current_mbps"], current)
    if departement is not None:
        if pupils is not None or staff is not None:
            fail(
                "--departement prend les effectifs de chaque collège : n'indiquez pas aussi --pupils ou --staff."
            )
        _bandwidth_departement(departement_code(departement), chosen_strategy, current_mbps, fmt, options)
        return
    if pupils is None:
        fail("indiquez --pupils N (ou --departement CODE).")
    if fmt in CSV_FORMATS:
        fail(
            f"--format {fmt} donne un collège par ligne : il demande --departement CODE (sinon : table ou json)."
        )
    try:
        result = bandwidth(
            _number("--pupils", SPECS["pupils"], pupils),
            _number("--staff", SPECS["staff"], staff),
            chosen_strategy,
            current_mbps=current_mbps,
            **options,
        )
    except ValueError as exc:
        fail(f"{exc}.")
    if fmt == "json":
        typer.echo(json_text(result.to_dict()), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    from numeduc.formatting import fr_number

    table = Table(
        title=(
            f"Débit et wifi : {fr_number(result.pupils)} élèves, {fr_number(result.staff)} personnels, "
            f"stratégie {result.strategy}"
        )
    )
    table.add_column("Mesure")
    table.add_column("Valeur", justify="right")
    table.add_column("Écart avec l'accès actuel", justify="right")

    def gap(v):
        return "—" if v is None else _mbit(v)

    table.add_row(
        "Cible court terme (100 kbit/s par usager)",
        _mbit(result.baseline_mbps),
        gap(result.gap_baseline_mbps),
    )
    table.add_row(
        "Cible long terme (1 Mbit/s par usager)", _mbit(result.target_mbps), gap(result.gap_target_mbps)
    )
    table.add_row("Pic estimé (appareils actifs)", _mbit(result.peak_mbps), "")
    table.add_row(
        "Débit à contractualiser (pic + marge)", _mbit(result.contract_mbps), gap(result.gap_contract_mbps)
    )
    table.add_row("Appareils présents", fr_number(result.devices_present), "")
    table.add_row(
        "Clients associés / actifs",
        f"{fr_number(result.clients_associated)} / {fr_number(result.clients_active)}",
        "",
    )
    table.add_row("Bornes wifi", fr_number(result.access_points), "")
    Console(width=120).print(table)


def _bandwidth_departement(
    code: str, strategy: str, current: float | None, output_format: str, options: dict
) -> None:
    from numeduc.budget import bandwidth_table
    from numeduc.reference import colleges

    frame = colleges(public_only=True)
    frame = frame[frame["departement_code"] == code]
    if frame.empty or frame["pupils"].notna().sum() == 0:
        fail(f"aucun collège public avec un effectif connu pour le département « {code} ».")
    try:
        table = bandwidth_table(frame, strategy=strategy, current_mbps=current, **options)
    except ValueError as exc:
        fail(f"{exc}.")
    if output_format in CSV_FORMATS:
        from numeduc.budget.export import BANDWIDTH_TABLE, bandwidth_frame

        emit_table(BANDWIDTH_TABLE, bandwidth_frame(table), output_format, None)
        return
    if output_format == "json":
        typer.echo(json_text(table.to_dict(orient="records")), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    from numeduc.formatting import fr_number
    from numeduc.names import departement_name

    summary = Table(
        title=f"Débit des {fr_number(len(table))} collèges publics {departement_name(code).of} ({code}), "
        f"stratégie {strategy}"
    )
    summary.add_column("Mesure")
    summary.add_column("Total", justify="right")
    summary.add_column("Médiane par collège", justify="right")
    for label, column in (
        ("Cible court terme (100 kbit/s par usager)", "baseline_mbps"),
        ("Cible long terme (1 Mbit/s par usager)", "target_mbps"),
        ("Débit à contractualiser (pic + marge)", "contract_mbps"),
    ):
        summary.add_row(label, _mbit(table[column].sum()), _mbit(table[column].median()))
    summary.add_row(
        "Bornes wifi",
        fr_number(int(table["access_points"].sum())),
        fr_number(table["access_points"].median()),
    )
    if current is not None:
        short = int((table["gap_baseline_mbps"] > 0).sum())
        summary.add_row(f"Collèges sous la cible court terme avec {_mbit(current)}", fr_number(short), "")
        short = int((table["gap_target_mbps"] > 0).sum())
        summary.add_row(f"Collèges sous la cible long terme avec {_mbit(current)}", fr_number(short), "")
    console = Console(width=120)
    console.print(summary)
    console.print(
        "Effectifs : DEPP, rentrée 2020 (collèges sans effectif connu ignorés). "
        "Personnels estimés à 1 pour 10 élèves."
    )


@app.command("tornado")
def tornado_command(
    preset: str | None = typer.Option(None, "--preset", "-p", help="Nom d'un préréglage."),
    scenario: Path | None = typer.Option(
        None, "--scenario", "-s", help="Fichier de scénario YAML (ou JSON)."
    ),
    variation: str | None = typer.Option(
        None,
        "--variation",
        help="Variation relative (0 à 0,99) quand aucune fourchette n'est sourcée. Défaut : 0,2.",
    ),
    top: str | None = typer.Option(None, "--top", help="Nombre de paramètres affichés. Défaut : 15."),
    output_format: str = typer.Option("table", "--format", "-f", help="table, json, csv ou csv-machine."),
) -> None:
    """Sensibilité du total annuel à chaque paramètre (diagramme en tornade)."""
    from numeduc.budget import PARAMETERS, ScenarioError, tornado
    from numeduc.budget.parameters import NumberSpec
    from numeduc.budget.sensitivity import VARIATION

    fmt = _choice("--format", output_format, SMALL_FORMATS)
    variation_value = _number("--variation", VARIATION, variation, default=0.2)
    top_spec = NumberSpec(
        "top", "Nombre de paramètres affichés", "paramètres", 1, len(PARAMETERS), integer=True
    )
    top_value = _number("--top", top_spec, top, default=15)
    chosen = scenario_from_options(preset, scenario)
    try:
        bars = tornado(chosen, variation=variation_value)[:top_value]
    except (ScenarioError, ValueError) as exc:
        fail(f"{exc}.")
    rows = [
        {
            "parameter": b.parameter,
            "label_fr": b.label_fr,
            "unit": b.unit,
            "base_value": float(b.base_value),
            "low_value": float(b.low_value),
            "high_value": float(b.high_value),
            "total_low": float(b.total_low),
            "total_high": float(b.total_high),
            "swing": float(b.swing),
            "range": b.range_source,
        }
        for b in bars
    ]
    if fmt == "json":
        typer.echo(json_text(rows), nl=False)
        return
    if fmt in CSV_FORMATS:
        import pandas as pd

        from numeduc.budget.export import TORNADO_TABLE

        columns = [c.name for c in TORNADO_TABLE.declared]
        emit_table(TORNADO_TABLE, pd.DataFrame(rows, columns=columns), fmt, None)
        return
    from rich.console import Console
    from rich.table import Table

    from numeduc.formatting import fr_number

    def value(v) -> str:
        return fr_number(float(v), 0 if v == int(v) else 2)

    table = Table(title=f"Sensibilité du total annuel ({chosen.label or chosen.name})")
    for name, justify in (
        ("Paramètre", "left"),
        ("Bas", "right"),
        ("Haut", "right"),
        ("Total (bas)", "right"),
        ("Total (haut)", "right"),
        ("Écart", "right"),
        ("Fourchette", "left"),
    ):
        table.add_column(name, justify=justify)
    for b in bars:
        table.add_row(
            f"{b.label_fr} ({b.unit})",
            value(b.low_value),
            value(b.high_value),
            _eur(b.total_low),
            _eur(b.total_high),
            _eur(b.swing),
            b.range_source,
        )
    Console(width=160).print(table)


@app.command("departement")
def departement_command(
    code: str = typer.Argument(..., help="Code du département (ex. 45, 2A, 974)."),
    preset: str | None = typer.Option(None, "--preset", "-p", help="Nom d'un préréglage."),
    scenario: Path | None = typer.Option(
        None, "--scenario", "-s", help="Fichier de scénario YAML (ou JSON)."
    ),
    colleges: str | None = typer.Option(
        None, "--colleges", help="Nombre de collèges (1 à 500) si le département n'a pas de données."
    ),
    mean_pupils: str | None = typer.Option(
        None, "--mean-pupils", help="Effectif moyen (1 à 5 000) si le département n'a pas de données."
    ),
    scale: bool = typer.Option(
        False,
        "--scale/--no-scale",
        help="Adapter postes, salles, bornes et chariots à la taille de chaque collège.",
    ),
    output_format: str = typer.Option(
        "table", "--format", "-f", help="table, json, csv ou csv-machine (csv : un collège par ligne)."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Fichier de sortie (json ou csv)."),
) -> None:
    """Budget d'un département : chaque collège public simulé, puis la somme."""
    from numeduc.budget import simulate_departement
    from numeduc.budget.parameters import DEPARTEMENT_SPECS

    fmt = _choice("--format", output_format, SMALL_FORMATS)
    code = departement_code(code)
    n_colleges = _number("--colleges", DEPARTEMENT_SPECS["n_colleges"], colleges)
    mean = _number("--mean-pupils", DEPARTEMENT_SPECS["mean_pupils"], mean_pupils)
    chosen = scenario_from_options(preset, scenario)
    try:
        result = simulate_departement(
            chosen, code, n_colleges=n_colleges, mean_pupils=mean, scale_equipment=scale
        )
    except ValueError as exc:
        message = str(exc)
        if message.startswith("aucun collège"):
            message = (
                f"aucun collège public trouvé pour le département « {code} » ; "
                "indiquez --colleges N et --mean-pupils N"
            )
        fail(f"{message}.")
    if fmt in CSV_FORMATS:
        from numeduc.budget.export import COLLEGES_TABLE, colleges_frame

        emit_table(COLLEGES_TABLE, colleges_frame(result.colleges), fmt, output)
        return
    per_pupil = None if result.per_pupil_per_year is None else float(result.per_pupil_per_year)
    summary = {
        "departement_code": code,
        "scenario": chosen.name,
        "n_colleges": result.n_colleges,
        "pupils": result.pupils,
        "total_per_year": float(result.total_per_year),
        "per_pupil_per_year": per_pupil,
        "buckets_percent": result.buckets(),
        "source": result.source,
    }
    if fmt == "json":
        summary["colleges"] = result.colleges.to_dict(orient="records")
        emit(json_text(summary), output)
        return
    from rich.console import Console
    from rich.table import Table

    from numeduc.formatting import fr_number, fr_percent
    from numeduc.names import departement_name

    table = Table(title=f"Budget {departement_name(code).of} ({code}) : {chosen.label or chosen.name}")
    table.add_column("Mesure")
    table.add_column("Valeur", justify="right")
    table.add_row("Collèges publics", fr_number(result.n_colleges))
    table.add_row("Élèves", fr_number(result.pupils))
    table.add_row("Total par an", _eur(result.total_per_year))
    table.add_row(
        "Par élève et par an", "—" if result.per_pupil_per_year is None else _eur(result.per_pupil_per_year)
    )
    for label, share in result.buckets().items():
        table.add_row(f"Collèges à {label} par élève et par an", fr_percent(share))
    console = Console(width=120)
    console.print(table)
    console.print(f"Source des effectifs : {result.source}")
