"""``numeduc reference load``: the territories from the package's reference data."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from .django_setup import migrate, setup_django

app = typer.Typer(help="Données de référence (départements, académies, collèges).", no_args_is_help=True)


@app.command("load")
def load() -> None:
    """Charge (ou met à jour) départements, académies et collèges ; sans effet si rien n'a changé."""
    setup_django()
    migrate()
    from numeduc.web.territories.loading import load_reference

    report = load_reference()
    table = Table(title="Données de référence")
    table.add_column("Jeu")
    table.add_column("Créés", justify="right")
    table.add_column("Mis à jour", justify="right")
    for name in ("academies", "departements", "colleges"):
        created, updated = getattr(report, name)
        table.add_row(name, str(created), str(updated))
    Console().print(table)
