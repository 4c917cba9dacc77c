"""The département profile: medians, disclosure rule, widening of small peer groups, axes."""

from __future__ import annotations

import pandas as pd
import pytest

from numeduc.analysis.profile import MIN_GROUP, AxisDefinition, axis_score, build_profile, widen_group

LABELS = {1: "Maturité", 2: "Évaluation", 3: "Accompagnement"}
AXES = [AxisDefinition("gouv", "Gouvernance", (1, 2)), AxisDefinition("acc", "Accompagnement", (3,))]


def frame(rows: dict[str, list]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index", columns=[1, 2, 3])


def test_national_median_and_axis_scores():
    levels = frame({"a": [1, 2, 3], "b": [2, 2, 4], "c": [3, 4, 4], "d": [4, 4, 1], "e": [2, 1, 2]})
    profile = build_profile("a", levels, LABELS, AXES)
    assert [r.national_median for r in profile.factors] == [2.0, 2.0, 3.0]
    assert profile.national.n == 5
    gouv = profile.axes[0]
    assert gouv.score == 1.5  # mean of the département's levels 1 and 2
    # median over respondents of their own axis score: 1.5, 2, 3.5, 4, 1.5 -> 2
    assert gouv.national == 2.0


def test_fewer_than_min_group_respondents_shows_no_median():
    levels = frame({c: [1, 2, 3] for c in "abcd"})
    assert len(levels) == MIN_GROUP - 1
    profile = build_profile("a", levels, LABELS, AXES)
    assert profile.national is None
    assert all(r.national_median is None for r in profile.factors)
    assert all(a.national is None for a in profile.axes)


def test_missing_level_is_not_counted_as_zero():
    levels = frame({"a": [None, 2, 3], "b": [2, 2, 4], "c": [3, 4, 4], "d": [4, 4, 1], "e": [2, 1, 2]})
    profile = build_profile("a", levels, LABELS, AXES)
    assert profile.factors[0].level is None
    assert profile.factors[0].national_median is None  # only 4 answers to factor 1
    assert axis_score(levels.loc["a"], (1, 2)) == 2.0


def test_small_peer_group_is_widened_with_the_nearest_group_and_says_so():
    groups = pd.Series({"a": 1, "b": 1, "c": 2, "d": 2, "e": 2, "f": 3, "g": 3, "h": 3, "i": 3, "j": 3})
    profiles = pd.DataFrame({"x": [0.0, 0.2, 5.0]}, index=[1, 2, 3])
    respondents = {"a", "b", "c", "d", "e", "f", "g", "h"}
    members, merged = widen_group(groups, profiles, 1, respondents)
    assert merged == [1, 2] and members == ("a", "b", "c", "d", "e")

    levels = frame({code: [2, 2, 2] for code in sorted(respondents)})
    profile = build_profile(
        "a",
        levels,
        LABELS,
        AXES,
        groups=groups,
        group_profiles=profiles,
        group_names={1: "groupe 1", 2: "groupe 2", 3: "groupe 3"},
    )
    assert profile.peers.n == 5
    assert "ne compte que 2 répondants" in profile.peers.note and "groupe 2" in profile.peers.note


def test_change_since_previous_and_strongest_weakest():
    levels = frame({"a": [1, 4, 3], "b": [2, 2, 2], "c": [2, 2, 2], "d": [2, 2, 2], "e": [2, 2, 2]})
    previous = pd.Series({1: 2, 2: 3, 3: 3})
    profile = build_profile("a", levels, LABELS, AXES, previous_levels=previous)
    assert [r.change for r in profile.factors] == [-1, 1, 0]
    assert profile.strongest[0].factor == 2 and profile.weakest[0].factor == 1


@pytest.mark.parametrize("own", [None, pd.Series({1: 4, 2: 4, 3: 4})])
def test_open_campaign_levels_can_be_compared_with_a_closed_one(own):
    levels = frame({c: [2, 2, 2] for c in "bcdef"})
    profile = build_profile("a", levels, LABELS, AXES, own_levels=own)
    expected = [None, None, None] if own is None else [4.0, 4.0, 4.0]
    assert [r.level for r in profile.factors] == expected
    assert profile.national.n == 5
