"""numeduc.stats.pca against FactoMineR::PCA (values from scripts/r/make_fixtures.R)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from numeduc.stats import pca


@pytest.fixture(scope="module")
def dec_pca(decathlon):
    return pca(decathlon, quanti_sup=["Rank", "Points"], quali_sup=["Competition"])


def test_eigenvalues(dec_pca, reference, close):
    ref = reference("decathlon_pca.json")["eig"]
    expected = pd.DataFrame.from_dict(ref, orient="index")
    expected.columns = ["eigenvalue", "percent", "cumulative"]
    close(dec_pca.eig, expected)
    assert dec_pca.eig["eigenvalue"].iloc[:3].round(4).tolist() == [3.2719, 1.7371, 1.4049]


@pytest.mark.parametrize(
    "attr, group, table",
    [
        ("var_coord", "var", "coord"),
        ("var_cor", "var", "cor"),
        ("var_cos2", "var", "cos2"),
        ("var_contrib", "var", "contrib"),
        ("ind_coord", "ind", "coord"),
        ("ind_cos2", "ind", "cos2"),
        ("ind_contrib", "ind", "contrib"),
        ("quanti_sup_coord", "quanti_sup", "coord"),
        ("quanti_sup_cos2", "quanti_sup", "cos2"),
        ("quali_sup_coord", "quali_sup", "coord"),
        ("quali_sup_cos2", "quali_sup", "cos2"),
        ("quali_sup_v_test", "quali_sup", "v_test"),
        ("quali_sup_eta2", "quali_sup", "eta2"),
    ],
)
def test_tables_match_factominer(dec_pca, reference, close, attr, group, table):
    close(getattr(dec_pca, attr), reference("decathlon_pca.json")[group][table])


def test_individual_distances(dec_pca, reference):
    ref = pd.Series(reference("decathlon_pca.json")["ind"]["dist"])
    assert np.abs(dec_pca.ind_dist.loc[ref.index] - ref).max() <= 1e-6


def test_unscaled_with_three_dimensions(decathlon, reference, close):
    ref = reference("decathlon_pca_unscaled_ncp3.json")
    res = pca(decathlon.iloc[:, :10], ncp=3, scale=False)
    expected = pd.DataFrame.from_dict(ref["eig"], orient="index")
    expected.columns = ["eigenvalue", "percent", "cumulative"]
    close(res.eig, expected)
    close(res.var_coord, ref["var_coord"])
    close(res.var_cor, ref["var_cor"])
    close(res.var_contrib, ref["var_contrib"])
    close(res.ind_coord, ref["ind_coord"])
    close(res.ind_cos2, ref["ind_cos2"])
    assert list(res.ind_coord.columns) == ["Dim.1", "Dim.2", "Dim.3"]


def test_missing_values_are_replaced_by_the_mean_with_a_warning(decathlon):
    data = decathlon.iloc[:, :10].copy()
    data.iloc[0, 0] = np.nan
    with pytest.warns(UserWarning, match="moyenne"):
        res = pca(data)
    assert res.imputed == [("SEBRLE", "100m")]
    filled = data.fillna(data.mean())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ref = pca(filled)
    assert np.allclose(res.ind_coord, ref.ind_coord, atol=1e-12)


def test_errors_are_explicit(decathlon):
    with pytest.raises(ValueError, match="n'est pas numérique"):
        pca(decathlon)  # Competition is text and not declared supplementary
    with pytest.raises(KeyError, match="absente"):
        pca(decathlon, quali_sup=["Nope"])
    with pytest.raises(ValueError, match="au moins 3 lignes"):
        pca(decathlon.iloc[:2, :10])
