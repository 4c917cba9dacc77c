"""Peak concurrent clients: the sweep of indicators.py against a brute-force count of distinct
clients per 5-minute bin, on random sessions (overlapping, nested, adjacent, same client)."""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from numeduc.usage.indicators import BIN_S, MAX_BINS_PER_SESSION, compute_indicators

T0 = dt.datetime(2025, 3, 3, 7, 0)  # a Monday, UTC

ESTABLISHMENT = {
    "uai": "0480001A",
    "name": "Collège test",
    "departement": "48",
    "commune_insee": "48095",
    "commune_name": "Mende",
    "density_grid3": "rural",
    "density_grid7": 6,
    "ep": "none",
    "depp_type": 1,
    "pupils": 300,
    "teachers": 25,
    "staff": 10,
    "parent_accounts": 400,
    "school_year": "2024-2025",
    "holiday_zone": "C",
    "strategy": "classes_mobiles",
    "bw_down_mbps": 100.0,
    "bw_up_mbps": 20.0,
    "n_classrooms": 20,
    "n_aps": 4,
    "_ingested_at": dt.datetime(2025, 4, 1),
}

session = st.tuples(
    st.sampled_from(["aa:01", "aa:02", "aa:03", None]),  # client (None: unknown, one client)
    st.integers(0, 3 * 86400),  # start, seconds after T0
    st.integers(1, 30 * 3600),  # duration in seconds (beyond the cap too)
)


def brute_force_peak(sessions: list[tuple]) -> int:
    bins: dict[int, set] = {}
    for client, start, duration in sessions:
        s0 = int((T0 - dt.datetime(1970, 1, 1)).total_seconds()) + start
        b0, b1 = s0 // BIN_S, (s0 + duration - 1) // BIN_S
        for b in range(b0, b0 + min(max(b1 - b0 + 1, 1), MAX_BINS_PER_SESSION)):
            bins.setdefault(b, set()).add(client)
    return max(len(c) for c in bins.values())


def peak_from_indicators(sessions: list[tuple]) -> float:
    wifi = pd.DataFrame(
        {
            "uai": "0480001A",
            "client_id": [c for c, _, _ in sessions],
            "device_id": None,
            "ap_id": "ap1",
            "ssid": "pedago",
            "start_ts": [T0 + dt.timedelta(seconds=s) for _, s, _ in sessions],
            "end_ts": [T0 + dt.timedelta(seconds=s + d) for _, s, d in sessions],
            "rx_bytes": 1,
            "tx_bytes": 1,
        }
    ).astype({"client_id": "string", "device_id": "string"})
    con = ibis.duckdb.connect()
    con.raw_sql("SET TimeZone = 'UTC'")
    # Plain DuckDB tables (Ibis 12's create_table trips on DuckDB 2.0's DROP VIEW syntax).
    for name, frame in (("establishments", pd.DataFrame([ESTABLISHMENT])), ("wifi_sessions", wifi)):
        con.con.register(f"_{name}", frame)
        con.raw_sql(f"CREATE TABLE {name} AS SELECT * FROM _{name}")
    out = compute_indicators(con, referential=False)
    peak = out[out["indicator"] == "peak_concurrent_clients"]
    assert set(peak["month"]) == {"2025-03"}
    return float(peak["value"].iloc[0])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(session, min_size=1, max_size=12))
def test_sweep_counts_distinct_clients_per_bin(sessions):
    assert peak_from_indicators(sessions) == brute_force_peak(sessions)


def test_same_client_overlapping_sessions_count_once():
    # Three sessions of one client that overlap and nest, plus one other client: peak 2.
    sessions = [("aa:01", 0, 3600), ("aa:01", 600, 600), ("aa:01", 1800, 7200), ("aa:02", 900, 60)]
    assert brute_force_peak(sessions) == 2
    assert peak_from_indicators(sessions) == 2
