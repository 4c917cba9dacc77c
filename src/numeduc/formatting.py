"""French formatting of numbers, money, percentages and dates (one place for all faces).

French typography: a narrow no-break space (U+202F) groups thousands, a comma marks decimals,
and a no-break space (U+00A0) stands before the units "€" and "%": ``45 451,43 €``.
"""

from __future__ import annotations

import datetime as dt
import math
import re

THOUSANDS = "\u202f"
NBSP = "\u00a0"

_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def fr_number(value: float | int | None, decimals: int = 0, *, missing: str = "—") -> str:
    """``1234567.891, 2`` -> ``1 234 567,89`` (rounded half away from zero, like a cash register)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    quantum = 10**decimals
    scaled = abs(value) * quantum
    rounded = math.floor(scaled + 0.5 + 1e-9)
    integer, fraction = divmod(rounded, quantum)
    groups = f"{int(integer):,}".replace(",", THOUSANDS)
    sign = "-" if value < 0 and rounded != 0 else ""
    if decimals <= 0:
        return f"{sign}{groups}"
    return f"{sign}{groups},{int(fraction):0{decimals}d}"


def fr_euro(value: float | None, decimals: int = 2, *, missing: str = "—") -> str:
    """``45451.43`` -> ``45 451,43 €``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    return f"{fr_number(value, decimals)}{NBSP}€"


def fr_percent(value: float | None, decimals: int = 1, *, missing: str = "—") -> str:
    """Takes a percentage already multiplied by 100: ``44.2`` -> ``44,2 %``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    return f"{fr_number(value, decimals)}{NBSP}%"


def fr_date(value: dt.date | dt.datetime | None, *, missing: str = "—") -> str:
    """``2017-03-01`` -> ``1er mars 2017``."""
    if value is None:
        return missing
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {_MONTHS[value.month - 1]} {value.year}"


def fr_time(value: dt.datetime | dt.time, *, seconds: bool = False) -> str:
    """``14:05`` -> ``14 h 05`` (French typography); with ``seconds``: ``14 h 05 min 09 s``."""
    text = f"{value.hour} h {value.minute:02d}"
    return f"{text} min {value.second:02d} s" if seconds else text


def fr_datetime(value: dt.datetime | None, *, seconds: bool = False, missing: str = "—") -> str:
    """``2018-03-01 14:05`` -> ``1er mars 2018 à 14 h 05``, in the time zone ``value`` carries
    (the web layer converts to local time first)."""
    if value is None:
        return missing
    return f"{fr_date(value)} à {fr_time(value, seconds=seconds)}"


# jj/mm/aaaa (also with - or . between, the same both times) or ISO aaaa-mm-jj; ASCII digits only.
_FR_DATE = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


def parse_fr_date(text: str) -> dt.date:
    """A date typed by a French user: ``30/06/2099`` (jj/mm/aaaa, also with - or .) or ISO
    ``2099-06-30``; surrounding spaces ignored. Raises ``ValueError`` otherwise (the caller says
    which field, in French). Two-digit years are refused: « 30/06/99 » could be 1999 or 2099."""
    cleaned = text.strip()
    if match := _FR_DATE.fullmatch(cleaned):
        day, _, month, year = match.groups()
    elif match := _ISO_DATE.fullmatch(cleaned):
        year, month, day = match.groups()
    else:
        raise ValueError(f"date non reconnue : {text!r}")
    return dt.date(int(year), int(month), int(day))  # ValueError for 31/02 or month 13
