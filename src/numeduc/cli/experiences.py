"""``numeduc experiences``: validate the département and country sheets, and list them.

The sheets and their key figures live in the pure core (``numeduc.experiences``); this module
reads the options, reports problems through ``numeduc.cli.errors.fail`` (exit 2, French) and
prints a Rich table or JSON."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer

from numeduc.cli.errors import fail

app = typer.Typer(help="Fiches d'expérience des départements et des pays.", no_args_is_help=True)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


FORMAT_OPT = typer.Option(OutputFormat.table, "--format", help="table lisible (par défaut) ou json.")


def _load(directory: Path | None):
    from numeduc.experiences import ExperienceError, load_sheets

    try:
        return load_sheets(directory)
    except ExperienceError as exc:
        fail(str(exc))


def published_sheets(directory: Path | None = None) -> list[dict]:
    """Every published sheet (``numeduc.web.experiences.data.sheet_rows``): the shipped ones and
    the départements' own of the configured database (only the shipped ones, with a note, when
    the database is not set up)."""
    from django.db import DatabaseError

    from numeduc.cli.django_setup import setup_django

    sheets = _load(directory)
    setup_django()
    from numeduc.web.experiences.data import sheet_rows

    try:
        return sheet_rows(sheets)
    except DatabaseError:
        typer.echo(
            "Base de données non initialisée (« numeduc manage migrate ») : seules les fiches livrées sont listées.",
            err=True,
        )
        return sheet_rows(sheets, database=False)


@app.command("validate")
def validate(
    directory: Path | None = typer.Argument(
        None, help="Dossier des fiches (par défaut : les fiches livrées avec numeduc)."
    ),
) -> None:
    """Vérifie les fiches ; liste toutes les erreurs (fichier, champ, ligne)."""
    sheets = _load(directory)
    where = str(directory) if directory is not None else "Fiches livrées avec numeduc"
    typer.echo(
        f"{where} : valides — {len(sheets.departements)} fiches de départements, "
        f"{len(sheets.countries)} fiches de pays."
    )


@app.command("list")
def list_sheets(
    output_format: OutputFormat = FORMAT_OPT,
    directory: Path | None = typer.Option(None, "--directory", help="Dossier des fiches à lire."),
) -> None:
    """Liste les fiches publiées, avec les chiffres clés des départements calculés sur les données
    de référence (et le chiffre du livre blanc de 2017 à côté)."""
    rows = published_sheets(directory)
    if output_format == OutputFormat.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Fiches d'expérience publiées")
    for header in ("Type", "Code", "Titre", "Collèges publics", "Collégiens (public)"):
        table.add_column(header)
    for row in rows:
        figures = row["key_figures"] if row["kind"] == "departement" else {}
        colleges, pupils = figures.get("public_colleges"), figures.get("pupils")
        table.add_row(
            "département" if row["kind"] == "departement" else "pays",
            row["code"],
            row["title"],
            f"{colleges['value']:.0f} ({colleges['year']})"
            if colleges and colleges["value"] is not None
            else "—",
            f"{pupils['value']:.0f} ({pupils['year']})" if pupils and pupils["value"] is not None else "—",
        )
    Console(width=160).print(table)
