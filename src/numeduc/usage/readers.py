"""Streaming readers: CSV, JSON Lines and Parquet files as Arrow record batches.

Every batch carries a ``_line`` column (line number in the file for CSV and JSON Lines, the
header being line 1 in CSV; row number for Parquet) so that rejected rows can be reported
where the user will find them.  Nothing holds more than one batch in memory.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from numeduc.usage.schemas import Kind

BATCH_ROWS = 500_000
CSV_BLOCK_BYTES = 16 << 20
JSONL_BATCH_LINES = 100_000


class UnreadableFileError(Exception):
    """The file cannot be read as a whole: it is refused and nothing is written."""


@dataclass
class RejectedLine:
    line: int
    reason: str
    text: str = ""


@dataclass
class BatchStream:
    """Arrow batches of one file plus the lines the parser itself had to reject."""

    path: Path
    schema: pa.Schema
    batches: Iterator[pa.RecordBatch]
    rejected: list[RejectedLine] = field(default_factory=list)

    def reader(self) -> pa.RecordBatchReader:
        return pa.RecordBatchReader.from_batches(self.schema, self.batches)


def detect_format(path: Path) -> str:
    name = path.name.lower()
    for suffix, fmt in ((".csv", "csv"), (".jsonl", "jsonl"), (".ndjson", "jsonl"),
                        (".json", "jsonl"), (".parquet", "parquet"), (".pq", "parquet")):
        if name.endswith(suffix) or name.endswith(suffix + ".gz"):
            return fmt
    raise UnreadableFileError(
        f"{path} : format non reconnu (extensions acceptées : .csv, .jsonl, .ndjson, .json, .parquet)")


def expand_inputs(paths: list[str | Path]) -> list[Path]:
    """Files as given; a folder stands for the data files it contains (sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith((".", "_"))))
        else:
            out.append(p)
    return out


def _check_columns(path: Path, names: list[str], kind: Kind) -> None:
    missing = [c for c in kind.required_names if c not in names]
    if missing:
        raise UnreadableFileError(
            f"{path} : colonne(s) obligatoire(s) absente(s) pour « {kind.name} » : {', '.join(missing)}"
            f" (colonnes trouvées : {', '.join(names) or 'aucune'})")


def _progress_file(path: Path, progress: Callable[[int], None] | None):
    fh = open(path, "rb")
    if progress is None:
        return fh

    class Counting(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, b):
            n = fh.readinto(b)
            progress(n or 0)
            return n

        def close(self):
            fh.close()
            super().close()

    return io.BufferedReader(Counting(), buffer_size=1 << 20)


def open_batches(path: Path, kind: Kind, progress: Callable[[int], None] | None = None,
                 fmt: str | None = None) -> BatchStream:
    """Open ``path`` for streaming; raise :class:`UnreadableFileError` if it cannot be read."""
    if not path.exists():
        raise UnreadableFileError(f"{path} : fichier introuvable")
    fmt = fmt or detect_format(path)
    try:
        if fmt == "csv":
            return _csv(path, kind, progress)
        if fmt == "jsonl":
            return _jsonl(path, kind, progress)
        return _parquet(path, kind, progress)
    except UnreadableFileError:
        raise
    except (pa.ArrowException, OSError, UnicodeDecodeError, ValueError) as exc:
        raise UnreadableFileError(f"{path} : fichier illisible ({exc})") from exc


def _with_lines(batch: pa.RecordBatch, lines: np.ndarray) -> pa.RecordBatch:
    return batch.append_column("_line", pa.array(lines, pa.int64()))


def _csv(path: Path, kind: Kind, progress) -> BatchStream:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), None)
    if not header:
        raise UnreadableFileError(f"{path} : fichier CSV vide (pas de ligne d'en-tête)")
    header = [h.strip() for h in header]
    _check_columns(path, header, kind)
    rejected: list[RejectedLine] = []

    def on_invalid(row) -> str:
        rejected.append(RejectedLine(
            int(row.number) if row.number is not None else -1,
            f"nombre de colonnes incorrect ({row.actual_columns} au lieu de {row.expected_columns})",
            row.text[:200]))
        return "skip"

    reader = pacsv.open_csv(
        _progress_file(path, progress),
        read_options=pacsv.ReadOptions(block_size=CSV_BLOCK_BYTES, use_threads=False,
                                       column_names=header, skip_rows=1),
        parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(
            column_types={h: pa.string() for h in header}, strings_can_be_null=True,
            include_columns=[h for h in header if h in kind.column_names]),
    )
    schema = reader.schema.append(pa.field("_line", pa.int64()))

    def gen():
        next_line = 2  # line 1 is the header
        consumed = 0  # rejected lines already accounted for
        for batch in reader:
            n = batch.num_rows
            # Lines rejected by the parser are holes in the numbering of the kept rows.
            skipped = sorted(r.line for r in rejected[consumed:] if r.line > 0)
            lines = []
            cur = next_line
            holes = set(skipped)
            while len(lines) < n:
                if cur not in holes:
                    lines.append(cur)
                cur += 1
            consumed = len(rejected)
            next_line = cur
            yield _with_lines(batch, np.asarray(lines, np.int64))

    return BatchStream(path, schema, gen(), rejected)


def _jsonl(path: Path, kind: Kind, progress) -> BatchStream:
    names = kind.column_names
    schema = pa.schema([(n, pa.string()) for n in names] + [("_line", pa.int64())])
    rejected: list[RejectedLine] = []
    # Check the first non-empty line now so that a file of another kind is refused whole.
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            if raw.strip():
                try:
                    first = json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise UnreadableFileError(f"{path} : ligne 1 : JSON invalide ({exc.msg})") from exc
                if not isinstance(first, dict):
                    raise UnreadableFileError(f"{path} : ligne 1 : un objet JSON est attendu")
                _check_columns(path, list(first), kind)
                break
        else:
            raise UnreadableFileError(f"{path} : fichier JSON Lines vide")

    def to_text(v):
        if v is None:
            return None
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (dict, list)):
            return json.dumps(v, ensure_ascii=False)
        return str(v)

    def gen():
        cols: dict[str, list] = {n: [] for n in names}
        lines: list[int] = []
        with open(path, encoding="utf-8") as fh:
            for no, raw in enumerate(fh, start=1):
                if progress:
                    progress(len(raw))
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw)
                    if not isinstance(obj, dict):
                        raise ValueError("objet JSON attendu")
                except (json.JSONDecodeError, ValueError) as exc:
                    rejected.append(RejectedLine(no, f"JSON invalide ({getattr(exc, 'msg', exc)})", raw[:200]))
                    continue
                for n in names:
                    cols[n].append(to_text(obj.get(n)))
                lines.append(no)
                if len(lines) >= JSONL_BATCH_LINES:
                    yield pa.record_batch([pa.array(cols[n], pa.string()) for n in names]
                                          + [pa.array(lines, pa.int64())], schema=schema)
                    cols = {n: [] for n in names}
                    lines = []
        if lines:
            yield pa.record_batch([pa.array(cols[n], pa.string()) for n in names]
                                  + [pa.array(lines, pa.int64())], schema=schema)

    return BatchStream(path, schema, gen(), rejected)


def _parquet(path: Path, kind: Kind, progress) -> BatchStream:
    pf = pq.ParquetFile(path)
    names = pf.schema_arrow.names
    _check_columns(path, names, kind)
    keep = [n for n in names if n in kind.column_names]
    size = path.stat().st_size
    total = max(pf.metadata.num_rows, 1)
    schema = pf.schema_arrow
    schema = pa.schema([schema.field(n) for n in keep] + [pa.field("_line", pa.int64())])

    def gen():
        start = 1
        for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=keep):
            n = batch.num_rows
            if progress:
                progress(int(size * n / total))
            yield _with_lines(batch, np.arange(start, start + n, dtype=np.int64))
            start += n

    return BatchStream(path, schema, gen(), [])
