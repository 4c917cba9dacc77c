"""French names of the départements and académies with their article and elision (pure, no Django).

« Autodiagnostic de Loiret » is wrong: a département's name takes its article (« du Loiret »,
« de la Manche », « de l'Indre », « des Yvelines ») or none (« de Paris », « d'Ille-et-Vilaine »).
Which one is a fact about each name, not a rule one can compute from its spelling (« le Cher » but
« la Creuse », « l'Indre » but « d'Ille-et-Vilaine »), so it is read from data: INSEE's « type de nom
en clair » (TNCC) of each département, and the same code for each académie, in
``data/reference/place_names.yaml`` (sources in that file). The file is checked when it is read;
a name never gets an article by guessing.

``departement_name("45").of`` → « du Loiret »; ``academie_name("18").title`` → « académie
d'Orléans-Tours ». Forms are lower case, for the middle of a sentence; put a capital at the start of
one with ``capfirst`` (Django's filter, or ``capfirst`` here).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from numeduc.safeyaml import safe_load

DATA_PACKAGE = "numeduc.data.reference"
DATA_FILE = "place_names.yaml"
DATA_VERSION = 2

# TNCC -> (article, « de » + article, « à » + article), as INSEE defines the codes.
FORMS: dict[int, tuple[str, str, str]] = {
    0: ("", "de ", "à "),  # no article, starts with a consonant
    1: ("", "d'", "à "),  # no article, starts with a vowel or a mute h
    2: ("le ", "du ", "au "),
    3: ("la ", "de la ", "à la "),
    4: ("les ", "des ", "aux "),
    5: ("l'", "de l'", "à l'"),
    6: ("aux ", "des ", "aux "),
    7: ("las ", "de las ", "à las "),
    8: ("los ", "de los ", "à los "),
}
TNCC_VALUES = tuple(FORMS)

_VOWELS = frozenset("aeiouy")


def starts_with_vowel(name: str) -> bool:
    """« Orléans » and « Yvelines » yes, « Haute-Loire » no (h is for the data to decide)."""
    first = unicodedata.normalize("NFD", name[:1])[:1].lower()
    return first in _VOWELS


def capfirst(text: str) -> str:
    """« le Loiret a répondu » → « Le Loiret a répondu »."""
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class PlaceName:
    """A name and its TNCC; every French form of it."""

    name: str
    tncc: int

    def __post_init__(self) -> None:
        if self.tncc not in FORMS:
            raise ValueError(f"type de nom (TNCC) inconnu pour « {self.name} » : {self.tncc!r}")

    @property
    def with_article(self) -> str:
        """« le Loiret », « l'Indre », « les Yvelines », « Paris »."""
        return FORMS[self.tncc][0] + self.name

    @property
    def of(self) -> str:
        """« du Loiret », « de l'Indre », « d'Ille-et-Vilaine », « des Yvelines », « de Paris »."""
        return FORMS[self.tncc][1] + self.name

    @property
    def to(self) -> str:
        """« au Loiret », « à l'Indre », « aux Yvelines », « à Paris »."""
        return FORMS[self.tncc][2] + self.name

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class AcademieName(PlaceName):
    @property
    def title(self) -> str:
        """« académie d'Orléans-Tours », « académie de la Guadeloupe »."""
        return "académie " + self.of


class PlaceNamesError(ValueError):
    """``place_names.yaml`` breaks a rule; the message says which entry and why."""


def _check_entry(section: str, code: Any, entry: Any) -> tuple[str, int]:
    where = f"{DATA_FILE}, {section}, « {code} »"
    if not isinstance(code, str) or not code:
        raise PlaceNamesError(f"{where} : le code doit être un texte entre guillemets")
    if not (isinstance(entry, list) and len(entry) == 2):
        raise PlaceNamesError(f"{where} : attendu [nom, TNCC]")
    name, tncc = entry
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise PlaceNamesError(f"{where} : nom vide ou entouré d'espaces")
    if isinstance(tncc, bool) or tncc not in FORMS:
        raise PlaceNamesError(f"{where} : TNCC {tncc!r} hors de 0 à 8")
    vowel = starts_with_vowel(name)
    # The only spelling rules the data must agree with: « d' » and « l' » before a vowel, never
    # « de », « le » or « la » before one. An h may be mute (l'Hérault) or not (le Haut-Rhin): data.
    if tncc in (0, 2, 3) and vowel:
        raise PlaceNamesError(f"{where} : « {name} » commence par une voyelle, TNCC {tncc} impossible")
    if tncc in (1, 5) and not (vowel or name[:1] in "Hh"):
        raise PlaceNamesError(f"{where} : « {name} » ne commence ni par une voyelle ni par h, TNCC {tncc}")
    return name, tncc


def parse_place_names(text: str, *, source: str = DATA_FILE) -> dict[str, dict[str, tuple[str, int]]]:
    """``{"departements": {code: (name, tncc)}, "academies": {…}}`` from the YAML text, checked."""
    document = safe_load(text, source=source)
    if not isinstance(document, dict) or document.get("version") != DATA_VERSION:
        raise PlaceNamesError(f"{source} : version {DATA_VERSION} attendue")
    extra = set(document) - {"version", "departements", "academies", "usage"}
    if extra:
        raise PlaceNamesError(f"{source} : clés inconnues {sorted(extra)}")
    parsed: dict[str, dict[str, tuple[str, int]]] = {}
    for section in ("departements", "academies"):
        entries = document.get(section)
        if not isinstance(entries, dict) or not entries:
            raise PlaceNamesError(f"{source} : section « {section} » absente ou vide")
        parsed[section] = {code: _check_entry(section, code, entry) for code, entry in entries.items()}
    # « usage »: where numeduc's texts follow current usage rather than the COG, each departure
    # with its TNCC and its reason; the COG's value stays in « departements » for the record.
    usage = document.get("usage") or {}
    if not isinstance(usage, dict):
        raise PlaceNamesError(f"{source} : section « usage » : attendu code: [TNCC, raison]")
    for code, entry in usage.items():
        where = f"{DATA_FILE}, usage, « {code} »"
        if code not in parsed["departements"]:
            raise PlaceNamesError(f"{where} : département inconnu")
        if not (
            isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], str) and entry[1].strip()
        ):
            raise PlaceNamesError(f"{where} : attendu [TNCC, raison]")
        name = parsed["departements"][code][0]
        parsed["departements"][code] = _check_entry("usage", code, [name, entry[0]])
    return parsed


@cache
def _place_names() -> dict[str, dict[str, tuple[str, int]]]:
    text = resources.files(DATA_PACKAGE).joinpath(DATA_FILE).read_text(encoding="utf-8")
    return parse_place_names(text)


def departement_codes() -> tuple[str, ...]:
    return tuple(_place_names()["departements"])


def academie_codes() -> tuple[str, ...]:
    return tuple(_place_names()["academies"])


def departement_name(code: str) -> PlaceName:
    """The département ``code`` (« 45 ») with its article; ``KeyError`` for an unknown code."""
    name, tncc = _place_names()["departements"][code]
    return PlaceName(name, tncc)


def academie_name(code: str) -> AcademieName:
    """The académie ``code`` (« 18 ») with its official accented name; ``KeyError`` if unknown."""
    name, tncc = _place_names()["academies"][code]
    return AcademieName(name, tncc)
