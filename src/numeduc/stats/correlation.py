"""Correlation matrices with R's p-values (``cor`` and ``cor.test``).

* ``pearson``: product-moment correlation; p-value from Student's t with n - 2 df.
* ``spearman``: Pearson on average ranks (R ``rank()``: tied values share the mean rank).
  p-value as R ``cor.test``: exact (algorithm AS 89, Edgeworth series for n > 9) when there
  are no ties and n <= 1290, otherwise Student's t approximation.
* ``kendall``: tau-b. p-value as R ``cor.test``: exact distribution when n < 50 and no
  ties, otherwise the normal approximation with R's tie-corrected variance.

Missing values: **pairwise complete observations** (R ``use = "pairwise.complete.obs"``):
each pair of variables uses the rows where both are present, and ``n`` reports, per pair,
how many rows that was. A pair with fewer than 3 rows, or constant on its rows, gets NaN
(R: NA): the coefficient is not defined there.

Refused (:class:`numeduc.stats.checks.StatsInputError`, naming the column): duplicate
column names, fewer than 3 rows, a non-numeric, empty, infinite or constant column and, for
Pearson, a column whose spread overflows float64 or is lost in rounding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats as sps

from .checks import (
    OverflowColumnError,
    check_min_rows,
    check_spread,
    check_unique_columns,
    check_values,
    constant_columns,
    varies,
)

Method = Literal["pearson", "spearman", "kendall"]


@dataclass
class CorrelationResult:
    matrix: pd.DataFrame
    p_values: pd.DataFrame
    n: pd.DataFrame  # rows used for each pair
    method: str


def _pt_two_sided(t: float, df: int) -> float:
    if math.isinf(t):
        return 0.0
    return float(min(2 * min(sps.t.cdf(t, df), sps.t.sf(t, df)), 1.0))


def _prho(n: int, is_: float, lower_tail: bool) -> float:
    """R's ``prho`` (AS 89): P(S >= is) or P(S < is) for Spearman's S."""
    pv = 0.0 if lower_tail else 1.0
    if n <= 1 or is_ <= 0:
        return pv
    n3 = float(n)
    n3 *= (n3 * n3 - 1.0) / 3.0
    if is_ > n3:
        return 1 - pv
    if n <= 9:
        from itertools import permutations

        nfac = math.factorial(n)
        if is_ == n3:
            ifr = 1
        else:
            ifr = 0
            for perm in permutations(range(1, n + 1)):
                ise = sum((i + 1 - p) ** 2 for i, p in enumerate(perm))
                if is_ <= ise:
                    ifr += 1
        return (nfac - ifr if lower_tail else ifr) / nfac
    c = [0.2274, 0.2531, 0.1745, 0.0758, 0.1033, 0.3932, 0.0879, 0.0151, 0.0072, 0.0831, 0.0131, 4.6e-4]
    y = float(n)
    b = 1 / y
    x = (6.0 * (is_ - 1) * b / (y * y - 1) - 1) * math.sqrt(y - 1)
    y = x * x
    u = (
        x
        * b
        * (
            c[0]
            + b * (c[1] + c[2] * b)
            + y
            * (
                -c[3]
                + b * (c[4] + c[5] * b)
                - y * b * (c[6] + c[7] * b - y * (c[8] - c[9] * b + y * b * (c[10] - c[11] * y)))
            )
        )
    )
    y = u / math.exp(y / 2.0)
    pv = (-y if lower_tail else y) + (sps.norm.cdf(x) if lower_tail else sps.norm.sf(x))
    return min(max(pv, 0.0), 1.0)


@lru_cache(maxsize=64)
def _kendall_cdf_table(n: int) -> np.ndarray:
    """Cumulative counts of permutations of n elements by number of inversions / n!."""
    counts = np.array([1.0])
    for m in range(2, n + 1):
        new = np.zeros(len(counts) + m - 1)
        for shift in range(m):
            new[shift : shift + len(counts)] += counts
        counts = new
    return np.cumsum(counts) / counts.sum()


def _pkendall(q: float, n: int) -> float:
    table = _kendall_cdf_table(n)
    q = int(q)
    if q < 0:
        return 0.0
    if q >= len(table):
        return 1.0
    return float(table[q])


def _has_ties(x: np.ndarray, y: np.ndarray) -> bool:
    return min(len(np.unique(x)), len(np.unique(y))) < len(x)


def pair_test(x: np.ndarray, y: np.ndarray, method: Method) -> tuple[float, float]:
    """(coefficient, two-sided p-value) as R ``cor.test(x, y, method=...)`` with defaults."""
    n = len(x)
    if n < 3 or not varies(x) or not varies(y):
        return math.nan, math.nan
    if method == "pearson":
        r = float(np.corrcoef(x, y)[0, 1])
        return r, _pt_two_sided(
            math.sqrt(n - 2) * r / math.sqrt(1 - r * r) if abs(r) < 1 else math.copysign(math.inf, r), n - 2
        )
    if method == "spearman":
        rx, ry = sps.rankdata(x), sps.rankdata(y)
        r = float(np.corrcoef(rx, ry)[0, 1])
        q = (n**3 - n) * (1 - r) / 6
        exact = not _has_ties(x, y) and n <= 1290
        if exact:
            if q > (n**3 - n) / 6:
                p = _prho(n, round(q), lower_tail=False)
            else:
                p = _prho(n, round(q) + 2, lower_tail=True)
        else:
            t = r / math.sqrt((1 - r * r) / (n - 2)) if abs(r) < 1 else math.copysign(math.inf, r)
            return r, _pt_two_sided(t, n - 2)
        return r, min(2 * p, 1.0)
    if method == "kendall":
        r = float(sps.kendalltau(x, y, variant="b").statistic)
        if n < 50 and not _has_ties(x, y):
            q = round((r + 1) * n * (n - 1) / 4)
            if q > n * (n - 1) / 4:
                p = 1 - _pkendall(q - 1, n)
            else:
                p = _pkendall(q, n)
            return r, min(2 * p, 1.0)
        _, xt = np.unique(x, return_counts=True)
        _, yt = np.unique(y, return_counts=True)
        xt, yt = xt[xt > 1].astype(float), yt[yt > 1].astype(float)
        t0 = n * (n - 1) / 2
        t1 = (xt * (xt - 1)).sum() / 2
        t2 = (yt * (yt - 1)).sum() / 2
        s = r * math.sqrt((t0 - t1) * (t0 - t2))
        v0 = n * (n - 1) * (2 * n + 5)
        vt = (xt * (xt - 1) * (2 * xt + 5)).sum()
        vu = (yt * (yt - 1) * (2 * yt + 5)).sum()
        v1 = (xt * (xt - 1)).sum() * (yt * (yt - 1)).sum()
        v2 = (xt * (xt - 1) * (xt - 2)).sum() * (yt * (yt - 1) * (yt - 2)).sum()
        var_s = (v0 - vt - vu) / 18 + v1 / (2 * n * (n - 1)) + v2 / (9 * n * (n - 1) * (n - 2))
        if not var_s > 0:
            return r, math.nan
        z = s / math.sqrt(var_s)
        return r, float(min(2 * min(sps.norm.cdf(z), sps.norm.sf(z)), 1.0))
    raise ValueError(f"méthode inconnue : {method!r} (pearson, spearman ou kendall)")


def correlation(
    data: pd.DataFrame, method: Method = "pearson", *, constant: Literal["refuse", "keep"] = "refuse"
) -> CorrelationResult:
    """Correlation matrix, p-values and pair counts of the numeric columns of ``data``.

    ``constant="keep"`` is R's tolerance instead of a refusal: a constant or empty column gets
    NaN coefficients (R: NA), for callers that must show every column."""
    if method not in ("pearson", "spearman", "kendall"):
        raise ValueError(f"méthode inconnue : {method!r} (pearson, spearman ou kendall)")
    if constant not in ("refuse", "keep"):
        raise ValueError(f"constant vaut « refuse » ou « keep » (reçu {constant!r})")
    keep = constant == "keep"
    cols = list(data.columns)
    check_unique_columns(cols)
    check_min_rows(len(data), 3)
    check_values(data, cols, what="colonne", require_variation=not keep, allow_empty=keep)
    values = data.to_numpy(dtype=float)
    if method == "pearson":
        # Same formula as numpy's corrcoef (mean, then squared deviations): what overflows
        # here would overflow there and give NaN.
        spread = np.zeros(len(cols))
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            for j in range(len(cols)):
                v = values[~np.isnan(values[:, j]), j]
                if v.size:
                    spread[j] = np.sqrt(np.mean((v - np.mean(v)) ** 2))
        kept = [j for j, col in enumerate(cols) if col in constant_columns(data)] if keep else []
        check_spread(cols, values, spread, what="colonne", skip=kept)
    p = len(cols)
    mat = np.eye(p)
    pv = np.zeros((p, p))
    counts = np.zeros((p, p), dtype=np.int64)
    for i in range(p):
        counts[i, i] = int((~np.isnan(values[:, i])).sum())
        for j in range(i + 1, p):
            ok = ~np.isnan(values[:, i]) & ~np.isnan(values[:, j])
            with np.errstate(over="ignore", invalid="ignore"):
                r, pval = pair_test(values[ok, i], values[ok, j], method)
            defined = ok.sum() >= 3 and varies(values[ok, i]) and varies(values[ok, j])
            if defined and not (math.isfinite(r) and abs(r) <= 1 + 1e-12):
                # The column checks make this rare (a subset can still overflow where the
                # whole column did not): refuse rather than write a NaN that looks undefined.
                worst = (
                    cols[i] if np.nanmax(np.abs(values[:, i])) >= np.nanmax(np.abs(values[:, j])) else cols[j]
                )
                raise OverflowColumnError(
                    f"colonne « {worst} » : valeurs trop grandes pour calculer la corrélation avec "
                    f"« {cols[j] if worst == cols[i] else cols[i]} » ; changez d'unité",
                    column=worst,
                )
            mat[i, j] = mat[j, i] = r
            pv[i, j] = pv[j, i] = pval
            counts[i, j] = counts[j, i] = int(ok.sum())
    frame = lambda a: pd.DataFrame(a, index=cols, columns=cols)  # noqa: E731
    return CorrelationResult(matrix=frame(mat), p_values=frame(pv), n=frame(counts), method=method)
