"""The measured fleet in the budget planner's cash view (numeduc.usage.fleet.cash_view, peak,
cash_comparison; docs/fleet.md) against hand computations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from numeduc.usage import fleet as f

SNAP = dt.date(2026, 6, 30)


def devices() -> pd.DataFrame:
    """Tablets (4 years, 350 €), a desktop (5 years, 800 €), a whiteboard (10 years, 1 600 €)."""
    rows = [
        # three tablets bought in 2021: 4 years old, past their life -> due in 2026, then 2030
        *[("tablet", "2021-09-01")] * 3,
        # two tablets bought in 2023 -> due in 2027, then 2031
        *[("tablet", "2023-03-01")] * 2,
        ("desktop", "2022-01-10"),  # due in 2027 (then 2032, beyond the horizon)
        ("tbi", "2020-05-01"),  # due in 2030
    ]
    raw = pd.DataFrame(
        {
            "snapshot_date": [SNAP] * len(rows),
            "device_id": [f"D{i}" for i in range(len(rows))],
            "uai": "0450001A",
            "device_class": [c for c, _ in rows],
            "ownership": "departement",
            "status": "in_service",
            "enrolled_at": None,
            "last_checkin_at": pd.Timestamp("2026-06-29T08:00:00Z"),
            "purchase_date": [dt.date.fromisoformat(d) for _, d in rows],
        }
    )
    return f.device_table(raw)


def test_cash_view_by_hand():
    view = f.cash_view(devices(), smoothing_years=3)
    plan = view.plan.set_index("year")
    assert list(plan.index) == [2026, 2027, 2028, 2029, 2030, 2031]
    assert list(plan["devices"]) == [3, 3, 0, 0, 4, 2]
    # 3 × 350; 2 × 350 + 800; 3 × 350 + 1 600; 2 × 350
    assert list(plan["investment_eur"]) == [1050, 1500, 0, 0, 2650, 700]
    # Tablets [3, 2, 0, 0, 3, 2] over 3 years: [1, 2, 2, 0, 1, 2], 2 carried; desktop and
    # whiteboard stay in their year (1 split in 3 whole parts is 1, 0, 0).
    assert list(plan["smoothed_devices"]) == [1, 3, 2, 0, 2, 2]
    assert list(plan["smoothed_investment_eur"]) == [350, 1500, 700, 0, 1950, 700]
    assert view.plan.attrs["carried_devices"] == 2 and view.plan.attrs["carried_eur"] == 700
    assert view.peak == f.Peak(2030, 2650.0) and view.smoothed_peak == f.Peak(2030, 1950.0)
    assert view.overdue == 3 and view.devices == 7 and view.unknown_age == 0
    assert view.snapshot_date == SNAP
    # The planner's « équipements mobiles »: the tablets only.
    assert list(view.mobile["investment_eur"]) == [1050, 700, 0, 0, 1050, 700]
    assert list(view.mobile["smoothed_investment_eur"]) == [350, 700, 700, 0, 350, 700]


def test_no_smoothing_is_the_plan_itself():
    view = f.cash_view(devices(), smoothing_years=1)
    assert list(view.plan["smoothed_investment_eur"]) == list(view.plan["investment_eur"])
    assert view.plan.attrs["carried_devices"] == 0 and view.smoothed_peak == view.peak


def test_horizon_and_prices():
    view = f.cash_view(devices(), horizon=2, prices={"tablet": 300}, smoothing_years=2)
    assert list(view.plan["year"]) == [2026, 2027]
    assert list(view.plan["investment_eur"]) == [900, 1400]  # 3 × 300; 2 × 300 + 800
    # tablets [3, 2] over 2 years: 3 -> 2, 1 and 2 -> 1, 1 (the last 1 carried): [2, 2];
    # desktop [0, 1]: 1 -> 1, 0: [0, 1]
    assert list(view.plan["smoothed_devices"]) == [2, 3]
    assert view.plan.attrs["carried_devices"] == 1 and view.plan.attrs["carried_eur"] == 300


def test_peak_is_the_first_largest_and_none_without_spend():
    assert f.peak([2026, 2027, 2028], [10, 30, 30]) == f.Peak(2027, 30.0)
    assert f.peak([2026, 2027], [0, 0]) is None
    assert f.peak([], []) is None


def test_scenario_years_and_comparison():
    years = f.scenario_years(2026, [Decimal(100), Decimal(0), Decimal("50.5")])
    assert years == {2026: Decimal(100), 2027: Decimal(0), 2028: Decimal("50.5")}
    plan = pd.DataFrame(
        {
            "year": [2026, 2027, 2028, 2029],
            "investment_eur": [80.0, 20, 0, 5],
            "smoothed_investment_eur": [40.0, 40, 20, 5],
        }
    )
    out = f.cash_comparison(plan, years)
    assert list(out["scenario_eur"]) == [100.0, 0.0, 50.5, None]
    assert list(out["gap_eur"]) == [-20.0, 20.0, -50.5, None]
    assert list(out["smoothed_gap_eur"]) == [-60.0, 40.0, -30.5, None]
    assert list(f.cash_comparison(plan)["scenario_eur"]) == [None] * 4


def test_empty_fleet():
    empty = f.device_table(devices().iloc[0:0])
    view = f.cash_view(empty, start_year=2026)
    assert view.devices == 0 and view.peak is None and list(view.plan["investment_eur"]) == [0] * 6


def test_mobile_classes_are_the_mobile_device_parameters():
    assert set(f.MOBILE_CLASSES) == {"tablet", "laptop", "chromebook", "other"}
    with pytest.raises(ValueError):
        f.smooth([1], 0)
