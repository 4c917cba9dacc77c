"""``numeduc opendata …``: the open-data package (CSV, Parquet, Frictionless ``datapackage.json``)
of the configured database, the same files as ``/donnees/`` (docs/opendata.md)."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    help="Données ouvertes : fichiers CSV et Parquet décrits par un Data Package.", no_args_is_help=True
)


@app.command("export")
def export(
    output: Path = typer.Option(
        ..., "--output", "-o", help="Dossier où écrire les fichiers (créé s'il manque)."
    ),
) -> None:
    """Écrit, pour chaque campagne publiée, ce qui peut être public (agrégats d'au moins 5 réponses,
    profils partagés avec l'accord des départements, modèle de coût, actions, fiches, usages par
    groupe d'au moins 5 collèges, ressources) en CSV et Parquet, avec datapackage.json."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from numeduc.cli.django_setup import setup_django
    from numeduc.cli.errors import fail

    setup_django()
    from numeduc.web.opendata import data

    if output.exists() and not output.is_dir():
        fail(f"--output : « {output} » existe et n'est pas un dossier.")
    console = Console(stderr=True)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("Données ouvertes", total=len(data.STEPS) + 1)

        def tick(step: str) -> None:
            progress.update(task, advance=1, description=f"Données ouvertes : {step}")

        package = data.export(output, progress=tick)
        progress.update(task, advance=1, description="Données ouvertes : fichiers écrits")
    files = len(package["resources"])
    mark = " (données de démonstration)" if package.get("numeduc:demo") else ""
    console.print(f"{files} fichiers et datapackage.json écrits dans {output}{mark}.")
