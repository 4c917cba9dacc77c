"""Peer groups as the pages show them: medians and ranges, the départements the consolidation
moved after the tree cut, and the size of a comparison group."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from numeduc import reference
from numeduc.analysis.peers import IndicatorSummary, compute_peer_groups, indicator_summaries, summary_words
from numeduc.analysis.profile import build_profile

values = st.lists(
    st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)), min_size=1, max_size=40
)


@given(values)
def test_summary_is_the_median_and_range_of_the_known_values(column):
    frame = pd.DataFrame({"x": [math.nan if v is None else v for v in column]})
    known = sorted(v for v in column if v is not None)
    summaries = indicator_summaries(frame)
    if not known:
        assert summaries == {}
        return
    summary = summaries["x"]
    assert summary.n == len(known)
    assert summary.low == known[0] and summary.high == known[-1]
    assert summary.low <= summary.median <= summary.high
    assert sum(v < summary.median for v in known) <= len(known) / 2
    assert sum(v > summary.median for v in known) <= len(known) / 2


def test_one_extreme_value_does_not_move_the_median():
    densities = pd.DataFrame({"density": [90.0, 95.0, 98.9, 110.0, 21066.8]})
    summary = indicator_summaries(densities)["density"]
    assert summary.median == 98.9
    assert summary_words(summary) == "98,9 (de 90,0 à 21\u202f066,8)"


def test_summary_words():
    assert summary_words(IndicatorSummary(12.5, 10.0, 20.25, 3)) == "12,5 (de 10,0 à 20,3)"
    assert summary_words(IndicatorSummary(12.5, 12.5, 12.5, 1)) == "12,5"
    assert summary_words(None) == "non disponible"


@pytest.fixture(scope="module")
def peers():
    return compute_peer_groups(reference.departements())


def test_moved_departements_are_those_whose_final_group_differs_from_the_tree_cut(peers):
    from numeduc.stats.hclust import cutree_k

    res = peers.result.hcpc_result
    cut = dict(zip((str(x) for x in res.sorted_labels), cutree_k(res.tree_ia, res.tree_ib, res.n_clusters)))
    assert peers.moved and "75" not in peers.moved  # Paris is attached apart, not moved
    for code in peers.groups.index:
        if code not in cut:
            continue
        same_cut = [c for c in cut if cut[c] == cut[code]]
        stayed = [c for c in same_cut if c not in peers.moved]
        # Every département of a tree-cut group that was not moved ends in one same final group…
        assert len({int(peers.groups[c]) for c in stayed}) == 1
        # …and a moved one ends elsewhere.
        if code in peers.moved:
            assert peers.groups[code] != peers.groups[stayed[0]]


def test_sizes_count_every_departement_once(peers):
    assert sum(peers.sizes().values()) == len(peers.groups) == 101


def test_a_widened_comparison_says_how_many_answered_out_of_how_many():
    groups = pd.Series({"a": 1, "b": 1, "c": 1, "d": 2, "e": 2, "f": 2, "g": 2, "h": 3})
    profiles = pd.DataFrame({"x": [0.0, 1.0, 5.0]}, index=[1, 2, 3])
    levels = pd.DataFrame({1: [3.0, 2.0, 4.0, 1.0, 2.0]}, index=["a", "b", "d", "e", "f"])
    profile = build_profile("a", levels, {1: "F1"}, [], groups=groups, group_profiles=profiles)
    assert profile.peers is not None
    # Group 1 has 2 respondents: widened with group 2 (nearest) to 5 respondents out of 7.
    assert profile.peers.n == 5 and profile.peers.group_size == 7
    assert profile.peers.answered_words == "5 ayant répondu sur 7"
