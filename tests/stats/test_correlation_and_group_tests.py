"""Correlations (R cor / cor.test) and tests against a grouping (R kruskal.test, wilcox.test,
cor.test) on the decathlon and on simulated 1-4 answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from numeduc.stats import correlation, kruskal_wallis, ordinal_association, spearman_trend


@pytest.mark.parametrize("dataset", ["decathlon", "sim"])
@pytest.mark.parametrize("method", ["pearson", "spearman", "kendall"])
def test_matrix_and_p_values_match_r(decathlon, sim_answers, reference, close, dataset, method):
    data = decathlon.iloc[:, :10] if dataset == "decathlon" else sim_answers
    ref = reference("correlations.json")[dataset][method]
    res = correlation(data, method)
    close(res.matrix, ref["matrix"])
    close(res.p_values, ref["p_values"])
    assert (res.n.to_numpy() == len(data)).all()


@pytest.mark.parametrize("method", ["pearson", "spearman", "kendall"])
def test_pairwise_complete_observations(decathlon, reference, close, method):
    data = decathlon.iloc[:, :10].copy()
    data.iloc[2, 0] = np.nan
    data.iloc[9, 3] = np.nan
    data.iloc[19, 3] = np.nan
    res = correlation(data, method)
    close(res.matrix, reference("correlations.json")["decathlon_with_na"][method])
    assert res.n.loc["100m", "High.jump"] == 38
    assert res.n.loc["100m", "Long.jump"] == 40
    assert res.n.loc["Shot.put", "Discus"] == 41


def test_spearman_uses_average_ranks(sim_answers):
    """With ties, Spearman = Pearson on average ranks (R rank()), not on 'first' ranks."""
    res = correlation(sim_answers[["Q1", "Q2"]], "spearman")
    avg = sim_answers[["Q1", "Q2"]].rank(method="average").corr().loc["Q1", "Q2"]
    first = sim_answers[["Q1", "Q2"]].rank(method="first").corr().loc["Q1", "Q2"]
    assert res.matrix.loc["Q1", "Q2"] == pytest.approx(avg, abs=1e-12)
    assert abs(res.matrix.loc["Q1", "Q2"] - first) > 1e-3


def test_unknown_method_and_text_column_are_refused(decathlon):
    with pytest.raises(ValueError, match="méthode inconnue"):
        correlation(decathlon.iloc[:, :3], "cosine")
    with pytest.raises(ValueError, match="pas numérique"):
        correlation(decathlon, "pearson")


def test_kruskal_wallis_matches_r_and_reports_epsilon_squared(sim_answers, reference):
    ref = reference("group_tests.json")
    for q in sim_answers.columns:
        res = kruskal_wallis(sim_answers[q], ref["groups"])
        assert res.statistic == pytest.approx(ref["kruskal"][q]["statistic"], abs=1e-6)
        assert res.p_value == pytest.approx(ref["kruskal"][q]["p_value"], abs=1e-6)
        assert res.df == ref["kruskal"][q]["df"]
        assert res.effect_size == pytest.approx(res.statistic / (len(sim_answers) - 1))
        assert 0 <= res.effect_size <= 1


def test_mann_whitney_matches_r_with_rank_biserial(sim_answers, reference):
    ref = reference("group_tests.json")
    groups = ["A", "B"] * 20
    for q in sim_answers.columns:
        res = ordinal_association(sim_answers[q], groups)
        assert res.test == "Mann-Whitney"
        assert res.statistic == pytest.approx(ref["wilcox"][q]["statistic"], abs=1e-6)
        assert res.p_value == pytest.approx(ref["wilcox"][q]["p_value"], abs=1e-6)
        a = sim_answers[q].to_numpy()[0::2]
        b = sim_answers[q].to_numpy()[1::2]
        cliff = (np.sign(a[:, None] - b[None, :])).mean()
        assert res.effect_size == pytest.approx(cliff, abs=1e-12)


def test_spearman_trend_matches_r(sim_answers, reference):
    ref = reference("group_tests.json")
    order = ([1, 2, 3] * 14)[:40]
    for q in sim_answers.columns:
        res = spearman_trend(sim_answers[q], order)
        assert res.statistic == pytest.approx(ref["spearman_trend"][q]["rho"], abs=1e-6)
        assert res.p_value == pytest.approx(ref["spearman_trend"][q]["p_value"], abs=1e-6)


def test_ordinal_grouping_uses_kendall(sim_answers):
    order = ([1, 2, 3] * 14)[:40]
    res = ordinal_association(sim_answers["Q1"], order)
    assert res.test == "Kendall tau-b"
    from scipy.stats import kendalltau

    assert res.effect_size == pytest.approx(kendalltau(sim_answers["Q1"], order).statistic, abs=1e-12)


def test_missing_answers_are_dropped_and_counted():
    values = pd.Series([1, 2, np.nan, 4, 3, 2, 1, 4])
    res = kruskal_wallis(values, ["a", "a", "a", "b", "b", "b", "c", "c"])
    assert res.n == 7
