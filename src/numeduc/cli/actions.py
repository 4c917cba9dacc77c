"""``numeduc actions``: validate the action catalogue, list it, and suggest actions to a département.

The catalogue and the suggestion rules live in the pure core (``numeduc.actions``); this module
reads the options, reports bad input through ``numeduc.cli.errors.fail`` (exit 2, French message
naming the option and the value) and prints a Rich table or JSON on stdout.
"""

from __future__ import annotations

import json
import re
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from numeduc.cli.errors import fail

if TYPE_CHECKING:
    from numeduc.actions import Action, Suggestion

app = typer.Typer(help="Catalogue d'actions et suggestions par département.", no_args_is_help=True)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


FORMAT_OPT = typer.Option(OutputFormat.table, "--format", help="table lisible (par défaut) ou json.")
_AMOUNT = re.compile(r"^[0-9]+(?:[.,][0-9]+)?$")
_WHOLE = re.compile(r"^[0-9]+$")
_SHOWN = 30


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def _load(directory: Path | None):
    from numeduc.actions import ActionCatalogueError, load_catalogue

    try:
        return load_catalogue(directory)
    except ActionCatalogueError as exc:
        fail(str(exc))


@app.command("validate")
def validate(
    directory: Path | None = typer.Argument(
        None, help="Dossier des fichiers YAML du catalogue (par défaut : le catalogue livré avec numeduc)."
    ),
) -> None:
    """Vérifie le catalogue d'actions ; liste toutes les erreurs (fichier, champ, ligne)."""
    catalogue = _load(directory)
    files = sorted({action.file for action in catalogue})
    where = str(directory) if directory is not None else "Catalogue livré avec numeduc"
    typer.echo(
        f"{where} : valide — {len(catalogue)} actions dans {len(files)} fichier{'s' if len(files) > 1 else ''}."
    )


def _action_dict(action: Action) -> dict[str, Any]:
    from numeduc.actions.serialise import action_dict

    return action_dict(action)


def _suggestion_dict(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "rank": suggestion.rank,
        **_action_dict(suggestion.action),
        "factor": suggestion.factor,
        "level": suggestion.level,
        "target_level": suggestion.target_level,
        "reason": suggestion.reason,
        "yearly_cost": suggestion.yearly_cost,
        "prerequisite_of": list(suggestion.prerequisite_of),
    }


def _print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False))


def _console():
    from rich.console import Console

    return Console(width=max(Console().width, 120))


@app.command("catalogue")
def catalogue(fmt: OutputFormat = FORMAT_OPT) -> None:
    """Affiche tout le catalogue d'actions livré avec numeduc."""
    actions = _load(None)
    if fmt == OutputFormat.json:
        _print_json([_action_dict(action) for action in actions])
        return
    from rich.table import Table

    table = Table(title=f"Catalogue d'actions ({len(actions)} actions)")
    for column in ("Famille", "Identifiant", "Action", "Facteurs", "Préalables"):
        table.add_column(column)
    for action in actions:
        factors = ", ".join(f"{t.factor} {t.from_level}→{t.to_level}" for t in action.factors)
        table.add_row(action.family_label, action.id, action.title, factors, ", ".join(action.prerequisites))
    _console().print(table)


def _values(text: str | None, option: str, *, whole: bool) -> dict[str, float]:
    from numeduc.actions import LevelsError, parse_factor_values

    if text is None:
        return {}
    try:
        return parse_factor_values(text, option=option, whole=whole)
    except LevelsError as exc:
        fail(str(exc))


def _amount(text: str | None, option: str) -> float | None:
    if text is None:
        return None
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text)
    if not _AMOUNT.match(cleaned):
        fail(f"{option} : « {_shown(text)} » n'est pas un montant en euros (par exemple {option} 150000)")
    return float(cleaned.replace(",", "."))


def _whole(text: str | None, option: str, what: str) -> int | None:
    if text is None:
        return None
    cleaned = text.strip()
    if not _WHOLE.match(cleaned) or int(cleaned) < 1:
        fail(f"{option} : « {_shown(text)} » : {what} (nombre entier d'au moins 1) attendu")
    return int(cleaned)


@app.command("suggest")
def suggest_command(
    levels: str = typer.Option(
        ...,
        "--levels",
        help="Niveaux du département, 1 à 4 : f01=1,f02=3,… (facteurs absents : non répondus).",
    ),
    peers: str | None = typer.Option(
        None, "--peers", help="Médianes des départements comparables : f01=2,f02=2.5,…"
    ),
    national: str | None = typer.Option(None, "--national", help="Médianes nationales : f01=2,…"),
    previous: str | None = typer.Option(
        None, "--previous", help="Niveaux du département à la campagne précédente : f01=2,…"
    ),
    budget: str | None = typer.Option(
        None,
        "--budget",
        help="Plafond en euros par an pour l'ensemble des actions suggérées (demande --colleges).",
    ),
    colleges: str | None = typer.Option(
        None, "--colleges", help="Nombre de collèges publics du département."
    ),
    limit: str | None = typer.Option(None, "--limit", help="Nombre maximal de suggestions."),
    fmt: OutputFormat = FORMAT_OPT,
) -> None:
    """Suggère des actions du catalogue, par ordre de priorité, avec la raison de chacune."""
    from numeduc.actions import Situation, SituationError, suggest

    own = _values(levels, "--levels", whole=True)
    if not own:
        fail("--levels : aucun niveau donné (par exemple --levels f01=1,f02=3)")
    situation = Situation(
        levels=own,
        peer_medians=_values(peers, "--peers", whole=False),
        national_medians=_values(national, "--national", whole=False),
        previous_levels=_values(previous, "--previous", whole=True),
        budget_per_year=_amount(budget, "--budget"),
        colleges=_whole(colleges, "--colleges", "nombre de collèges"),
    )
    if situation.budget_per_year is not None and situation.colleges is None:
        fail("--budget demande aussi --colleges (une partie des coûts est donnée par collège)")
    count = _whole(limit, "--limit", "nombre de suggestions")
    try:
        suggestions = suggest(_load(None), situation, limit=count)
    except SituationError as exc:
        fail(str(exc))
    if fmt == OutputFormat.json:
        _print_json([_suggestion_dict(s) for s in suggestions])
        return
    if not suggestions:
        typer.echo("Aucune action à suggérer : les niveaux donnés atteignent déjà ce que visent les actions.")
        return
    from rich.table import Table

    from numeduc.formatting import fr_euro

    table = Table(title="Actions suggérées, par ordre de priorité")
    for column in ("Rang", "Action", "Pourquoi", "Coût par an", "Source"):
        table.add_column(column)
    for s in suggestions:
        if s.yearly_cost is None:  # a per-collège cost without --colleges
            cost = f"{fr_euro(s.action.cost.yearly(1), 0)} par collège"
        else:
            cost = fr_euro(s.yearly_cost, 0)
        table.add_row(
            str(s.rank), f"{s.action.title}\n({s.action.id})", s.reason, cost, s.action.source.describe()
        )
    _console().print(table)
