from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.cluster.hierarchy import fcluster, leaves_list, linkage

from numeduc.charts.dendrogram import cut_groups, dendrogram, leaf_order, normalise_merge
from numeduc.charts.heatmap import DIVERGING, heatmap, ramp
from numeduc.charts.validate import all_text, check_chart, with_class

EVIL = '<script>&"'


def corr_frame():
    names = ["100m", "Long.jump", EVIL]
    data = [[1.0, -0.5988, 0.2], [-0.5988, 1.0, float("nan")], [0.2, float("nan"), 1.0]]
    return pd.DataFrame(data, index=names, columns=names)


def test_heatmap_cells_marks_and_table():
    corr = corr_frame()
    mark = pd.DataFrame(
        [[False, True, False], [True, False, False], [False, False, False]],
        index=corr.index,
        columns=corr.columns,
    )
    chart = heatmap(corr, mark=mark, id_prefix="hm")
    root = check_chart(chart)
    assert len(with_class(root, "nc-cell")) == 9
    assert len(with_class(root, "nc-mark")) == 2
    assert chart.table.headers == ["", "100m", "Long.jump", EVIL]
    assert chart.table.rows[0] == ["100m", "1,00", "-0,60 *", "0,20"]
    assert chart.table.rows[1][3] == "non renseigné"
    text = all_text(root)
    assert "-0,60*" in text and "significative" in text and "non renseigné" in text
    assert EVIL in text
    # colours: -1 blue end, +1 red end, 0 the neutral middle
    cells = with_class(root, "nc-cell")
    assert cells[0].get("fill") == "#b2182b"
    missing = cells[5]
    assert missing.get("fill").startswith("url(#hm-")


def test_heatmap_without_annotation_keeps_marks_only():
    corr = corr_frame()
    mark = corr.notna() & (corr.abs() > 0.5) & (corr.abs() < 1)
    root = check_chart(heatmap(corr, annotate=False, mark=mark, id_prefix="hm2", demo=True))
    marks = ["".join(t.itertext()) for t in with_class(root, "nc-mark")]
    assert marks == ["*", "*"]


def test_ramp_ends_and_middle():
    assert ramp(DIVERGING, 0) == "#2166ac"
    assert ramp(DIVERGING, 1) == "#b2182b"
    assert ramp(DIVERGING, 0.5) == "#f7f7f7"
    assert ramp(DIVERGING, 7) == "#b2182b"


def test_heatmap_shape_mismatch():
    with pytest.raises(ValueError, match="même forme"):
        heatmap(corr_frame(), mark=pd.DataFrame([[True]]))


# Printed by R 4 (Rscript): hc <- hclust(dist(c(1, 2, 6.5, 10, 11))); hc$merge; hc$height;
# hc$order -> 1 2 3 4 5; cutree(hc, h = 2.5) -> 1 1 2 3 3; cutree(hc, h = 5) -> 1 1 2 2 2
R_MERGE = np.array([[-1, -2], [-4, -5], [-3, 2], [1, 3]])
R_HEIGHT = [1.0, 1.0, 4.5, 10.0]
R_CUTREE = {2.5: [1, 1, 2, 3, 3], 5: [1, 1, 2, 2, 2]}


def test_r_and_scipy_conventions_agree():
    x = np.array([[1.0], [2.0], [6.5], [10.0], [11.0]])
    z = linkage(x, method="complete")
    pairs_s, h_s, n = normalise_merge(z)
    assert n == 5
    order = leaf_order(pairs_s)
    assert order == list(leaves_list(z))  # SciPy draws in the same left-to-right order
    pairs_r, h_r, _ = normalise_merge(R_MERGE, R_HEIGHT)
    assert h_r == R_HEIGHT
    for cut, expected in R_CUTREE.items():
        assert cut_groups(pairs_r, h_r, 5, cut) == expected
    assert sorted(h_s) == sorted(h_r)
    # same partition at any cut
    for cut in (0.5, 2, 5, 20):
        g_r = cut_groups(pairs_r, h_r, 5, cut)
        g_s = cut_groups(pairs_s, h_s, 5, cut)
        same_r = {(i, j) for i in range(5) for j in range(5) if g_r[i] == g_r[j]}
        same_s = {(i, j) for i in range(5) for j in range(5) if g_s[i] == g_s[j]}
        assert same_r == same_s
    assert leaf_order(pairs_r) == [0, 1, 2, 3, 4]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=2, max_size=30, unique=True), st.floats(0, 1))
def test_cut_groups_match_scipy_fcluster(points, fraction):
    z = linkage(np.array(points)[:, None], method="average")
    pairs, hs, n = normalise_merge(z)
    cut = fraction * max(hs)
    ours = cut_groups(pairs, hs, n, cut)
    theirs = fcluster(z, t=cut, criterion="distance")
    assert len(set(ours)) == len(set(theirs))
    for i in range(n):
        for j in range(n):
            assert (ours[i] == ours[j]) == (theirs[i] == theirs[j])
    # groups numbered in the order of the observations (R's cutree)
    seen = []
    for g in ours:
        if g not in seen:
            seen.append(g)
    assert seen == list(range(1, len(seen) + 1))


def test_dendrogram_marks_cut_and_groups():
    chart = dendrogram(R_MERGE, R_HEIGHT, ["a", "b", EVIL, "d", "e"], cut_height=2.5, id_prefix="dg")
    root = check_chart(chart)
    assert len(with_class(root, "nc-link")) == 4
    assert len(with_class(root, "nc-leaf")) == 5
    assert len(with_class(root, "nc-cut")) == 1
    assert chart.table.headers == ["Rang", "Individu", "Groupe"]
    assert [r[1:] for r in chart.table.rows] == [["a", "1"], ["b", "1"], [EVIL, "2"], ["d", "3"], ["e", "3"]]
    assert "coupure à 2,50" in all_text(root)
    assert "en 3 groupes" in chart.description
    # links inside a group take its colour; the top merges stay neutral
    colours = [link.get("stroke") for link in with_class(root, "nc-link")]
    assert colours[0] != "#333333" and colours[1] != "#333333" and colours[0] != colours[1]
    assert colours[-1] == "#333333"


def test_dendrogram_given_groups_and_errors():
    chart = dendrogram(R_MERGE, R_HEIGHT, list("abcde"), groups=["x", "x", "y", "y", "y"], id_prefix="g")
    check_chart(chart)
    assert "x (2)" in all_text(check_chart(chart))
    with pytest.raises(ValueError, match="hauteurs"):
        dendrogram(R_MERGE)
    with pytest.raises(ValueError, match="libellés"):
        dendrogram(R_MERGE, R_HEIGHT, ["a"])
    with pytest.raises(ValueError, match="invalide"):
        dendrogram(np.array([[-1, 2], [-3, -2]]), [1, 2])
