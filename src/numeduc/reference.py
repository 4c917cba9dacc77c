"""Reference data shipped with the package (pure: pandas only).

Départements with their INSEE demographics, académies (2017-2018 map) and collèges, their
origin in ``data/reference/PROVENANCE.md``. Each CSV has a companion ``*.columns.csv`` giving
every column's description, unit, year and source, so that every figure can be shown with
its source and year.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

REFERENCE_PACKAGE = "numeduc.data.reference"

# The four INSEE indicators that define peer groups (white paper's CAH).
PEER_INDICATORS = ("density", "poverty_rate", "population_growth", "share_0_19")


@dataclass(frozen=True)
class ColumnInfo:
    column: str
    description: str
    unit: str
    year: str
    source: str
    transformation: str

    @property
    def citation(self) -> str:
        """Short French citation: ``INSEE …, 2013``."""
        return f"{self.source} ({self.year})"


def _open(name: str):
    return resources.files(REFERENCE_PACKAGE).joinpath(name).open("r", encoding="utf-8")


@cache
def _read(name: str, text_columns: tuple[str, ...]) -> pd.DataFrame:
    with _open(name) as handle:
        return pd.read_csv(handle, dtype={c: "string" for c in text_columns}, keep_default_na=True)


def departements() -> pd.DataFrame:
    """The 101 départements, indexed by code (``"01"`` … ``"976"``)."""
    frame = _read("departements.csv", ("code", "region_code")).copy()
    return frame.set_index("code")


def academies() -> pd.DataFrame:
    """One row per département: its académie and région académique (school year 2017-2018)."""
    return _read(
        "academies.csv", ("departement_code", "academie_code", "region_academique_code", "source_uai")
    ).copy()


def colleges(*, public_only: bool = False) -> pd.DataFrame:
    """The collèges (UAI, département, density class, pupils 2020-21, priority education)."""
    frame = _read(
        "colleges.csv",
        ("uai", "departement_code", "commune_code", "academie_code", "density_code"),
    ).copy()
    if public_only:
        frame = frame[frame["public_private"] == "public"]
    return frame


@cache
def column_info(dataset: str) -> dict[str, ColumnInfo]:
    """Metadata of every column of ``dataset`` (``departements``, ``academies``, ``colleges``)."""
    with _open(f"{dataset}.columns.csv") as handle:
        frame = pd.read_csv(handle, dtype="string", keep_default_na=False)
    return {
        row["column"]: ColumnInfo(
            column=row["column"],
            description=row["description"],
            unit=row["unit"],
            year=row["year"],
            source=row["source"],
            transformation=row["transformation"],
        )
        for _, row in frame.iterrows()
    }


# Plain-French labels and short citations of the indicators users see.
INDICATOR_LABELS = {
    "density": (
        "Densité de population",
        "hab./km²",
        "Insee, population municipale 2014 rapportée à la superficie (géographie 2024)",
    ),
    "poverty_rate": (
        "Taux de pauvreté",
        "%",
        "Insee, Filosofi, revenus 2013 (seuil de 60 % du niveau de vie médian)",
    ),
    "population_growth": (
        "Évolution de la population 2005-2015",
        "%",
        "Insee, estimations de population au 1er janvier 2005 et 2015",
    ),
    "share_0_19": ("Part des 0-19 ans", "%", "Insee, estimations de population au 1er janvier 2015"),
    "population": ("Population", "hab.", "Insee, population municipale 2014"),
}
