"""What an experience sheet is: a département's or a country's, every fact dated and sourced
(docs/experiences.md). Pure dataclasses; ``loader`` reads and validates the content files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

KINDS = ("departement", "pays")
STRATEGIES = {
    "eim": "un équipement individuel mobile par élève",
    "classe_mobile": "classes mobiles partagées",
    "byod": "AVEC (apportez votre équipement personnel de communication)",
    "hybride": "plusieurs modèles à la fois",
    "aucune": "pas de stratégie d'équipement mobile",
}
THEMES = {
    "equipement": "équipement",
    "maintenance": "maintenance",
    "tres_haut_debit": "réseau, wifi et débit",
    "ent": "ENT",
    "ressources": "ressources numériques",
    "formation": "formation",
    "pedagogie": "pédagogie",
    "gouvernance": "gouvernance",
    "evaluation": "évaluation",
    "partenariats": "partenariats",
    "inclusion": "égalité d'accès",
    "familles": "familles",
    "batiment": "bâtiment et espaces",
    "budget": "budget",
}
# The key figures a département sheet of the paper prints: (label, unit).
PAPER_FIGURES: dict[str, tuple[str, str]] = {
    "area_km2": ("Superficie", "km²"),
    "density_per_km2": ("Densité", "habitants par km²"),
    "population": ("Population", "habitants"),
    "young_share_percent": ("Part des 0-19 ans", "%"),
    "towns_2000_plus": ("Communes de plus de 2 000 habitants", "communes"),
    "communes_under_2000": ("Autres communes (moins de 2 000 habitants)", "communes"),
    "pupils": ("Collégiens", "élèves"),
    "pupils_per_college": ("Élèves par collège en moyenne", "élèves"),
    "public_colleges": ("Collèges publics", "collèges"),
    "private_colleges": ("Collèges privés", "collèges"),
    "pupils_per_device": ("Élèves par équipement", "élèves"),
}
PAPER_LINE_COUNT = 4652  # lines of ../shared/seed/livre-blanc-adf-2017.txt
FIRST_YEAR, LAST_YEAR = 1990, 2030


class ExperienceError(ValueError):
    """The sheets cannot be loaded; ``errors`` lists every problem (French, file, field, line)."""

    def __init__(self, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.errors = errors if errors is not None else [message]


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: lines of the white paper, a reference data file, or a named URL."""

    lines: tuple[int, int] | None = None
    section: str = ""
    reference: str = ""
    url: str = ""
    title: str = ""
    year: int | None = None

    def describe(self) -> str:
        if self.lines is not None:
            first, last = self.lines
            where = f"ligne {first}" if first == last else f"lignes {first}-{last}"
            section = f", {self.section}" if self.section else ""
            return f"Livre blanc ADF 2017{section}, {where}"
        if self.reference:
            return f"Données de référence de numeduc : {self.reference}"
        year = f", {self.year}" if self.year else ""
        return f"{self.title or self.url}{year} ({self.url})"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: float
    unit: str
    year: int
    source: Source
    note: str = ""


@dataclass(frozen=True)
class Fact:
    """A dated or undated piece of text: a history entry, an objective, a lesson…"""

    text: str
    source: Source
    title: str = ""
    year: int | None = None


@dataclass(frozen=True)
class Sheet:
    kind: str  # departement | pays
    code: str  # département code, or the country's slug
    title: str
    revised: dt.date
    introduction: str  # the Markdown body
    themes: tuple[str, ...]
    file: str
    # départements
    strategies: tuple[str, ...] = ()
    paper_figures: tuple[Figure, ...] = ()
    history: tuple[Fact, ...] = ()
    objectives: tuple[Fact, ...] = ()
    focus: Fact | None = None
    # countries
    key_figures: tuple[Figure, ...] = ()
    organisation: tuple[Fact, ...] = ()
    programmes: tuple[Fact, ...] = ()
    lessons: tuple[Fact, ...] = ()
    risks: tuple[Fact, ...] = ()

    def paper_figure(self, key: str) -> Figure | None:
        return next((f for f in self.paper_figures if f.key == key), None)


@dataclass(frozen=True)
class Sheets:
    departements: dict[str, Sheet] = field(default_factory=dict)
    countries: dict[str, Sheet] = field(default_factory=dict)

    def all(self) -> list[Sheet]:
        return [
            *sorted(self.departements.values(), key=lambda s: s.code),
            *sorted(self.countries.values(), key=lambda s: s.code),
        ]

    def get(self, kind: str, code: str) -> Sheet | None:
        return (self.departements if kind == "departement" else self.countries).get(code)
