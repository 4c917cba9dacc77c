"""Ward (hclust ward.D2), cutree, cophenetic correlation, HCPC and Hartigan-Wong k-means
against R / FactoMineR (values from scripts/r/make_fixtures.R)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from numeduc.stats import hclust_ward, hcpc, kmeans_hartigan_wong, pca, ward


def check_hcpc(result, ref):
    assert result.n_clusters == ref["n_clusters"]
    assert np.abs(result.inert_gain - np.array(ref["inert_gain"])).max() <= 1e-6
    assert np.abs(result.within - np.array(ref["within"])).max() <= 1e-6
    assert np.abs(result.quot.to_numpy() - np.array(ref["quot"])).max() <= 1e-6
    assert abs(result.bw_before_consol - ref["bw_before_consol"]) <= 1e-6
    if ref["bw_after_consol"] is None:
        assert result.bw_after_consol is None
    else:
        assert abs(result.bw_after_consol - ref["bw_after_consol"]) <= 1e-6
    assert result.clusters.to_dict() == ref["clusters"]


@pytest.mark.parametrize("scale", ["sample", "population", "none"])
def test_usarrests_ward_heights_cutree_cophenetic(usarrests, reference, scale):
    ref = reference("usarrests.json")[scale]
    res = ward(usarrests, 4, scale=scale)
    assert np.abs(res.tree.height - np.array(ref["height"])).max() <= 1e-6
    assert abs(res.cophenetic_correlation - ref["cophenetic"]) <= 1e-6
    for k in range(2, 9):
        assert res.tree.cutree(k).to_dict() == ref["cutree"][f"k{k}"]
    assert res.clusters.to_dict() == ref["cutree"]["k4"]


def test_usarrests_cophenetic_value_and_merge_matrix(usarrests, reference):
    ref = reference("usarrests.json")["sample"]
    res = ward(usarrests, scale="sample")
    assert round(res.cophenetic_correlation, 9) == 0.697526563
    assert (res.tree.merge == np.array(ref["merge"])).all()
    assert (np.diff(res.merge_heights) >= 0).all()


def test_population_and_sample_scaling_differ_by_constant(usarrests):
    n = len(usarrests)
    pop = ward(usarrests, scale="population").tree.height
    smp = ward(usarrests, scale="sample").tree.height
    assert np.allclose(pop, smp * np.sqrt(n / (n - 1)), rtol=1e-12)


def test_tie_order_matches_hclust_f_on_raw_answers(sim_answers, reference):
    """Q1..Q3 of the 1-4 answers have many exact ties: in 30 row orders the port gives R's
    merge matrix and R's cutree partitions for k = 2..8."""
    q3 = sim_answers[["Q1", "Q2", "Q3"]].to_numpy(dtype=float)
    for case in reference("sim_answers.json")["raw_q1_q3"]:
        perm = np.array(case["order"]) - 1
        tree = hclust_ward(q3[perm])
        assert (tree.merge == np.array(case["merge"])).all()
        assert np.abs(tree.height - np.array(case["height"])).max() <= 1e-6
        for k in range(2, 9):
            assert list(tree.cutree(k)) == list(case["cutree"][f"k{k}"].values())


def test_tie_order_on_standardised_answers_needs_r_long_double_sums(sim_answers, reference):
    """After R scale(), ties exact in theory survive only if the sums are R's (sequential,
    long double): ward(scale="sample") then gives R's tree in all 30 row orders (plain
    numpy scaling gave 21/30 identical merge matrices)."""
    q3 = sim_answers[["Q1", "Q2", "Q3"]]
    for case in reference("sim_answers.json")["raw_q1_q3"]:
        perm = np.array(case["order"]) - 1
        res = ward(q3.iloc[perm], scale="sample")
        assert (res.tree.merge == np.array(case["scaled_merge"])).all()
        assert np.abs(res.tree.height - np.array(case["scaled_height"])).max() <= 1e-6
        for k in range(2, 9):
            assert res.tree.cutree(k).to_dict() == case["scaled_cutree"][f"k{k}"]


@pytest.fixture(scope="module")
def dec_pca(decathlon):
    return pca(decathlon, quanti_sup=["Rank", "Points"], quali_sup=["Competition"])


def test_decathlon_hcpc_auto(dec_pca, reference):
    ref = reference("decathlon_hcpc.json")
    res = hcpc(dec_pca)
    check_hcpc(res, ref["auto"])
    assert res.sizes.tolist() == [12, 14, 12, 3] == ref["sizes_auto"]
    assert round(res.within[0], 6) == 8.155577
    assert round(res.bw_before_consol, 6) == 3.799142
    assert round(res.bw_after_consol, 6) == 3.877601
    assert list(res.clusters.index) == list(dec_pca.ind_coord.index)  # original row order


def test_decathlon_hcpc_without_consolidation(dec_pca, reference):
    ref = reference("decathlon_hcpc.json")
    res = hcpc(dec_pca, consolidation=False)
    check_hcpc(res, ref["auto_no_consolidation"])
    assert res.sizes.tolist() == [12, 13, 13, 3]


@pytest.mark.parametrize("k", [3, 6])
def test_decathlon_hcpc_fixed_k(dec_pca, reference, k):
    check_hcpc(hcpc(dec_pca, k), reference("decathlon_hcpc.json")[f"k{k}"])


def test_usarrests_hcpc(usarrests, reference):
    ref = reference("usarrests.json")
    res_pca = pca(usarrests)
    check_hcpc(hcpc(res_pca), ref["hcpc"])
    check_hcpc(hcpc(res_pca, consolidation=False), ref["hcpc_no_consolidation"])
    # Lloyd's k-means would give 2.846543 here; Hartigan-Wong gives R's value.
    assert round(hcpc(res_pca).bw_after_consol, 6) == 2.848915


def test_tie_heavy_answers_hcpc(sim_answers, reference):
    """1-4 answers: inertias and the consolidated partition agree with FactoMineR."""
    ref = reference("sim_answers.json")
    res_pca = pca(sim_answers)
    check_hcpc(hcpc(res_pca), ref["hcpc_auto"])
    check_hcpc(hcpc(res_pca, 4), ref["hcpc_k4"])


def test_departement_peer_groups_match_factominer(reference):
    from numeduc.stats.peers import load_departement_indicators, peer_groups

    ref = reference("departements_peer_groups.json")["hcpc"]
    res = peer_groups(load_departement_indicators())
    check_hcpc(res.hcpc_result, ref)


def test_kmeans_hartigan_wong_small_case():
    """Two obvious groups: Hartigan-Wong moves the misplaced points and keeps R's labels."""
    x = np.array([[0.0], [0.1], [0.2], [5.0], [5.1], [5.2], [2.4]])
    res = kmeans_hartigan_wong(x, np.array([[0.0], [2.6]]))
    assert res.cluster.tolist() == [1, 1, 1, 2, 2, 2, 1]
    assert res.size.tolist() == [4, 3]
    assert np.isclose(res.betweenss + res.tot_withinss, res.totss)


def test_hcpc_rejects_impossible_cluster_numbers(dec_pca):
    with pytest.raises(ValueError, match="impossible"):
        hcpc(dec_pca, 1000)


def test_hclust_port_matches_r_on_100_random_tie_heavy_matrices(reference):
    """Random integer matrices (3-30 rows, values 1-4, many duplicated rows and equal
    distances): same merge matrix and heights as R hclust(dist(x), "ward.D2")."""
    for case in reference("ties_random.json")["cases"]:
        x = np.array(case["x"], dtype=float)
        if x.ndim == 1:  # one column is written as a flat list
            x = x[:, None]
        tree = hclust_ward(x)
        assert (tree.merge == np.array(case["merge"])).all()
        assert np.allclose(tree.height, case["height"], atol=1e-9)


def test_ward_refuses_missing_values(usarrests):
    data = usarrests.copy()
    data.iloc[0, 0] = np.nan
    with pytest.raises(ValueError, match="colonne « Murder », ligne « Alabama » : valeur manquante"):
        ward(data)


def test_row_weights_in_pca_and_hcpc_tree(decathlon, reference, close):
    """PCA(row.w = w) normalises the weights; HCPC builds its tree with the raw weights."""
    ref = reference("decathlon_row_weights.json")
    res = pca(decathlon.iloc[:, :10], row_weights=ref["row_w"])
    assert (
        np.abs(res.eig["eigenvalue"].to_numpy() - pd.DataFrame(ref["eig"]).T.iloc[:, 0].to_numpy()).max()
        <= 1e-6
    )
    close(res.ind_coord, ref["ind_coord"])
    close(res.ind_contrib, ref["ind_contrib"])
    close(res.var_coord, ref["var_coord"])
    check_hcpc(hcpc(res, consolidation=False), ref["hcpc_no_consolidation"])


def test_hcpc_with_kmeans_precluster_kk():
    """kk: tree on k-means centres weighted by their sizes; each row gets its centre's class."""
    rng = np.random.default_rng(3)
    groups = rng.integers(0, 3, size=600)
    x = rng.normal(size=(600, 4)) + np.array([[0, 0, 0, 0], [10, 0, 0, 0], [0, 10, 0, 0]])[groups]
    res_pca = pca(pd.DataFrame(x, columns=list("abcd")))
    res = hcpc(res_pca, kk=50, random_state=0)
    assert res.bw_after_consol is None  # no consolidation with kk, as in FactoMineR
    assert res.sizes.sum() == 600
    assert len(res.inert_gain) == 50  # 49 merges + the within-centres inertia
    total = res_pca.eig["eigenvalue"].iloc[: res_pca.ncp].sum()
    assert abs(res.within[0] - total) < 1e-8
    per_centre = pd.crosstab(res.precluster, res.clusters)
    assert ((per_centre > 0).sum(axis=1) == 1).all()
    assert res.n_clusters >= 3
    # Each class found is essentially made of one of the three simulated groups.
    purity = pd.crosstab(res.clusters.to_numpy(), groups)
    assert (purity.max(axis=1) / purity.sum(axis=1)).min() > 0.9


def test_hcpc_on_r_coordinates_is_bit_exact_with_ties(sim_answers, reference):
    """Tie-heavy 1-4 answers (Q1..Q3, 30 row orders). Fed R's own PCA coordinates (bit for
    bit, hexadecimal floats), numeduc's HCPC gives R's inertia gains, automatic partition
    and consolidated k=4 partition in all 30 orders: every remaining difference on tied data
    comes from LAPACK's rounding noise in the coordinates, not from the algorithm.
    (With numpy's own coordinates: gains 3/30, automatic partition 8/30, k=4 12/30.)"""
    q3 = sim_answers[["Q1", "Q2", "Q3"]]
    for case in reference("sim_answers.json")["raw_q1_q3"]:
        perm = np.array(case["order"]) - 1
        res_pca = pca(q3.iloc[perm])
        coords = np.array([[float.fromhex(v) for v in row] for row in case["coord_hex"]])
        res_pca.ind_coord = pd.DataFrame(
            coords, index=case["coord_rownames"], columns=res_pca.ind_coord.columns
        )
        auto = hcpc(res_pca)
        assert np.abs(auto.inert_gain - np.array(case["hcpc_auto"]["inert_gain"])).max() <= 1e-12
        assert auto.clusters.to_dict() == case["hcpc_auto"]["clusters"]
        assert abs(auto.bw_after_consol - case["hcpc_auto"]["bw_after_consol"]) <= 1e-12
        assert hcpc(res_pca, 4).clusters.to_dict() == case["hcpc_k4"]["clusters"]
