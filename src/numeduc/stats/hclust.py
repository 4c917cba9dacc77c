"""Ward hierarchical clustering ("CAH") ported from R's ``hclust.f`` (F. Murtagh's
nearest-neighbour-list algorithm), with R's ``cutree`` numbering.

Why a port and not ``scipy.cluster.hierarchy.linkage``: the merge heights are the same, but
when several pairs are at exactly the same distance (frequent with 1-4 answers), scipy's
nearest-neighbour chain merges them in another order and the cut partitions differ from R.
The port reproduces R's order:

* at each step the pair with the smallest dissimilarity is merged; among equal values the
  first ``(i, j)`` in scan order wins (smallest ``i``, then smallest ``j > i``, strict ``<``);
* the merged cluster keeps the lower index;
* the Lance-Williams update is
  ``((m_i + m_k) d_ik + (m_j + m_k) d_jk - m_k d_ij) / (m_i + m_j + m_k)``
  computed in that order, on squared distances for ``ward.D2``.

Memory: the dissimilarities are held in an ``n x n`` float64 matrix (8 n² bytes: 80 MB for
n = 3,000). For larger data, pre-cluster with k-means first (see ``hcpc(kk=...)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .checks import (
    OverflowColumnError,
    StatsInputError,
    check_min_rows,
    check_spread,
    check_unique_columns,
    check_values,
    fmt,
    varies,
)

INF = 1e300


def r_dist_squared(x: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances as R computes them: ``dist(x)^2``.

    R sums the squared differences column by column (in order), takes the square root, and
    ``hclust(ward.D2)``/HCPC square it again; doing the same keeps ties bit-identical.
    """
    x = np.asarray(x, dtype=float)
    n, p = x.shape
    acc = np.zeros((n, n))
    for j in range(p):
        diff = x[:, j][:, None] - x[:, j][None, :]
        acc += diff * diff
    return np.sqrt(acc) ** 2


def murtagh_ward(diss: np.ndarray, members: np.ndarray | None = None, *, jb_fix: bool = True):
    """Core of ``hclust.f`` (``jb_fix=True``) or flashClust's ``hc.f`` (``jb_fix=False``) for
    Ward's method, on a full symmetric matrix of dissimilarities (used as they are: pass
    squared distances for ``ward.D2``).

    Returns ``(ia, ib, crit)``: 0-based indices of the two merged clusters (``ia < ib``; the
    merged cluster keeps ``ia``) and the criterion value of each of the ``n - 1`` merges.
    """
    d = np.array(diss, dtype=float, copy=True)
    n = d.shape[0]
    if n < 2:
        raise ValueError("il faut au moins 2 individus pour construire un arbre")
    membr = np.ones(n) if members is None else np.array(members, dtype=float, copy=True)
    flag = np.ones(n, dtype=bool)
    # Strict upper triangle only: entries (i, j) with j <= i are never read as "right" neighbours.
    upper = np.triu(np.ones((n, n), dtype=bool), k=1)
    work = np.where(upper, d, INF)
    np.fill_diagonal(d, 0.0)
    nn = np.zeros(n, dtype=np.int64)
    disnn = np.full(n, INF)
    for i in range(n - 1):
        row = work[i, i + 1 :]
        j = int(np.argmin(row))  # first minimum = Fortran's strict "<" scan
        if row[j] < INF:
            nn[i] = i + 1 + j
            disnn[i] = row[j]
    del work
    ia = np.zeros(n - 1, dtype=np.int64)
    ib = np.zeros(n - 1, dtype=np.int64)
    crit = np.zeros(n - 1)
    inactive_value = np.inf
    for step in range(n - 1):
        cand = np.where(flag[: n - 1], disnn[: n - 1], INF)
        im = int(np.argmin(cand))
        dmin = cand[im]
        jm = int(nn[im])
        i2, j2 = min(im, jm), max(im, jm)
        ia[step], ib[step], crit[step] = i2, j2, dmin
        flag[j2] = False
        d12 = d[i2, j2]
        ks = np.nonzero(flag)[0]
        ks = ks[ks != i2]
        if ks.size:
            mk = membr[ks]
            new = ((membr[i2] + mk) * d[i2, ks] + (membr[j2] + mk) * d[j2, ks] - mk * d12) / (
                membr[i2] + membr[j2] + mk
            )
            d[i2, ks] = new
            d[ks, i2] = new
            right = ks > i2
            if right.any():
                rk = ks[right]
                pos = int(np.argmin(new[right]))
                dmin_new, jj = new[right][pos], int(rk[pos])
            else:
                dmin_new, jj = INF, int(nn[i2])
            if jb_fix:
                left = ~right
                lk = ks[left]
                better = new[left] < disnn[lk]
                disnn[lk[better]] = new[left][better]
                nn[lk[better]] = i2
        else:
            dmin_new, jj = INF, int(nn[i2])
        d[j2, :] = inactive_value
        d[:, j2] = inactive_value
        membr[i2] += membr[j2]
        disnn[i2] = dmin_new
        nn[i2] = jj
        redo = np.nonzero(flag[: n - 1] & ((nn[: n - 1] == i2) | (nn[: n - 1] == j2)))[0]
        for i in redo:
            row = d[i, i + 1 :]
            row = np.where(flag[i + 1 :], row, INF)
            if row.size == 0:
                disnn[i] = INF
                continue
            j = int(np.argmin(row))
            if row[j] < INF:
                nn[i] = i + 1 + j
                disnn[i] = row[j]
            else:
                disnn[i] = INF
    return ia, ib, crit


def r_merge(ia: np.ndarray, ib: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R's ``merge`` matrix and leaf ``order`` from the merge history (port of ``HCASS2``).

    In ``merge`` a negative entry ``-i`` is observation ``i`` (1-based) and a positive entry
    ``s`` is the cluster formed at step ``s``.
    """
    n = len(ia) + 1
    a = np.asarray(ia) + 1
    b = np.asarray(ib) + 1
    iia, iib = a.copy(), b.copy()
    for i in range(n - 2):
        k = min(a[i], b[i])
        later_a = np.nonzero(a[i + 1 :] == k)[0] + i + 1
        later_b = np.nonzero(b[i + 1 :] == k)[0] + i + 1
        iia[later_a] = -(i + 1)
        iib[later_b] = -(i + 1)
    iia, iib = -iia, -iib
    for i in range(n - 1):
        if iia[i] > 0 and iib[i] < 0:
            iia[i], iib[i] = iib[i], iia[i]
        if iia[i] > 0 and iib[i] > 0:
            iia[i], iib[i] = min(iia[i], iib[i]), max(iia[i], iib[i])
    merge = np.column_stack([iia, iib])
    order = [int(merge[n - 2, 0]), int(merge[n - 2, 1])]
    for i in range(n - 2, 0, -1):  # step i (1-based)
        j = order.index(i)
        order[j : j + 1] = [int(merge[i - 1, 0]), int(merge[i - 1, 1])]
    return merge, -np.array(order)


def cut_partition(ia: np.ndarray, ib: np.ndarray, n_merges: int, n: int) -> np.ndarray:
    """Clusters after the first ``n_merges`` merges, numbered like R's ``cutree``: by first
    appearance in row order (row 1 is in cluster 1, the next row of a new cluster gets 2...)."""
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for step in range(n_merges):
        ra, rb = find(int(ia[step])), find(int(ib[step]))
        parent[rb] = ra
    return first_appearance_labels([find(i) for i in range(n)])


def first_appearance_labels(keys) -> np.ndarray:
    """Renumber arbitrary labels 1..k by first appearance."""
    mapping: dict = {}
    out = np.empty(len(keys), dtype=np.int64)
    for i, key in enumerate(keys):
        if key not in mapping:
            mapping[key] = len(mapping) + 1
        out[i] = mapping[key]
    return out


def cutree_k(ia: np.ndarray, ib: np.ndarray, k: int) -> np.ndarray:
    """R ``cutree(tree, k = k)``."""
    n = len(ia) + 1
    if not 1 <= k <= n:
        raise ValueError(f"nombre de classes impossible : {k} (entre 1 et {n})")
    return cut_partition(ia, ib, n - k, n)


def cutree_h(ia: np.ndarray, ib: np.ndarray, heights: np.ndarray, h: float) -> np.ndarray:
    """R ``cutree(tree, h = h)`` on increasing heights: k = n + 1 - (first i with height_i > h)."""
    n = len(ia) + 1
    above = np.nonzero(np.append(np.asarray(heights), np.inf) > h)[0]
    k = n + 1 - (int(above[0]) + 1)
    return cutree_k(ia, ib, k)


def scipy_linkage(ia: np.ndarray, ib: np.ndarray, heights: np.ndarray) -> np.ndarray:
    """The same tree as a scipy linkage matrix (for dendrograms and ``cophenet``)."""
    n = len(ia) + 1
    cluster_id = np.arange(n)
    size = np.ones(n)
    z = np.zeros((n - 1, 4))
    for step in range(n - 1):
        a, b = int(ia[step]), int(ib[step])
        ca, cb = cluster_id[a], cluster_id[b]
        z[step] = [min(ca, cb), max(ca, cb), heights[step], size[a] + size[b]]
        cluster_id[a] = n + step
        size[a] += size[b]
    return z


def cophenetic_matrix(ia: np.ndarray, ib: np.ndarray, heights: np.ndarray) -> np.ndarray:
    """Cophenetic distances (height at which two observations first share a cluster)."""
    n = len(ia) + 1
    members = {i: [i] for i in range(n)}
    out = np.zeros((n, n))
    for step in range(n - 1):
        a, b = int(ia[step]), int(ib[step])
        ma, mb = members[a], members.pop(b)
        out[np.ix_(ma, mb)] = heights[step]
        out[np.ix_(mb, ma)] = heights[step]
        ma.extend(mb)
    return out


def cophenetic_correlation(ia, ib, heights, dist: np.ndarray) -> float:
    """R ``cor(cophenetic(hc), d)``: Pearson correlation over the pairs i < j.

    NaN (R: NA) when it is not defined: all the distances, or all the cophenetic distances,
    are equal (e.g. three points at the same distance from one another)."""
    coph = cophenetic_matrix(ia, ib, heights)
    iu = np.triu_indices(len(coph), k=1)
    a, b = coph[iu], np.asarray(dist)[iu]
    if a.size < 2 or not varies(a) or not varies(b):
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


@dataclass
class HClustResult:
    """A tree in R's format (``merge``, ``height``, ``order``) plus the raw history."""

    merge: np.ndarray  # (n-1, 2), R convention
    height: np.ndarray  # (n-1,), in merge order
    order: np.ndarray  # leaf order for a dendrogram (1-based, like R)
    labels: list
    ia: np.ndarray  # 0-based merge history: cluster ia absorbs ib
    ib: np.ndarray

    def cutree(self, k: int) -> pd.Series:
        return pd.Series(cutree_k(self.ia, self.ib, k), index=self.labels, name="cluster")

    def linkage(self) -> np.ndarray:
        return scipy_linkage(self.ia, self.ib, self.height)


def _finite_distances(x: np.ndarray, columns=None) -> np.ndarray:
    """``r_dist_squared(x)``, refusing NaN/inf in ``x`` and distances that overflow float64."""
    if x.ndim != 2:
        raise StatsInputError("il faut un tableau à deux dimensions (lignes x colonnes)")
    columns = list(range(1, x.shape[1] + 1)) if columns is None else list(columns)
    bad = ~np.isfinite(x)
    if bad.any():
        j = int(np.nonzero(bad.any(axis=0))[0][0])
        raise StatsInputError(
            f"colonne « {columns[j]} » : valeur manquante ou infinie ; la classification de Ward "
            "demande un tableau complet de nombres finis",
            column=columns[j],
        )
    with np.errstate(over="ignore", invalid="ignore"):
        d2 = r_dist_squared(x)
    # murtagh_ward uses INF (1e300) as "no neighbour" and its Lance-Williams updates can grow
    # a dissimilarity up to about n times the largest distance: stay well below.
    if not np.isfinite(d2).all() or d2.max(initial=0.0) * 2 * max(len(x), 1) >= INF:
        with np.errstate(over="ignore", invalid="ignore"):
            ranges = x.max(axis=0) - x.min(axis=0)
        j = int(np.argmax(ranges))
        raise OverflowColumnError(
            f"colonne « {columns[j]} » : écarts trop grands (jusqu'à {fmt(ranges[j])}) : les distances "
            "dépassent la capacité des nombres à virgule flottante (environ 1,8e308) ; changez d'unité "
            "ou standardisez les colonnes",
            column=columns[j],
        )
    return d2


def hclust_ward(x, *, labels=None, members=None) -> HClustResult:
    """R ``hclust(dist(x), method = "ward.D2")`` (Euclidean distances, squared inside)."""
    if isinstance(x, pd.DataFrame):
        labels = list(x.index) if labels is None else labels
        x = x.to_numpy(dtype=float)
    x = np.asarray(x, dtype=float)
    labels = list(range(1, len(x) + 1)) if labels is None else list(labels)
    ia, ib, crit = murtagh_ward(_finite_distances(x), members, jb_fix=True)
    merge, order = r_merge(ia, ib)
    return HClustResult(merge=merge, height=np.sqrt(crit), order=order, labels=labels, ia=ia, ib=ib)


@dataclass
class WardResult:
    tree: HClustResult
    merge_heights: np.ndarray  # increasing
    clusters: pd.Series | None
    cophenetic_correlation: float
    scaled_data: pd.DataFrame


def standardise(frame: pd.DataFrame, scale: Literal["population", "sample", "none"]) -> pd.DataFrame:
    """Centre and scale columns. ``sample`` reproduces R ``scale()`` (long-double sums, like
    R's ``colMeans``/``sum``, so that ties stay exact); ``population`` divides by n
    (FactoMineR's convention); ``none`` leaves the data as they are."""
    if scale == "none":
        return frame.astype(float)
    if scale not in ("sample", "population"):
        raise ValueError(f"échelle inconnue : {scale!r} (population, sample ou none)")
    x = frame.to_numpy(dtype=float)
    n = len(x)
    # R sums sequentially in long double (colMeans, sum); cumsum is sequential, unlike
    # numpy's pairwise sum, so the last bits (and hence exact ties) are R's.
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        mean = (x.astype(np.longdouble).cumsum(axis=0)[-1] / n).astype(float)
        centred = x - mean
        ss = (centred * centred).astype(np.longdouble).cumsum(axis=0)[-1].astype(float)
        sd = np.sqrt(ss / max(1, n - 1)) if scale == "sample" else np.sqrt(ss / n)
    # Overflowing, null or negligible spreads are refused, not divided by 1 (see checks).
    check_spread(list(frame.columns), x, sd, what="colonne")
    return pd.DataFrame(centred / sd, index=frame.index, columns=frame.columns)


def ward(
    data: pd.DataFrame,
    n_clusters: int | None = None,
    scale: Literal["population", "sample", "none"] = "population",
) -> WardResult:
    """Ward (``ward.D2``) clustering of the rows of ``data`` on standardised columns.

    ``scale="population"`` (default) divides by the population sd like FactoMineR;
    ``"sample"`` like R ``scale()``: the tree and the partitions are the same, the heights
    differ by the factor sqrt(n/(n-1)). Clusters are numbered like R ``cutree``.

    Refused (:class:`numeduc.stats.checks.StatsInputError`, naming the column): duplicate
    column names, fewer than 3 rows, a non-numeric, incomplete, infinite, constant or
    overflowing column. ``cophenetic_correlation`` is NaN when it is not defined.
    """
    check_unique_columns(data.columns)
    check_min_rows(len(data), 3)
    check_values(data, list(data.columns), what="colonne", allow_missing=False)
    if n_clusters is not None and not 1 <= int(n_clusters) <= len(data):
        raise StatsInputError(f"nombre de classes impossible : {n_clusters} (entre 1 et {len(data)})")
    z = standardise(data, scale)
    d2 = _finite_distances(z.to_numpy(dtype=float), list(data.columns))
    tree = hclust_ward(z)
    clusters = tree.cutree(n_clusters) if n_clusters is not None else None
    dist = np.sqrt(d2)
    coph = cophenetic_correlation(tree.ia, tree.ib, tree.height, dist)
    return WardResult(
        tree=tree,
        merge_heights=np.sort(tree.height),
        clusters=clusters,
        cophenetic_correlation=coph,
        scaled_data=z,
    )
