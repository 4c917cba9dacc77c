"""What the statistics refuse, and the errors they raise.

Every algorithm of :mod:`numeduc.stats` checks its input with these helpers before computing,
so that data it cannot compute on (a constant column, a column without any value, an infinite
value, values so large that a standard deviation overflows, duplicate column names, too few
rows) is refused with a French message naming the column, instead of producing NaN, a numpy
warning, "SVD did not converge" or a figure that is silently wrong (e.g. 100 % of the inertia
on Dim.1 for constant data).

All the errors are :class:`StatsInputError`, a :class:`ValueError` subclass, so existing
``except ValueError`` callers keep working; the command line turns them into exit status 2.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

# FactoMineR treats a column whose standard deviation is <= 1e-16 as constant (it divides by
# 1 instead): the result is then a variable stuck at the origin with an undefined
# correlation. Refused here, with that reason.
SD_FLOOR = 1e-16
# A spread smaller than this fraction of the largest absolute value is below what float64
# (15-16 significant digits) can centre reliably: the centred values would be rounding noise
# standardised to look like data.
RELATIVE_SPREAD = 1e-8


class StatsInputError(ValueError):
    """Data that a statistic cannot compute on. ``column`` names the culprit when there is one."""

    def __init__(self, message: str, *, column: object | None = None) -> None:
        super().__init__(message)
        self.column = column


class DuplicateColumnError(StatsInputError):
    pass


class TooFewRowsError(StatsInputError):
    pass


class NotNumericError(StatsInputError):
    pass


class EmptyColumnError(StatsInputError):
    """Every value of the column is missing."""


class InfiniteValueError(StatsInputError):
    pass


class MissingValueError(StatsInputError):
    """A missing value where the method needs a complete table (Ward)."""


class ConstantColumnError(StatsInputError):
    """No variability (or a variability below what can be computed)."""


class OverflowColumnError(StatsInputError):
    """Finite values whose squares or spread exceed the range of float64 (about 1.8e308)."""


def fmt(value: float) -> str:
    """A number for a French message: 6 significant digits, decimal comma, e-notation when
    extreme (``1e+308``, ``3,5``)."""
    if isinstance(value, (int, np.integer)):
        return str(value)
    return f"{float(value):.6g}".replace(".", ",")


def varies(values: np.ndarray) -> bool:
    """At least two different values (``np.ptp`` would overflow on ±1e308)."""
    return values.size > 1 and values.max() != values.min()


def check_unique_columns(columns: Iterable[object], what: str = "colonne") -> None:
    seen: dict[str, int] = {}
    for position, name in enumerate(columns, start=1):
        key = str(name).strip()
        if key in seen:
            raise DuplicateColumnError(
                f"{what} « {name} » en double (positions {seen[key]} et {position}) : "
                "chaque colonne doit avoir un nom unique",
                column=name,
            )
        seen[key] = position


def check_min_rows(n: int, minimum: int, what: str = "lignes") -> None:
    if n < minimum:
        raise TooFewRowsError(f"il faut au moins {minimum} {what} (reçu {n})")


def check_values(
    frame: pd.DataFrame,
    columns: Sequence[object],
    *,
    what: str = "variable",
    allow_missing: bool = True,
    require_variation: bool = True,
    allow_empty: bool = False,
) -> None:
    """Numeric dtype, no infinite value, at least one value (unless ``allow_empty``), and
    (``require_variation``) not constant over the values present. Raises on the first column
    (in order) that fails."""
    for col in columns:
        series = frame[col]
        if isinstance(series, pd.DataFrame):  # duplicate labels select several columns
            raise DuplicateColumnError(
                f"{what} « {col} » en double : chaque colonne doit avoir un nom unique", column=col
            )
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            raise NotNumericError(f"la {what} « {col} » n'est pas numérique", column=col)
        values = series.to_numpy(dtype=float)
        infinite = np.isinf(values)
        if infinite.any():
            i = int(np.flatnonzero(infinite)[0])
            raise InfiniteValueError(
                f"{what} « {col} », ligne « {frame.index[i]} » : valeur infinie ({fmt(values[i])}) ; "
                "les calculs demandent des nombres finis",
                column=col,
            )
        present = values[~np.isnan(values)]
        if present.size == 0 and allow_empty:
            continue
        if present.size == 0:
            raise EmptyColumnError(
                f"{what} « {col} » : aucune valeur renseignée (toutes manquantes)", column=col
            )
        if not allow_missing and present.size < values.size:
            i = int(np.flatnonzero(np.isnan(values))[0])
            raise MissingValueError(
                f"{what} « {col} », ligne « {frame.index[i]} » : valeur manquante ; "
                "cette méthode demande un tableau complet",
                column=col,
            )
        if require_variation and not varies(present):
            if present.size == 1:
                detail = f"une seule valeur renseignée ({fmt(present[0])})"
            else:
                detail = f"toutes les valeurs valent {fmt(present[0])}"
            raise ConstantColumnError(
                f"{what} « {col} » constante ({detail}) : sans variabilité, elle ne peut être ni "
                "réduite ni corrélée ; retirez-la",
                column=col,
            )


def check_spread(
    columns: Sequence[object],
    x: np.ndarray,
    sd: np.ndarray,
    *,
    what: str = "variable",
    skip: Sequence[int] = (),
) -> None:
    """After an algorithm computed the standard deviation ``sd`` of the columns of ``x`` (with
    its own formula, so that what is checked is what is used): refuse an overflow (inf or
    NaN), a spread at or below FactoMineR's floor, or one lost in rounding. Columns whose
    position is in ``skip`` (constant columns a caller chose to keep) are not checked."""
    with np.errstate(all="ignore"):
        max_abs = np.nanmax(np.abs(x), axis=0, initial=0.0) if x.size else np.zeros(len(columns))
    for j, col in enumerate(columns):
        if j in skip:
            continue
        s = float(sd[j])
        if not math.isfinite(s):
            raise OverflowColumnError(
                f"{what} « {col} » : valeurs trop grandes (jusqu'à {fmt(max_abs[j])}) : le calcul de "
                "l'écart-type dépasse la capacité des nombres à virgule flottante (environ 1,8e308) ; "
                "changez d'unité (divisez la colonne par une puissance de 10)",
                column=col,
            )
        if s <= SD_FLOOR:
            raise ConstantColumnError(
                f"{what} « {col} » : variabilité trop faible (écart-type {fmt(s)}, au plus {fmt(SD_FLOOR)}) : "
                "elle serait traitée comme constante ; changez d'unité (multipliez la colonne par une "
                "puissance de 10) ou retirez-la",
                column=col,
            )
        if s <= RELATIVE_SPREAD * max_abs[j]:
            raise ConstantColumnError(
                f"{what} « {col} » : variabilité négligeable devant l'ordre de grandeur des valeurs "
                f"(écart-type {fmt(s)} pour des valeurs jusqu'à {fmt(max_abs[j])}) : au-delà de la "
                "précision des calculs (15 à 16 chiffres), le résultat serait du bruit d'arrondi ; "
                "retranchez une constante ou retirez la colonne",
                column=col,
            )


def constant_columns(frame: pd.DataFrame) -> list[object]:
    """Columns whose present values are all equal (or absent): callers that want to leave such
    columns out, rather than be refused, can drop these first."""
    out = []
    for col in frame.columns:
        values = frame[col].to_numpy(dtype=float)
        present = values[~np.isnan(values)]
        if not varies(present):
            out.append(col)
    return out


__all__ = [
    "RELATIVE_SPREAD",
    "SD_FLOOR",
    "ConstantColumnError",
    "DuplicateColumnError",
    "EmptyColumnError",
    "InfiniteValueError",
    "MissingValueError",
    "NotNumericError",
    "OverflowColumnError",
    "StatsInputError",
    "TooFewRowsError",
    "check_min_rows",
    "check_spread",
    "check_unique_columns",
    "check_values",
    "constant_columns",
    "varies",
]
