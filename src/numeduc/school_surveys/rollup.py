"""Roll-ups of a school survey's answers: per collège, département, peer group of collèges and
nationally, for each audience, only where ``anonymity.visibility`` allows. Pure: DataFrames in,
dataclasses out.

``answers`` has one row per answered item: ``response`` (an opaque id of one anonymous
submission), ``uai``, ``audience``, ``item``, ``value`` (the choice's value as text, or a
number). A share is over the people of the cell who answered that item (an optional item
skipped is not counted as « no »).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from numeduc.formatting import fr_percent
from numeduc.school_surveys.anonymity import MIN_ANSWERS, Cell, CollegePlace, Visibility, visibility

COLUMNS = ["response", "uai", "audience", "item", "value"]


@dataclass(frozen=True)
class ItemSummary:
    """One item in one cell: how many answered it and, when shown, each value's count and share."""

    item: str
    answered: int
    counts: Mapping[str, int] | None  # None: fewer than MIN_ANSWERS answered this item here
    mean: float | None = None  # number items only

    def share(self, value: str) -> float | None:
        if self.counts is None or self.answered == 0:
            return None
        return self.counts.get(value, 0) / self.answered


@dataclass(frozen=True)
class CellSummary:
    cell: Cell
    n: int  # anonymous submissions
    shown: bool
    reason: str
    items: Mapping[str, ItemSummary]  # empty when not shown


def _check(answers: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in COLUMNS if c not in answers.columns]
    if missing:
        raise ValueError(f"colonnes manquantes dans les réponses : {', '.join(missing)}")
    return answers[COLUMNS]


def _cell_keys(frame: pd.DataFrame, places: Mapping[str, CollegePlace]) -> pd.DataFrame:
    """The answers repeated once per level they roll up to, with the cell's key."""
    dep = {uai: p.departement for uai, p in places.items()}
    group = {uai: p.group for uai, p in places.items()}
    parts = []
    for level, key in (
        ("college", frame["uai"]),
        ("departement", frame["uai"].map(dep)),
        ("groupe", frame["uai"].map(group)),
        ("national", pd.Series("", index=frame.index)),
    ):
        part = frame.copy()
        part["level"], part["key"] = level, key
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def summarise(
    answers: pd.DataFrame,
    places: Mapping[str, CollegePlace],
    number_items: Sequence[str] = (),
    *,
    min_answers: int = MIN_ANSWERS,
) -> tuple[Visibility, dict[Cell, CellSummary]]:
    """Every cell's summary; the distributions only for the cells and items that may be shown."""
    frame = _check(answers)
    unknown = sorted(set(frame["uai"]) - set(places))
    if unknown:
        raise ValueError(f"collèges inconnus dans les réponses : {', '.join(unknown)}")
    per_college = frame.groupby(["uai", "audience"])["response"].nunique()
    seen = visibility({k: int(v) for k, v in per_college.items()}, places, min_answers=min_answers)
    rows = _cell_keys(frame, places)
    summaries: dict[Cell, CellSummary] = {}
    grouped = {key: part for key, part in rows.groupby(["level", "key", "audience"], sort=True)}
    for cell, n in sorted(seen.counts.items()):
        shown = seen.is_shown(cell)
        items: dict[str, ItemSummary] = {}
        part = grouped.get(cell)
        if shown and part is not None:
            for item, answers_of_item in part.groupby("item", sort=True):
                answered = int(answers_of_item["response"].nunique())
                if answered < min_answers:
                    items[item] = ItemSummary(item, answered, None)
                    continue
                if item in number_items:
                    values = pd.to_numeric(answers_of_item["value"], errors="coerce").dropna()
                    mean = math.fsum(values) / len(values) if len(values) else None
                    items[item] = ItemSummary(item, answered, {}, mean)
                else:
                    counts = answers_of_item["value"].astype(str).value_counts()
                    items[item] = ItemSummary(
                        item, answered, {str(k): int(v) for k, v in sorted(counts.items())}
                    )
        summaries[cell] = CellSummary(cell, n, shown, seen.reason(cell), items)
    return seen, summaries


@dataclass(frozen=True)
class DeclaredMeasured:
    """A share declared in the survey beside the share measured in the logs, same collège and
    period, with the gap said in plain words."""

    declared: float | None  # 0..1, None when the survey cannot be shown
    measured: float | None  # 0..1, None without logs
    declared_label: str
    measured_label: str

    @property
    def gap(self) -> float | None:
        if self.declared is None or self.measured is None:
            return None
        return self.declared - self.measured

    @property
    def sentence(self) -> str:
        if self.declared is None:
            return "Pas assez de réponses à l'enquête pour comparer."
        if self.measured is None:
            return "Pas de journaux d'usage sur la période pour comparer."
        points = round(abs(self.gap or 0) * 100)
        declared = fr_percent(self.declared * 100, 0)
        measured = fr_percent(self.measured * 100, 0)
        if points < 10:
            return (
                f"Ce qui est déclaré ({declared} {self.declared_label}) et ce que montrent les journaux "
                f"({measured} {self.measured_label}) concordent, à moins de 10 points près."
            )
        if (self.gap or 0) > 0:
            return (
                f"{declared} {self.declared_label}, mais les journaux n'en montrent que {measured} "
                f"({self.measured_label}) : {points} points d'écart. Les personnes peuvent surestimer "
                "leur usage, se connecter par une autre voie (application, compte d'un parent) ou "
                "parler d'une autre période."
            )
        return (
            f"Les journaux montrent {measured} ({self.measured_label}), plus que les {declared} "
            f"{self.declared_label} : {points} points d'écart. Une connexion ne dit pas qu'on a lu "
            "ou utilisé le service, ni qui était devant l'écran."
        )
