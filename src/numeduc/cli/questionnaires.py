"""``numeduc questionnaires``: list the shipped questionnaires and validate a questionnaire file."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from numeduc.cli.errors import fail

app = typer.Typer(help="Questionnaires (fichiers YAML versionnés).", no_args_is_help=True)


@app.command("list")
def list_questionnaires() -> None:
    """Liste les questionnaires livrés avec numeduc."""
    from numeduc.questionnaires import available_questionnaires, load_questionnaire

    table = Table(title="Questionnaires disponibles")
    for column in ("Identifiant", "Version", "Titre", "Public", "Questions"):
        table.add_column(column)
    for slug, version in available_questionnaires():
        questionnaire = load_questionnaire(slug, version)
        table.add_row(
            slug, version, questionnaire.title, questionnaire.audience, str(len(questionnaire.items))
        )
    Console(width=max(Console().width, 110)).print(table)


@app.command("validate")
def validate(path: Path = typer.Argument(..., help="Fichier YAML à vérifier.")) -> None:
    """Vérifie un fichier de questionnaire ; liste toutes les erreurs (fichier, champ, ligne)."""
    from numeduc.questionnaires import QuestionnaireError, load_questionnaire_file

    try:
        questionnaire = load_questionnaire_file(path)
    except QuestionnaireError as exc:
        fail(str(exc))
    typer.echo(
        f"{path} : valide — « {questionnaire.title} », version {questionnaire.version}, "
        f"{len(questionnaire.items)} questions."
    )
