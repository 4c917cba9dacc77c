"""Property tests (hypothesis) for the invariants of PCA, Ward trees and HCPC."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.cluster.hierarchy import linkage

from numeduc.stats import cutree_k, hclust_ward, hcpc, pca

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def tables(draw, min_rows=4, max_rows=25, min_cols=2, max_cols=7, answers=False):
    n = draw(st.integers(min_rows, max_rows))
    p = draw(st.integers(min_cols, max_cols))
    if answers:
        elements = st.integers(1, 4).map(float)
    else:
        elements = st.floats(-100, 100, allow_nan=False, allow_infinity=False, width=32).map(
            lambda v: round(v, 3)
        )
    x = draw(arrays(np.float64, (n, p), elements=elements))
    # Columns must vary (a constant column carries no inertia and is a separate case).
    assume(all(np.ptp(x[:, j]) > 1e-3 for j in range(p)))
    return pd.DataFrame(x, index=[f"r{i}" for i in range(n)], columns=[f"v{j}" for j in range(p)])


@SETTINGS
@given(tables())
def test_scaled_eigenvalues_sum_to_number_of_variables(data):
    res = pca(data, ncp=99)
    assert abs(res.eig["eigenvalue"].sum() - data.shape[1]) < 1e-8
    assert abs(res.eig["cumulative"].iloc[-1] - 100) < 1e-8
    assert (np.diff(res.eig["eigenvalue"].to_numpy()) <= 1e-10).all()


@SETTINGS
@given(tables())
def test_cos2_of_individuals_sum_to_one_over_all_dimensions(data):
    res = pca(data, ncp=99)
    moving = res.ind_dist > 1e-6
    totals = res.ind_cos2[moving].sum(axis=1)
    assert np.allclose(totals, 1.0, atol=1e-8)
    assert np.allclose(res.var_cos2.sum(axis=1), 1.0, atol=1e-8)


@SETTINGS
@given(tables(), st.booleans())
def test_contributions_sum_to_100_per_axis(data, scale):
    res = pca(data, scale=scale)
    keep = res.eig["eigenvalue"].to_numpy()[: res.ncp] > 1e-9
    assert np.allclose(res.ind_contrib.sum(axis=0)[keep], 100, atol=1e-6)
    assert np.allclose(res.var_contrib.sum(axis=0)[keep], 100, atol=1e-6)


def n_rows_small(data) -> bool:
    return len(data) <= 5


@SETTINGS
@given(tables(min_rows=4, max_rows=15, answers=True))
def test_hcpc_invariants(data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res_pca = pca(data)
        assume(res_pca.eig["eigenvalue"].iloc[0] > 1e-9)
        assume(len(np.unique(res_pca.ind_coord.to_numpy().round(12), axis=0)) >= 4)
        try:
            res = hcpc(res_pca, consolidation=False)
        except ValueError as exc:  # only for n = 4 or 5 where R's rule can ask for n classes
            assert n_rows_small(data) and "trop peu" in str(exc)
            return
    n = len(data)
    total_inertia = res_pca.eig["eigenvalue"].iloc[: res_pca.ncp].sum()
    assert abs(res.inert_gain.sum() - total_inertia) < 1e-8
    assert abs(res.within[0] - total_inertia) < 1e-8
    assert (np.diff(res.within) <= 1e-12).all()
    assert res.sizes.sum() == n
    assert set(res.clusters) == set(range(1, res.n_clusters + 1))
    assert 3 <= res.quot.idxmin() or res.n_clusters <= 3
    # Clusters are numbered by increasing Dim.1 of their centre.
    centres = res_pca.ind_coord["Dim.1"].groupby(res.clusters).mean()
    assert (np.diff(centres.to_numpy()) >= -1e-12).all()


@SETTINGS
@given(tables(min_rows=3, max_rows=30, answers=True))
def test_ward_tree_invariants_and_cutree_first_appearance(data):
    """With ties the tree itself depends on the tie order (R's, here), but every Ward tree
    splits the same total: sum of h²/2 = total sum of squares."""
    x = data.to_numpy()
    tree = hclust_ward(x)
    total_ss = ((x - x.mean(axis=0)) ** 2).sum()
    assert abs((tree.height**2).sum() / 2 - total_ss) < 1e-8 * max(1.0, total_ss)
    n = len(x)
    for k in range(1, n + 1):
        labels = cutree_k(tree.ia, tree.ib, k)
        assert len(set(labels)) == k
        assert list(dict.fromkeys(labels)) == list(range(1, k + 1))
    # Each partition refines the next one.
    for k in range(2, n + 1):
        fine, coarse = cutree_k(tree.ia, tree.ib, k), cutree_k(tree.ia, tree.ib, k - 1)
        assert pd.Series(coarse).groupby(fine).nunique().max() == 1


@SETTINGS
@given(st.integers(3, 40), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_ward_heights_equal_scipy_without_ties(n, p, seed):
    x = np.random.default_rng(seed).normal(size=(n, p))
    tree = hclust_ward(x)
    assert np.allclose(tree.height, linkage(x, "ward")[:, 2], atol=1e-9)
