import datetime as dt

from numeduc.formatting import fr_date, fr_euro, fr_number, fr_percent


def test_paper_total_is_written_the_french_way():
    assert fr_euro(45451.43) == "45\u202f451,43\u00a0€"


def test_rounding_is_half_away_from_zero():
    assert fr_number(113.625, 2) == "113,63"
    assert fr_number(-2.5) == "-3"
    assert fr_number(-0.004, 2) == "0,00"


def test_millions_and_missing():
    assert fr_number(2_840_000) == "2\u202f840\u202f000"
    assert fr_number(None) == "—"
    assert fr_number(float("nan")) == "—"


def test_percent_and_date():
    assert fr_percent(44.2) == "44,2\u00a0%"
    assert fr_date(dt.date(2017, 3, 1)) == "1er mars 2017"
    assert fr_date(dt.date(2018, 12, 15)) == "15 décembre 2018"
