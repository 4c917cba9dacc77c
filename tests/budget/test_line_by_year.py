"""numeduc.budget.departement.line_by_year: one budget line's yearly amounts over real collèges,
against hand computations (white paper's mobile classes: 4 carts of 30 devices)."""

from __future__ import annotations

from decimal import Decimal

from numeduc.budget import scenario_from_dict
from numeduc.budget.departement import line_by_year


def cash(**extra):
    return scenario_from_dict(
        {"base": "livre-blanc-2017", "strategy": "classe_mobile", "mode": "cash", "horizon": 6, **extra}
    )


def test_cash_mode_buys_then_renews_every_lifetime():
    # one collège: 4 carts × 30 devices × 350 € + 4 carts × 1 500 € = 48 000 €, renewed after 4 years
    years = line_by_year(cash(), [100, 200], "mobile_equipment")
    assert years == [Decimal(96000), 0, 0, 0, Decimal(96000), 0]


def test_cohorts_spread_the_first_purchase():
    # 2 cohorts: 60 devices and 2 carts each year 1 and 2 (21 000 + 3 000 €), renewed in 5 and 6
    years = line_by_year(cash(cohorts=2), [300], "mobile_equipment")
    assert years == [Decimal(24000), Decimal(24000), 0, 0, Decimal(24000), Decimal(24000)]


def test_annualised_mode_is_the_same_every_year():
    years = line_by_year(cash(mode="annualised"), [300, 300], "mobile_equipment")
    assert years == [Decimal(24000)] * 6  # 2 × 48 000 / 4


def test_no_college_is_zero():
    assert line_by_year(cash(), [], "mobile_equipment") == [Decimal(0)] * 6
