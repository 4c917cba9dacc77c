"""Typed French dates and French times (numeduc.formatting)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from numeduc.formatting import fr_date, fr_datetime, fr_time, parse_fr_date


def test_times_in_french_typography():
    assert fr_time(dt.time(14, 5)) == "14 h 05"
    assert fr_time(dt.time(0, 0, 9), seconds=True) == "0 h 00 min 09 s"
    assert fr_datetime(dt.datetime(2018, 3, 1, 9, 30)) == "1er mars 2018 à 9 h 30"
    assert fr_datetime(None) == "—"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("30/06/2099", dt.date(2099, 6, 30)),
        ("1/3/2018", dt.date(2018, 3, 1)),
        ("01.03.2018", dt.date(2018, 3, 1)),
        ("01-03-2018", dt.date(2018, 3, 1)),
        ("2018-03-01", dt.date(2018, 3, 1)),
        ("  2018-3-1\t", dt.date(2018, 3, 1)),
    ],
)
def test_parse_french_and_iso_dates(typed, expected):
    assert parse_fr_date(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "30/06/99",
        "06/31/2099",
        "29/02/2019",
        "30/06-2099",
        "2099/06/30",
        "30 juin 2099",
        "３０/０６/２０９９",
    ],
)
def test_ambiguous_or_impossible_dates_are_refused(typed):
    with pytest.raises(ValueError):
        parse_fr_date(typed)


@given(st.dates(min_value=dt.date(1000, 1, 1)), st.sampled_from(["/", "-", "."]))
def test_every_date_reads_back_from_its_french_and_iso_spellings(day, sep):
    assert parse_fr_date(day.strftime(f"%d{sep}%m{sep}%Y")) == day
    assert parse_fr_date(day.isoformat()) == day
    assert parse_fr_date(f"{day.day}{sep}{day.month}{sep}{day.year}") == day


@given(st.text(max_size=30))
def test_any_text_is_a_date_or_a_value_error(text):
    try:
        day = parse_fr_date(text)
    except ValueError:
        return
    assert isinstance(day, dt.date)
    assert fr_date(day).endswith(str(day.year))
