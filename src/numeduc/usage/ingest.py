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
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from numeduc.usage import warehouse as wh
from numeduc.usage.readers import (
    BatchStream,
    UnreadableFileError,
    expand_inputs,
    open_batches,
    parquet_scan_sql,
)
from numeduc.usage.schemas import ESTABLISHMENTS, Column, Kind, get_kind

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
    # CSV dialect used, in French (« séparateur point-virgule, encodage Windows-1252, … »).
    detected: str = ""
    # Other things the user should know (e.g. establishments completed from the referential).
    notes: list[str] = field(default_factory=list)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _raw_present(expr: str, src_type: pa.DataType | None) -> str:
    if src_type is not None and (pa.types.is_string(src_type) or pa.types.is_large_string(src_type)):
        return f"NULLIF(trim({expr}, ' \t\r\n'), '') IS NOT NULL"
    return f"{expr} IS NOT NULL"


def _typed(col: Column, expr: str, src_type: pa.DataType | None, decimal_comma: bool = False) -> str:
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
    if is_text and decimal_comma and col.sql_type == "DOUBLE":
        return f"TRY_CAST(replace(NULLIF(trim({expr}, ' \t\r\n'), ''), ',', '.') AS DOUBLE)"
    if is_text:
        return f"TRY_CAST(NULLIF(trim({expr}, ' \t\r\n'), '') AS {col.sql_type})"
    return f"TRY_CAST({expr} AS {col.sql_type})"


def validation_sql(
    kind: Kind,
    src_schema: pa.Schema,
    salt: str,
    source: str = "src",
    *,
    decimal_comma: bool = False,
    passthrough: tuple[str, ...] = (),
) -> str:
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
        typed = _typed(col, expr, src_type, decimal_comma) if present else f"CAST(NULL AS {col.sql_type})"
        # The value as read is only needed for rejected rows (quarantine, messages): the inner
        # query passes the source column through and the text is built where it is used, so
        # that valid rows never pay for it (bench/bench_ingest.py).
        raw_text = f"CAST(v._s{i} AS VARCHAR)" if present else "CAST(NULL AS VARCHAR)"
        if col.pseudonymised:
            # No raw identifier is ever written: hash it here, before anything reaches disk.
            typed = f"CASE WHEN {typed} IS NULL THEN NULL ELSE left(sha256({_lit(salt)} || {typed}), 32) END"
            raw_text = (
                f"CASE WHEN {raw_text} IS NULL THEN NULL "
                f"ELSE left(sha256({_lit(salt)} || trim({raw_text}, ' \t\r\n')), 32) END"
            )
        has_raw = _raw_present(expr, src_type) if present else "FALSE"
        inner += [f"{typed} AS {_q(col.name)}", f"{has_raw} AS _p{i}"]
        if present:
            inner.append(f"{expr} AS _s{i}")
        raw_fields.append(f"{_q(col.name)} := left({raw_text}, 200)")
        label = f"« {col.name} »"
        t = f"v.{_q(col.name)}"
        if not col.nullable:
            checks.append((f"NOT v._p{i}", _lit(f"{label} : champ obligatoire vide")))
        if present and col.sql_type != "VARCHAR":
            checks.append(
                (
                    f"v._p{i} AND {t} IS NULL",
                    f"{_lit(f'{label} : valeur invalide (attendu : {TYPE_LABEL[col.sql_type]}) « ')} "
                    f"|| left({raw_text}, 40) || ' »'",
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
    passthrough = tuple(c for c in passthrough if c in names)
    cols = ", ".join(f"v.{_q(c)}" for c in [*kind.column_names, *passthrough])
    inner += [f"{source}.{_q(c)} AS {_q(c)}" for c in passthrough]
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
    dialect: dict | None = None,
) -> IngestResult:
    """Ingest one file; see the module docstring.  Never raises for bad data: the result says
    "refusé" with a French message when the file cannot be read.

    ``dialect``: CSV options to force (``separator``, ``encoding``, ``decimal``, as normalised
    by :func:`numeduc.usage.dialects.forced`); the others are detected."""
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
    options = dict(dialect or {})
    attempt = _attempt(
        kind, path, warehouse, departement, salt, digest, adapter, adapter_options, progress, options
    )
    if attempt.status == "refusé" and "encoding" not in options and _is_utf8_error(attempt.message):
        # The first 64 KiB looked like UTF-8 (plain ASCII) but a later byte is not: a French
        # spreadsheet saved as Windows-1252.  Nothing was written; read it again that way.
        retry = _attempt(
            kind,
            path,
            warehouse,
            departement,
            salt,
            digest,
            adapter,
            adapter_options,
            None,
            {**options, "encoding": "cp1252"},
        )
        if retry.status == "ingéré":
            retry.notes.insert(0, "octets non UTF-8 après le début du fichier : relu en Windows-1252")
            attempt = retry
    if (
        attempt.status == "ingéré"
        and kind.name != "establishments"
        and not _has_establishments(warehouse, departement)
    ):
        default = ingest_referential(warehouse, departement)
        if default is not None and default.status == "ingéré":
            attempt.notes.append(
                f"aucun fichier d'établissements pour le département {departement} : "
                f"{default.accepted} collèges publics pris dans le {default.notes[0].split(' : ', 1)[1]}"
                + (f" ({default.rejected} sans effectif, en quarantaine)" if default.rejected else "")
            )
    return attempt


def _relaxed(kind: Kind) -> Kind:
    """The kind with every column optional but ``uai`` (a local file only adds or overrides)."""
    cols = tuple(Column(c.name, "VARCHAR", nullable=c.name != "uai") for c in kind.columns)
    return Kind(kind.name, cols)


def _stored_establishments(
    warehouse: Path, departement: str
) -> tuple[pd.DataFrame, dict[str, dict[str, str]]]:
    """Latest stored row of each collège of the département (text values) and its sources."""
    files = wh.data_files(warehouse, "establishments")
    if not files:
        return pd.DataFrame(), {}
    listing = ", ".join(_lit(f) for f in files)
    con = duckdb.connect()
    try:
        df = con.execute(
            f"SELECT * FROM read_parquet([{listing}], hive_partitioning = false, union_by_name = true) "
            f"WHERE CAST(departement AS VARCHAR) = {_lit(departement)} "
            "QUALIFY row_number() OVER (PARTITION BY uai ORDER BY school_year DESC, _ingested_at DESC) = 1"
        ).df()
    finally:
        con.close()
    sources: dict[str, dict[str, str]] = {}
    frame: dict[str, list] = {c: [] for c in ESTABLISHMENTS.column_names}
    for r in df.to_dict("records"):
        try:
            src = json.loads(r.get("_sources") or "{}")
        except (TypeError, ValueError):
            src = {}
        for c in ESTABLISHMENTS.column_names:
            v = r.get(c)
            text = None if v is None or (isinstance(v, float) and v != v) else str(v)
            if text is not None and ESTABLISHMENTS.column(c).sql_type == "BIGINT" and text.endswith(".0"):
                text = text[:-2]
            frame[c].append(text)
            if text is not None and c not in src:
                src[c] = "entrepôt (ingestion antérieure)"
        sources[str(r["uai"])] = src
    return pd.DataFrame(frame), sources


def open_establishments(
    path: Path, warehouse: Path, departement: str, progress, dialect: dict
) -> tuple[BatchStream, None, list[str]]:
    """A local establishments file completed, collège by collège, from what the warehouse
    already holds for the département, else from the national referential."""
    from numeduc.usage.referential import merge_establishments, referential_establishments

    stream = open_batches(path, _relaxed(ESTABLISHMENTS), progress, dialect=dialect)
    local = stream.reader().read_all().to_pandas()
    base, sources = referential_establishments(departement)
    stored, stored_sources = _stored_establishments(warehouse, departement)
    if len(stored):
        keep = base[~base["uai"].isin(stored["uai"])] if len(base) else base
        base = pd.concat([keep, stored], ignore_index=True)
        sources = {**sources, **stored_sources}
    merged, notes = merge_establishments(
        local, base, sources, ESTABLISHMENTS.column_names, path.name, departement
    )
    table = _text_table(merged)
    out = BatchStream(path, table.schema, iter(table.to_batches()), stream.rejected, stream.dialect)
    out.local_columns = tuple(c for c in local.columns if c != "_line")
    return out, None, notes


def _text_table(frame: pd.DataFrame) -> pa.Table:
    arrays, names = [], []
    for c in frame.columns:
        if c == "_line":
            continue
        arrays.append(pa.array([None if v is None or v != v else str(v) for v in frame[c]], pa.string()))
        names.append(c)
    arrays.append(pa.array(frame["_line"].astype("int64").to_numpy(), pa.int64()))
    names.append("_line")
    return pa.Table.from_arrays(arrays, names=names)


def ingest_referential(warehouse: str | Path, departement: str) -> IngestResult | None:
    """Store the département's public collèges of the national referential as its
    ``establishments`` (nothing if the referential has none).  Called after the first file of
    a département when the warehouse holds no establishments for it."""
    from numeduc.usage.referential import REFERENTIAL_SOURCE, referential_establishments

    warehouse = Path(warehouse)
    frame, sources = referential_establishments(departement)
    if not len(frame):
        return None
    frame = frame.reindex(columns=ESTABLISHMENTS.column_names)
    frame.insert(0, "_line", range(1, len(frame) + 1))
    frame["_sources"] = [json.dumps(sources[u], ensure_ascii=False, sort_keys=True) for u in frame["uai"]]
    table = _text_table(frame)
    name = f"référentiel national {departement}"
    # The rows' content, not an export: JSON is enough to tell two deliveries apart.
    digest = hashlib.sha256(
        ("referentiel\n" + frame.to_json(orient="split", index=False)).encode("utf-8")
    ).hexdigest()
    for entry in wh.manifest(warehouse, "establishments"):
        if entry["sha256"] == digest:
            return None
    salt = wh.get_salt(warehouse, departement)
    stream = BatchStream(Path(name), table.schema, iter(table.to_batches()))
    result = _attempt(
        ESTABLISHMENTS,
        Path(name),
        warehouse,
        departement,
        salt,
        digest,
        None,
        None,
        None,
        {},
        stream=stream,
        referential_default=True,
    )
    result.notes.insert(0, f"établissements par défaut : {REFERENTIAL_SOURCE}")
    return result


def _drop_referential_default(warehouse: Path, departement: str, result: IngestResult) -> None:
    """A complete local file (every required column) lists the département's collèges itself,
    as before the referential default existed: the rows written automatically from the national
    referential (never the user's own files) are removed."""
    for entry in wh.manifest(warehouse, "establishments"):
        if entry.get("referential_default") and entry.get("departement") == departement:
            shutil.rmtree(entry["batch_dir"], ignore_errors=True)
            result.notes.append(
                "fichier complet : il remplace les établissements pris par défaut dans le référentiel national"
            )


def _has_establishments(warehouse: Path, departement: str) -> bool:
    return any(e.get("departement") == departement for e in wh.manifest(warehouse, "establishments"))


def _is_utf8_error(message: str) -> bool:
    low = message.lower()
    return "utf8" in low or "utf-8" in low or "unicode" in low


def _attempt(
    kind: Kind,
    path: Path,
    warehouse: Path,
    departement: str,
    salt: str,
    digest: str,
    adapter: str | None,
    adapter_options: dict | None,
    progress: Callable[[int], None] | None,
    dialect: dict,
    stream: BatchStream | None = None,
    referential_default: bool = False,
) -> IngestResult:
    result = IngestResult(str(path), kind.name, "refusé")
    ingest_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    tmp_root = warehouse / "_tmp"
    tmp = tmp_root / ingest_id
    batch = tmp / f"ingest={ingest_id}"
    batch.mkdir(parents=True)
    try:
        passthrough: tuple[str, ...] = ()
        src_sql: str | None = None
        scan_sql: str | None = None
        complete = False
        if stream is not None:
            passthrough = ("_sources",)
        elif adapter:
            from numeduc.usage.adapters import open_adapted

            options = {**(adapter_options or {}), "departement": departement}
            stream, src_sql = open_adapted(adapter, path, progress, dialect=dialect, **options)
        elif kind.name == "establishments":
            stream, src_sql, notes = open_establishments(path, warehouse, departement, progress, dialect)
            result.notes.extend(notes)
            complete = set(kind.required_names) <= set(stream.local_columns)
            passthrough = ("_sources",)
        else:
            scan_sql = parquet_scan_sql(path, kind)
            if scan_sql is None:
                stream = open_batches(path, kind, progress, dialect=dialect)
        if stream is not None and stream.dialect is not None:
            result.detected = stream.dialect.describe()
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
            passthrough=passthrough,
            scan_sql=scan_sql,
            scan_name=path.name,
        )
        if scan_sql is not None and progress:
            progress(path.stat().st_size)
        result.status = "ingéré"
        entry = {
            "file": path.name,
            "path": str(path.resolve()) if path.exists() else str(path),
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
            "dialect": result.detected or None,
            "notes": result.notes,
            "referential_default": referential_default,
        }
        target = wh.kind_dir(warehouse, kind.name) / f"ingest={ingest_id}"
        entry["batch_dir"] = str(target)
        (batch / "_source.json").write_text(json.dumps(entry, ensure_ascii=False, indent=1), encoding="utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(batch, target)  # commit point
        result.batch_dir = str(target)
        if kind.name == "establishments" and not referential_default and complete:
            _drop_referential_default(warehouse, departement, result)
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
    stream: BatchStream | None,
    src_sql: str | None,
    salt: str,
    departement: str,
    ingest_id: str,
    tmp: Path,
    batch: Path,
    result: IngestResult,
    existing: list[str] = (),
    passthrough: tuple[str, ...] = (),
    scan_sql: str | None = None,
    scan_name: str = "",
) -> None:
    """Validate, count and write.  ``scan_sql`` (a file DuckDB reads itself, see
    :func:`numeduc.usage.readers.parquet_scan_sql`) is scanned again for each step, on every
    thread; a ``stream`` of Python batches can be read only once, so its validated rows are
    first written to a temporary Parquet file that the steps read."""
    con = _connect(tmp)
    try:
        if scan_sql is not None:
            con.execute("CREATE TEMP VIEW src AS " + scan_sql)
            src_schema = con.sql("SELECT * FROM src LIMIT 0").to_arrow_table().schema
            con.execute(
                f"CREATE TEMP VIEW checked AS {validation_sql(kind, src_schema, salt, passthrough=passthrough)}"
            )
            v = "checked"
            parser_rejects: list = []
            source_name = scan_name
        else:
            assert stream is not None
            source_name = stream.path.name
            reader = stream.reader()
            con.register("src_raw", reader)
            if src_sql:
                con.execute("CREATE TEMP VIEW src AS " + src_sql.replace("{raw}", "src_raw"))
                src_schema = con.sql("SELECT * FROM src LIMIT 0").to_arrow_table().schema
            else:
                con.execute("CREATE TEMP VIEW src AS SELECT * FROM src_raw")
                src_schema = reader.schema
            validated = tmp / "_validated.parquet"
            decimal_comma = stream.dialect is not None and stream.dialect.decimal == ","
            sql = validation_sql(kind, src_schema, salt, decimal_comma=decimal_comma, passthrough=passthrough)
            con.execute(f"COPY ({sql}) TO {_lit(str(validated))} (FORMAT parquet, COMPRESSION zstd)")
            con.unregister("src_raw")
            v = f"read_parquet({_lit(str(validated))})"
            parser_rejects = stream.rejected
        cols = ", ".join(
            _q(c) for c in [*kind.column_names, *(c for c in passthrough if c in src_schema.names)]
        )
        extra = ""
        partition = ["departement"]
        if "departement" not in kind.column_names:
            extra += f", {_lit(departement)} AS departement"
        if kind.time_column:
            extra += f", strftime({_q(kind.time_column)}, '%Y-%m') AS month"
            partition.append("month")
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
        extra += f", {_lit(ingest_id)} AS _ingest_id, TIMESTAMP {_lit(now)} AS _ingested_at"
        dedup = bool(kind.time_column and existing)
        keep = "_reason = ''"
        if dedup:
            keep += " AND NOT " + _already_stored(kind, list(existing), departement, v)

        def write_valid() -> int:
            [written] = con.execute(
                f"COPY (SELECT {cols}{extra} FROM {v} n WHERE {keep}) TO {_lit(str(batch))} "
                f"(FORMAT parquet, COMPRESSION zstd, PARTITION_BY ({', '.join(partition)}), "
                "WRITE_PARTITION_COLUMNS true, OVERWRITE_OR_IGNORE)"
            ).fetchone()
            return int(written)

        def keep_rejected() -> int:
            # The rejected rows (few, as a rule) in a temporary table: the quarantine file and
            # the count of reasons read them, not the whole file again.
            con.execute(
                f"CREATE TEMP TABLE rejected AS SELECT _line, _reason, _raw FROM {v} WHERE _reason <> ''"
            )
            return int(con.execute("SELECT count(*) FROM rejected").fetchone()[0])

        # The row count comes from the file's metadata (the source's Parquet footer, or the
        # validated file's).
        [total] = con.execute(f"SELECT count(*) FROM {'src' if scan_sql is not None else v}").fetchone()
        if dedup:
            # Valid rows already stored are not written: the rejected ones are counted apart.
            bad = keep_rejected()
            written = write_valid() if total - bad else 0
        else:
            # Every valid row is written, so the rows not written are the rejected ones: a file
            # with none is validated once (bench/bench_ingest.py).
            written = write_valid()
            bad = total - written
            if bad or parser_rejects:  # the quarantine reads the table
                kept = keep_rejected()
                assert kept == bad, (kept, bad)
        result.rows = int(total) + len(parser_rejects)
        result.rejected = bad + len(parser_rejects)
        result.accepted = written
        result.duplicates = int(total) - bad - written
        if result.rejected:
            con.execute("CREATE TEMP TABLE parser_rejects (line BIGINT, reason VARCHAR)")
            if parser_rejects:
                con.executemany(
                    "INSERT INTO parser_rejects VALUES (?, ?)", [(r.line, r.reason) for r in parser_rejects]
                )
            qfile = batch / "_quarantine.csv"
            con.execute(
                f"COPY (SELECT {_lit(source_name)} AS file, line, reason, raw FROM ("
                "SELECT _line AS line, _reason AS reason, _raw AS raw FROM rejected "
                "UNION ALL SELECT line, reason, NULL FROM parser_rejects) ORDER BY line) "
                f"TO {_lit(str(qfile))} (HEADER, DELIMITER ',')"
            )
            reasons = con.execute(
                "SELECT regexp_extract(r, '^([^:]*)', 1) AS field, count(*) FROM "
                "(SELECT unnest(string_split(_reason, '; ')) AS r FROM rejected) "
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
    dialect: dict | None = None,
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
            dialect=dialect,
        )
        for p in expand_inputs(paths)
    ]
