"""A département sheet's key figures computed from the reference data, each with its year and
source, beside the figure the 2017 paper printed — never silently replaced: where they differ,
a plain sentence says by how much and why (another year, another count, the paper's rounding).

Pure: the reference frames (``numeduc.reference``) in, ``KeyFigure`` rows out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from numeduc.experiences.model import PAPER_FIGURES, Figure, Sheet
from numeduc.formatting import fr_number

# Within this relative gap, the paper's rounded figure and the reference one are the same.
SAME_WITHIN = 0.01
DIRECTORY_YEAR = "annuaire de novembre 2024"
PUPILS_SOURCE = "DEPP, effectifs des collèges"


@dataclass(frozen=True)
class KeyFigure:
    key: str
    label: str
    unit: str
    value: float | None  # from the reference data; None when it has none
    year: str  # « 2014 », « 2020-2021 », « annuaire de novembre 2024 »
    source: str
    paper: Figure | None  # the paper's 2017 figure, when the sheet carries it
    difference: str  # a plain sentence when the two differ, else ""

    @property
    def decimals(self) -> int:
        return 1 if self.key in ("young_share_percent", "density_per_km2") else 0

    def shown(self, value: float | None) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "—"
        return fr_number(value, self.decimals)


WHY = {
    "public_colleges": (
        "L'annuaire compte les collèges ouverts ou annoncés en novembre 2024 ; depuis 2017, des "
        "collèges ont pu ouvrir, fermer ou fusionner."
    ),
    "private_colleges": (
        "L'annuaire compte tous les collèges privés, sous contrat ou non, en novembre 2024 ; le "
        "livre blanc reprend le chiffre donné par le département en 2017."
    ),
    "pupils": (
        "Les effectifs de référence sont ceux de la rentrée 2020 dans les collèges publics ; le "
        "livre blanc donne un chiffre arrondi de 2017, qui peut aussi compter autrement."
    ),
    "pupils_per_college": (
        "Moyenne recalculée sur les collèges publics dont l'effectif de la rentrée 2020 est connu."
    ),
    "population": (
        "Population municipale 2014 de l'Insee, l'année que cite la fiche du livre blanc : l'écart "
        "vient du chiffre repris dans la fiche, pas d'une évolution."
    ),
    "area_km2": "Superficie de l'Insee en géographie 2024 (somme des communes).",
    "density_per_km2": (
        "Population municipale 2014 rapportée à la superficie de 2024 ; le livre blanc arrondit."
    ),
    "young_share_percent": (
        "Part des 0-19 ans au 1er janvier 2015 selon l'Insee ; la fiche du livre blanc la date du "
        "recensement 2014."
    ),
}


def _differs(reference: float | None, paper: Figure | None) -> bool:
    if reference is None or paper is None:
        return False
    scale = max(abs(paper.value), abs(reference), 1.0)
    return abs(reference - paper.value) / scale > SAME_WITHIN


def _row(key: str, value: float | None, year: str, source: str, sheet: Sheet | None) -> KeyFigure:
    label, unit = PAPER_FIGURES[key]
    paper = sheet.paper_figure(key) if sheet else None
    figure = KeyFigure(key, label, unit, value, year, source, paper, "")
    if not _differs(value, paper):
        return figure
    assert paper is not None and value is not None
    sentence = (
        f"{label} : {figure.shown(value)} ({year}) contre {figure.shown(paper.value)} dans le livre blanc "
        f"({paper.year}). {WHY.get(key, '')}"
    ).strip()
    return KeyFigure(key, label, unit, value, year, source, paper, sentence)


# departements.csv's columns: (year, source) in French (data/reference/PROVENANCE.md).
DEPARTEMENT_SOURCES = {
    "area_km2": ("géographie 2024", "Insee, comparateur de territoires"),
    "density": ("2014", "Insee, population municipale 2014 rapportée à la superficie de 2024"),
    "population": ("2014", "Insee, population municipale"),
    "share_0_19": ("2015", "Insee, estimations de population au 1er janvier"),
}


def key_figures(
    code: str,
    departements: pd.DataFrame,
    colleges: pd.DataFrame,
    sheet: Sheet | None = None,
) -> list[KeyFigure]:
    """The département's key figures from the reference data (``departements`` indexed by code,
    ``colleges`` one row per collège), beside the sheet's paper figures."""
    sources = DEPARTEMENT_SOURCES
    dep = departements.loc[code] if code in departements.index else None
    mine = colleges[colleges["departement_code"] == code]
    public = mine[mine["public_private"] == "public"]
    private = mine[mine["public_private"] == "private"]
    counted = public["pupils"].dropna()
    pupils = float(counted.sum()) if len(counted) else None
    years = sorted(set(public["pupils_school_year"].dropna())) if "pupils_school_year" in public else []
    pupils_year = years[-1] if years else "rentrée 2020"

    def dep_value(column: str) -> float | None:
        if dep is None or pd.isna(dep.get(column)):
            return None
        return float(dep[column])

    def dep_row(key: str, column: str) -> KeyFigure:
        year, source = sources.get(column, ("", "Insee"))
        return _row(key, dep_value(column), year, source, sheet)

    pupils_row = _row("pupils", pupils, pupils_year, PUPILS_SOURCE, sheet)
    everyone = mine["pupils"].dropna()
    paper_pupils = sheet.paper_figure("pupils") if sheet else None
    if pupils_row.difference and paper_pupils is not None and len(everyone):
        total = float(everyone.sum())
        if abs(total - paper_pupils.value) < abs((pupils or 0) - paper_pupils.value):
            pupils_row = KeyFigure(
                **{
                    **pupils_row.__dict__,
                    "difference": pupils_row.difference
                    + f" Avec les collèges privés, la rentrée 2020 compte {fr_number(total, 0)} élèves : "
                    "le livre blanc compte sans doute les collèges publics et privés.",
                }
            )
    rows = [
        dep_row("area_km2", "area_km2"),
        dep_row("density_per_km2", "density"),
        dep_row("population", "population"),
        dep_row("young_share_percent", "share_0_19"),
        pupils_row,
        _row(
            "pupils_per_college",
            pupils / len(counted) if pupils is not None and len(counted) else None,
            pupils_year,
            PUPILS_SOURCE,
            sheet,
        ),
        _row(
            "public_colleges", float(len(public)), DIRECTORY_YEAR, "Ministère de l'Éducation nationale", sheet
        ),
        _row(
            "private_colleges",
            float(len(private)),
            DIRECTORY_YEAR,
            "Ministère de l'Éducation nationale",
            sheet,
        ),
    ]
    # The figures only the paper has (communes by size, the equipment ratio): shown as the paper's.
    computed = {r.key for r in rows}
    for figure in sheet.paper_figures if sheet else ():
        if figure.key not in computed:
            label, unit = PAPER_FIGURES[figure.key]
            rows.append(KeyFigure(figure.key, label, unit, None, "", "", figure, ""))
    return rows
