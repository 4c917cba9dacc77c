"""The variants of a plan: minimal ⊂ médian ⊂ maximal, abandoned actions in none."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from numeduc.actions.plans import VARIANTS, CostedAction, variant_totals, yearly_cost


def test_yearly_cost_spreads_the_investment_over_five_years():
    assert yearly_cost(10000, 2000) == Decimal("4000.00")
    assert yearly_cost("0.01", 0) == Decimal("0.00")


def test_each_variant_holds_the_smaller_ones():
    actions = [
        CostedAction("minimal", "prevue", Decimal(100)),
        CostedAction("median", "en_cours", Decimal(200)),
        CostedAction("maximal", "realisee", Decimal(400)),
        CostedAction("minimal", "abandonnee", Decimal(1000)),
    ]
    totals = variant_totals(actions, pupils=50)
    assert [(t.variant, t.actions, t.per_year, t.per_pupil) for t in totals] == [
        ("minimal", 1, Decimal("100.00"), Decimal("2.00")),
        ("median", 2, Decimal("300.00"), Decimal("6.00")),
        ("maximal", 3, Decimal("700.00"), Decimal("14.00")),
    ]
    assert variant_totals(actions, pupils=None)[0].per_pupil is None


@given(
    st.lists(
        st.builds(
            CostedAction,
            st.sampled_from(VARIANTS),
            st.sampled_from(["prevue", "en_cours", "realisee", "abandonnee"]),
            st.decimals(min_value=0, max_value=10**9, places=2),
        ),
        max_size=30,
    )
)
def test_larger_variants_never_cost_less(actions):
    minimal, median, maximal = variant_totals(actions, pupils=1000)
    assert minimal.per_year <= median.per_year <= maximal.per_year
    assert minimal.actions <= median.actions <= maximal.actions
    assert maximal.actions == sum(1 for a in actions if a.status != "abandonnee")
