"""Refuse control characters in texts people type or paste (pure, no Django).

A NUL byte or an escape sequence pasted from a terminal ends up in the database, in CSV
exports and in other people's browsers; none of them has a meaning in an answer, a comment or
a title.  Refused:

- every character of Unicode category ``Cc`` (U+0000-U+001F, U+007F-U+009F), except tab, line
  feed and carriage return in multi-line texts (``multiline=True``);
- the 66 Unicode non-characters (U+FDD0-U+FDEF and U+xFFFE/U+xFFFF of every plane), which
  Unicode reserves for internal use and which are never valid in interchanged text;
- lone surrogates (U+D800-U+DFFF), which cannot even be encoded in UTF-8.

Line and paragraph separators (U+2028, U+2029) and format characters (category ``Cf``, such as
the zero-width joiner of emoji sequences) are allowed: they are legitimate in real text.

Positions in messages count characters from 1, as a person counts them.

French text helpers live here too: ``fr_join`` (« a, b et c »), used by chart descriptions and
the sentences of the analyses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# C0 and C1 control characters' standard abbreviations (unicodedata has no name for them).
_C0 = (
    "NUL",
    "SOH",
    "STX",
    "ETX",
    "EOT",
    "ENQ",
    "ACK",
    "BEL",
    "BS",
    "HT",
    "LF",
    "VT",
    "FF",
    "CR",
    "SO",
    "SI",
    "DLE",
    "DC1",
    "DC2",
    "DC3",
    "DC4",
    "NAK",
    "SYN",
    "ETB",
    "CAN",
    "EM",
    "SUB",
    "ESC",
    "FS",
    "GS",
    "RS",
    "US",
)
_C1 = (
    "PAD",
    "HOP",
    "BPH",
    "NBH",
    "IND",
    "NEL",
    "SSA",
    "ESA",
    "HTS",
    "HTJ",
    "VTS",
    "PLD",
    "PLU",
    "RI",
    "SS2",
    "SS3",
    "DCS",
    "PU1",
    "PU2",
    "STS",
    "CCH",
    "MW",
    "SPA",
    "EPA",
    "SOS",
    "SGC",
    "SCI",
    "CSI",
    "ST",
    "OSC",
    "PM",
    "APC",
)
_ABBREVIATIONS = {
    **{i: name for i, name in enumerate(_C0)},
    0x7F: "DEL",
    **{0x80 + i: n for i, n in enumerate(_C1)},
}

# Allowed in multi-line texts only.
MULTILINE_CONTROLS = frozenset("\t\n\r")

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_ALWAYS_REFUSED = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff" + _NONCHARACTERS
_REFUSED_MULTILINE = re.compile(f"[{_ALWAYS_REFUSED}]")
_REFUSED_SINGLE_LINE = re.compile(f"[\t\n\r{_ALWAYS_REFUSED}]")


class TextRefused(ValueError):
    """A text holds a refused character; the message (French) names the field and the position."""

    def __init__(self, message: str, *, field_label: str, character: str, position: int):
        super().__init__(message)
        self.field_label = field_label
        self.character = character
        self.position = position


def describe_character(character: str) -> str:
    """``"\\x00"`` -> ``caractère de contrôle U+0000 (NUL)``: what a person can look up."""
    code = ord(character)
    if code in _ABBREVIATIONS:
        return f"caractère de contrôle U+{code:04X} ({_ABBREVIATIONS[code]})"
    if 0xD800 <= code <= 0xDFFF:
        return f"caractère invalide U+{code:04X} (moitié de paire de substitution isolée)"
    if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:
        return f"caractère invalide U+{code:04X} (non-caractère Unicode)"
    return f"caractère U+{code:04X}"


def find_refused(text: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """``(index from 0, character)`` of the first refused character, or ``None``."""
    match = (_REFUSED_MULTILINE if multiline else _REFUSED_SINGLE_LINE).search(text)
    if match is None:
        return None
    return match.start(), match.group()


def control_character_problem(text: str, *, multiline: bool = False) -> str | None:
    """French description of the first refused character, or ``None`` when ``text`` is clean.

    ``« caractère de contrôle U+0000 (NUL) en position 12 »`` (positions count from 1).
    """
    found = find_refused(text, multiline=multiline)
    if found is None:
        return None
    index, character = found
    problem = f"{describe_character(character)} en position {index + 1}"
    if character in MULTILINE_CONTROLS:
        # Only refused because the field holds a single line: say so, it is not obvious.
        problem += " (ce champ tient sur une seule ligne)"
    return problem


def check_text(text: str, field_label: str, *, multiline: bool = False) -> str:
    """Return ``text`` unchanged, or raise ``TextRefused`` naming ``field_label``."""
    found = find_refused(text, multiline=multiline)
    if found is None:
        return text
    index, character = found
    problem = control_character_problem(text, multiline=multiline)
    raise TextRefused(
        f"« {field_label} » : {problem} ; retirez ce caractère (souvent collé depuis un autre logiciel).",
        field_label=field_label,
        character=character,
        position=index + 1,
    )


def fr_join(names: Sequence[str]) -> str:
    """["a", "b", "c"] -> "a, b et c"."""
    names = [str(n) for n in names]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " et " + names[-1]
