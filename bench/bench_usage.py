"""Benchmark of the usage warehouse: generate N ENT events (a large département's school
year), ingest them, compute every indicator, and compare side by side in one run:

- ours: numeduc.usage.indicators.compute_indicators (Ibis expressions on DuckDB);
- sql: the same indicators hand-written in one DuckDB SQL query (bench/usage_baselines.py);
- pandas: the same indicators in pandas, on all collèges or, with --pandas-fraction < 1, on a
  subset of whole collèges, its time then extrapolated linearly to all events (said in the
  output).

Each contender runs in its own subprocess; peak memory is that process's ru_maxrss and CPU its
user + system time (all threads; unlike the wall time, it does not grow when the machine is
shared).
Results are cross-checked (ours vs sql on every row, pandas on its collèges).

    .venv/bin/python bench/bench_usage.py --events 50000000
    .venv/bin/python bench/bench_usage.py --events 2000000     # quick run
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

KIND_FILES = {
    "establishments": "establishments.csv",
    "service_catalog": "service_catalog.csv",
    "ent_accounts_snapshot": "ent_accounts_snapshot.csv",
    "ent_events": "ent_events.parquet",
    "mdm_devices": "mdm_devices.csv",
    "mdm_checkins": "mdm_checkins.parquet",
    "wifi_sessions": "wifi_sessions.parquet",
}
# Calibration of the generator (all profiles): about 6.4 sessions per enrolled pupil and month.
SESSIONS_PER_PUPIL_MONTH = 6.4
LARGE_DEPARTEMENT_PUPILS = 140_000  # usage.md §B.7


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system CPU time of this process (all threads): the work done, whatever the load."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker(args) -> None:
    """Run one contender; print {"seconds", "peak_mb", ...} as the last line."""
    t0 = time.perf_counter()
    cpu0 = cpu_seconds()
    extra = {}
    if args.worker == "generate":
        from numeduc.demo.usage import generate

        s = generate(
            args.departement, args.pupils, args.months, args.gen, seed=1, events_per_session=args.eps
        )
        extra = {
            "events": s.events,
            "sessions": s.sessions,
            "colleges": s.colleges,
            "pupils": s.pupils,
            "wifi_sessions": s.wifi_sessions,
            "checkins": s.checkins,
            "devices": s.devices,
        }
    elif args.worker == "ingest":
        from numeduc.usage.ingest import ingest

        for kind, name in KIND_FILES.items():
            t = time.perf_counter()
            [r] = ingest(kind, [Path(args.gen) / name], args.warehouse, args.departement)
            if r.status != "ingéré":
                raise SystemExit(f"{kind}: {r.status} {r.message}")
            extra[kind] = {"rows": r.rows, "seconds": round(time.perf_counter() - t, 1)}
    elif args.worker == "ours":
        from numeduc.usage.indicators import compute_indicators

        df = compute_indicators(args.warehouse, referential=False)
        t1 = time.perf_counter()
        cpu1 = cpu_seconds()
        from numeduc.usage.engines import connect
        from numeduc.usage.indicators import establishments_frame
        from numeduc.usage.referential import add_referential

        add_referential(df, establishments_frame(connect(args.warehouse)))
        extra["referential_seconds"] = round(time.perf_counter() - t1, 2)
        df.to_parquet(args.out)
        t0 += time.perf_counter() - t1  # the referential is reported apart
        cpu0 += cpu_seconds() - cpu1
    elif args.worker == "sql":
        import usage_baselines

        usage_baselines.duckdb_sql(args.warehouse).to_parquet(args.out)
    elif args.worker == "pandas":
        import usage_baselines

        uais = json.loads(args.uais) if args.uais else None
        usage_baselines.pandas_indicators(args.warehouse, uais).to_parquet(args.out)
    print(
        json.dumps(
            {"seconds": time.perf_counter() - t0, "cpu": cpu_seconds() - cpu0, "peak_mb": peak_mb(), **extra}
        )
    )


def run_worker(name: str, argv: list[str]) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", name, *argv]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"échec du contendant {name}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=50_000_000)
    ap.add_argument("--months", type=int, default=10)
    ap.add_argument("--departement", default="59")
    ap.add_argument("--workdir", default="/tmp/numeduc_bench_usage")
    ap.add_argument(
        "--pandas-fraction",
        type=float,
        default=None,
        help="share of collèges run by pandas (default 1 up to 5 M events, else 0.2)",
    )
    ap.add_argument("--reuse", action="store_true", help="reuse generated data and warehouse")
    ap.add_argument("--worker")
    ap.add_argument("--gen")
    ap.add_argument("--warehouse")
    ap.add_argument("--out")
    ap.add_argument("--uais")
    ap.add_argument("--pupils", type=int)
    ap.add_argument("--eps", type=float)
    args = ap.parse_args()
    if args.worker:
        worker(args)
        return

    import numpy as np
    import pandas as pd

    work = Path(args.workdir)
    gen, whd = work / "gen", work / "warehouse"
    pupils = max(200, round(LARGE_DEPARTEMENT_PUPILS * min(1.0, args.events / 50_000_000)))
    eps = max(2.0, args.events / (pupils * args.months * SESSIONS_PER_PUPIL_MONTH))
    common = ["--departement", args.departement, "--gen", str(gen), "--warehouse", str(whd)]
    from numeduc.usage import warehouse as wh

    # Ingestion, ours and the SQL baseline all read these (same settings for both DuckDB contenders).
    print("load average at the start (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(
        f"DuckDB settings: memory_limit {wh.duckdb_memory_limit()}, threads {wh.duckdb_threads()} "
        "(NUMEDUC_DUCKDB_MEMORY / NUMEDUC_DUCKDB_THREADS)",
        flush=True,
    )
    if args.reuse:
        print(
            f"Benchmark usage: reusing the data and warehouse in {work}; {os.cpu_count()} CPUs (shared)",
            flush=True,
        )
    else:
        print(
            f"Benchmark usage: ~{args.events:,} ENT events, département {args.departement}, "
            f"{pupils:,} pupils, {args.months} months, {eps:.2f} events/session; "
            f"{os.cpu_count()} CPUs (shared)",
            flush=True,
        )
    if not args.reuse:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        g = run_worker(
            "generate", common + ["--pupils", str(pupils), "--months", str(args.months), "--eps", str(eps)]
        )
        print(
            f"generate: {g['seconds']:.0f} s, peak {g['peak_mb']:.0f} MB — {g['events']:,} events, "
            f"{g['sessions']:,} sessions, {g['colleges']} collèges, {g['pupils']:,} pupils, "
            f"{g['devices']:,} devices, {g['checkins']:,} check-ins, {g['wifi_sessions']:,} wifi sessions",
            flush=True,
        )
        i = run_worker("ingest", common)
        per_kind = ", ".join(
            f"{k} {v['rows']:,} rows {v['seconds']} s" for k, v in i.items() if isinstance(v, dict)
        )
        print(f"ingest: {i['seconds']:.0f} s, peak {i['peak_mb']:.0f} MB ({per_kind})", flush=True)
    events_total = int(pd.read_parquet(gen / "ent_events.parquet", columns=["uai"]).shape[0])
    res = {}
    res["ours"] = run_worker("ours", common + ["--out", str(work / "ours.parquet")])
    print(f"ours: {res['ours']['seconds']:.1f} s (CPU {res['ours']['cpu']:.1f} s)", flush=True)
    res["sql"] = run_worker("sql", common + ["--out", str(work / "sql.parquet")])
    print(f"sql: {res['sql']['seconds']:.1f} s (CPU {res['sql']['cpu']:.1f} s)", flush=True)
    fraction = (
        args.pandas_fraction
        if args.pandas_fraction is not None
        else (1.0 if events_total <= 5_000_000 else 0.2)
    )
    ours = pd.read_parquet(work / "ours.parquet")
    uais = sorted(ours["uai"].unique())
    pandas_argv = common + ["--out", str(work / "pandas.parquet")]
    sub_events = events_total
    if fraction < 1:
        rng = np.random.default_rng(0)
        chosen = sorted(rng.choice(uais, max(1, round(len(uais) * fraction)), replace=False).tolist())
        pandas_argv += ["--uais", json.dumps(chosen)]
        counts = pd.read_parquet(gen / "ent_events.parquet", columns=["uai"])["uai"].value_counts()
        sub_events = int(counts.reindex(chosen).fillna(0).sum())
    else:
        chosen = uais
    res["pandas"] = run_worker("pandas", pandas_argv)
    print(f"pandas: {res['pandas']['seconds']:.1f} s on {sub_events:,} events", flush=True)

    key = ["uai", "month", "indicator", "profile"]
    sql = pd.read_parquet(work / "sql.parquet")
    pdf = pd.read_parquet(work / "pandas.parquet")
    m = ours.merge(sql, on=key, how="outer", suffixes=("", "_b"), indicator=True)
    sql_diff = int((m["_merge"] != "both").sum() + (~np.isclose(m["numerator"], m["numerator_b"])).sum())
    o2 = ours[ours["uai"].isin(chosen)]
    m2 = o2.merge(pdf, on=key, how="outer", suffixes=("", "_b"), indicator=True)
    pd_diff = int((m2["_merge"] != "both").sum() + (~np.isclose(m2["numerator"], m2["numerator_b"])).sum())

    scale = events_total / sub_events
    pandas_time = res["pandas"]["seconds"] * scale
    base = res["sql"]["seconds"]
    print()
    print(
        f"Indicators on {events_total:,} events ({len(ours):,} result rows, "
        f"{ours['indicator'].nunique()} indicators, {len(uais)} collèges)"
    )
    print(
        f"{'contender':<28}{'time (s)':>10}{'vs SQL':>9}{'CPU (s)':>9}{'peak MB':>10}  rows differing from ours"
    )
    print(
        f"{'ours (Ibis on DuckDB)':<28}{res['ours']['seconds']:>10.1f}{res['ours']['seconds'] / base:>9.2f}"
        f"{res['ours']['cpu']:>9.1f}{res['ours']['peak_mb']:>10.0f}  -"
    )
    print(
        f"{'hand-written DuckDB SQL':<28}{base:>10.1f}{1:>9.2f}{res['sql']['cpu']:>9.1f}"
        f"{res['sql']['peak_mb']:>10.0f}  {sql_diff}"
    )
    label = "pandas" if fraction >= 1 else f"pandas (extrapolated ×{scale:.2f})"
    print(
        f"{label:<28}{pandas_time:>10.1f}{pandas_time / base:>9.2f}{res['pandas']['cpu'] * scale:>9.1f}"
        f"{res['pandas']['peak_mb']:>10.0f}  {pd_diff}"
    )
    if fraction < 1:
        print(
            f"  pandas ran on {len(chosen)} of {len(uais)} collèges ({sub_events:,} events) in "
            f"{res['pandas']['seconds']:.1f} s; its time is extrapolated linearly by the event count; "
            f"its peak memory is that of the subset run."
        )
    print("load average at the end (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(
        f"ours / SQL = {res['ours']['seconds'] / base:.2f} (target ≤ 1.5); "
        f"pandas / ours = {pandas_time / res['ours']['seconds']:.1f} (target ≥ 5); "
        f"referential comparison (pandas, after ours): {res['ours']['referential_seconds']} s"
    )


if __name__ == "__main__":
    main()
