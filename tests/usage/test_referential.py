"""Referential comparison on hand-made values (midrank percentile, median, IQR, robust z, fall-back)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from numeduc.usage.referential import MIN_GROUP_SIZE, add_referential, size_class


def _frame(values, density, pupils, ep="none"):
    n = len(values)
    est = pd.DataFrame(
        {"uai": [f"{i:07d}A" for i in range(n)], "density_grid3": density, "pupils": pupils, "ep": ep}
    )
    df = pd.DataFrame(
        {"uai": est["uai"], "month": "2024-10", "indicator": "x", "profile": "", "value": values}
    )
    return df, est


def test_size_classes():
    assert [size_class(p) for p in (0, 299, 300, 600, 601)] == ["<300", "<300", "300-600", "300-600", ">600"]


def test_midrank_percentile_median_quartiles_and_robust_z():
    values = [1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 100.0]
    df, est = _frame(values, "rural", 200)
    out = add_referential(df, est)
    assert (~out["fallback"]).all() and (out["group_size"] == 10).all()
    assert out["group"].iloc[0] == "rural · <300 · hors EP"
    # ties share the mean rank: (2 + 3) / 2 = 2.5 -> 100 * (2.5 - 0.5) / 10
    assert out.loc[1, "percentile"] == pytest.approx(20.0)
    assert out.loc[0, "percentile"] == pytest.approx(5.0)
    assert out.loc[9, "percentile"] == pytest.approx(95.0)
    med = np.median(values)
    assert out["median"].iloc[0] == pytest.approx(med)
    assert out["q1"].iloc[0] == pytest.approx(np.percentile(values, 25))
    assert out["q3"].iloc[0] == pytest.approx(np.percentile(values, 75))
    mad = np.median(np.abs(np.array(values) - med))
    assert out.loc[9, "robust_z"] == pytest.approx((100.0 - med) / (1.4826 * mad))


def test_small_group_falls_back_step_by_step():
    # 6 rural small EP collèges + 6 rural small non-EP: EP groups too small, density × size has 12.
    values = list(range(12))
    df, est = _frame([float(v) for v in values], "rural", 250, ep=["REP"] * 6 + ["none"] * 6)
    out = add_referential(df, est)
    assert out["fallback"].all()
    assert (out["group_level"] == "densite_taille").all()
    assert (out["group_size"] == 12).all()
    assert "trop petit (6 collèges" in out["fallback_reason"].iloc[0]
    assert "repli sur « rural · <300 »" in out["fallback_reason"].iloc[0]


def test_tiny_warehouse_falls_back_to_all_colleges():
    df, est = _frame([0.1, 0.5, 0.9], ["rural", "urbain_dense", "intermediaire"], [100, 400, 900])
    out = add_referential(df, est)
    assert (out["group_level"] == "ensemble").all()
    assert (out["group"] == "tous les collèges").all()
    assert (out["group_size"] == 3).all() and 3 < MIN_GROUP_SIZE
    assert out["robust_z"].notna().all()


def test_constant_group_has_no_robust_z():
    df, est = _frame([0.5] * 10, "rural", 100)
    out = add_referential(df, est)
    assert out["robust_z"].isna().all()
    assert out["percentile"].iloc[0] == pytest.approx(50.0)
