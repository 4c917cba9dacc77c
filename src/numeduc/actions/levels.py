"""Read factor values written as ``f01=1,f02=3`` (the CLI's ``--levels``, ``--peers``…).

Levels of a département are whole numbers 1-4; medians may fall between two levels
(``f01=2.5`` or ``f01=2,5`` is not possible inside a comma list, so the decimal point is ``.``).
Every refusal is a ``LevelsError`` whose French message names the option and the bad piece.
"""

from __future__ import annotations

import re

from numeduc.actions.model import FACTOR_IDS, HIGHEST_LEVEL, LOWEST_LEVEL

_PAIR = re.compile(r"^\s*(?P<factor>[^=\s]+)\s*=\s*(?P<value>[^=\s]+)\s*$")
_WHOLE = re.compile(r"^[0-9]+$")
_DECIMAL = re.compile(r"^[0-9]+(\.[0-9]+)?$")
# What is echoed back of the user's text: enough to find it, never a whole pasted file.
_SHOWN = 30


class LevelsError(ValueError):
    """A ``f01=1,…`` text is refused (French message naming the option and the value)."""


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def parse_factor_values(text: str, *, option: str, whole: bool) -> dict[str, float]:
    """``"f01=1,f04=2"`` → ``{"f01": 1, "f04": 2}``; ``whole`` refuses values such as ``2.5``.

    Values must lie between 1 and 4; each factor at most once; empty text gives ``{}``.
    """
    values: dict[str, float] = {}
    if not text.strip():
        return values
    expected = "un nombre entier de 1 à 4" if whole else "un nombre de 1 à 4 (décimale avec un point)"
    for piece in text.split(","):
        if not piece.strip():
            raise LevelsError(f"{option} : élément vide (virgule en trop dans « {_shown(text.strip())} »)")
        match = _PAIR.match(piece)
        if match is None:
            raise LevelsError(
                f"{option} : « {_shown(piece.strip())} » ne suit pas la forme facteur=niveau "
                f"(par exemple {option} f01=2,f04=3)"
            )
        factor, raw = match.group("factor").lower(), match.group("value")
        if factor not in FACTOR_IDS:
            raise LevelsError(
                f"{option} : facteur « {_shown(match.group('factor'))} » inconnu "
                f"(facteurs f01 à {FACTOR_IDS[-1]})"
            )
        if factor in values:
            raise LevelsError(f"{option} : facteur {factor} donné deux fois")
        pattern = _WHOLE if whole else _DECIMAL
        if not pattern.match(raw):
            raise LevelsError(f"{option} : {factor}={_shown(raw)} : {expected} attendu")
        value = float(raw)
        if not LOWEST_LEVEL <= value <= HIGHEST_LEVEL:
            raise LevelsError(
                f"{option} : {factor}={_shown(raw)} : niveau hors de l'échelle {LOWEST_LEVEL} à {HIGHEST_LEVEL}"
            )
        values[factor] = int(value) if whole else value
    return values
