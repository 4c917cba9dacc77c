"""Measured use per ENT module (numeduc.usage.modules) against a hand computation in pandas on
the generator's own files (before ingestion and pseudonymisation)."""

from __future__ import annotations

import pandas as pd
import pytest

from numeduc.demo.usage import generate
from numeduc.usage.indicators import compute_indicators
from numeduc.usage.modules import COLUMNS, module_use, pooled, trend

from .conftest import build_warehouse


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    gen = tmp_path_factory.mktemp("modules_gen")
    # Three Loiret collèges, three months (the first one starts in September).
    generate("45", 600, 3, gen, seed=5, start_month="2024-09", max_colleges=3, events_per_session=3.0)
    wh = tmp_path_factory.mktemp("modules_wh") / "45"
    build_warehouse(gen, wh, "45")
    return gen, wh


def hand(gen) -> pd.DataFrame:
    ev = pd.read_parquet(gen / "ent_events.parquet")
    est = pd.read_csv(gen / "establishments.csv", dtype={"uai": str})
    est = est.sort_values("school_year").drop_duplicates("uai", keep="last")
    ts = pd.to_datetime(ev["ts"], utc=True)
    ev["month"] = ts.dt.strftime("%Y-%m")
    months = sorted(ev["month"].unique())
    use = ev[ev["event_type"].isin(["ACCESS", "CREATE", "VIEW"]) & ev["uai"].isin(est["uai"])]
    rows = []
    for module in sorted(use["module"].unique()):
        for month in months:
            m = use[(use["module"] == module) & (use["month"] == month)]
            pupils = m[m["profile"] == "ELEVE"][["uai", "user_id"]].drop_duplicates()
            rows.append(
                {
                    "module": module,
                    "month": month,
                    "colleges": m["uai"].nunique(),
                    "colleges_total": len(est),
                    "pupils": len(pupils),
                    "pupils_total": int(est["pupils"].sum()),
                }
            )
    out = pd.DataFrame(rows)
    out["colleges_share"] = out["colleges"] / out["colleges_total"]
    out["pupils_share"] = out["pupils"] / out["pupils_total"]
    return out[COLUMNS]


def test_module_use_matches_a_hand_computation(small):
    gen, wh = small
    got = module_use(wh)
    want = hand(gen)
    assert list(got.columns) == COLUMNS
    assert {"Pronote", "Mediacentre", "GAR"} <= set(got["module"])
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), want.reset_index(drop=True), check_dtype=False, check_exact=False
    )
    assert (got["pupils"] > 0).any() and (got["colleges_share"] <= 1).all()


def test_the_pupils_denominator_is_the_one_of_monthly_active_rate(small):
    _, wh = small
    got = module_use(wh, ["Pronote"])
    ind = compute_indicators(wh)
    mar = ind[(ind["indicator"] == "monthly_active_rate") & (ind["profile"] == "ELEVE")]
    per_month = mar.groupby("month")["denominator"].sum()
    for row in got.itertuples():
        assert row.pupils_total == per_month[row.month]
        # a pupil using Pronote is an active pupil
        assert row.pupils <= mar[mar["month"] == row.month]["numerator"].sum()


def test_a_module_never_used_has_zero_rows_and_a_filter_keeps_only_the_asked_modules(small):
    _, wh = small
    got = module_use(wh, ["GAR", "Inconnu"])
    assert set(got["module"]) == {"GAR", "Inconnu"}
    assert (got[got["module"] == "Inconnu"][["colleges", "pupils"]] == 0).all().all()
    assert len(got) == 2 * got["month"].nunique() == 6


def test_trend_and_pooling(small):
    _, wh = small
    one = module_use(wh, ["Pronote"])
    t = trend(one, "Pronote")
    assert t is not None and t["first_month"] == "2024-09" and t["last_month"] == "2024-11"
    last, first = one.iloc[-1], one.iloc[0]
    assert t["pupils_points"] == pytest.approx(100 * (last["pupils_share"] - first["pupils_share"]))
    assert trend(one.iloc[:1], "Pronote") is None
    both = pooled([one, one])
    assert (both["colleges_total"] == 2 * one["colleges_total"]).all()
    assert (both["warehouses"] == 2).all()
    pd.testing.assert_series_equal(both["pupils_share"], one["pupils_share"], check_names=False)


def test_an_empty_warehouse_gives_an_empty_frame(tmp_path):
    assert list(module_use(tmp_path / "rien").columns) == COLUMNS
