"""DuckDB and Spark (local[1]) give identical indicators on the same small warehouse."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from numeduc.usage.indicators import compute_indicators

from .conftest import build_warehouse

pytestmark = [pytest.mark.spark, pytest.mark.slow]
KEY = ["uai", "month", "indicator", "profile"]


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    from numeduc.usage.engines import spark_session

    session = spark_session("local[1]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory):
    from numeduc.demo.usage import generate

    gen = tmp_path_factory.mktemp("spark_gen")
    # 4 collèges (the 4th exports no session ids), one month.
    generate("48", 300, 1, gen, seed=11, start_month="2024-10", max_colleges=4)
    wh = tmp_path_factory.mktemp("spark_wh")
    build_warehouse(gen, wh, "48")
    return wh


def test_duckdb_and_spark_agree(small_warehouse, spark):
    # One Spark run (with the month filter, which the Spark path must honour as well).
    duck = compute_indicators(small_warehouse, backend="duckdb", month="2024-10")
    sprk = compute_indicators(small_warehouse, backend="spark", month="2024-10", spark=spark)
    assert set(sprk["month"]) == {"2024-10"}
    assert len(duck) == len(sprk) > 0
    merged = duck.merge(sprk, on=KEY, suffixes=("_d", "_s"), how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    for col in ("value", "numerator", "denominator", "percentile", "median", "q1", "q3"):
        np.testing.assert_allclose(merged[f"{col}_s"], merged[f"{col}_d"], rtol=1e-12, equal_nan=True)
    assert (merged["group_d"] == merged["group_s"]).all()
    # every family is covered, including gap-based sessions (the 4th collège has no session ids)
    assert {
        "sessions_per_user",
        "out_of_school_share",
        "peak_concurrent_clients",
        "device_activity_rate_30d",
        "account_activation_rate",
    } <= set(duck["indicator"])


# The computations added after the indicators that read the warehouse through Ibis: module reach
# per month (numeduc.usage.modules), the MDM fleet (numeduc.usage.fleet: the latest snapshot read
# through Ibis, the figures in pandas) and the bandwidth table (numeduc.usage.bandwidth: the
# referential and the indicators through Ibis). Same session and warehouse as above.


def _both(small_warehouse, spark):
    from numeduc.usage.engines import connect

    return connect(small_warehouse, "duckdb"), connect(small_warehouse, "spark", spark=spark)


def _instants(df):
    """Timestamps and dates as microseconds: the engines return the same instants in different
    units (DuckDB microseconds, Spark nanoseconds)."""
    return df.astype({c: "datetime64[us]" for c in df.columns if str(df[c].dtype).startswith("datetime64")})


def test_module_use_agrees(small_warehouse, spark):
    from numeduc.usage.modules import module_use

    duck_con, spark_con = _both(small_warehouse, spark)
    duck = module_use(duck_con)
    sprk = module_use(spark_con)
    assert len(duck) > 0 and (duck["pupils"] > 0).any()
    pd.testing.assert_frame_equal(sprk, duck, check_dtype=False, check_exact=False, rtol=1e-12)
    # a chosen list, with a module absent from the events (a row of zeros on both engines)
    chosen = [duck["module"].iloc[0], "Inconnu"]
    pd.testing.assert_frame_equal(
        module_use(spark_con, chosen), module_use(duck_con, chosen), check_dtype=False, rtol=1e-12
    )


def test_fleet_agrees(small_warehouse, spark):
    from numeduc.usage.fleet import fleet, read_devices

    duck_con, spark_con = _both(small_warehouse, spark)

    def ordered(df):
        return df.sort_values("device_id").reset_index(drop=True)

    raw_d, raw_s = ordered(read_devices(duck_con)), ordered(read_devices(spark_con))
    assert len(raw_d) > 0 and raw_d["last_checkin_at"].notna().any()
    assert list(raw_s.columns) == list(raw_d.columns) and len(raw_s) == len(raw_d)
    pd.testing.assert_frame_equal(_instants(raw_s), _instants(raw_d), check_dtype=False)

    fd, fs = fleet(duck_con), fleet(spark_con)
    for part in ("devices", "table", "ages", "forecast", "plan"):
        got, want = getattr(fs, part), getattr(fd, part)
        if part == "devices":
            got, want = ordered(got), ordered(want)
        pd.testing.assert_frame_equal(_instants(got), _instants(want), check_dtype=False)
    assert fs.unknown_age == fd.unknown_age


def test_bandwidth_agrees(small_warehouse, spark):
    from numeduc.usage.bandwidth import departement_bandwidth

    duck_con, spark_con = _both(small_warehouse, spark)
    duck = departement_bandwidth(duck_con)
    sprk = departement_bandwidth(spark_con)
    assert len(duck) > 0 and duck["peak_clients"].notna().any()
    pd.testing.assert_frame_equal(sprk, duck, check_dtype=False, rtol=1e-12)
