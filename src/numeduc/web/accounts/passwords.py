"""Password rules beyond Django's: no blank password, no common French password.

Django's ``CommonPasswordValidator`` knows 20,000 passwords seen in leaks, mostly English;
« motdepasse1 » or « azerty2024 » pass it. ``FrenchCommonPasswordValidator`` refuses the
French words and keyboard runs that people pick, alone or followed by digits and symbols.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError

_WORDS_FILE = Path(__file__).with_name("data") / "common-passwords-fr.txt"


def _fold(text: str) -> str:
    """Lower case, no accents, no spaces: « Mot de Passe » and « motdepasse » are one word."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and not c.isspace())


@cache
def french_common_passwords() -> frozenset[str]:
    lines = _WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(_fold(line) for line in lines if line.strip() and not line.startswith("#"))


class NotBlankValidator:
    def validate(self, password: str, user=None) -> None:
        if not password.strip():
            raise ValidationError(
                "Le mot de passe ne peut pas être fait seulement d'espaces.", code="password_blank"
            )

    def get_help_text(self) -> str:
        return "Il ne peut pas être fait seulement d'espaces."


class FrenchCommonPasswordValidator:
    # What people add to a word to meet a length rule: digits, years, punctuation.
    _DECORATION = re.compile(r"^[\W\d_]*(.*?)[\W\d_]*$")

    def validate(self, password: str, user=None) -> None:
        folded = _fold(password)
        core = self._DECORATION.match(folded).group(1)
        words = french_common_passwords()
        if folded in words or core in words or (core and len(set(core)) == 1):
            raise ValidationError(
                "Ce mot de passe est trop courant (mot ou suite de touches très utilisés, même suivis de chiffres) : "
                "choisissez-en un autre, par exemple trois ou quatre mots sans rapport entre eux.",
                code="password_too_common_fr",
            )

    def get_help_text(self) -> str:
        return "Il ne peut pas être un mot de passe courant (« motdepasse1 », « azerty2024 »…)."
