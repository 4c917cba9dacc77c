"""Ingestion: validate every row, pseudonymise, store as partitioned Parquet, atomically.

Per file: hash its content (a file already ingested adds nothing), stream it batch by batch
through DuckDB (typed casts and checks are SQL, so no row is ever a Python object), write the
valid rows as Parquet partitioned by département (and month for event streams) and the rejected
rows with their line number and reason into a quarantine file, all in a temporary folder of
the warehouse that is renamed into place in one step.  A file that cannot be read is refused
whole and leaves the warehouse as it was.  For the event streams (ENT events, MDM check-ins,
wifi sessions), a valid row identical to one already stored for the same département and month
(an export overlapping an earlier one) is counted as a duplicate and not stored again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from numeduc.usage import warehouse as wh
from numeduc.usage.readers import BatchStream, UnreadableFileError, expand_inputs, open_batches
from numeduc.usage.schemas import Column, Kind, get_kind

TYPE_LABEL = {
    "BIGINT": "entier",
    "DOUBLE": "nombre",
    "BOOLEAN": "booléen (true/false)",
    "TIMESTAMP": "horodatage ISO-8601",
    "DATE": "date AAAA-MM-JJ",
    "VARCHAR": "texte",
}


@dataclass
class IngestResult:
    path: str
    kind: str
    status: str  # "ingéré", "déjà ingéré", "refusé"
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    # Valid rows already in the warehouse (same content, same département: an overlapping
    # export delivered again); counted here, not stored twice.
    duplicates: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    batch_dir: str | None = None
    message: str = ""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _raw_present(expr: str, src_type: pa.DataType | None) -> str:
    if src_type is not None and (pa.types.is_string(src_type) or pa.types.is_large_string(src_type)):
        return f"NULLIF(trim({expr}, ' \t\r\n'), '') IS NOT NULL"
    return f"{expr} IS NOT NULL"


def _typed(col: Column, expr: str, src_type: pa.DataType | None) -> str:
    is_text = src_type is None or pa.types.is_string(src_type) or pa.types.is_large_string(src_type)
    if col.sql_type == "VARCHAR":
        return (
            f"NULLIF(trim(CAST({expr} AS VARCHAR), ' \t\r\n'), '')" if is_text else f"CAST({expr} AS VARCHAR)"
        )
    if col.sql_type == "TIMESTAMP":
        if src_type is not None and pa.types.is_timestamp(src_type):
            return f"timezone('UTC', {expr})" if src_type.tz else f"CAST({expr} AS TIMESTAMP)"
        if src_type is not None and pa.types.is_date(src_type):
            return f"CAST({expr} AS TIMESTAMP)"
        return (
            f"timezone('UTC', TRY_CAST(NULLIF(trim(CAST({expr} AS VARCHAR), ' \t\r\n'), '') AS TIMESTAMPTZ))"
        )
    if col.sql_type == "BIGINT":
        # DuckDB would round "1.5" to 2: an integer column only takes whole numbers.
        if is_text:
            return (
                f"CASE WHEN regexp_full_match(trim({expr}, ' \t\r\n'), '[+-]?[0-9]+') "
                f"THEN TRY_CAST(trim({expr}, ' \t\r\n') AS BIGINT) END"
            )
        if pa.types.is_floating(src_type) or pa.types.is_decimal(src_type):
            return f"CASE WHEN {expr} = floor({expr}) THEN TRY_CAST({expr} AS BIGINT) END"
    if is_text:
        return f"TRY_CAST(NULLIF(trim({expr}, ' \t\r\n'), '') AS {col.sql_type})"
    return f"TRY_CAST({expr} AS {col.sql_type})"


def validation_sql(kind: Kind, src_schema: pa.Schema, salt: str, source: str = "src") -> str:
    """SELECT producing typed (and pseudonymised) columns, ``_line``, ``_reason`` and ``_raw``.

    ``_reason`` is empty for a valid row, else the list of problems separated by "; ";
    ``_raw`` holds the row's values as read (identifiers hashed) for rejected rows only.
    """
    names = set(src_schema.names)
    inner, checks, raw_fields = [], [], []
    for i, col in enumerate(kind.columns):
        present = col.name in names
        src_type = src_schema.field(col.name).type if present else None
        expr = f"{source}.{_q(col.name)}" if present else "NULL"
        typed = _typed(col, expr, src_type) if present else f"CAST(NULL AS {col.sql_type})"
        raw_text = f"CAST({expr} AS VARCHAR)" if present else "CAST(NULL AS VARCHAR)"
        if col.pseudonymised:
            # No raw identifier is ever written: hash it here, before anything reaches disk.
            typed = f"CASE WHEN {typed} IS NULL THEN NULL ELSE left(sha256({_lit(salt)} || {typed}), 32) END"
            raw_text = (
                f"CASE WHEN {raw_text} IS NULL THEN NULL "
                f"ELSE left(sha256({_lit(salt)} || trim({raw_text}, ' \t\r\n')), 32) END"
            )
        has_raw = _raw_present(expr, src_type) if present else "FALSE"
        inner += [f"{typed} AS {_q(col.name)}", f"{has_raw} AS _p{i}", f"left({raw_text}, 200) AS _r{i}"]
        raw_fields.append(f"{_q(col.name)} := v._r{i}")
        label = f"« {col.name} »"
        t = f"v.{_q(col.name)}"
        if not col.nullable:
            checks.append((f"NOT v._p{i}", _lit(f"{label} : champ obligatoire vide")))
        if present and col.sql_type != "VARCHAR":
            checks.append(
                (
                    f"v._p{i} AND {t} IS NULL",
                    f"{_lit(f'{label} : valeur invalide (attendu : {TYPE_LABEL[col.sql_type]}) « ')} "
                    f"|| left(v._r{i}, 40) || ' »'",
                )
            )
        shown = "'(identifiant)'" if col.pseudonymised else f"left(CAST({t} AS VARCHAR), 40)"
        if col.choices:
            allowed = ", ".join(_lit(c) for c in col.choices)
            checks.append(
                (
                    f"{t} IS NOT NULL AND {t} NOT IN ({allowed})",
                    f"{_lit(f'{label} : valeur non autorisée « ')} || {shown} || "
                    f"{_lit(' » (attendu : ' + ', '.join(col.choices) + ')')}",
                )
            )
        if col.pattern:
            checks.append(
                (
                    f"{t} IS NOT NULL AND NOT regexp_full_match({t}, {_lit(col.pattern)})",
                    f"{_lit(f'{label} : format invalide « ')} || {shown} || ' »'",
                )
            )
        if col.minimum is not None:
            checks.append((f"{t} < {col.minimum}", _lit(f"{label} : valeur inférieure à {col.minimum:g}")))
        if col.maximum is not None:
            checks.append((f"{t} > {col.maximum}", _lit(f"{label} : valeur supérieure à {col.maximum:g}")))
    if kind.name == "wifi_sessions":
        checks.append(("v.end_ts < v.start_ts", _lit("« end_ts » : antérieur à « start_ts »")))
    if kind.name == "ent_accounts_snapshot":
        checks.append(("v.activated > v.loaded", _lit("« activated » : supérieur à « loaded »")))
    reason = "concat_ws('; ', " + ", ".join(f"CASE WHEN {c} THEN {m} END" for c, m in checks) + ")"
    cols = ", ".join(f"v.{_q(c)}" for c in kind.column_names)
    return (
        f"SELECT {cols}, v._line, r._reason, "
        f"CASE WHEN r._reason <> '' THEN to_json(struct_pack({', '.join(raw_fields)})) END AS _raw "
        f"FROM (SELECT {', '.join(inner)}, {source}._line AS _line FROM {source}) v, "
        f"LATERAL (SELECT {reason} AS _reason) r"
    )


def _connect(tmp: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(
        config={
            "memory_limit": wh.duckdb_memory_limit(),
            "threads": wh.duckdb_threads(),
            "temp_directory": str(tmp / "_spill"),
        }
    )
    con.execute("SET TimeZone = 'UTC'")
    return con


def ingest_file(
    kind_name: str,
    path: str | Path,
    warehouse: str | Path,
    departement: str,
    *,
    salt_file: str | Path | None = None,
    adapter: str | None = None,
    adapter_options: dict | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestResult:
    """Ingest one file; see the module docstring.  Never raises for bad data: the result says
    "refusé" with a French message when the file cannot be read."""
    kind = get_kind(kind_name)
    path = Path(path)
    warehouse = Path(warehouse)
    result = IngestResult(str(path), kind.name, "refusé")
    if not path.is_file():
        result.message = f"{path} : fichier introuvable"
        return result
    digest = wh.file_sha256(path)
    for entry in wh.manifest(warehouse, kind.name):
        if entry["sha256"] == digest:
            result.status = "déjà ingéré"
            result.batch_dir = entry.get("batch_dir")
            result.message = (
                f"{path} : contenu déjà ingéré le {entry['ingested_at']} (fichier {entry['file']})"
            )
            return result
    salt = wh.get_salt(warehouse, departement, salt_file)
    ingest_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    tmp_root = warehouse / "_tmp"
    tmp = tmp_root / ingest_id
    batch = tmp / f"ingest={ingest_id}"
    batch.mkdir(parents=True)
    try:
        if adapter:
            from numeduc.usage.adapters import open_adapted

            stream, src_sql = open_adapted(adapter, path, progress, **(adapter_options or {}))
        else:
            stream, src_sql = open_batches(path, kind, progress), None
        _run(
            kind,
            stream,
            src_sql,
            salt,
            departement,
            ingest_id,
            tmp,
            batch,
            result,
            existing=wh.data_files(warehouse, kind.name),
        )
        result.status = "ingéré"
        entry = {
            "file": path.name,
            "path": str(path.resolve()),
            "sha256": digest,
            "kind": kind.name,
            "departement": departement,
            "ingest_id": ingest_id,
            "ingested_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "rows": result.rows,
            "accepted": result.accepted,
            "rejected": result.rejected,
            "duplicates": result.duplicates,
            "adapter": adapter,
        }
        target = wh.kind_dir(warehouse, kind.name) / f"ingest={ingest_id}"
        entry["batch_dir"] = str(target)
        (batch / "_source.json").write_text(json.dumps(entry, ensure_ascii=False, indent=1), encoding="utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(batch, target)  # commit point
        result.batch_dir = str(target)
    except UnreadableFileError as exc:
        result.message = str(exc)
    except (duckdb.Error, pa.ArrowException, OSError, ValueError) as exc:
        result.message = f"{path} : fichier illisible ({str(exc).splitlines()[0]})"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            tmp_root.rmdir()
        except OSError:
            pass
    return result


def _already_stored(kind: Kind, existing: list[str], departement: str, new: str) -> str:
    """SQL condition on the new row ``n``: the same values (nulls equal) are already stored for
    this département, in one of the months the new file covers."""
    listing = ", ".join(_lit(f) for f in existing)
    time_col = _q(kind.time_column)
    same = " AND ".join(f"o.{_q(c)} IS NOT DISTINCT FROM n.{_q(c)}" for c in kind.column_names)
    return (
        f"EXISTS (SELECT 1 FROM read_parquet([{listing}], hive_partitioning = false, union_by_name = true) o "
        f"WHERE CAST(o.departement AS VARCHAR) = {_lit(departement)} AND o.month IN "
        f"(SELECT DISTINCT strftime({time_col}, '%Y-%m') FROM {new} WHERE _reason = '') AND {same})"
    )


def _run(
    kind: Kind,
    stream: BatchStream,
    src_sql: str | None,
    salt: str,
    departement: str,
    ingest_id: str,
    tmp: Path,
    batch: Path,
    result: IngestResult,
    existing: list[str] = (),
) -> None:
    con = _connect(tmp)
    try:
        reader = stream.reader()
        con.register("src_raw", reader)
        if src_sql:
            con.execute("CREATE TEMP VIEW src AS " + src_sql.replace("{raw}", "src_raw"))
            src_schema = con.sql("SELECT * FROM src LIMIT 0").to_arrow_table().schema
        else:
            con.execute("CREATE TEMP VIEW src AS SELECT * FROM src_raw")
            src_schema = reader.schema
        validated = tmp / "_validated.parquet"
        con.execute(
            f"COPY ({validation_sql(kind, src_schema, salt)}) TO {_lit(str(validated))} "
            "(FORMAT parquet, COMPRESSION zstd)"
        )
        con.unregister("src_raw")
        v = f"read_parquet({_lit(str(validated))})"
        total, bad = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE _reason <> '') FROM {v}"
        ).fetchone()
        parser_rejects = stream.rejected
        result.rows = int(total) + len(parser_rejects)
        result.rejected = int(bad) + len(parser_rejects)
        result.accepted = int(total) - int(bad)
        cols = ", ".join(_q(c) for c in kind.column_names)
        extra = ""
        partition = ["departement"]
        if "departement" not in kind.column_names:
            extra += f", {_lit(departement)} AS departement"
        if kind.time_column:
            extra += f", strftime({_q(kind.time_column)}, '%Y-%m') AS month"
            partition.append("month")
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
        extra += f", {_lit(ingest_id)} AS _ingest_id, TIMESTAMP {_lit(now)} AS _ingested_at"
        keep = "_reason = ''"
        if kind.time_column and existing and result.accepted:
            keep += " AND NOT " + _already_stored(kind, list(existing), departement, v)
        if result.accepted:
            [written] = con.execute(
                f"COPY (SELECT {cols}{extra} FROM {v} n WHERE {keep}) TO {_lit(str(batch))} "
                f"(FORMAT parquet, COMPRESSION zstd, PARTITION_BY ({', '.join(partition)}), "
                "WRITE_PARTITION_COLUMNS true, OVERWRITE_OR_IGNORE)"
            ).fetchone()
            result.duplicates = result.accepted - int(written)
            result.accepted = int(written)
        if result.rejected:
            con.execute("CREATE TEMP TABLE parser_rejects (line BIGINT, reason VARCHAR)")
            if parser_rejects:
                con.executemany(
                    "INSERT INTO parser_rejects VALUES (?, ?)", [(r.line, r.reason) for r in parser_rejects]
                )
            qfile = batch / "_quarantine.csv"
            con.execute(
                f"COPY (SELECT {_lit(stream.path.name)} AS file, line, reason, raw FROM ("
                f"SELECT _line AS line, _reason AS reason, _raw AS raw FROM {v} WHERE _reason <> '' "
                "UNION ALL SELECT line, reason, NULL FROM parser_rejects) ORDER BY line) "
                f"TO {_lit(str(qfile))} (HEADER, DELIMITER ',')"
            )
            reasons = con.execute(
                f"SELECT regexp_extract(r, '^([^:]*)', 1) AS field, count(*) FROM "
                f"(SELECT unnest(string_split(_reason, '; ')) AS r FROM {v} WHERE _reason <> '') "
                "GROUP BY 1 ORDER BY 2 DESC"
            ).fetchall()
            result.reasons = {k.strip(): int(n) for k, n in reasons}
            for r in parser_rejects:
                key = r.reason.split(" (")[0]
                result.reasons[key] = result.reasons.get(key, 0) + 1
    finally:
        con.close()


def ingest(
    kind_name: str,
    paths: list[str | Path],
    warehouse: str | Path,
    departement: str,
    *,
    salt_file: str | Path | None = None,
    adapter: str | None = None,
    adapter_options: dict | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[IngestResult]:
    """Ingest several files (a folder stands for its files); each file is its own commit."""
    return [
        ingest_file(
            kind_name,
            p,
            warehouse,
            departement,
            salt_file=salt_file,
            adapter=adapter,
            adapter_options=adapter_options,
            progress=progress,
        )
        for p in expand_inputs(paths)
    ]
