"""School calendar: school days by holiday zone, time zone by département.

Holiday dates are the national calendar of metropolitan France for 2024-2025 and 2025-2026
(arrêtés fixing the school calendar; Corsica and overseas départements have their own calendars
and are approximated here: Corsica uses zone A, overseas départements zone C, with their own
time zone).  A holiday period is given as (first day without class, day classes resume).
Indicators normalise by school days, so users can replace this calendar with their own.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

D = dt.date

# (first day of the school year, first day of the summer holidays)
SCHOOL_YEARS = {
    "2024-2025": (D(2024, 9, 2), D(2025, 7, 5)),
    "2025-2026": (D(2025, 9, 1), D(2026, 7, 4)),
}

_COMMON = {
    "2024-2025": [
        (D(2024, 10, 19), D(2024, 11, 4)),  # Toussaint
        (D(2024, 12, 21), D(2025, 1, 6)),  # Noël
        (D(2025, 5, 29), D(2025, 6, 2)),  # pont de l'Ascension
    ],
    "2025-2026": [
        (D(2025, 10, 18), D(2025, 11, 3)),
        (D(2025, 12, 20), D(2026, 1, 5)),
        (D(2026, 5, 14), D(2026, 5, 18)),
    ],
}
_BY_ZONE = {
    ("2024-2025", "A"): [(D(2025, 2, 22), D(2025, 3, 10)), (D(2025, 4, 19), D(2025, 5, 5))],
    ("2024-2025", "B"): [(D(2025, 2, 8), D(2025, 2, 24)), (D(2025, 4, 5), D(2025, 4, 22))],
    ("2024-2025", "C"): [(D(2025, 2, 15), D(2025, 3, 3)), (D(2025, 4, 12), D(2025, 4, 28))],
    ("2025-2026", "A"): [(D(2026, 2, 7), D(2026, 2, 23)), (D(2026, 4, 4), D(2026, 4, 20))],
    ("2025-2026", "B"): [(D(2026, 2, 14), D(2026, 3, 2)), (D(2026, 4, 11), D(2026, 4, 27))],
    ("2025-2026", "C"): [(D(2026, 2, 21), D(2026, 3, 9)), (D(2026, 4, 18), D(2026, 5, 4))],
}
PUBLIC_HOLIDAYS = {
    D(2024, 11, 1),
    D(2024, 11, 11),
    D(2024, 12, 25),
    D(2025, 1, 1),
    D(2025, 4, 21),
    D(2025, 5, 1),
    D(2025, 5, 8),
    D(2025, 5, 29),
    D(2025, 6, 9),
    D(2025, 11, 1),
    D(2025, 11, 11),
    D(2025, 12, 25),
    D(2026, 1, 1),
    D(2026, 4, 6),
    D(2026, 5, 1),
    D(2026, 5, 8),
    D(2026, 5, 14),
    D(2026, 5, 25),
}

ZONE_BY_ACADEMIE = {
    **dict.fromkeys(
        [
            "BESANCON",
            "BORDEAUX",
            "CLERMONT-FERRAND",
            "DIJON",
            "GRENOBLE",
            "LIMOGES",
            "LYON",
            "POITIERS",
            "CORSE",
        ],
        "A",
    ),
    **dict.fromkeys(
        [
            "AIX-MARSEILLE",
            "AMIENS",
            "CAEN",
            "LILLE",
            "NANCY-METZ",
            "NANTES",
            "NICE",
            "ORLEANS-TOURS",
            "REIMS",
            "RENNES",
            "ROUEN",
            "STRASBOURG",
        ],
        "B",
    ),
    **dict.fromkeys(
        [
            "CRETEIL",
            "MONTPELLIER",
            "PARIS",
            "TOULOUSE",
            "VERSAILLES",
            "GUADELOUPE",
            "GUYANE",
            "LA REUNION",
            "MARTINIQUE",
            "MAYOTTE",
        ],
        "C",
    ),
}
TZ_BY_DEPARTEMENT = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "976": "Indian/Mayotte",
}
# School hours (local time): events outside Mon-Fri 08:00-17:30 on school days are
# "hors temps scolaire".
SCHOOL_START_MIN = 8 * 60
SCHOOL_END_MIN = 17 * 60 + 30


def timezone_for(departement: str) -> ZoneInfo:
    return ZoneInfo(TZ_BY_DEPARTEMENT.get(departement, "Europe/Paris"))


@lru_cache(maxsize=1)
def _academies() -> dict[str, str]:
    path = resources.files("numeduc.data.reference") / "academies.csv"
    with path.open(encoding="utf-8") as fh:
        return {r["departement_code"]: r["academie_name"] for r in csv.DictReader(fh)}


def holiday_zone_for(departement: str) -> str:
    return ZONE_BY_ACADEMIE.get(_academies().get(departement, ""), "C")


def school_year_of(day: dt.date) -> str:
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{start + 1}"


@lru_cache(maxsize=64)
def _holidays(school_year: str, zone: str) -> tuple[tuple[dt.date, dt.date], ...]:
    return tuple(_COMMON.get(school_year, []) + _BY_ZONE.get((school_year, zone), []))


def is_school_day(day: dt.date, zone: str) -> bool:
    """Monday to Friday, inside the school year, outside holidays and public holidays."""
    if day.weekday() >= 5 or day in PUBLIC_HOLIDAYS:
        return False
    year = school_year_of(day)
    if year not in SCHOOL_YEARS:
        # Outside the known calendars: every weekday of September-June counts.
        return day.month not in (7, 8)
    first, summer = SCHOOL_YEARS[year]
    if not (first <= day < summer):
        return False
    return not any(start <= day < end for start, end in _holidays(year, zone))


def month_days(month: str) -> list[dt.date]:
    year, mon = int(month[:4]), int(month[5:7])
    day = D(year, mon, 1)
    out = []
    while day.month == mon:
        out.append(day)
        day += dt.timedelta(days=1)
    return out


def school_days_in_month(month: str, zone: str) -> int:
    return sum(is_school_day(d, zone) for d in month_days(month))


def utc_offset_minutes(day: dt.date, tz: ZoneInfo) -> int:
    """Offset of local time from UTC at local noon of ``day`` (DST changes happen on Sundays
    at night, outside school hours)."""
    noon = dt.datetime(day.year, day.month, day.day, 12, tzinfo=tz)
    offset = noon.utcoffset()
    assert offset is not None  # an aware datetime always has one
    return int(offset.total_seconds() // 60)


def week_number(day_no):
    """Monday-based week number of a day number (days since 1970-01-01, a Thursday); works on
    ints, numpy arrays and Ibis expressions alike."""
    return (day_no + 3) // 7


def standard_offset_s(departement: str, year: int) -> int:
    """The département's UTC offset in winter, in seconds. Weeks are cut at Monday 00:00 in
    standard time (in summer that is 01:00 local: activity around that midnight is rare)."""
    return utc_offset_minutes(dt.date(year, 1, 15), timezone_for(str(departement))) * 60


def months_between(first: str, count: int) -> list[str]:
    year, mon = int(first[:4]), int(first[5:7])
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{mon:02d}")
        mon += 1
        if mon == 13:
            year, mon = year + 1, 1
    return out
