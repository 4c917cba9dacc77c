"""Objects of the action catalogue: immutable, validated at load time, no Django.

An action is something a département can do to move one or more of the 13 factors of the
self-diagnosis from one level to a higher one (``FactorTarget``).  Factors are named ``f01`` …
``f13`` here, like the items of the self-diagnosis questionnaire (``f04_infrastructure_internet``)
and the CLI options (``--levels f04=2``); ``factor_id`` and ``factor_number`` convert from and to
the factor numbers that ``numeduc.analysis`` uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from numeduc.questionnaires.model import FACTOR_COUNT, LEVEL_VALUES

LOWEST_LEVEL = LEVEL_VALUES[0]
HIGHEST_LEVEL = LEVEL_VALUES[-1]
FACTOR_IDS: tuple[str, ...] = tuple(f"f{n:02d}" for n in range(1, FACTOR_COUNT + 1))
_FACTOR_ID = re.compile(r"^f([0-9]{2})$")

# The five families of the white paper's « Plans d'actions opérationnels », in its order.
FAMILIES: dict[str, str] = {
    "gouvernance": "Gouvernance",
    "budget": "Budget",
    "equipement": "Équipement et infrastructure",
    "colleges": "Travail avec les collèges",
    "lancement": "Lancement de projet",
}

# Who an action is done with; a closed list so that a later plan can name the same partners
# (the DAN of the académie may then comment on the plan) and so that « Canope » and « Canopé »
# are not two partners.
PARTNERS: dict[str, str] = {
    "dan": "Délégation académique au numérique (DAN)",
    "rectorat": "Rectorat et services académiques",
    "colleges": "Collèges (chefs d'établissement, référents numériques)",
    "enseignants": "Enseignants",
    "personnels": "Personnels territoriaux des collèges",
    "eleves": "Élèves",
    "parents": "Parents d'élèves et leurs associations",
    "elus": "Élus départementaux",
    "dgs": "Direction générale des services du département",
    "dsi": "Direction des systèmes d'information du département",
    "canope": "Réseau Canopé",
    "autres-departements": "Autres départements",
    "region": "Région",
    "adf": "Assemblée des départements de France (ADF)",
    "syndicat-numerique": "Syndicat mixte ou opérateur public du numérique",
    "centrale-achat": "UGAP ou centrale d'achat",
    "editeurs": "Éditeurs de ressources et de logiciels",
    "europe": "Union européenne (FEDER, FSE)",
    "acteurs-publics": "Autres acteurs publics (CAF, CCAS, universités)",
}

# A cost is given per département or per collège; investment is a one-off amount, running a
# yearly one.  To compare an action with a yearly budget ceiling the investment is spread over
# the five years of the budget engine's default horizon (the white-paper preset's ``horizon``).
COST_UNITS: dict[str, str] = {"departement": "par département", "college": "par collège"}
INVESTMENT_SPREAD_YEARS = 5


class ActionCatalogueError(ValueError):
    """The catalogue cannot be loaded; ``errors`` lists every problem (French, file, field, line)."""

    def __init__(self, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.errors = errors if errors is not None else [message]


def factor_id(number: int) -> str:
    """``4`` → ``"f04"``."""
    if not 1 <= number <= FACTOR_COUNT:
        raise ValueError(f"numéro de facteur entre 1 et {FACTOR_COUNT} attendu, {number} trouvé")
    return f"f{number:02d}"


def factor_number(identifier: str) -> int:
    """``"f04"`` → ``4``; ``ValueError`` for anything that is not one of ``FACTOR_IDS``."""
    if identifier not in FACTOR_IDS:
        raise ValueError(f"facteur « {identifier} » inconnu (f01 à f{FACTOR_COUNT:02d})")
    match = _FACTOR_ID.match(identifier)
    assert match is not None
    return int(match.group(1))


@dataclass(frozen=True)
class FactorTarget:
    """The action applies to a département at ``from_level`` or above and aims at ``to_level``."""

    factor: str
    from_level: int
    to_level: int


@dataclass(frozen=True)
class Cost:
    investment: float  # euros, once
    running: float  # euros per year
    per: str  # a key of COST_UNITS
    note: str = ""
    preset: str | None = None  # a budget preset of numeduc.budget (content/budget/<name>.yaml)
    parameters: tuple[str, ...] = ()  # names of numeduc.budget.parameters.PARAMETERS

    def yearly(self, colleges: int) -> float:
        """Euros per year for a département of ``colleges`` collèges (investment spread)."""
        per_unit = self.investment / INVESTMENT_SPREAD_YEARS + self.running
        return per_unit * (colleges if self.per == "college" else 1)


@dataclass(frozen=True)
class SheetReference:
    """A département sheet of the white paper that shows this action done."""

    departement: str  # INSEE code, e.g. "50"
    lines: tuple[int, int]


@dataclass(frozen=True)
class Source:
    section: str  # the white paper's section, e.g. « Plans d'actions opérationnels — Budget »
    lines: tuple[int, int]  # first and last line in ../shared/seed/livre-blanc-adf-2017.txt
    sheets: tuple[SheetReference, ...] = ()

    def describe(self) -> str:
        """« Livre blanc ADF 2017, Plans d'actions opérationnels — Budget, lignes 4220-4247 »."""
        first, last = self.lines
        where = f"ligne {first}" if first == last else f"lignes {first}-{last}"
        return f"Livre blanc ADF 2017, {self.section}, {where}"


@dataclass(frozen=True)
class Action:
    id: str
    family: str
    title: str
    why: str
    how: str
    factors: tuple[FactorTarget, ...]
    prerequisites: tuple[str, ...]
    cost: Cost
    partners: tuple[str, ...]
    indicators: tuple[str, ...]
    source: Source
    file: str = ""  # file of the catalogue it was read from, e.g. « budget.yaml »

    @property
    def family_label(self) -> str:
        return FAMILIES[self.family]

    @property
    def factor_ids(self) -> tuple[str, ...]:
        return tuple(target.factor for target in self.factors)


@dataclass(frozen=True)
class Catalogue:
    actions: tuple[Action, ...]
    _by_id: dict[str, Action] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {action.id: action for action in self.actions})

    def __len__(self) -> int:
        return len(self.actions)

    def __iter__(self) -> Iterator[Action]:
        return iter(self.actions)

    def __contains__(self, action_id: object) -> bool:
        return action_id in self._by_id

    def get(self, action_id: str) -> Action:
        """The action ``action_id``; ``KeyError`` if the catalogue has none."""
        return self._by_id[action_id]

    def targeting(self, factor: str) -> tuple[Action, ...]:
        """Actions that work on ``factor`` (``"f04"``), in catalogue order."""
        return tuple(a for a in self.actions if factor in a.factor_ids)
