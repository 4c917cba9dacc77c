"""Pure tests of numeduc.analysis.campaign on small constructed data (no database)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from numeduc.analysis import campaign as c
from numeduc.analysis.profile import MIN_GROUP

ITEMS = {
    1: "f01_maturite_equipes",
    2: "f02_evaluation_suivi",
    3: "f03_accompagnement_utilisateurs",
    4: "f04_infrastructure_internet",
    5: "f05_infrastructure_wifi",
    6: "f06_clarte_responsabilites",
    7: "f07_budget_par_eleve",
    8: "f08_securisation_usages",
    9: "f09_maitrise_parc",
    10: "f10_utilisation_equipements",
    11: "f11_maturite_personnel",
    12: "f12_cooperation_etat",
    13: "f13_cooperation_etablissements",
}


def departements_for(codes) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = len(codes)
    return pd.DataFrame(
        {
            "density": rng.uniform(20, 800, n),
            "poverty_rate": rng.uniform(10, 25, n),
            "population_growth": rng.uniform(-3, 12, n),
            "share_0_19": rng.uniform(20, 28, n),
        },
        index=list(codes),
    )


def constructed_answers(n: int = 40, seed: int = 1) -> pd.DataFrame:
    """Factors 1, 2, 3 follow a latent score u, factor 4 follows -u, the others are noise."""
    rng = np.random.default_rng(seed)
    u = rng.normal(size=n)
    columns = {}
    for factor, item in ITEMS.items():
        if factor in (1, 2, 3):
            score = u + 0.25 * rng.normal(size=n)
        elif factor == 4:
            score = -u + 0.25 * rng.normal(size=n)
        else:
            score = rng.normal(size=n)
        columns[item] = np.clip(np.round(2.5 + score), 1, 4)
    frame = pd.DataFrame(columns, index=[f"{i + 1:02d}" for i in range(n)])
    frame["f01_maturite_equipes__comment"] = "un commentaire"  # comments must be ignored
    frame["homogeneite_parc"] = rng.integers(1, 5, n)
    frame["budget_investissement_par_eleve"] = rng.uniform(10, 70, n).round(1)
    frame["budget_fonctionnement_par_eleve"] = rng.uniform(10, 60, n).round(1)
    return frame


def test_levels_from_answers_keeps_only_factor_items():
    levels = c.levels_from_answers(constructed_answers(8))
    assert list(levels.columns) == list(range(1, 14))
    assert levels.dtypes.unique().tolist() == [np.dtype(float)]


def test_interpret_axis_splits_strong_factors_by_sign():
    coord = pd.Series({f: 0.05 for f in range(1, 14)}, dtype=float)
    contrib = pd.Series({f: 2.0 for f in range(1, 14)}, dtype=float)
    coord[[1, 2]] = [0.9, 0.8]
    coord[5] = -0.7
    contrib[[1, 2, 5]] = [30.0, 25.0, 19.0]  # above 100/13 = 7.7 %
    contrib[6] = 7.6  # just under the average contribution: not cited
    axis = c.interpret_axis(coord, contrib, 1, 3.2, 24.6)
    assert [f for f, _, _ in axis.positive] == [1, 2]
    assert [f for f, _, _ in axis.negative] == [5]
    assert axis.sentence.startswith("L'axe 1 (24,6\u00a0% de l'inertie) oppose")
    assert "maturité des équipes et évaluation et suivi" in axis.sentence
    assert "wifi des collèges" in axis.sentence


def test_interpret_axis_one_sided_says_regroupe():
    coord = pd.Series({f: (0.8 if f <= 3 else 0.1) for f in range(1, 14)}, dtype=float)
    contrib = pd.Series({f: (25.0 if f <= 3 else 25.0 / 10) for f in range(1, 14)}, dtype=float)
    axis = c.interpret_axis(coord, contrib, 2, 2.0, 15.0)
    assert axis.negative == [] and len(axis.positive) == 3
    assert "regroupe" in axis.sentence


def test_pca_first_axis_opposes_latent_factors_to_the_reversed_one():
    answers = constructed_answers(40)
    levels = c.levels_from_answers(answers)
    result = c.campaign_pca(levels, c.demographics(departements_for(answers.index), answers.index))
    first = result.axes[0]
    sides = [{f for f, _, _ in first.positive}, {f for f, _, _ in first.negative}]
    assert {1, 2, 3} in sides and {4} in sides
    assert "oppose" in first.sentence
    # Eigenvalues of a scaled PCA sum to the number of factors.
    assert result.eigenvalues["eigenvalue"].sum() == pytest.approx(13)
    assert list(result.supplementary.index) == list(c.DEMOGRAPHIC_INDICATORS)
    assert result.ind_coord.shape == (40, 5)


def test_spearman_matrix_and_significant_pairs_match_scipy():
    levels = c.levels_from_answers(constructed_answers(30))
    result = c.factor_correlations(levels)
    rho, p = sps.spearmanr(levels[1], levels[4])
    assert result.matrix.loc[1, 4] == pytest.approx(rho, abs=1e-12)
    assert result.p_values.loc[1, 4] == pytest.approx(p, rel=1e-9)
    assert result.n.loc[1, 4] == 30
    listed = {(pair.a, pair.b) for pair in result.significant}
    expected = {(a, b) for a in range(1, 14) for b in range(a + 1, 14) if result.p_values.loc[a, b] < 0.05}
    assert listed == expected and (1, 2) in listed
    assert result.n_pairs == 78
    assert "Spearman" in result.sentence


def test_crosstab_counts_and_kendall_test_match_scipy():
    rng = np.random.default_rng(3)
    outcome = pd.Series(rng.integers(1, 5, 30).astype(float))
    grouping = pd.Series(np.clip(outcome + rng.integers(-1, 2, 30), 1, 4))
    tab = c.cross_tab(
        "k",
        "t",
        outcome,
        grouping,
        order=[1.0, 2.0, 3.0, 4.0],
        outcome_label="o",
        grouping_label="g",
        rising="ça monte",
        falling="ça baisse",
        pair="o et g",
    )
    expected = pd.crosstab(grouping, outcome)
    assert tab.table.to_numpy().sum() == 30 == tab.n
    for g in expected.index:
        for o in expected.columns:
            assert tab.table.loc[str(g), int(o)] == expected.loc[g, o]
    tau, p = sps.kendalltau(outcome, grouping, variant="b")
    assert tab.test == "Kendall tau-b"
    assert tab.statistic == pytest.approx(tau, abs=1e-12)
    assert tab.p_value == pytest.approx(p, rel=1e-6)
    assert tab.p_value < 0.05 and tab.sentence.startswith("Ça monte")
    assert "n = 30" in tab.sentence


def test_two_group_crosstab_uses_mann_whitney_as_scipy():
    outcome = pd.Series([1, 2, 2, 3, 3, 4, 4, 4, 1, 1, 2, 2, 3, 1], dtype=float)
    grouping = pd.Series(["bas"] * 8 + ["haut"] * 6)
    tab = c.cross_tab(
        "k",
        "t",
        outcome,
        grouping,
        order=["bas", "haut"],
        outcome_label="o",
        grouping_label="g",
        rising="monte",
        falling="baisse",
        pair="o et g",
    )
    res = sps.mannwhitneyu(
        outcome[:8], outcome[8:], use_continuity=True, alternative="two-sided", method="asymptotic"
    )
    assert tab.test == "Mann-Whitney"
    assert tab.p_value == pytest.approx(res.pvalue, rel=1e-9)
    # Sign convention: positive when the outcome rises with the grouping (here it falls).
    assert tab.effect_size == pytest.approx(1 - 2 * res.statistic / (8 * 6))
    assert tab.effect_size < 0


def test_non_significant_crosstab_says_so_and_does_not_claim_a_link():
    outcome = pd.Series([1, 2, 3, 4] * 5, dtype=float)
    grouping = pd.Series([1, 2, 3, 4, 2, 3, 4, 1, 3, 4, 1, 2, 4, 1, 2, 3, 1, 2, 3, 4], dtype=float)
    tab = c.cross_tab(
        "k",
        "t",
        outcome,
        grouping,
        order=[1.0, 2.0, 3.0, 4.0],
        outcome_label="o",
        grouping_label="g",
        rising="monte",
        falling="baisse",
        pair="o et g",
    )
    assert tab.p_value >= 0.05
    assert "non significatif" in tab.sentence and "Pas de lien démontré" in tab.sentence


def test_paper_crosstabs_budget_bands_and_missing_budget():
    answers = constructed_answers(20)
    answers.loc["01", "budget_investissement_par_eleve"] = 25.0
    answers.loc["01", "budget_fonctionnement_par_eleve"] = 25.0  # exactly 50: band 50-75
    answers.loc["02", "budget_fonctionnement_par_eleve"] = np.nan  # incomplete budget: dropped
    levels = c.levels_from_answers(answers)
    tabs = {t.key: t for t in c.paper_crosstabs(answers, levels)}
    assert set(tabs) == {"homogeneite", "budget", "accompagnement", "evaluation"}
    budget = tabs["budget"]
    assert list(budget.table.index) == ["< 50 €", "50-75 €", "75-100 €", "> 100 €"]
    assert budget.n == 19
    totals = answers[["budget_investissement_par_eleve", "budget_fonctionnement_par_eleve"]].sum(
        axis=1, min_count=2
    )
    assert budget.table.sum(axis=1).tolist() == [
        int(((totals >= lo) & (totals < hi)).sum()) for _, lo, hi in c.BUDGET_BANDS
    ]
    assert list(tabs["evaluation"].table.index) == ["niveau 1", "niveau 2", "niveau 3", "niveau 4"]


def test_budget_band_edges():
    assert c.budget_band(49.99) == "< 50 €"
    assert c.budget_band(50.0) == "50-75 €"
    assert c.budget_band(100.0) == "> 100 €"
    assert c.budget_band(float("nan")) is None


def test_minimum_group_rule_refuses_a_national_analysis_of_four():
    answers = constructed_answers(MIN_GROUP - 1)
    with pytest.raises(c.NotEnoughRespondents, match="au moins 5"):
        c.analyse_campaign(answers, departements_for(answers.index))


def test_minimum_group_rule_masks_small_peer_groups():
    levels = c.levels_from_answers(constructed_answers(12))
    groups = pd.Series([1] * 7 + [2] * 4 + [3] * 1, index=levels.index)
    groups["99"] = 3  # a group member that did not answer
    medians, counts, hidden = c.group_medians(levels, groups)
    assert counts.to_dict() == {1: 7, 2: 4, 3: 1}
    assert hidden == [2, 3]
    assert medians.loc[[2, 3]].isna().all().all()
    assert medians.loc[1, 1] == levels.iloc[:7][1].median()


def test_crosstab_below_minimum_is_not_computed():
    tab = c.cross_tab(
        "k",
        "t",
        pd.Series([1.0, 2.0, 3.0, 4.0]),
        pd.Series([1.0, 2.0, 3.0, 4.0]),
        order=[1.0, 2.0, 3.0, 4.0],
        outcome_label="o",
        grouping_label="g",
        rising="m",
        falling="b",
        pair="o et g",
    )
    assert math.isnan(tab.p_value) and "non calculable" in tab.sentence.lower()


def test_analyse_campaign_end_to_end_with_missing_values():
    answers = constructed_answers(25)
    answers.loc["03", "f05_infrastructure_wifi"] = np.nan
    deps = departements_for(answers.index)
    deps.loc["04", "poverty_rate"] = np.nan
    groups = pd.Series([1 + i % 3 for i in range(25)], index=answers.index)
    result = c.analyse_campaign(answers, deps, peer_groups=groups)
    assert result.n == 25
    assert len(result.crosstabs) == 4
    assert result.demographic.n.loc[5, "poverty_rate"] == 23
    assert result.demographic.rho.shape == (13, 4)
    assert any("manquant" in note for note in result.notes)
    assert any("non publié" in note for note in result.notes)
    rho, p = sps.spearmanr(result.levels[1], result.demographics["share_0_19"])
    assert result.demographic.rho.loc[1, "share_0_19"] == pytest.approx(rho, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=0, max_size=40))
def test_crosstab_counts_always_sum_to_n(pairs):
    outcome = pd.Series([float(a) for a, _ in pairs], dtype=float)
    grouping = pd.Series([float(b) for _, b in pairs], dtype=float)
    tab = c.cross_tab(
        "k",
        "t",
        outcome,
        grouping,
        order=[1.0, 2.0, 3.0, 4.0],
        outcome_label="o",
        grouping_label="g",
        rising="m",
        falling="b",
        pair="o et g",
    )
    assert int(tab.table.to_numpy().sum()) == tab.n == len(pairs)
    assert tab.sentence
    if not math.isnan(tab.p_value):
        assert 0 <= tab.p_value <= 1
        assert ("non significatif" in tab.sentence) == (tab.p_value >= 0.05)


def test_supplementary_correlations_have_pearson_p_values():
    answers = constructed_answers(30)
    levels = c.levels_from_answers(answers)
    demo = c.demographics(departements_for(answers.index), answers.index)
    result = c.campaign_pca(levels, demo)
    r, p = sps.pearsonr(demo["share_0_19"], result.ind_coord["Dim.1"])
    assert result.supplementary.loc["share_0_19", "Dim.1"] == pytest.approx(r, abs=1e-10)
    assert result.supplementary_p.loc["share_0_19", "Dim.1"] == pytest.approx(p, rel=1e-8)


def test_peer_group_tests_use_only_groups_large_enough_and_match_scipy():
    levels = c.levels_from_answers(constructed_answers(20))
    groups = pd.Series([1] * 8 + [2] * 8 + [3] * 4, index=levels.index)
    summary = c.peer_group_summary(levels, groups)
    assert set(summary.tests) == set(range(1, 14))
    first = summary.tests[1]
    h, p = sps.kruskal(levels[1].iloc[:8], levels[1].iloc[8:16])
    assert first.n == 16  # group 3 (4 respondents) is left out
    assert first.statistic == pytest.approx(h) and first.p_value == pytest.approx(p)
    assert "Kruskal-Wallis" in summary.tests_sentence
    lonely = c.peer_group_summary(levels, pd.Series([1] * 16 + [2] * 4, index=levels.index))
    assert lonely.tests == {} and "pas de comparaison" in lonely.tests_sentence


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(-1, 1), st.floats(0, 40)), min_size=13, max_size=13))
def test_axis_reading_lists_exactly_the_factors_above_average_contribution(rows):
    coord = pd.Series([r[0] for r in rows], index=range(1, 14))
    contrib = pd.Series([r[1] for r in rows], index=range(1, 14))
    axis = c.interpret_axis(coord, contrib, 1, 1.0, 10.0)
    listed = {f for f, _, _ in axis.positive} | {f for f, _, _ in axis.negative}
    expected = {f for f in range(1, 14) if contrib[f] > 100 / 13 and coord[f] != 0}
    assert listed == expected
    assert all(coord[f] > 0 for f, _, _ in axis.positive) and all(coord[f] < 0 for f, _, _ in axis.negative)
    assert ("oppose" in axis.sentence) == bool(axis.positive and axis.negative)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=30))
def test_group_medians_shown_only_from_five_respondents(assignment):
    index = [f"{i:03d}" for i in range(len(assignment))]
    levels = pd.DataFrame({f: np.arange(len(assignment)) % 4 + 1.0 for f in range(1, 14)}, index=index)
    medians, counts, hidden = c.group_medians(levels, pd.Series(assignment, index=index))
    for group, count in counts.items():
        assert medians.loc[group].isna().all() == (count < MIN_GROUP)
        assert (group in hidden) == (count < MIN_GROUP)
