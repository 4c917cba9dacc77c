"""Engine connections of the usage indicators: an Ibis connection on DuckDB (embedded, default)
or Apache Spark whose tables are the warehouse's ingested kinds (``numeduc.usage.warehouse``
holds the layout on disk; ``numeduc.usage.indicators`` the indicator expressions run on it).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import ibis

from numeduc.usage import warehouse as wh
from numeduc.usage.schemas import KINDS

# Read once at import; see warehouse.duckdb_memory_limit / duckdb_threads for the defaults.
DUCKDB_MEMORY_LIMIT = wh.duckdb_memory_limit()
DUCKDB_THREADS = wh.duckdb_threads()


def master_cores(master: str) -> str:
    inside = master[master.find("[") + 1 : master.find("]")] if "[" in master else "1"
    return inside if inside.isdigit() else str(os.cpu_count() or 1)


def spark_session(master: str = "local[1]", app_name: str = "numeduc-usage"):
    """A local Spark session configured as the indicators need (UTC, loopback)."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", master_cores(master))
        .config("spark.default.parallelism", master_cores(master))
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def connect(warehouse: str | Path, backend: str = "duckdb", *, spark=None):
    """An Ibis connection on which every ingested kind is a table named after it."""
    if backend == "duckdb":
        con = ibis.duckdb.connect()
        con.raw_sql("SET TimeZone = 'UTC'")
        # Bounded memory: DuckDB spills to disk beyond this limit.
        con.raw_sql(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
        con.raw_sql(f"SET threads = {DUCKDB_THREADS}")
        # An in-memory database spills to ./.tmp by default, i.e. wherever the command was run
        # (the web server's or a user's working folder): keep spill files in the system temp.
        spill = Path(tempfile.gettempdir()) / "numeduc-duckdb-spill"
        con.raw_sql("SET temp_directory = '" + str(spill).replace("'", "''") + "'")
        for kind in KINDS:
            files = wh.data_files(warehouse, kind)
            if files:
                listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
                con.raw_sql(
                    f'CREATE OR REPLACE VIEW "{kind}" AS SELECT * FROM read_parquet([{listing}], '
                    "hive_partitioning = false, union_by_name = true)"
                )
        return con
    if backend == "spark":
        session = spark or spark_session()
        con = ibis.pyspark.connect(session)
        for kind in KINDS:
            files = wh.data_files(warehouse, kind)
            if files:
                # Files are listed one by one so that Spark does not add partition columns
                # from the folder names (they are also stored in the files).
                session.read.option("mergeSchema", "true").parquet(*files).createOrReplaceTempView(kind)
        return con
    raise ValueError(f"moteur inconnu : {backend!r} (attendu : duckdb ou spark)")


__all__ = ["DUCKDB_MEMORY_LIMIT", "DUCKDB_THREADS", "connect", "master_cores", "spark_session"]
