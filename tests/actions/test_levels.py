"""``parse_factor_values``: the ``f01=1,f02=3`` texts of the CLI options."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from numeduc.actions import FACTOR_IDS, LevelsError, parse_factor_values


def test_reads_levels_and_medians():
    assert parse_factor_values("f01=1, f04=3 ,F13=4", option="--levels", whole=True) == {
        "f01": 1,
        "f04": 3,
        "f13": 4,
    }
    assert parse_factor_values("f02=2.5", option="--peers", whole=False) == {"f02": 2.5}
    assert parse_factor_values("  ", option="--peers", whole=False) == {}


@pytest.mark.parametrize(
    ("text", "whole", "message"),
    [
        ("f14=2", True, "--levels : facteur « f14 » inconnu (facteurs f01 à f13)"),
        ("f01=7", True, "--levels : f01=7 : niveau hors de l'échelle 1 à 4"),
        ("f01=0", True, "--levels : f01=0 : niveau hors de l'échelle 1 à 4"),
        (
            "f01:2",
            True,
            "--levels : « f01:2 » ne suit pas la forme facteur=niveau (par exemple --levels f01=2,f04=3)",
        ),
        ("f01=2.5", True, "--levels : f01=2.5 : un nombre entier de 1 à 4 attendu"),
        ("f01=deux", False, "--levels : f01=deux : un nombre de 1 à 4 (décimale avec un point) attendu"),
        ("f01=1,f01=2", True, "--levels : facteur f01 donné deux fois"),
        ("f01=1,", True, "--levels : élément vide (virgule en trop dans « f01=1, »)"),
        ("f1=2", True, "--levels : facteur « f1 » inconnu"),
        ("f01=1=2", True, "--levels : « f01=1=2 » ne suit pas la forme facteur=niveau"),
    ],
)
def test_refusals_name_the_option_and_the_value(text, whole, message):
    with pytest.raises(LevelsError) as caught:
        parse_factor_values(text, option="--levels", whole=whole)
    assert str(caught.value).startswith(message)


def test_a_long_bad_value_is_cut_in_the_message():
    with pytest.raises(LevelsError) as caught:
        parse_factor_values("x" * 500, option="--levels", whole=True)
    assert len(str(caught.value)) < 150 and "…" in str(caught.value)


@given(st.dictionaries(st.sampled_from(FACTOR_IDS), st.integers(min_value=1, max_value=4)))
def test_written_levels_read_back(levels):
    text = ",".join(f"{factor}={level}" for factor, level in levels.items())
    assert parse_factor_values(text, option="--levels", whole=True) == levels


@given(st.text(max_size=40))
def test_any_text_is_read_or_refused_with_a_levels_error(text):
    try:
        values = parse_factor_values(text, option="--peers", whole=False)
    except LevelsError as exc:
        assert str(exc).startswith("--peers : ")
    else:
        assert set(values) <= set(FACTOR_IDS)
        assert all(1 <= v <= 4 for v in values.values())
