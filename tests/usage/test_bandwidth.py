"""Bandwidth figures (numeduc.usage.bandwidth) against hand computations, and against the
indicators on the shared generated warehouse (the measured peak is read, not recomputed)."""

from __future__ import annotations

import pandas as pd
import pytest

from numeduc.budget.bandwidth import bandwidth as budget_bandwidth
from numeduc.usage import bandwidth as b

EST = pd.DataFrame(
    [
        # A: 20 Mbit/s for 44 users: under the critical threshold
        ("0480001R", "A", 40, 4, "eim", 20.0, 5, 2),
        # B: 100 Mbit/s for 33 users, but its measured peak (120 Mbit/s) saturates the link
        ("0480002S", "B", 30, 3, "none", 100.0, 5, 5),
        # C: 50 Mbit/s for 660 users: under 100 kbit/s per user (66 Mbit/s)
        ("0480003T", "C", 600, 60, "classe_mobile", 50.0, 30, 40),
        # D: 1 Gbit/s for 110 users: nothing to do
        ("0480004U", "D", 100, 10, "byod", 1000.0, 10, 10),
    ],
    columns=["uai", "name", "pupils", "staff", "strategy", "bw_down_mbps", "n_classrooms", "n_aps"],
)
INDICATORS = pd.DataFrame(
    [
        ("0480002S", "2024-10", "bandwidth_pressure", "", 0.5, 50.0, 100.0),
        ("0480002S", "2024-11", "bandwidth_pressure", "", 1.2, 120.0, 100.0),
        ("0480002S", "2024-10", "peak_concurrent_clients", "", 150.0, 150.0, 1.0),
        ("0480002S", "2024-11", "peak_concurrent_clients", "", 140.0, 140.0, 1.0),
        ("0480002S", "2024-10", "traffic_bytes_per_pupil_day", "", 10.0, 3000.0, 300.0),
        ("0480002S", "2024-11", "traffic_bytes_per_pupil_day", "", 30.0, 9000.0, 300.0),
        ("0480002S", "2024-11", "bandwidth_kbps_per_user", "", 100_000 / 33, 100_000.0, 33.0),
    ],
    columns=["uai", "month", "indicator", "profile", "value", "numerator", "denominator"],
)


def test_ladder():
    assert b.rung_of(0).key == "none"
    assert b.rung_of(20).key == "low"
    assert b.rung_of(49.9).key == "low"
    assert b.rung_of(50).key == "critical"  # 50 Mbit/s reaches the critical threshold
    assert b.rung_of(100).key == "good" and b.rung_of(199).key == "good"
    assert b.rung_of(200).key == "very_high" and b.rung_of(1000).key == "very_high"
    assert b.rung_of(None) is None
    assert [b.upgrade_target(x) for x in (4.4, 50, 66, 162, 201, 250)] == [50, 50, 100, 200, 300, 300]


def test_table_by_hand():
    t = b.bandwidth_table(EST, INDICATORS).set_index("uai")
    # worst ratio first among those to upgrade (C 50/66, A 20/4.4, B 100/3.3), then D
    assert list(t.index) == ["0480003T", "0480001R", "0480002S", "0480004U"]
    a, bb, c, d = (t.loc[u] for u in ("0480001R", "0480002S", "0480003T", "0480004U"))
    assert (
        a["users"] == 44
        and a["baseline_mbps"] == pytest.approx(4.4)
        and a["target_mbps"] == pytest.approx(44)
    )
    assert a["kbps_per_user"] == pytest.approx(20_000 / 44)
    assert a["ratio_baseline"] == pytest.approx(20 / 4.4) and a["ratio_target"] == pytest.approx(20 / 44)
    assert a["gap_target_mbps"] == pytest.approx(24)
    assert a["rung"] == "low" and a["to_upgrade"] and "seuil critique" in a["why"]
    assert a["upgrade_to_mbps"] == 50
    assert c["baseline_mbps"] == pytest.approx(66) and c["ratio_baseline"] == pytest.approx(50 / 66)
    assert c["to_upgrade"] and "100 kbit/s" in c["why"] and c["upgrade_to_mbps"] == 100
    # B: measured — the month of highest pressure, its numerator as the peak in Mbit/s
    assert bb["pressure"] == pytest.approx(1.2) and bb["peak_mbps"] == pytest.approx(120)
    assert bb["peak_clients"] == 150 and bb["bytes_per_pupil_day"] == pytest.approx(12000 / 600)
    assert bb["kbps_per_user"] == pytest.approx(100_000 / 33)
    assert bb["to_upgrade"] and "pic mesuré" in bb["why"]
    assert bb["upgrade_to_mbps"] == 200  # 120 × 1.35 = 162 -> 200
    assert not d["to_upgrade"] and pd.isna(d["upgrade_to_mbps"])
    assert pd.isna(d["pressure"])  # no wifi measure loaded
    # costs: the budget parameters (dedicated link subscription, access points)
    for row, (pupils, staff, strategy, options) in (
        (a, (40, 4, "eim", {"classrooms": 5})),
        (c, (600, 60, "classe_mobile", {"classrooms": 30})),
    ):
        need = budget_bandwidth(pupils, staff, strategy, **options)
        assert row["access_points_needed"] == need.access_points
        missing = max(0, need.access_points - int(EST.set_index("uai").loc[row.name, "n_aps"]))
        assert row["access_points_missing"] == missing and row["access_points_eur"] == missing * 500.0
        assert row["link_eur_per_year"] == 6000.0
    assert pd.isna(d["link_eur_per_year"])
    priced = b.bandwidth_table(EST, INDICATORS, prices={"isp_cost_per_year": 9000}).set_index("uai")
    assert priced.loc["0480001R", "link_eur_per_year"] == 9000.0


def test_ladder_counts():
    t = b.bandwidth_table(EST, INDICATORS)
    assert {r.key: n for r, n in b.ladder_counts(t)} == {
        "none": 0,
        "low": 1,
        "critical": 1,
        "good": 1,
        "very_high": 1,
    }


def test_on_the_generated_warehouse_reads_the_indicators(warehouse, indicators):
    t = b.departement_bandwidth(warehouse, indicators).set_index("uai")
    ind = indicators[indicators["profile"] == ""]
    for uai, row in t.iterrows():
        mine = ind[ind["uai"] == uai]
        kb = mine[mine["indicator"] == "bandwidth_kbps_per_user"].sort_values("month")
        assert row["kbps_per_user"] == pytest.approx(kb["value"].iloc[-1])
        pc = mine[mine["indicator"] == "peak_concurrent_clients"]
        if len(pc):
            assert row["peak_clients"] == pc["value"].max()
        pr = mine[mine["indicator"] == "bandwidth_pressure"]
        if len(pr):
            assert row["pressure"] == pytest.approx(pr["value"].max())
    ratios = list(t[~t["to_upgrade"]]["ratio_baseline"])
    assert ratios == sorted(ratios)
