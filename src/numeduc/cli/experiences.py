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


def _database_versions() -> dict[str, dict]:
    """The départements' own published sheets of the configured database, by code ({} when the
    database is not set up: the shipped sheets are still listed)."""
    from django.db import DatabaseError

    from numeduc.cli.django_setup import setup_django

    setup_django()
    from numeduc.web.experiences.data import published_versions

    try:
        versions = published_versions()
    except DatabaseError:
        typer.echo(
            "Base de données non initialisée (« numeduc manage migrate ») : seules les fiches livrées sont listées.",
            err=True,
        )
        return {}
    return {
        code: {
            "number": v.number,
            "content": v.content,
            "demo": v.is_demo,
            "open_data": v.sheet.share_open_data,
        }
        for code, v in versions.items()
    }


def published_sheets(directory: Path | None = None, *, database: bool = True) -> list[dict]:
    """Every published sheet as ``sheet_dict``: the shipped ones (the paper's) and, with
    ``database``, the départements' own published versions (``departement_version``), the
    département's key figures computed from the reference data."""
    from numeduc import reference
    from numeduc.experiences import key_figures
    from numeduc.experiences.serialise import sheet_dict

    sheets = _load(directory)
    deps, colleges = reference.departements(), reference.colleges()
    versions = _database_versions() if database else {}
    out = []
    for sheet in sheets.all():
        figures = key_figures(sheet.code, deps, colleges, sheet) if sheet.kind == "departement" else None
        row = sheet_dict(sheet, figures)
        row["source"] = "livre-blanc-2017"
        version = versions.pop(sheet.code, None) if sheet.kind == "departement" else None
        if version is not None:
            row["title"] = version["content"].get("title") or row["title"]
            row["departement_version"] = version
        out.append(row)
    for code, version in sorted(versions.items()):
        if code not in deps.index:
            continue
        out.append(
            {
                "kind": "departement",
                "code": code,
                "title": version["content"].get("title", ""),
                "source": "departement",
                "key_figures": {
                    f.key: {
                        "label": f.label,
                        "unit": f.unit,
                        "value": f.value,
                        "year": f.year,
                        "source": f.source,
                    }
                    for f in key_figures(code, deps, colleges)
                },
                "departement_version": version,
            }
        )
    return out


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
