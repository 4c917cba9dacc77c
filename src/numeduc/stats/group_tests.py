"""Tests for 1-4 answers (ordinal levels) against a grouping of the respondents.

Which test for which question:

* :func:`kruskal_wallis` - do the answers differ between k unordered groups (e.g. peer
  groups)? Kruskal-Wallis H with R's tie correction (same value as R ``kruskal.test``),
  chi-squared p-value with k - 1 df, and the effect size **epsilon-squared**
  ``E² = H / (n - 1)`` (Tomczak & Tomczak 2014), between 0 and 1.
* :func:`spearman_trend` - do the answers rise (or fall) with an *ordered* grouping (e.g.
  density class 1 < 2 < 3)? Spearman's rho between the answer and the group's rank, with
  R ``cor.test(method = "spearman")``'s p-value (t approximation when there are ties, which
  is always the case with 1-4 answers). rho is the effect size.
* :func:`ordinal_association` - an ordinal outcome against a binary or ordinal grouping,
  chosen automatically: two groups -> Mann-Whitney / Wilcoxon rank-sum (R ``wilcox.test``
  with ``exact = FALSE, correct = TRUE``: normal approximation, tie and continuity
  corrections) with the **rank-biserial correlation** ``r = 2U/(n1 n2) - 1`` (= Cliff's
  delta, from -1 to 1, positive when the first group answers higher); more than two ordered
  groups -> Kendall's tau-b (R ``cor.test(method = "kendall")``) as test and effect size.

Missing answers are dropped (pairwise), and ``n`` says how many were used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from .correlation import pair_test


@dataclass
class GroupTestResult:
    test: str
    statistic: float
    p_value: float
    effect_size: float
    effect_size_name: str
    n: int
    df: float | None = None


def _clean(values, groups) -> tuple[np.ndarray, np.ndarray]:
    frame = pd.DataFrame({"v": pd.Series(np.asarray(values, dtype=float)), "g": pd.Series(list(groups))})
    frame = frame.dropna()
    return frame["v"].to_numpy(dtype=float), frame["g"].to_numpy()


def kruskal_wallis(values: Sequence[float], groups: Sequence) -> GroupTestResult:
    """Kruskal-Wallis H test with epsilon-squared (see the module docstring)."""
    v, g = _clean(values, groups)
    levels = pd.unique(g)
    if len(levels) < 2:
        raise ValueError("il faut au moins deux groupes")
    samples = [v[g == level] for level in levels]
    n = len(v)
    h, p = sps.kruskal(*samples)
    return GroupTestResult(
        test="Kruskal-Wallis",
        statistic=float(h),
        p_value=float(p),
        effect_size=float(h) / (n - 1),
        effect_size_name="epsilon²",
        n=n,
        df=float(len(levels) - 1),
    )


def spearman_trend(values: Sequence[float], group_order: Sequence[float]) -> GroupTestResult:
    """Spearman trend of the answers along an ordered grouping (numbers giving the order)."""
    v, g = _clean(values, group_order)
    rho, p = pair_test(v, g.astype(float), "spearman")
    return GroupTestResult(
        test="Spearman (tendance)",
        statistic=rho,
        p_value=p,
        effect_size=rho,
        effect_size_name="rho",
        n=len(v),
    )


def ordinal_association(
    outcome: Sequence[float], grouping: Sequence, *, order: Sequence | None = None
) -> GroupTestResult:
    """Ordinal outcome vs binary grouping (Mann-Whitney + rank-biserial r) or ordinal
    grouping with more than two levels (Kendall tau-b). ``order`` lists the group levels
    from lowest to highest (default: sorted values); for two groups the first level of
    ``order`` is "group 1" of the rank-biserial sign."""
    v, g = _clean(outcome, grouping)
    levels = list(order) if order is not None else sorted(pd.unique(g), key=lambda x: (str(type(x)), x))
    if len(levels) < 2:
        raise ValueError("il faut au moins deux groupes")
    if len(levels) == 2:
        first, second = v[g == levels[0]], v[g == levels[1]]
        res = sps.mannwhitneyu(
            first, second, use_continuity=True, alternative="two-sided", method="asymptotic"
        )
        u = float(res.statistic)
        return GroupTestResult(
            test="Mann-Whitney",
            statistic=u,
            p_value=float(res.pvalue),
            effect_size=2 * u / (len(first) * len(second)) - 1,
            effect_size_name="corrélation bisériale de rang",
            n=len(v),
        )
    rank_of = {level: i + 1 for i, level in enumerate(levels)}
    codes = np.array([rank_of[x] for x in g], dtype=float)
    tau, p = pair_test(v, codes, "kendall")
    return GroupTestResult(
        test="Kendall tau-b", statistic=tau, p_value=p, effect_size=tau, effect_size_name="tau-b", n=len(v)
    )
