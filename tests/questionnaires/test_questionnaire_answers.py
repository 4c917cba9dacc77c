"""Item.parse (form strings -> values) and Item.display (values -> French)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numeduc.formatting import NBSP
from numeduc.questionnaires import (
    COMMENT_MAX_LENGTH,
    AnswerError,
    Choice,
    Item,
    LevelDescriptor,
    clean_comment,
    load_questionnaire,
)
from numeduc.text import find_refused

PERCENT = Item(id="part", type="number", label="Part", unit="%", min=0.0, max=100.0)
BUDGET = Item(id="budget", type="number", label="Budget", unit="€/élève/an", min=0.0, max=2000.0)
COUNT = Item(id="nb", type="number", label="Nombre", unit="élèves", min=0.0, max=500000.0, integer=True)
FREE = Item(id="libre", type="number", label="Libre")
LEVEL = Item(
    id="niv",
    type="level",
    label="Niveau",
    levels=tuple(LevelDescriptor(v, f"Étiquette {v}", f"Fait {v}") for v in (1, 2, 3, 4)),
)
CHOICE = Item(
    id="ch",
    type="choice",
    label="Choix",
    choices=(Choice("etat", "L'État"), Choice("departement", "Le département")),
)
TEXT = Item(id="txt", type="text", label="Texte", max_length=20)


@pytest.mark.parametrize("item", [PERCENT, BUDGET, COUNT, FREE, LEVEL, CHOICE, TEXT])
@pytest.mark.parametrize("raw", [None, "", "   ", "\t\n"])
def test_blank_is_none(item, raw):
    assert item.parse(raw) is None


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=100, places=3, allow_nan=False))
def test_numbers_in_bounds_round_trip_with_french_comma(value):
    text = format(value, "f")
    expected = float(text)
    assert PERCENT.parse(text) == pytest.approx(expected)
    assert PERCENT.parse(text.replace(".", ",")) == pytest.approx(expected)
    assert PERCENT.parse(f"  {text.replace('.', ',')} %") == pytest.approx(expected)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).filter(lambda v: v < 0 or v > 2000))
def test_out_of_bounds_refused(value):
    with pytest.raises(AnswerError, match="Budget"):
        BUDGET.parse(repr(value).replace(".", ","))


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=500000))
def test_integers_round_trip_with_grouping_spaces(value):
    assert COUNT.parse(str(value)) == value
    assert isinstance(COUNT.parse(str(value)), int)
    grouped = f"{value:,}".replace(",", "\u202f")
    assert COUNT.parse(grouped) == value
    assert COUNT.parse(f"{value:,}".replace(",", " ")) == value
    # what the display shows is accepted back
    assert COUNT.parse(COUNT.display(value)) == value


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=0, max_value=2000, allow_nan=False))
def test_display_of_budget_parses_back_close(value):
    shown = BUDGET.display(value)
    assert shown.endswith(f"{NBSP}€/élève/an")
    assert BUDGET.parse(shown) == pytest.approx(value, abs=0.051)


@pytest.mark.parametrize("raw", ["abc", "12,5,3", "1.234,5", "1e3x", "nan", "inf", "--2", "1_000", "12 €€"])
def test_not_a_number(raw):
    with pytest.raises(AnswerError):
        FREE.parse(raw)


def test_integer_refuses_decimals_and_accepts_whole_decimal():
    with pytest.raises(AnswerError, match="entier"):
        COUNT.parse("12,5")
    assert COUNT.parse("12,0") == 12


def test_messages_are_french_and_name_the_question():
    with pytest.raises(AnswerError, match=r"« Part » : la valeur doit être au plus 100"):
        PERCENT.parse("120")
    with pytest.raises(AnswerError, match=r"« Part » : la valeur doit être au moins 0"):
        PERCENT.parse("-1")
    with pytest.raises(AnswerError, match="n'est pas un nombre"):
        PERCENT.parse("beaucoup")


@given(st.sampled_from([1, 2, 3, 4]))
def test_levels(value):
    assert LEVEL.parse(str(value)) == value
    assert LEVEL.parse(f" {value} ") == value
    assert LEVEL.display(value) == f"Niveau {value} — Étiquette {value}"


@pytest.mark.parametrize("raw", ["0", "5", "-1", "2.5", "deux", "１"])
def test_bad_levels(raw):
    with pytest.raises(AnswerError, match="niveau entre 1 et 4"):
        LEVEL.parse(raw)


@given(st.text(min_size=1, max_size=12).filter(lambda s: s.strip() not in {"etat", "departement", ""}))
def test_unknown_choices_refused(raw):
    # A control character is refused first (and never echoed back inside « … »).
    expected = "caractère" if find_refused(raw.strip()) else "inconnue"
    with pytest.raises(AnswerError, match=expected):
        CHOICE.parse(raw)


def test_choices():
    assert CHOICE.parse("etat") == "etat"
    assert CHOICE.parse(" departement ") == "departement"
    assert CHOICE.display("etat") == "L'État"
    with pytest.raises(AnswerError):
        CHOICE.parse("ETAT")


@given(st.text(max_size=40))
def test_text_length(raw):
    stripped = raw.strip()
    if not stripped:
        assert TEXT.parse(raw) is None
    elif find_refused(stripped, multiline=True):
        with pytest.raises(AnswerError, match="caractère"):
            TEXT.parse(raw)
    elif len(stripped) <= 20:
        assert TEXT.parse(raw) == stripped
    else:
        with pytest.raises(AnswerError, match="20 au plus"):
            TEXT.parse(raw)


def test_display():
    assert BUDGET.display(120) == f"120{NBSP}€/élève/an"
    assert BUDGET.display(112.5) == f"112,5{NBSP}€/élève/an"
    assert PERCENT.display(44.2) == f"44,2{NBSP}%"
    assert COUNT.display(25000) == f"25\u202f000{NBSP}élèves"
    assert FREE.display(3) == "3"
    assert TEXT.display("bonjour") == "bonjour"
    for item in (BUDGET, LEVEL, CHOICE, TEXT):
        assert item.display(None) == "Non renseigné"
    assert BUDGET.display(math.nan) == "Non renseigné"


def test_shipped_items_parse_and_display():
    questionnaire = load_questionnaire("autodiagnostic", "2017")
    budget = questionnaire.item("f07_budget_par_eleve")
    assert budget.display(budget.parse("2")) == "Niveau 2 — De 50 à 75 € par élève et par an"
    per_pupil = questionnaire.item("budget_investissement_par_eleve")
    assert per_pupil.parse("12,5") == 12.5
    assert per_pupil.display(120) == f"120{NBSP}€/élève/an"
    strategy = questionnaire.item("strategie_equipement")
    assert strategy.display(strategy.parse("byod")).startswith("Appareils personnels")
    with pytest.raises(AnswerError):
        questionnaire.item("part_colleges_wifi").parse("101")


def test_display_never_raises_on_unknown_stored_values():
    assert LEVEL.display(7) == "« 7 » (niveau inconnu)"
    assert CHOICE.display("region") == "« region » (réponse inconnue)"
    assert BUDGET.display("beaucoup") == "« beaucoup » (nombre illisible)"
    assert LEVEL.display("3") == "Niveau 3 — Étiquette 3"
    import numpy as np

    assert LEVEL.display(np.int64(2)) == "Niveau 2 — Étiquette 2"
    assert BUDGET.display(np.float64(75.5)) == f"75,5{NBSP}€/élève/an"


# -- control characters ---------------------------------------------------------------------------
def test_a_nul_in_a_text_answer_is_refused_with_its_position():
    with pytest.raises(AnswerError) as caught:
        TEXT.parse("  ab\x00cd ")
    assert (
        str(caught.value)
        == "« Texte » : caractère de contrôle U+0000 (NUL) en position 3 ; retirez ce caractère."
    )


def test_a_text_answer_keeps_its_line_breaks_and_tabs():
    assert TEXT.parse("un\r\ndeux\ttrois") == "un\r\ndeux\ttrois"


@pytest.mark.parametrize("item", [PERCENT, LEVEL, CHOICE])
@pytest.mark.parametrize("raw", ["3\x00", "\x1b[2J3", "etat\x7f", "3\n4"])
def test_a_control_character_is_refused_before_any_other_check_and_never_echoed(item, raw):
    with pytest.raises(AnswerError, match="caractère de contrôle U\\+00") as caught:
        item.parse(raw)
    assert raw.strip() not in str(caught.value)


def test_clean_comment_strips_and_keeps_paragraphs():
    assert clean_comment(None) == ""
    assert clean_comment("   ") == ""
    assert clean_comment("  Voir le rapport.\n\n\tAnnexe 2 ") == "Voir le rapport.\n\n\tAnnexe 2"


def test_clean_comment_refuses_a_nul_and_names_the_question():
    with pytest.raises(AnswerError) as caught:
        clean_comment("Preuve : \x00", item_label="Budget")
    assert str(caught.value) == (
        "Commentaire de « Budget » : caractère de contrôle U+0000 (NUL) en position 10 ; retirez ce caractère."
    )
    with pytest.raises(
        AnswerError, match="^Commentaire : caractère de contrôle U\\+001B \\(ESC\\) en position 1 "
    ):
        clean_comment("\x1b[31mrouge")


def test_clean_comment_refuses_a_comment_over_the_limit():
    assert clean_comment("x" * COMMENT_MAX_LENGTH) == "x" * COMMENT_MAX_LENGTH
    with pytest.raises(AnswerError, match=f"Commentaire trop long : {COMMENT_MAX_LENGTH + 1} caractères"):
        clean_comment(" " + "x" * (COMMENT_MAX_LENGTH + 1) + " ")


@settings(max_examples=100)
@given(st.text(max_size=50))
def test_clean_comment_accepts_exactly_the_clean_texts(raw):
    stripped = raw.strip()
    if find_refused(stripped, multiline=True):
        with pytest.raises(AnswerError):
            clean_comment(raw)
    else:
        assert clean_comment(raw) == stripped
