"""Benchmark of ingestion: ``numeduc usage ingest ent_events FILE`` against a hand-written
DuckDB ``COPY`` doing the same work, side by side in one run.

Both read the same ENT events file (the 50 M-event school year of bench_usage.py, generated
if missing), check every row (required fields, UAI format, allowed values), pseudonymise the
user identifiers with the same salt (SHA-256, 32 hex digits), write the valid rows as zstd
Parquet partitioned by département and month, and put the rejected rows with their row number,
reason and values as read (identifiers hashed) into a quarantine file; the same DuckDB settings
(memory limit, threads) for both. Ours is the command as a user types it, in its own process
(Python start-up, file hash, manifest, referential of the collèges included); the baseline is
one Python process running the SQL below.

Two files: the generated one (no invalid row) and a copy where 1 row in 1,000 is made invalid
(UAI, profile or missing identifier), so that the quarantine is measured too. The outputs are
compared: row count and an order-free checksum of every stored row, per month, and the
quarantined row numbers; a difference fails the run.

    .venv/bin/python bench/bench_ingest.py                       # 50 M events (reuses bench_usage's data)
    .venv/bin/python bench/bench_ingest.py --events 2000000      # quick run
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NUMEDUC = Path(sys.executable).parent / "numeduc"
COLUMNS = (
    "event_id, ts, uai, user_id, profile, event_type, module, service_category, session_id, "
    "device_type, class_id, source"
)

# The hand-written baseline (ENT events only): what a data engineer would write in DuckDB to
# validate, pseudonymise and store the file, with the same rules as numeduc.usage.schemas.
BASELINE_SQL = """
CREATE TEMP VIEW typed AS
SELECT file_row_number + 1 AS line,
       NULLIF(trim(event_id), '') AS event_id, ts, NULLIF(trim(uai), '') AS uai,
       CASE WHEN NULLIF(trim(user_id), '') IS NOT NULL
            THEN left(sha256({salt} || trim(user_id)), 32) END AS user_id,
       NULLIF(trim(profile), '') AS profile, NULLIF(trim(event_type), '') AS event_type,
       NULLIF(trim(module), '') AS module, NULLIF(trim(service_category), '') AS service_category,
       NULLIF(trim(session_id), '') AS session_id, NULLIF(trim(device_type), '') AS device_type,
       NULLIF(trim(class_id), '') AS class_id, NULLIF(trim(source), '') AS source,
       raw_user_id, raw_uai, raw_profile
FROM (SELECT *, user_id AS raw_user_id, uai AS raw_uai, profile AS raw_profile
      FROM read_parquet({file}, file_row_number = true));

CREATE TEMP VIEW checked AS
SELECT *, concat_ws('; ',
    CASE WHEN event_id IS NULL THEN 'event_id : champ obligatoire vide' END,
    CASE WHEN ts IS NULL THEN 'ts : champ obligatoire vide' END,
    CASE WHEN uai IS NULL THEN 'uai : champ obligatoire vide'
         WHEN NOT regexp_full_match(uai, '^[0-9]{{7}}[A-Z]$') THEN 'uai : format invalide' END,
    CASE WHEN user_id IS NULL THEN 'user_id : champ obligatoire vide' END,
    CASE WHEN profile IS NULL THEN 'profile : champ obligatoire vide'
         WHEN profile NOT IN {profiles} THEN 'profile : valeur non autorisée' END,
    CASE WHEN event_type IS NULL THEN 'event_type : champ obligatoire vide'
         WHEN event_type NOT IN {event_types} THEN 'event_type : valeur non autorisée' END,
    CASE WHEN module IS NULL THEN 'module : champ obligatoire vide' END,
    CASE WHEN service_category NOT IN {categories} THEN 'service_category : valeur non autorisée' END,
    CASE WHEN device_type NOT IN {device_types} THEN 'device_type : valeur non autorisée' END,
    CASE WHEN source IS NULL THEN 'source : champ obligatoire vide' END) AS reason
FROM typed;

COPY (SELECT {columns}, {departement} AS departement, strftime(ts, '%Y-%m') AS month
      FROM checked WHERE reason = '')
TO {out} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (departement, month),
          WRITE_PARTITION_COLUMNS true);

COPY (SELECT line, reason, to_json(struct_pack(uai := raw_uai, profile := raw_profile,
             user_id := CASE WHEN raw_user_id IS NOT NULL
                             THEN left(sha256({salt} || trim(raw_user_id)), 32) END)) AS raw
      FROM checked WHERE reason <> '' ORDER BY line)
TO {quarantine} (HEADER, DELIMITER ',');
"""


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _tuple(values) -> str:
    return "(" + ", ".join(_lit(v) for v in values) + ")"


def baseline(file: Path, out: Path, salt: str, departement: str) -> None:
    import duckdb

    from numeduc.usage import warehouse as wh
    from numeduc.usage.schemas import DEVICE_TYPES, EVENT_TYPES, PROFILES, SERVICE_CATEGORIES

    out.mkdir(parents=True)
    con = duckdb.connect(
        config={
            "memory_limit": wh.duckdb_memory_limit(),
            "threads": wh.duckdb_threads(),
            "temp_directory": str(out / "_spill"),
        }
    )
    con.execute("SET TimeZone = 'UTC'")
    sql = BASELINE_SQL.format(
        salt=_lit(salt),
        file=_lit(str(file)),
        out=_lit(str(out / "data")),
        quarantine=_lit(str(out / "quarantine.csv")),
        departement=_lit(departement),
        columns=COLUMNS,
        profiles=_tuple(PROFILES),
        event_types=_tuple(EVENT_TYPES),
        categories=_tuple(SERVICE_CATEGORIES),
        device_types=_tuple(DEVICE_TYPES),
    )
    for statement in sql.split(";\n"):  # statements end their line; «; » inside one does not
        if statement.strip():
            con.execute(statement)
    con.close()
    shutil.rmtree(out / "_spill", ignore_errors=True)


def run_measured(cmd: list[str], env: dict | None = None) -> dict:
    """Run ``cmd``; its wall time, CPU (user + system, all threads) and peak memory."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    out = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode != 0:
        sys.stderr.write(out[-3000:] + err[-3000:])
        raise SystemExit(f"échec : {' '.join(cmd)}")
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "stdout": out,
    }


def checksum(data_glob: str, quarantine: Path | None) -> dict:
    """Rows per month with an order-free hash of every stored row, and the quarantined lines."""
    import duckdb

    con = duckdb.connect()
    months = con.execute(
        f"SELECT month, count(*), bit_xor(hash({COLUMNS})) FROM read_parquet({_lit(data_glob)}, "
        "hive_partitioning = false) GROUP BY month ORDER BY month"
    ).fetchall()
    lines: tuple = (0, 0)
    if quarantine is not None and quarantine.exists():
        lines = con.execute(
            f"SELECT count(*), coalesce(bit_xor(hash(line)), 0) FROM read_csv({_lit(str(quarantine))}, "
            "header = true, all_varchar = false)"
        ).fetchone()
    con.close()
    return {"months": [list(m) for m in months], "rows": sum(m[1] for m in months), "rejected": list(lines)}


def with_errors(clean: Path, target: Path) -> None:
    """A copy of ``clean`` where 1 row in 1,000 (by event id) is invalid, in three ways."""
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT * REPLACE (
              CASE WHEN hash(event_id) % 3000 = 0 THEN 'X' || uai ELSE uai END AS uai,
              CASE WHEN hash(event_id) % 3000 = 1000 THEN 'PROF' ELSE profile END AS profile,
              CASE WHEN hash(event_id) % 3000 = 2000 THEN NULL ELSE user_id END AS user_id)
            FROM read_parquet({_lit(str(clean))}))
        TO {_lit(str(target))} (FORMAT parquet, COMPRESSION zstd)"""
    )
    con.close()


def _worker(name: str, *argv: str) -> str:
    """Heavy steps other than the contenders run in their own process too: Linux counts the
    parent's peak memory at the time of the fork in a child's peak (``ru_maxrss``), so this
    process must stay small for the contenders' peaks to be theirs."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", name, *argv]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit(f"échec : {' '.join(cmd)}")
    return proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""


def measure(file: Path, work: Path, departement: str) -> dict:
    ours_wh, base_out = work / "ours", work / "baseline"
    for d in (ours_wh, base_out):
        shutil.rmtree(d, ignore_errors=True)
    ours = run_measured(
        [
            str(NUMEDUC),
            "usage",
            "ingest",
            "ent_events",
            str(file),
            "--warehouse",
            str(ours_wh),
            "--departement",
            departement,
        ]
    )
    salt = (ours_wh / "_salts" / f"{departement}.salt").read_text(encoding="utf-8").strip()
    salt_file = work / "salt.txt"
    salt_file.write_text(salt, encoding="utf-8")
    base = run_measured(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            "baseline",
            "--file",
            str(file),
            "--out",
            str(base_out),
            "--salt-file",
            str(salt_file),
            "--departement",
            departement,
        ]
    )
    [batch] = sorted((ours_wh / "ent_events").glob("ingest=*"))
    ours_sum = json.loads(
        _worker(
            "checksum", "--file", str(batch / "**" / "*.parquet"), "--out", str(batch / "_quarantine.csv")
        )
    )
    base_sum = json.loads(
        _worker(
            "checksum",
            "--file",
            str(base_out / "data" / "**" / "*.parquet"),
            "--out",
            str(base_out / "quarantine.csv"),
        )
    )
    shutil.rmtree(ours_wh, ignore_errors=True)
    shutil.rmtree(base_out, ignore_errors=True)
    return {"ours": ours, "baseline": base, "ours_sum": ours_sum, "base_sum": base_sum}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=50_000_000)
    ap.add_argument("--departement", default="59")
    ap.add_argument("--workdir", default="/tmp/numeduc_bench_usage", help="shared with bench_usage.py")
    ap.add_argument("--worker")
    ap.add_argument("--file")
    ap.add_argument("--out")
    ap.add_argument("--salt-file")
    args = ap.parse_args()
    if args.worker == "baseline":
        salt = Path(args.salt_file).read_text(encoding="utf-8").strip()
        baseline(Path(args.file), Path(args.out), salt, args.departement)
        return
    if args.worker == "errors":
        with_errors(Path(args.file), Path(args.out))
        return
    if args.worker == "checksum":
        print(json.dumps(checksum(args.file, Path(args.out) if args.out else None)))
        return

    from numeduc.usage import warehouse as wh

    work = Path(args.workdir)
    gen = work / "gen"
    clean = gen / "ent_events.parquet"
    if not clean.exists():
        sys.path.insert(0, str(HERE))
        import bench_usage

        pupils = max(200, round(bench_usage.LARGE_DEPARTEMENT_PUPILS * min(1.0, args.events / 50_000_000)))
        eps = max(2.0, args.events / (pupils * 10 * bench_usage.SESSIONS_PER_PUPIL_MONTH))
        print(f"generating ~{args.events:,} events in {gen} …", flush=True)
        work.mkdir(parents=True, exist_ok=True)
        bench_usage.run_worker(
            "generate",
            ["--departement", args.departement, "--gen", str(gen), "--warehouse", str(work / "warehouse")]
            + ["--pupils", str(pupils), "--months", "10", "--eps", str(eps)],
        )
    dirty = work / "ent_events_with_errors.parquet"
    if not dirty.exists() or dirty.stat().st_mtime < clean.stat().st_mtime:
        _worker("errors", "--file", str(clean), "--out", str(dirty))
    runs = work / "bench_ingest"
    runs.mkdir(parents=True, exist_ok=True)
    print("load average at the start (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(
        f"DuckDB settings (both contenders): memory_limit {wh.duckdb_memory_limit()}, threads "
        f"{wh.duckdb_threads()}; {os.cpu_count()} CPUs",
        flush=True,
    )
    failed = False
    print(
        f"\n{'file':<34}{'contender':<30}{'time (s)':>9}{'vs COPY':>9}{'CPU (s)':>9}{'peak MB':>9}"
        f"{'stored':>13}{'rejected':>10}"
    )
    for label, file in (("generated (no invalid row)", clean), ("1 row in 1,000 invalid", dirty)):
        r = measure(file, runs, args.departement)
        base_s = r["baseline"]["seconds"]
        for name, key, sums in (
            ("ours: numeduc usage ingest", "ours", r["ours_sum"]),
            ("hand-written DuckDB COPY", "baseline", r["base_sum"]),
        ):
            m = r[key]
            print(
                f"{label:<34}{name:<30}{m['seconds']:>9.1f}{m['seconds'] / base_s:>9.2f}{m['cpu']:>9.1f}"
                f"{m['peak_mb']:>9.0f}{sums['rows']:>13,}{sums['rejected'][0]:>10,}",
                flush=True,
            )
        same = r["ours_sum"] == r["base_sum"]
        failed |= not same
        print(
            f"{'':<34}same rows, months and quarantined lines: {'yes' if same else 'NO'}; "
            f"ours / COPY = {r['ours']['seconds'] / base_s:.2f} (target ≤ 1.5)",
            flush=True,
        )
        if not same:
            print(json.dumps({"ours": r["ours_sum"], "baseline": r["base_sum"]})[:2000])
    print("load average at the end (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    if failed:
        raise SystemExit("les sorties diffèrent")


if __name__ == "__main__":
    main()
