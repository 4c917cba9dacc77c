"""Anonymity of the school surveys: the threshold, no recovery by subtraction, free text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from numeduc.school_surveys.anonymity import (
    MIN_ANSWERS,
    CollegePlace,
    rollup_cells,
    shown_texts,
    visibility,
    visible_cells,
)

PLACES = {
    "A": CollegePlace("45", "rural"),
    "B": CollegePlace("45", "urbain"),
    "C": CollegePlace("45", "rural"),
    "D": CollegePlace("18", "rural"),
}


def test_the_threshold_is_five():
    assert MIN_ANSWERS == 5


def test_a_collège_below_five_answers_is_hidden_and_says_why():
    places = {**PLACES, "C": CollegePlace("45", "urbain")}
    seen = visibility({("A", "eleve"): 4, ("B", "eleve"): 30, ("C", "eleve"): 30}, places)
    assert not seen.is_shown(("college", "A", "eleve"))
    assert seen.reason(("college", "A", "eleve")) == "4 réponses : moins de 5, rien n'est affiché"
    # One of the two others is hidden with it (Loiret − the other would give A away), not both.
    assert [seen.is_shown(("college", u, "eleve")) for u in "BC"].count(True) == 1


def test_exactly_five_answers_are_shown():
    seen = visibility({("A", "eleve"): 5, ("C", "eleve"): 5, ("B", "eleve"): 5}, PLACES)
    assert seen.is_shown(("college", "A", "eleve"))


def test_a_hidden_collège_cannot_be_recovered_from_its_département():
    # Loiret: A has 3 answers, B 20: Loiret (23) − B (20) would give A's 3 answers away.
    seen = visibility({("A", "eleve"): 3, ("B", "eleve"): 20}, PLACES)
    assert seen.counts[("departement", "45", "eleve")] == 23
    assert seen.is_shown(("departement", "45", "eleve"))
    assert not seen.is_shown(("college", "A", "eleve"))
    assert not seen.is_shown(("college", "B", "eleve"))
    assert "soustraction" in seen.reason(("college", "B", "eleve"))


def test_secondary_suppression_takes_the_smallest_shown_collège():
    seen = visibility({("A", "eleve"): 2, ("B", "eleve"): 40, ("C", "eleve"): 6}, PLACES)
    # In the Loiret, hiding C (6) is enough: 2 + 6 ≥ 5; B stays shown.
    assert not seen.is_shown(("college", "C", "eleve"))
    assert seen.is_shown(("college", "B", "eleve"))


def test_hiding_in_one_partition_can_expose_in_another():
    places = {
        "A": CollegePlace("45", "g1"),
        "B": CollegePlace("45", "g2"),
        "C": CollegePlace("18", "g1"),
        "E": CollegePlace("18", "g2"),
        "F": CollegePlace("18", "g2"),
    }
    counts = {("A", "eleve"): 2, ("B", "eleve"): 9, ("C", "eleve"): 8, ("E", "eleve"): 30, ("F", "eleve"): 30}
    seen = visibility(counts, places)
    _assert_no_sum_reveals_less_than_five(seen, counts, places)


def test_audiences_are_separate_units():
    seen = visibility({("A", "eleve"): 30, ("A", "parent"): 2, ("C", "parent"): 30}, PLACES)
    assert seen.is_shown(("college", "A", "eleve"))
    assert not seen.is_shown(("college", "A", "parent"))
    assert not seen.is_shown(("college", "C", "parent"))  # Loiret's parents − C would give A's


def test_bad_counts_are_refused_in_french():
    with pytest.raises(ValueError, match="entier positif"):
        visibility({("A", "eleve"): -1}, PLACES)
    with pytest.raises(ValueError, match="sans département"):
        visibility({("Z", "eleve"): 3}, PLACES)
    with pytest.raises(ValueError, match="au moins 1"):
        visible_cells({}, [], min_answers=0)


def test_free_text_is_never_shown_below_the_threshold_and_never_in_typing_order():
    assert shown_texts(["trop lent", "bien"], 4) == []
    assert shown_texts(["trop lent", " ", "bien", ""], 7) == ["bien", "trop lent"]


def _assert_no_sum_reveals_less_than_five(seen, counts, places):
    cells, constraints = rollup_cells(counts, places)
    for parent, kids in constraints:
        if seen.is_shown(parent):
            hidden = sum(cells[k] for k in kids if not seen.is_shown(k))
            assert hidden == 0 or hidden >= MIN_ANSWERS, (parent, hidden)
    for cell, n in cells.items():
        if n < MIN_ANSWERS:
            assert not seen.is_shown(cell)


@given(
    st.dictionaries(
        st.tuples(st.sampled_from("ABCDEFGH"), st.sampled_from(["eleve", "parent"])),
        st.integers(min_value=0, max_value=40),
        max_size=16,
    ),
    st.lists(
        st.tuples(st.sampled_from(["45", "18", "41"]), st.sampled_from(["g1", "g2", "g3"])),
        min_size=8,
        max_size=8,
    ),
)
def test_property_no_shown_sum_lets_fewer_than_five_answers_be_recovered(counts, where):
    places = {uai: CollegePlace(dep, group) for uai, (dep, group) in zip("ABCDEFGH", where)}
    seen = visibility(counts, places)
    _assert_no_sum_reveals_less_than_five(seen, counts, places)
    # Nothing is hidden that did not need to be: every shown cell reaches the threshold.
    assert all(seen.counts[c] >= MIN_ANSWERS for c in seen.shown)
