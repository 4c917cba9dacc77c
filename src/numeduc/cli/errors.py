"""The one way a ``numeduc`` command reports an error and the exit codes (docs/cli.md).

- ``EXIT_OK`` (0): done;
- ``EXIT_PROBLEMS`` (1): the command ran and found problems in what it processed (e.g. an
  ingested file refused while the others went in);
- ``EXIT_USAGE`` (2): bad input — an unknown option value, a missing or invalid file, a value
  out of its bounds; nothing was done.

Messages are French, start with « Erreur : » and go to stderr, never a Python traceback.
"""

from __future__ import annotations

from typing import NoReturn

import typer

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def error(message: str) -> None:
    """Print « Erreur : message » on stderr (Rich, no markup, no wrapping) without exiting."""
    from rich.console import Console

    Console(stderr=True, soft_wrap=True, markup=False, highlight=False, emoji=False).print(
        f"Erreur : {message}", style="red"
    )


def fail(message: str, *, code: int = EXIT_USAGE) -> NoReturn:
    """Print the French ``message`` on stderr and stop the command with ``code``."""
    error(message)
    raise typer.Exit(code)


__all__ = ["EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "error", "fail"]
