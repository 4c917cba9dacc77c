"""DuckDB and Spark (local[1]) give identical indicators on the same small warehouse."""

from __future__ import annotations

import numpy as np
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
