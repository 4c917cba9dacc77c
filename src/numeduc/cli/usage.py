"""``numeduc usage …``: synthetic logs, ingestion into the warehouse, indicators."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from numeduc.cli.errors import EXIT_PROBLEMS, error, fail
from numeduc.demo.mark import DEMO_MARK

app = typer.Typer(
    help="Usages du numérique : génération de journaux de démonstration, ingestion dans "
    "l'entrepôt, calcul des indicateurs.",
    no_args_is_help=True,
)


@app.command()
def generate(
    departement: str = typer.Option(..., "--departement", help="Code du département (ex. 48, 2A, 974)."),
    pupils: int = typer.Option(..., "--pupils", min=1, help="Nombre total d'élèves à simuler."),
    months: int = typer.Option(10, "--months", min=1, max=24, help="Nombre de mois à simuler."),
    out: Path = typer.Option(..., "--out", help="Dossier de sortie."),
    seed: int = typer.Option(0, "--seed", help="Graine du générateur (même graine, mêmes fichiers)."),
    start_month: str = typer.Option("2024-09", "--start-month", help="Premier mois (AAAA-MM)."),
    max_colleges: int | None = typer.Option(
        None, "--max-colleges", min=1, help="Ne garder que les N premiers collèges."
    ),
    events_per_session: float = typer.Option(
        12.0, "--events-per-session", min=2.0, help="Nombre moyen d'événements par session."
    ),
    no_devices: bool = typer.Option(False, "--no-devices", help="Ne pas générer terminaux ni wifi."),
) -> None:
    """Génère des fichiers de démonstration dans les schémas d'entrée, avec la vérité terrain
    (ground_truth.json). Données synthétiques : « données de démonstration »."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from numeduc.demo.usage import generate as run
    from numeduc.formatting import fr_number

    console = Console(stderr=True)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("Collèges générés", total=None)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = run(
            departement,
            pupils,
            months,
            out,
            seed=seed,
            start_month=start_month,
            max_colleges=max_colleges,
            events_per_session=events_per_session,
            devices=not no_devices,
            progress=tick,
        )
    console.print(
        f"{summary.colleges} collèges, {fr_number(summary.pupils)} élèves, "
        f"{fr_number(summary.events)} événements ENT, {fr_number(summary.wifi_sessions)} sessions wifi "
        f"→ {out} (données de démonstration)"
    )


@app.command()
def ingest(
    kind: str = typer.Argument(
        ...,
        help="Type de fichier : establishments, ent_events, service_catalog, "
        "ent_accounts_snapshot, mdm_devices, mdm_checkins, wifi_sessions.",
    ),
    files: list[Path] = typer.Argument(..., help="Fichiers (CSV, JSON Lines, Parquet) ou dossiers."),
    warehouse: Path = typer.Option(..., "--warehouse", help="Dossier de l'entrepôt."),
    departement: str = typer.Option(..., "--departement", help="Département des données (choisit le sel)."),
    salt_file: Path | None = typer.Option(
        None, "--salt-file", help="Fichier contenant le sel de pseudonymisation à utiliser."
    ),
    adapter: str | None = typer.Option(
        None,
        "--adapter",
        help="Format source à convertir : ent-one (Open ENT NG), ent-stats (statistiques Open ENT NG), "
        "moodle (base), moodle-journaux (rapport « Journaux » téléchargé) ou xapi.",
    ),
    uai: str | None = typer.Option(
        None, "--uai", help="UAI du collège (adaptateurs moodle, moodle-journaux, xapi, ent-stats)."
    ),
    separateur: str | None = typer.Option(
        None,
        "--separateur",
        help="Imposer le séparateur CSV : point-virgule, virgule ou tab (défaut : détecté).",
    ),
    encodage: str | None = typer.Option(
        None, "--encodage", help="Imposer l'encodage : utf-8, utf-8-sig ou windows-1252 (défaut : détecté)."
    ),
    decimale: str | None = typer.Option(
        None, "--decimale", help="Imposer le séparateur décimal : virgule ou point (défaut : détecté)."
    ),
) -> None:
    """Valide, pseudonymise et range des fichiers dans l'entrepôt (Parquet partitionné).

    Sans fichier d'établissements, les collèges publics du département sont pris dans le
    référentiel national ; un fichier local d'établissements ajoute ou remplace des colonnes.
    Le séparateur, l'encodage et la virgule décimale des CSV sont détectés (et imposables).

    Les lignes invalides vont en quarantaine avec leur numéro et la raison ; un fichier
    déjà ingéré n'ajoute rien ; un fichier illisible est refusé en entier."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeElapsedColumn
    from rich.table import Table

    from numeduc.formatting import fr_number
    from numeduc.usage.dialects import DialectError, forced
    from numeduc.usage.ingest import ingest_file
    from numeduc.usage.readers import expand_inputs
    from numeduc.usage.schemas import KINDS
    from numeduc.usage.warehouse import SaltMismatchError

    if kind not in KINDS:
        fail(f"type de fichier inconnu « {kind} » (attendu : {', '.join(KINDS)})")
    if adapter and kind != "ent_events":
        fail("les adaptateurs ne s'appliquent qu'au type ent_events")
    try:
        dialect = forced(separateur, encodage, decimale)
    except DialectError as exc:
        fail(str(exc))
    paths = expand_inputs(files)
    console = Console(stderr=True)
    results = []
    try:
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            for path in paths:
                size = path.stat().st_size if path.is_file() else None
                task = progress.add_task(f"{path.name}", total=size)
                results.append(
                    ingest_file(
                        kind,
                        path,
                        warehouse,
                        departement,
                        salt_file=salt_file,
                        adapter=adapter,
                        adapter_options={"uai": uai} if uai else None,
                        progress=lambda n, t=task: progress.advance(t, n),
                        dialect=dialect,
                    )
                )
                progress.update(task, completed=size)
    except SaltMismatchError as exc:
        fail(str(exc))
    table = Table(title=f"Ingestion « {kind} » dans {warehouse}")
    counts = ("Lignes", "Acceptées", "Déjà là", "En quarantaine")
    for col in ("Fichier", "Statut", *counts, "Principales raisons"):
        table.add_column(col, justify="right" if col in counts else "left", no_wrap=col == "Statut")
    for r in results:
        reasons = ", ".join(f"{k} ({fr_number(v)})" for k, v in list(r.reasons.items())[:3])
        table.add_row(
            Path(r.path).name,
            r.status,
            fr_number(r.rows),
            fr_number(r.accepted),
            fr_number(r.duplicates),
            fr_number(r.rejected),
            reasons,
        )
    Console().print(table)
    for r in results:
        if r.detected:
            console.print(f"{Path(r.path).name} : {r.detected}")
        for note in r.notes:
            console.print(f"{Path(r.path).name} : {note}")
        if r.duplicates:
            console.print(
                f"{Path(r.path).name} : {fr_number(r.duplicates)} ligne(s) identiques à des lignes "
                "déjà dans l'entrepôt (export qui chevauche un précédent) : non ajoutées."
            )
        if r.rejected and r.batch_dir:
            console.print(f"Quarantaine de {Path(r.path).name} : {Path(r.batch_dir) / '_quarantine.csv'}")
    refused = [r for r in results if r.status == "refusé"]
    for r in refused:
        error(f"{r.message} — fichier refusé, rien n'a été écrit.")
    if refused:
        raise typer.Exit(EXIT_PROBLEMS)


@app.command()
def indicators(
    warehouse: Path = typer.Option(..., "--warehouse", help="Dossier de l'entrepôt."),
    backend: str = typer.Option("duckdb", "--backend", help="Moteur de calcul : duckdb ou spark."),
    month: str | None = typer.Option(None, "--month", help="Limiter à un mois (AAAA-MM)."),
    fmt: str = typer.Option(
        "csv",
        "--format",
        help="Format de sortie : csv (tableur français), csv-machine, parquet ou json.",
    ),
    output: Path | None = typer.Option(
        None, "--output", help="Fichier de sortie (défaut : sortie standard, csv ou json)."
    ),
    summary: bool = typer.Option(
        False, "--departement-summary", help="Agréger par département au lieu de détailler par collège."
    ),
) -> None:
    """Calcule les indicateurs d'usage par collège et par mois, comparés au référentiel.

    Colonnes (noms de csv-machine, parquet et json ; en-têtes français en csv) : uai, month,
    indicator, profile, value, puis numerator, denominator, departement, group, group_level,
    group_size, percentile, median, q1, q3, robust_z, fallback, fallback_reason, demo_warning
    (voir docs/exports.md)."""
    import re

    if backend not in ("duckdb", "spark"):
        fail(f"moteur inconnu « {backend} » (attendu : duckdb ou spark)")
    if fmt not in ("csv", "csv-machine", "parquet", "json"):
        fail(f"format inconnu « {fmt} » (attendu : csv, csv-machine, parquet ou json)")
    if month and not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", month):
        fail(f"mois invalide « {month} » (attendu : AAAA-MM)")
    if fmt == "parquet" and output is None:
        fail("le format parquet demande --output FICHIER")
    if not warehouse.is_dir():
        fail(f"{warehouse} : entrepôt introuvable")
    from numeduc.usage.indicators import compute_indicators, departement_summary

    try:
        df = compute_indicators(warehouse, backend=backend, month=month)
    except ValueError as exc:
        fail(str(exc))
    if summary:
        df = departement_summary(df)
    if fmt in ("csv", "csv-machine"):
        from numeduc import exports
        from numeduc.usage.export import INDICATORS_TABLE, SUMMARY_TABLE

        table = SUMMARY_TABLE if summary else INDICATORS_TABLE
        text = exports.csv_text(table, df, variant=fmt, demo=_is_demo(warehouse))
        if output:
            output.write_text(text, encoding="utf-8", newline="")
        else:
            sys.stdout.write(text)
    elif fmt == "parquet":
        df.to_parquet(output, index=False)
    elif fmt == "json":
        text = df.to_json(orient="records", force_ascii=False, lines=True)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    if output:
        typer.echo(f"{len(df)} lignes écrites dans {output}", err=True)


def _is_demo(warehouse: Path) -> bool:
    """The web demo loader marks its synthetic warehouses with this file (usage_dashboard.store)."""
    return (warehouse / "_numeduc_demo.json").is_file()


@app.command("cost")
def cost(
    warehouse: Path = typer.Option(..., "--warehouse", help="Dossier de l'entrepôt."),
    preset: str | None = typer.Option(
        None,
        "--preset",
        "-p",
        help="Préréglage de budget (défaut : livre-blanc-2017 ; voir « numeduc budget presets »).",
    ),
    scenario: Path | None = typer.Option(
        None, "--scenario", "-s", help="Fichier de scénario de budget YAML."
    ),
    scale: bool = typer.Option(
        True,
        "--scale/--no-scale",
        help="Adapter postes, salles, bornes et chariots à l'effectif de chaque collège.",
    ),
    fmt: str = typer.Option(
        "table",
        "--format",
        "-f",
        help="Format de sortie : table, csv (tableur français), csv-machine ou json.",
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Fichier de sortie (défaut : sortie standard)."
    ),
) -> None:
    """Coût par élève actif de chaque collège : coût annuel du scénario de budget divisé par le
    nombre moyen d'élèves actifs dans le mois (taux d'activité mensuel moyen × élèves inscrits).

    CSV : un collège par ligne (noms de csv-machine : uai, name, pupils, tco_year, cost_per_pupil,
    mean_mar_pupils, months, active_pupils, cost_per_active_pupil, reason, scenario, demo_warning ;
    en-têtes français en csv, voir docs/exports.md). JSON : les collèges et l'ensemble du
    département. Tableau : les deux, en format français."""
    import json

    from numeduc.budget import WHITE_PAPER_PRESET
    from numeduc.cli.budget import emit, scenario_from_options

    if fmt not in ("table", "csv", "csv-machine", "json"):
        fail(f"format inconnu « {fmt} » (attendu : table, csv, csv-machine ou json)")
    if not warehouse.is_dir():
        fail(f"{warehouse} : entrepôt introuvable")
    if scenario and not preset and not scenario.is_file():
        fail(f"{scenario} : fichier de scénario introuvable")
    # The white paper's preset unless a scenario file is given.
    chosen = scenario_from_options(preset or (None if scenario else WHITE_PAPER_PRESET), scenario)

    from numeduc.usage.cost import cost_per_active_pupil, departement_cost
    from numeduc.usage.engines import connect
    from numeduc.usage.indicators import compute_indicators, establishments_frame

    try:
        con = connect(warehouse)
        indicators = compute_indicators(con, referential=False)
        est = establishments_frame(con)
    except ValueError as exc:
        fail(str(exc))
    costs = cost_per_active_pupil(indicators, est, chosen, scale_equipment=scale)
    total = departement_cost(costs)
    demo = _is_demo(warehouse)
    if fmt in ("csv", "csv-machine"):
        from numeduc.cli.budget import emit_table
        from numeduc.usage.export import COST_TABLE

        emit_table(COST_TABLE, costs, fmt, output, demo=demo)
        return
    if fmt == "json":

        def clean(record: dict) -> dict:
            return {k: (None if isinstance(v, float) and v != v else v) for k, v in record.items()}

        payload = {
            "scenario": chosen.name,
            "scenario_label": chosen.label,
            "scale_equipment": scale,
            "colleges": [
                clean(r)
                for r in json.loads(costs.to_json(orient="records", force_ascii=False, double_precision=15))
            ],
            "departement": clean({k: (v.item() if hasattr(v, "item") else v) for k, v in total.items()}),
        }
        if demo:
            payload["avertissement"] = DEMO_MARK
        text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    else:
        text = _cost_table(costs, total, chosen, scale)
        if demo:
            text += f"{DEMO_MARK.capitalize()} : journaux synthétiques.\n"
    emit(text, output)


def _cost_table(costs, total: dict, scenario, scale: bool) -> str:
    """The Rich table as text (French number formatting), with the département's row last."""
    import io

    from rich.console import Console
    from rich.table import Table

    from numeduc.formatting import fr_euro, fr_number, fr_percent

    def pct(value) -> str:
        return fr_percent(None if value != value else float(value) * 100)

    table = Table(title=f"Coût par élève actif — {scenario.label or scenario.name}")
    with_reasons = bool((costs["reason"] != "").any() or total["reason"])
    titles = [
        "Collège",
        "UAI",
        "Élèves",
        "Coût par an",
        "Coût par élève",
        "Élèves actifs (moy.)",
        "Taux d'activité (moy.)",
        "Mois",
        "Coût par élève actif",
    ] + (["Remarque"] if with_reasons else [])
    for title in titles:
        table.add_column(title, justify="left" if title in ("Collège", "UAI", "Remarque") else "right")
    for r in list(costs.to_dict("records")) + [total]:
        is_total = r is total
        if is_total:
            table.add_section()
        pupils = r["pupils"]
        cells = [
            r["name"] or r["uai"],
            r["uai"],
            fr_number(None if pupils is None or pupils != pupils else int(pupils)),
            fr_euro(r["tco_year"]),
            fr_euro(r["cost_per_pupil"]),
            fr_number(r["active_pupils"], 0),
            pct(r["mean_mar_pupils"]),
            str(int(r["months"])),
            fr_euro(r["cost_per_active_pupil"]),
        ] + ([r["reason"]] if with_reasons else [])
        table.add_row(*[f"[bold]{c}[/bold]" if is_total and c else c for c in cells])
    console = Console(width=160, record=True, file=io.StringIO())
    console.print(table)
    how = (
        "équipement proportionnel à l'effectif de chaque collège"
        if scale
        else "équipement du scénario dans chaque collège, seul l'effectif change"
    )
    console.print(f"Scénario de budget : {scenario.label or scenario.name} ({scenario.name}), {how}.")
    console.print(
        f"Ensemble du département : coût des {total['n_measured']} collèges mesurés divisé par "
        f"leurs élèves actifs ; coût par élève sur les {total['n_colleges']} collèges."
    )
    return console.export_text()
