"""Questionnaire objects: immutable, validated at load time, no Django.

An answer travels as a string from a web form or a CSV cell; ``Item.parse`` turns it into a
Python value (``int`` level, ``str`` choice or text, ``int``/``float`` number) or refuses it
with a French message, and ``Item.display`` turns a stored value back into French text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from numeduc.formatting import NBSP, fr_number
from numeduc.text import control_character_problem

ITEM_TYPES = ("level", "choice", "number", "text")
# Who answers: a département or a DAN through a campaign of the coordination (signed in), or
# the people of a collège through an anonymous school survey (issue 13: no account).
CAMPAIGN_AUDIENCES = ("departement", "dan")
SCHOOL_AUDIENCES = ("eleve", "enseignant", "parent", "personnel")
AUDIENCES = CAMPAIGN_AUDIENCES + SCHOOL_AUDIENCES
LEVEL_VALUES = (1, 2, 3, 4)
FACTOR_COUNT = 13
# Free comments / evidence attached to an item: long enough for a paragraph, short enough
# to stay an answer and not a report.
COMMENT_MAX_LENGTH = 2000
DEFAULT_TEXT_MAX_LENGTH = 4000
MISSING_DISPLAY = "Non renseigné"

# Spaces people (and spreadsheets) put between groups of thousands: space, no-break space,
# narrow no-break space, thin space.
_GROUP_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
# ASCII digits only: ``\d`` would also accept other scripts' digits.
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)$")
_LEVEL = re.compile(r"^[0-9]$")


class QuestionnaireError(ValueError):
    """A questionnaire file is missing, unreadable or invalid (message in French)."""

    def __init__(self, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.errors = errors if errors is not None else [message]


class AnswerError(ValueError):
    """A submitted answer cannot be accepted for an item (message in French, for the user)."""


def clean_comment(raw: str | None, *, item_label: str | None = None) -> str:
    """The comment to store for ``raw`` (stripped; ``""`` for nothing) or ``AnswerError``.

    Refuses a comment over ``COMMENT_MAX_LENGTH`` characters or holding a control character
    (tab and line breaks are fine: a comment is a paragraph).  ``item_label`` names the question
    in the message when given.
    """
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raw = str(raw)
    text = raw.strip()
    what = f"Commentaire de « {item_label} »" if item_label else "Commentaire"
    if len(text) > COMMENT_MAX_LENGTH:
        raise AnswerError(f"{what} trop long : {len(text)} caractères (maximum {COMMENT_MAX_LENGTH}).")
    problem = control_character_problem(text, multiline=True)
    if problem:
        raise AnswerError(f"{what} : {problem} ; retirez ce caractère.")
    return text


@dataclass(frozen=True)
class LevelDescriptor:
    value: int
    label: str
    descriptor: str


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Axis:
    id: str
    label: str
    description: str
    factors: tuple[int, ...]


@dataclass(frozen=True)
class Item:
    id: str
    type: str
    label: str
    help: str = ""
    required: bool = False
    allow_comment: bool = False
    factor: int | None = None
    short_label: str = ""  # a factor's name on charts, where the label (a sentence) is too long
    axis: str | None = None
    levels: tuple[LevelDescriptor, ...] = ()
    choices: tuple[Choice, ...] = ()
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False
    max_length: int | None = None

    # -- reading answers -------------------------------------------------------------------
    def parse(self, raw: str | None) -> int | str | float | None:
        """Turn a form string into a value; ``None``/blank -> ``None``; bad input -> AnswerError."""
        if raw is None:
            return None
        if not isinstance(raw, str):
            raw = str(raw)
        text = raw.strip()
        if text == "":
            return None
        # Before anything else, so that a refused character is never echoed back in a message
        # (« réponse « 3\x00 » inconnue »); only free texts may span several lines.
        problem = control_character_problem(text, multiline=self.type == "text")
        if problem:
            raise AnswerError(f"« {self.label} » : {problem} ; retirez ce caractère.")
        if self.type == "level":
            return self._parse_level(text)
        if self.type == "choice":
            return self._parse_choice(text)
        if self.type == "number":
            return self._parse_number(text)
        return self._parse_text(text)

    def _parse_level(self, text: str) -> int:
        if _LEVEL.match(text) and int(text) in {level.value for level in self.levels}:
            return int(text)
        raise AnswerError(f"« {self.label} » : choisissez un niveau entre 1 et 4 (reçu « {text} »).")

    def _parse_choice(self, text: str) -> str:
        values = [choice.value for choice in self.choices]
        if text in values:
            return text
        readable = ", ".join(values)
        raise AnswerError(
            f"« {self.label} » : réponse « {text} » inconnue (réponses possibles : {readable})."
        )

    def _parse_number(self, text: str) -> int | float:
        cleaned = _GROUP_SPACES.sub("", text)
        # Accept the value as ``display`` shows it (with its unit), or followed by "€" or "%".
        unit = _GROUP_SPACES.sub("", self.unit or "")
        if unit and cleaned.endswith(unit):
            cleaned = cleaned[: -len(unit)]
        elif cleaned[-1:] in ("€", "%"):
            cleaned = cleaned[:-1]
        if "," in cleaned and "." in cleaned:
            raise AnswerError(
                f"« {self.label} » : « {text} » n'est pas un nombre lisible "
                "(utilisez la virgule pour les décimales, sans point)."
            )
        if not _DECIMAL.match(cleaned):
            raise AnswerError(f"« {self.label} » : « {text} » n'est pas un nombre.")
        value = float(cleaned.replace(",", "."))
        if not math.isfinite(value):
            raise AnswerError(f"« {self.label} » : « {text} » n'est pas un nombre.")
        if self.integer:
            if value != int(value):
                raise AnswerError(f"« {self.label} » : un nombre entier est attendu (reçu « {text} »).")
            value = int(value)
        if self.min is not None and value < self.min:
            raise AnswerError(
                f"« {self.label} » : la valeur doit être au moins {self._fmt_bound(self.min)} (reçu « {text} »)."
            )
        if self.max is not None and value > self.max:
            raise AnswerError(
                f"« {self.label} » : la valeur doit être au plus {self._fmt_bound(self.max)} (reçu « {text} »)."
            )
        return value

    def _parse_text(self, text: str) -> str:
        limit = self.max_length or DEFAULT_TEXT_MAX_LENGTH
        if len(text) > limit:
            raise AnswerError(f"« {self.label} » : {len(text)} caractères, {limit} au plus.")
        return text

    # -- showing answers -------------------------------------------------------------------
    def display(self, value: Any) -> str:
        """French rendering of a stored value: ``Niveau 3 — …``, ``120 €/élève/an``, a choice label."""
        if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
            return MISSING_DISPLAY
        # A stored value the current content does not know (edited by hand, older version) is
        # shown as such rather than raising inside a template.
        if self.type == "level":
            for level in self.levels:
                if str(level.value) == str(value).strip():
                    return f"Niveau {level.value} — {level.label}"
            return f"« {value} » (niveau inconnu)"
        if self.type == "choice":
            for choice in self.choices:
                if choice.value == value:
                    return choice.label
            return f"« {value} » (réponse inconnue)"
        if self.type == "number":
            try:
                number = float(value)
            except (TypeError, ValueError):
                return f"« {value} » (nombre illisible)"
            decimals = 0 if self.integer or number == round(number) else 2 if abs(number) < 100 else 1
            text = fr_number(number, decimals)
            if decimals and "," in text:
                text = text.rstrip("0").rstrip(",")
            return f"{text}{NBSP}{self.unit}" if self.unit else text
        return str(value)

    def level(self, value: int) -> LevelDescriptor:
        for level in self.levels:
            if level.value == value:
                return level
        raise AnswerError(f"« {self.label} » : le niveau {value} n'existe pas (1 à 4).")

    def _fmt_bound(self, bound: float) -> str:
        decimals = 0 if bound == round(bound) else 2
        text = fr_number(bound, decimals)
        return f"{text}{NBSP}{self.unit}" if self.unit else text


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Questionnaire:
    slug: str
    version: str
    title: str
    description: str
    audience: str
    sections: tuple[Section, ...]
    axes: tuple[Axis, ...] = ()
    source: str = field(default="", compare=False)

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"{self.slug}/{self.version} : aucune question « {item_id} »")

    def factor_items(self) -> list[Item]:
        """The level items carrying a factor number, ordered by factor (1..13)."""
        numbered = [(item.factor, item) for item in self.items if item.factor is not None]
        return [item for _, item in sorted(numbered, key=lambda pair: pair[0])]

    def axis(self, axis_id: str) -> Axis:
        for axis in self.axes:
            if axis.id == axis_id:
                return axis
        raise KeyError(f"{self.slug}/{self.version} : aucun axe « {axis_id} »")

    def to_dict(self) -> dict[str, Any]:
        """Plain data (lists and dicts) for JSON, an API schema or a template."""
        data = asdict(self)
        data.pop("source", None)
        return data

    def missing_required(self, answers: Mapping[str, Any]) -> list[Item]:
        """Required items with no value in ``answers`` (a draft may have some; a submission none)."""
        missing = []
        for item in self.items:
            value = answers.get(item.id)
            if not item.required:
                continue
            if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
                missing.append(item)
        return missing
