"""Benchmark: numeduc.stats PCA + HCPC against a direct numpy / scipy / scikit-learn baseline.

Run (from the repository root):

    uv run python bench/bench_stats.py            # both sizes
    uv run python bench/bench_stats.py --quick    # small size only

Two synthetic tables of 1-4 answers (seeded, one latent factor + noise):

* 101 x 13 (the départements x the 13 factors): full HCPC, as FactoMineR does it
  (tree on all individuals + Hartigan-Wong consolidation).
* 100,000 x 40: a full tree is impossible (n²/2 = 5e9 distances, 40 GB), so both sides do
  what FactoMineR's ``HCPC(kk = 1000)`` does: k-means to 1,000 centres (scikit-learn,
  n_init = 4, same seed on both sides), then the weighted Ward tree on the centres, the
  inertia-gain rule, and no consolidation (FactoMineR skips it when kk is set).

Baseline ("direct"): population-standardised numpy SVD for the PCA; for the small table
scipy ``linkage(ward)`` + ``cut_tree`` + scikit-learn ``KMeans(init=centres, n_init=1,
max_iter=10)`` (Lloyd) for the consolidation; for the large table a weighted Ward tree
written directly with numpy (scipy's linkage takes no weights), global-minimum search with
Lance-Williams updates.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
import warnings

import numpy as np
import pandas as pd


def synthetic_answers(n: int, p: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    loadings = rng.uniform(0.3, 0.9, size=(1, p))
    raw = 2.5 + latent @ loadings + rng.normal(scale=0.8, size=(n, p))
    answers = np.clip(np.rint(raw), 1, 4)
    return pd.DataFrame(answers, index=[f"r{i}" for i in range(n)], columns=[f"Q{j + 1}" for j in range(p)])


def auto_k(gains: np.ndarray, n: int) -> int:
    within = np.cumsum(gains[::-1])[::-1]
    hi = min(min(10, round(n / 2)), n - 1)
    quot = within[2:hi] / within[1 : hi - 1]
    return int(np.argmin(quot)) + 3


def baseline_pca(x: np.ndarray, ncp: int = 5) -> tuple[np.ndarray, np.ndarray]:
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    n = len(z)
    _, s, vt = np.linalg.svd(z / np.sqrt(n), full_matrices=False)
    v = vt[:ncp].T * np.where(vt[:ncp].sum(axis=1) < 0, -1, 1)
    return z @ v, s**2


def baseline_small(x: np.ndarray) -> dict:
    from scipy.cluster.hierarchy import cut_tree, linkage
    from sklearn.cluster import KMeans

    coords, _ = baseline_pca(x)
    n = len(coords)
    tree = linkage(coords, "ward")
    gains = np.sort(tree[:, 2] ** 2 / (2 * n))[::-1]
    k = auto_k(gains, n)
    labels = cut_tree(tree, n_clusters=k).ravel()
    centres = np.vstack([coords[labels == c].mean(axis=0) for c in range(k)])
    km = KMeans(n_clusters=k, init=centres, n_init=1, max_iter=10).fit(coords)
    return {"k": k, "sizes": sorted(np.bincount(km.labels_).tolist())}


def weighted_ward_numpy(points: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Merge criteria (inertia gains) of Ward's method with weights, direct numpy."""
    n = len(points)
    total = weights.sum()
    d2 = ((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2)
    w = weights.astype(float).copy()
    d = d2 * np.outer(w, w) / total / np.add.outer(w, w)
    np.fill_diagonal(d, np.inf)
    active = np.ones(n, dtype=bool)
    gains = np.empty(n - 1)
    for step in range(n - 1):
        flat = int(np.argmin(d))
        i, j = divmod(flat, n)
        if i > j:
            i, j = j, i
        gains[step] = d[i, j]
        ks = np.nonzero(active)[0]
        ks = ks[(ks != i) & (ks != j)]
        new = ((w[i] + w[ks]) * d[i, ks] + (w[j] + w[ks]) * d[j, ks] - w[ks] * d[i, j]) / (
            w[i] + w[j] + w[ks]
        )
        d[i, ks] = new
        d[ks, i] = new
        d[j, :] = np.inf
        d[:, j] = np.inf
        active[j] = False
        w[i] += w[j]
    return gains


def shared_kmeans(coords: np.ndarray, kk: int, seed: int):
    """The k-means pre-clustering, identical on both sides (FactoMineR: nstart = 4, iter.max = 100)."""
    from sklearn.cluster import KMeans

    km = KMeans(n_clusters=kk, n_init=4, max_iter=100, random_state=seed).fit(coords)
    sizes = np.bincount(km.labels_, minlength=kk).astype(float)
    return km.cluster_centers_, sizes, km.inertia_ / len(coords)


def baseline_tree_on_centres(centres: np.ndarray, sizes: np.ndarray, rest: float) -> dict:
    gains = np.sort(weighted_ward_numpy(centres, sizes))[::-1]
    gains = np.append(gains, rest)
    return {"k": auto_k(gains, len(centres)), "gains": gains}


def numeduc_tree_on_centres(centres: np.ndarray, sizes: np.ndarray, rest: float) -> dict:
    """What ``hcpc(kk=...)`` does after its k-means: PCA of the weighted centres, tree, rule."""
    from numeduc.stats import hcpc, pca

    res = hcpc(
        pca(pd.DataFrame(centres), scale=False, ncp=centres.shape[1], row_weights=sizes), consolidation=False
    )
    gains = np.append(res.inert_gain, rest)
    return {"k": auto_k(gains, len(centres)), "gains": gains}


def numeduc_run(data: pd.DataFrame, kk: int | None, seed: int) -> dict:
    from numeduc.stats import hcpc, pca

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = hcpc(pca(data), "auto", kk=kk, random_state=seed)
    return {"k": res.n_clusters, "sizes": sorted(res.sizes.tolist())}


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small table only")
    parser.add_argument("--kk", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args()

    print(f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}")
    rows = []
    small = synthetic_answers(101, 13, args.seed)
    t_ours, ours = timed(lambda: numeduc_run(small, None, args.seed), 7)
    t_base, base = timed(lambda: baseline_small(small.to_numpy()), 7)
    rows.append(("101 x 13, PCA + HCPC (full tree + consolidation)", t_ours, t_base, ours, base))
    if not args.quick:
        from numeduc.stats import pca

        large = synthetic_answers(100_000, 40, args.seed)
        t_ours_pca, res_pca = timed(lambda: pca(large), 3)
        t_base_pca, (coords, _) = timed(lambda: baseline_pca(large.to_numpy()), 3)
        rows.append(("100,000 x 40, PCA", t_ours_pca, t_base_pca, "", ""))
        t_km, (centres, sizes, rest) = timed(
            lambda: shared_kmeans(res_pca.ind_coord.to_numpy(), args.kk, args.seed), 1
        )
        t_ours_tree, ours = timed(lambda: numeduc_tree_on_centres(centres, sizes, rest), 3)
        t_base_tree, base = timed(lambda: baseline_tree_on_centres(centres, sizes, rest), 3)
        same = bool(np.allclose(ours["gains"], base["gains"], atol=1e-9))
        rows.append(
            (
                f"tree + rule on {args.kk} weighted centres",
                t_ours_tree,
                t_base_tree,
                {"k": ours["k"]},
                {"k": base["k"], "same gains": same},
            )
        )
        rows.append(
            (
                f"100,000 x 40 total (k-means {t_km:.1f} s shared)",
                t_ours_pca + t_km + t_ours_tree,
                t_base_pca + t_km + t_base_tree,
                "",
                "",
            )
        )
    print(f"{'case':<52} {'numeduc (s)':>12} {'baseline (s)':>13} {'ratio':>7}  clusters numeduc / baseline")
    for name, t_o, t_b, o, b in rows:
        print(f"{name:<52} {t_o:>12.4f} {t_b:>13.4f} {t_o / t_b:>7.2f}  {o} / {b}")


if __name__ == "__main__":
    main()
