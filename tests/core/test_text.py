"""numeduc.text: control characters, non-characters and lone surrogates are refused, by position."""

from __future__ import annotations

import ast
import unicodedata
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from numeduc import text as text_module
from numeduc.text import (
    TextRefused,
    check_text,
    control_character_problem,
    describe_character,
)


def refused(character: str, *, multiline: bool) -> bool:
    """The rule, written independently of the module's regular expression."""
    code = ord(character)
    if unicodedata.category(character) == "Cc":
        return not (multiline and character in "\t\n\r")
    if unicodedata.category(character) == "Cs":
        return True
    return 0xFDD0 <= code <= 0xFDEF or code % 0x10000 in (0xFFFE, 0xFFFF)


ALL_CONTROLS = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cc"]
REFUSED_CHARACTERS = st.sampled_from(
    ALL_CONTROLS
    + [chr(c) for c in range(0xFDD0, 0xFDF0)]
    + [chr(plane * 0x10000 + low) for plane in range(17) for low in (0xFFFE, 0xFFFF)]
    + ["\ud800", "\udbff", "\udc00", "\udfff"]
)
# Any code point, surrogates included (Hypothesis leaves them out of text() by default).
ANY_TEXT = st.lists(st.integers(min_value=0, max_value=0x10FFFF).map(chr), max_size=30).map("".join)


def test_examples():
    assert control_character_problem("Bonjour\x00 !") == "caractère de contrôle U+0000 (NUL) en position 8"
    assert control_character_problem("é\x1b[31m") == "caractère de contrôle U+001B (ESC) en position 2"
    assert control_character_problem("a\x7f") == "caractère de contrôle U+007F (DEL) en position 2"
    assert control_character_problem("\x85") == "caractère de contrôle U+0085 (NEL) en position 1"
    assert (
        control_character_problem("x\ufffe")
        == "caractère invalide U+FFFE (non-caractère Unicode) en position 2"
    )
    assert control_character_problem("\ud83d") == (
        "caractère invalide U+D83D (moitié de paire de substitution isolée) en position 1"
    )
    assert control_character_problem("deux\nlignes") == (
        "caractère de contrôle U+000A (LF) en position 5 (ce champ tient sur une seule ligne)"
    )
    assert control_character_problem("deux\r\nlignes\tet tab", multiline=True) is None
    # Legitimate in real text: separators, zero-width joiner of emoji, no-break spaces.
    assert control_character_problem("a\u2028b\u2029c 👩\u200d💻 1\u202f000\u00a0€") is None


def test_check_text_names_the_field_and_returns_the_text_unchanged():
    assert check_text("  Campagne 2019 ", "Titre") == "  Campagne 2019 "
    with pytest.raises(TextRefused) as caught:
        check_text("Campagne\x002019", "Titre")
    assert str(caught.value) == (
        "« Titre » : caractère de contrôle U+0000 (NUL) en position 9 ; "
        "retirez ce caractère (souvent collé depuis un autre logiciel)."
    )
    assert isinstance(caught.value, ValueError)
    assert (caught.value.field_label, caught.value.character, caught.value.position) == ("Titre", "\x00", 9)


@settings(max_examples=200)
@given(before=ANY_TEXT, bad=REFUSED_CHARACTERS, after=ANY_TEXT, multiline=st.booleans())
def test_a_refused_character_is_reported_at_the_first_refused_position(before, bad, after, multiline):
    assume(refused(bad, multiline=multiline))  # tab and line breaks are fine in multi-line texts
    text = before + bad + after
    first = next(i for i, c in enumerate(text) if refused(c, multiline=multiline))
    problem = control_character_problem(text, multiline=multiline)
    assert problem is not None
    assert f"U+{ord(text[first]):04X}" in problem and f"en position {first + 1}" in problem
    with pytest.raises(TextRefused) as caught:
        check_text(text, "Commentaire", multiline=multiline)
    assert caught.value.position == first + 1 and caught.value.character == text[first]
    assert str(caught.value).startswith("« Commentaire » : ")


@settings(max_examples=200)
@given(text=ANY_TEXT, multiline=st.booleans())
def test_a_text_without_refused_character_is_returned_unchanged(text, multiline):
    clean = "".join(c for c in text if not refused(c, multiline=multiline))
    assert control_character_problem(clean, multiline=multiline) is None
    assert check_text(clean, "Titre", multiline=multiline) is clean


@settings(max_examples=100)
@given(text=ANY_TEXT, breaks=st.text(alphabet="\t\n\r", min_size=1, max_size=3), at=st.integers(0, 30))
def test_tab_and_line_breaks_are_only_refused_on_one_line(text, breaks, at):
    clean = "".join(c for c in text if not refused(c, multiline=False))
    index = min(at, len(clean))
    mixed = clean[:index] + breaks + clean[index:]
    assert control_character_problem(mixed, multiline=True) is None
    assert f"en position {index + 1} (ce champ tient sur une seule ligne)" in control_character_problem(mixed)


@pytest.mark.parametrize("character", ALL_CONTROLS)
def test_every_control_character_is_named(character):
    description = describe_character(character)
    assert description.startswith(f"caractère de contrôle U+{ord(character):04X} (")
    assert description.endswith(")") and "?" not in description


def test_the_module_is_pure():
    tree = ast.parse(Path(text_module.__file__).read_text(encoding="utf-8"))
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    modules |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert modules <= {"__future__", "re", "collections.abc"}  # the standard library only
