"""Hierarchical clustering on principal components, as ``FactoMineR::HCPC`` does it.

Steps (docs/statistics.md, Conventions): individuals' coordinates on the kept dimensions, rows
sorted by Dim.1 (stable), Ward tree on ``d²·w_i·w_j / W / (w_i + w_j)`` with flashClust's
algorithm (port in :mod:`numeduc.stats.hclust`), inertia gains, automatic number of
clusters by the smallest ``within[k] / within[k-1]`` for k in 3..max, cut, Hartigan-Wong
consolidation, renumbering by increasing Dim.1 of the centres.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .checks import StatsInputError
from .hclust import INF, cutree_h, murtagh_ward, r_dist_squared
from .kmeans import kmeans_hartigan_wong
from .pca import PCAResult, pca


@dataclass
class HCPCResult:
    n_clusters: int
    clusters: pd.Series  # row label -> 1..k, original row order
    inert_gain: np.ndarray  # decreasing: the first is the last merge
    within: np.ndarray  # within[k-1] = within-inertia of the k-cluster partition
    quot: pd.Series  # index k = min..max: within[k]/within[k-1]
    bw_before_consol: float
    bw_after_consol: float | None
    centers: pd.DataFrame  # cluster centres (Dim.1..), cluster number as index
    coords: pd.DataFrame  # the coordinates clustered (original row order)
    tree_ia: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    tree_ib: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    sorted_labels: list = field(repr=False, default_factory=list)
    min_clusters: int = 3
    max_clusters: int = 10
    precluster: pd.Series | None = None  # with kk: row label -> k-means centre number

    @property
    def sizes(self) -> pd.Series:
        return self.clusters.value_counts().sort_index()


def _r_round(value: float) -> int:
    return int(round(value))  # Python rounds half to even, like R


def hcpc(
    pca_result: PCAResult,
    n_clusters: int | str = "auto",
    consolidation: bool = True,
    *,
    min_clusters: int = 3,
    max_clusters: int | None = None,
    iter_max: int = 10,
    kk: int | None = None,
    random_state: int = 0,
) -> HCPCResult:
    """``FactoMineR::HCPC(res.pca, nb.clust = -1 or k, consol = consolidation)``.

    ``n_clusters="auto"`` uses the inertia-gain rule (never fewer than ``min_clusters`` = 3);
    an integer cuts the tree at that number. ``kk`` (for large n) first groups the
    individuals into ``kk`` k-means centres and builds the tree on the centres weighted by
    their sizes, as HCPC's ``kk`` does; consolidation is then skipped, as in FactoMineR.
    The k-means pre-clustering uses scikit-learn (``n_init=4``, seeded by ``random_state``):
    R's random starts cannot be reproduced anyway.
    """
    coords = pca_result.ind_coord
    labels = list(coords.index)
    weights = np.asarray(pca_result.row_weights_init, dtype=float)
    if weights.size != len(labels):
        weights = np.ones(len(labels))
    precluster = None
    extra_within = None
    work = coords
    if kk is not None and kk < len(coords):
        from sklearn.cluster import KMeans

        distinct = len(np.unique(coords.to_numpy(), axis=0))
        kk = min(kk, distinct)
        km = KMeans(n_clusters=kk, n_init=4, max_iter=100, random_state=random_state).fit(coords.to_numpy())
        sizes = np.bincount(km.labels_, minlength=kk).astype(float)
        keep = sizes > 0
        centres = pd.DataFrame(km.cluster_centers_[keep], index=[str(i + 1) for i in np.nonzero(keep)[0]])
        centre_pca = pca(centres, scale=False, ncp=centres.shape[1], row_weights=sizes[keep])
        work = centre_pca.ind_coord
        weights = sizes[keep]
        precluster = pd.Series(km.labels_ + 1, index=coords.index, name="centre")
        extra_within = km.inertia_ / len(coords)
        consolidation = False
    n = len(work)
    if n < 3:
        raise StatsInputError(f"il faut au moins 3 individus (reçu {n})")
    if not np.isfinite(work.to_numpy(dtype=float)).all():
        raise StatsInputError("coordonnées de l'ACP non finies : classification impossible")
    if not np.isfinite(weights).all() or (weights <= 0).any():
        raise StatsInputError(
            "poids des individus invalides (il faut des nombres finis strictement positifs)"
        )
    distinct = len(np.unique(work.to_numpy(dtype=float), axis=0))
    if distinct < 2:
        raise StatsInputError("tous les individus sont confondus sur les axes de l'ACP : rien à classer")

    # order = TRUE: stable sort by Dim.1.
    order = np.argsort(work.iloc[:, 0].to_numpy(), kind="stable")
    x_sorted = work.to_numpy(dtype=float)[order]
    w_sorted = weights[order]
    total_w = w_sorted.sum()
    d2 = r_dist_squared(x_sorted)
    eff = np.outer(w_sorted, w_sorted) / total_w / np.add.outer(w_sorted, w_sorted)
    if d2.max() * 2 * n >= INF:  # INF is murtagh_ward's "no neighbour" (see hclust)
        raise StatsInputError(
            "coordonnées de l'ACP trop grandes pour la classification : réduisez les variables"
        )
    ia, ib, crit = murtagh_ward(d2 * eff, w_sorted, jb_fix=False)
    inert_gain = crit[::-1].copy()
    if extra_within is not None:
        inert_gain = np.append(inert_gain, extra_within)
    within = np.cumsum(inert_gain[::-1])[::-1]

    if max_clusters is None:
        max_clusters = min(10, _r_round(n / 2))
    max_clusters = min(max_clusters, n - 1)
    lo, hi = min_clusters, max_clusters
    # R's ``min:max`` counts down when max < min (n = 4 or 5): FactoMineR then compares
    # within[3]/within[2] and within[2]/within[1], labelled k = 3 and 4. Kept as R does it.
    ks = list(range(lo, hi + 1)) if hi >= lo else list(range(lo, hi - 1, -1))
    # 0/0 (duplicated individuals: the partitions in k-1 and k classes are both exact) is
    # undefined: NaN, skipped by the rule below, null in JSON.
    with np.errstate(invalid="ignore", divide="ignore"):
        quot_values = np.array(
            [within[k - 1] / within[k - 2] if k - 1 < len(within) else np.nan for k in ks], dtype=float
        )
    quot = pd.Series(quot_values, index=range(lo, lo + len(quot_values)), name="quot")
    if n_clusters == "auto" or n_clusters in (-1, 0, 1):
        if np.isnan(quot_values).all():
            raise StatsInputError(
                "trop peu d'individus pour choisir automatiquement le nombre de classes : indiquez-le"
            )
        k = int(np.nanargmin(quot_values)) + lo
        if k > n - 1:
            raise StatsInputError(
                f"trop peu d'individus ({n}) pour choisir automatiquement le nombre de classes : "
                f"indiquez-le (entre 2 et {n - 1})"
            )
    else:
        k = int(n_clusters)
        if not 2 <= k <= n - 1:
            raise StatsInputError(f"nombre de classes impossible : {k} (entre 2 et {n - 1})")
    if consolidation and k > distinct:
        raise StatsInputError(
            f"{k} classes demandées mais seulement {distinct} individus distincts sur les axes de l'ACP"
        )

    # Heights of the tree replaced by the sorted gains, then cutree(h = middle of the gap).
    heights = np.sort(np.array([inert_gain[n - 1 - i] for i in range(1, n)]))
    cut = (heights[n - k] + heights[n - k - 1]) / 2
    clust = cutree_h(ia, ib, heights, cut)
    k = int(clust.max())
    bw_before = float(heights[::-1][: k - 1].sum())

    if consolidation:
        init = np.vstack([x_sorted[clust == c].mean(axis=0) for c in range(1, k + 1)])
        km = kmeans_hartigan_wong(x_sorted, init, iter_max=iter_max)
        clust = km.cluster
        centres = km.centers
        bw_after = km.betweenss / n
    else:
        centres = np.vstack([x_sorted[clust == c].mean(axis=0) for c in range(1, k + 1)])
        bw_after = None
    ord_ = np.argsort(centres[:, 0], kind="stable")
    rank = np.empty(k, dtype=np.int64)
    rank[ord_] = np.arange(1, k + 1)
    clust = rank[clust - 1]
    centres = centres[ord_]

    sorted_labels = [work.index[i] for i in order]
    by_unit = pd.Series(clust, index=sorted_labels)
    if precluster is not None:
        clusters = pd.Series(by_unit.loc[precluster.astype(str)].to_numpy(), index=coords.index, name="clust")
    else:
        clusters = by_unit.loc[work.index].rename("clust")
    return HCPCResult(
        n_clusters=k,
        clusters=clusters.astype(np.int64),
        inert_gain=inert_gain,
        within=within,
        quot=quot,
        bw_before_consol=bw_before,
        bw_after_consol=None if bw_after is None else float(bw_after),
        centers=pd.DataFrame(centres, index=range(1, k + 1), columns=work.columns),
        coords=coords,
        tree_ia=ia,
        tree_ib=ib,
        sorted_labels=sorted_labels,
        min_clusters=lo,
        max_clusters=hi,
        precluster=precluster,
    )


def within_inertia(coords: np.ndarray, clusters: np.ndarray) -> float:
    """Within-cluster inertia with weights 1/n (used by tests and the peer-group notes)."""
    coords = np.asarray(coords, dtype=float)
    total = 0.0
    for c in np.unique(clusters):
        block = coords[clusters == c]
        total += ((block - block.mean(axis=0)) ** 2).sum()
    return total / len(coords)


__all__ = ["HCPCResult", "hcpc", "within_inertia"]
