"""k-means by Hartigan and Wong (algorithm AS 136), ported from R's ``kmns.f``.

R's ``kmeans()`` uses this algorithm by default and FactoMineR's HCPC consolidates its cut
tree with it. Lloyd's algorithm (scikit-learn) can stop at another partition from the same
starting centres, so HCPC needs this port to give R's clusters. It keeps R's details: the
optimal-transfer and quick-transfer stages, the "live set" bookkeeping, the limit of
``50 * m`` quick-transfer steps (``ifault = 4``), and ``iter_max`` passes (``ifault = 2``);
in both cases R warns and keeps the current partition, and so does this port.

Pure Python on purpose (the loops are short and the order of floating-point operations must
be R's); it is meant for HCPC consolidation (n up to a few thousand), not for big data.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

BIG = 1.0e30


@dataclass
class KMeansResult:
    cluster: np.ndarray  # 1-based labels, in the order of the initial centres
    centers: np.ndarray
    size: np.ndarray
    withinss: np.ndarray
    totss: float
    tot_withinss: float
    betweenss: float
    iterations: int
    ifault: int


def _sq(a: list[float], c: list[float]) -> float:
    total = 0.0
    for aj, cj in zip(a, c):
        diff = aj - cj
        total += diff * diff
    return total


def _sq_bounded(a: list[float], c: list[float], bound: float) -> float | None:
    """Squared distance, or None as soon as the partial sum reaches ``bound`` (AS 136)."""
    total = 0.0
    for aj, cj in zip(a, c):
        diff = aj - cj
        total += diff * diff
        if total >= bound:
            return None
    return total


def kmeans_hartigan_wong(x, centers, iter_max: int = 10) -> KMeansResult:
    """R ``kmeans(x, centers = <matrix>, iter.max = iter_max)`` (algorithm Hartigan-Wong)."""
    x = np.asarray(x, dtype=float)
    centers = np.asarray(centers, dtype=float)
    m, n = x.shape
    k = centers.shape[0]
    if k <= 1 or k >= m:
        raise ValueError("le nombre de centres doit être compris entre 2 et le nombre de lignes - 1")
    if len(np.unique(x, axis=0)) < k:
        raise ValueError("plus de centres que de points distincts")
    a = x.tolist()
    c = centers.tolist()
    ic1 = [0] * m
    ic2 = [0] * m
    nc = [0] * k
    an1 = [0.0] * k
    an2 = [0.0] * k
    ncp = [0] * k
    d = [0.0] * m
    itran = [0] * k
    live = [0] * k
    max_qtr = 50 * m

    # For each point, its two closest centres; assign it to the closest.
    for i in range(m):
        ic1[i], ic2[i] = 0, 1
        dt = [_sq(a[i], c[0]), _sq(a[i], c[1])]
        if dt[0] > dt[1]:
            ic1[i], ic2[i] = 1, 0
            dt = [dt[1], dt[0]]
        for ell in range(2, k):
            db = _sq_bounded(a[i], c[ell], dt[1])
            if db is None:
                continue
            if db >= dt[0]:
                dt[1] = db
                ic2[i] = ell
            else:
                dt[1] = dt[0]
                ic2[i] = ic1[i]
                dt[0] = db
                ic1[i] = ell

    # Centres = means of their points.
    for ell in range(k):
        c[ell] = [0.0] * n
    for i in range(m):
        ell = ic1[i]
        nc[ell] += 1
        row = c[ell]
        for j in range(n):
            row[j] += a[i][j]
    for ell in range(k):
        if nc[ell] == 0:
            raise ValueError("classe vide : choisir d'autres centres initiaux")
        aa = float(nc[ell])
        c[ell] = [v / aa for v in c[ell]]
        an2[ell] = aa / (aa + 1.0)
        an1[ell] = aa / (aa - 1.0) if aa > 1.0 else BIG
        itran[ell] = 1
        ncp[ell] = -1

    def transfer(i: int, l1: int, l2: int) -> None:
        al1 = float(nc[l1])
        alw = al1 - 1.0
        al2 = float(nc[l2])
        alt = al2 + 1.0
        c1, c2, ai = c[l1], c[l2], a[i]
        for j in range(n):
            c1[j] = (c1[j] * al1 - ai[j]) / alw
            c2[j] = (c2[j] * al2 + ai[j]) / alt
        nc[l1] -= 1
        nc[l2] += 1
        an2[l1] = alw / al1
        an1[l1] = alw / (alw - 1.0) if alw > 1.0 else BIG
        an1[l2] = alt / al2
        an2[l2] = alt / (alt + 1.0)
        ic1[i] = l2
        ic2[i] = l1

    def optra(indx: int) -> int:
        for ell in range(k):
            if itran[ell] == 1:
                live[ell] = m + 1  # 1-based step numbers, as in Fortran
        for i in range(m):
            step = i + 1
            indx += 1
            l1, l2 = ic1[i], ic2[i]
            ll = l2
            if nc[l1] != 1:
                if ncp[l1] != 0:
                    d[i] = _sq(a[i], c[l1]) * an1[l1]
                r2 = _sq(a[i], c[l2]) * an2[l2]
                for ell in range(k):
                    if (step >= live[l1] and step >= live[ell]) or ell == l1 or ell == ll:
                        continue
                    rr = r2 / an2[ell]
                    dc = _sq_bounded(a[i], c[ell], rr)
                    if dc is None:
                        continue
                    r2 = dc * an2[ell]
                    l2 = ell
                if r2 >= d[i]:
                    ic2[i] = l2
                else:
                    indx = 0
                    live[l1] = m + step
                    live[l2] = m + step
                    ncp[l1] = step
                    ncp[l2] = step
                    transfer(i, l1, l2)
            if indx == m:
                return indx
        for ell in range(k):
            itran[ell] = 0
            live[ell] -= m
        return indx

    def qtran(indx: int) -> tuple[int, bool]:
        icoun = 0
        istep = 0
        while True:
            for i in range(m):
                icoun += 1
                istep += 1
                if istep >= max_qtr:
                    return indx, False
                l1, l2 = ic1[i], ic2[i]
                if nc[l1] != 1:
                    if istep <= ncp[l1]:
                        d[i] = _sq(a[i], c[l1]) * an1[l1]
                    if istep < ncp[l1] or istep < ncp[l2]:
                        r2 = d[i] / an2[l2]
                        dd = _sq_bounded(a[i], c[l2], r2)
                        if dd is not None:
                            icoun = 0
                            indx = 0
                            itran[l1] = 1
                            itran[l2] = 1
                            ncp[l1] = istep + m
                            ncp[l2] = istep + m
                            transfer(i, l1, l2)
                if icoun == m:
                    return indx, True

    indx = 0
    ifault = 2
    iterations = iter_max
    for it in range(1, iter_max + 1):
        indx = optra(indx)
        if indx == m:
            ifault, iterations = 0, it
            break
        indx, ok = qtran(indx)
        if not ok:
            ifault, iterations = 4, it
            break
        if k == 2:
            ifault, iterations = 0, it
            break
        for ell in range(k):
            ncp[ell] = 0
    if ifault == 2:
        warnings.warn(f"k-means : pas de convergence en {iter_max} itérations", stacklevel=2)
    elif ifault == 4:
        warnings.warn(
            f"k-means : nombre maximal d'étapes de transfert rapide atteint (= {max_qtr})", stacklevel=2
        )

    labels = np.array(ic1, dtype=np.int64)
    size = np.array(nc, dtype=np.int64)
    cent = np.zeros((k, n))
    np.add.at(cent, labels, x)
    cent /= size[:, None]
    withinss = np.zeros(k)
    np.add.at(withinss, labels, ((x - cent[labels]) ** 2).sum(axis=1))
    totss = float(((x - x.mean(axis=0)) ** 2).sum())
    tot_within = float(withinss.sum())
    return KMeansResult(
        cluster=labels + 1,
        centers=cent,
        size=size,
        withinss=withinss,
        totss=totss,
        tot_withinss=tot_within,
        betweenss=totss - tot_within,
        iterations=iterations,
        ifault=ifault,
    )
