"""Entry point of the ``numeduc`` command.

Each family of commands lives in its own module and is registered here, so that
``numeduc --help`` lists them all.  Modules import their heavy dependencies
lazily inside the commands to keep ``numeduc --help`` fast.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="numeduc",
    help="numeduc : pilotage du numérique éducatif des départements.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# Sub-command families (one line each; keep alphabetical).
# -- registered families below --
from numeduc.cli import demo as _demo  # noqa: E402
from numeduc.cli import questionnaires as _questionnaires  # noqa: E402
from numeduc.cli import reference as _reference  # noqa: E402
from numeduc.cli import users as _users  # noqa: E402
from numeduc.cli import web as _web  # noqa: E402

app.add_typer(_demo.app, name="demo")
app.add_typer(_questionnaires.app, name="questionnaires")
app.add_typer(_reference.app, name="reference")
app.add_typer(_users.app, name="users")
app.command("serve")(_web.serve)
app.command("manage", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
    _web.manage
)
from numeduc.cli import budget as _budget  # noqa: E402
from numeduc.cli import stats as _stats  # noqa: E402

app.add_typer(_budget.app, name="budget")
app.add_typer(_stats.app, name="stats")
from numeduc.cli import usage as _usage  # noqa: E402

app.add_typer(_usage.app, name="usage")
from numeduc.cli import actions as _actions  # noqa: E402

app.add_typer(_actions.app, name="actions")
from numeduc.cli import surveys as _surveys  # noqa: E402

app.add_typer(_surveys.app, name="surveys")
from numeduc.cli import experiences as _experiences  # noqa: E402

app.add_typer(_experiences.app, name="experiences")
from numeduc.cli import report as _report  # noqa: E402

app.add_typer(_report.app, name="report")
from numeduc.cli import opendata as _opendata  # noqa: E402

app.add_typer(_opendata.app, name="opendata")


@app.command()
def version() -> None:
    """Affiche la version de numeduc."""
    from numeduc import __version__

    typer.echo(__version__)


if __name__ == "__main__":  # pragma: no cover
    app()
