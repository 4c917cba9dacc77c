"""Streaming readers: CSV, JSON Lines and Parquet files as Arrow record batches.

Every batch carries a ``_line`` column (line number in the file for CSV and JSON Lines, the
header being line 1 in CSV; row number for Parquet) so that rejected rows can be reported
where the user will find them.  Nothing holds more than one batch in memory.

CSV line numbers are physical lines, as an editor shows them: a row is numbered with the line
where it starts, even after quoted fields that span several lines (see :class:`RecordStartLines`).
"""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from numeduc.usage.dialects import Dialect, detect
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
    record: int = -1  # CSV: record number as pyarrow counts them (header = 1, empty lines skipped)


@dataclass
class BatchStream:
    """Arrow batches of one file plus the lines the parser itself had to reject."""

    path: Path
    schema: pa.Schema
    batches: Iterator[pa.RecordBatch]
    rejected: list[RejectedLine] = field(default_factory=list)
    dialect: Dialect | None = None  # CSV: separator, encoding and decimal mark used
    local_columns: tuple[str, ...] = ()  # establishments: the columns the local file has

    def reader(self) -> pa.RecordBatchReader:
        return pa.RecordBatchReader.from_batches(self.schema, self.batches)


def detect_format(path: Path) -> str:
    name = path.name.lower()
    for suffix, fmt in (
        (".csv", "csv"),
        (".jsonl", "jsonl"),
        (".ndjson", "jsonl"),
        (".json", "jsonl"),
        (".parquet", "parquet"),
        (".pq", "parquet"),
    ):
        if name.endswith(suffix) or name.endswith(suffix + ".gz"):
            return fmt
    raise UnreadableFileError(
        f"{path} : format non reconnu (extensions acceptées : .csv, .jsonl, .ndjson, .json, .parquet)"
    )


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
            f" (colonnes trouvées : {', '.join(names) or 'aucune'})"
        )


_BOM = b"\xef\xbb\xbf"
_LF, _CR, _QUOTE = 10, 13, 34


def _quote_may_follow(delimiter: bytes) -> np.ndarray:
    """Bytes after which a quote opens a quoted field; after anything else it is plain text."""
    mask = np.zeros(256, bool)
    mask[list(delimiter + b'\r\n"')] = True
    return mask


class RecordStartLines:
    """Physical line where each CSV record starts, from the file's bytes fed in order.

    Records are numbered as pyarrow numbers them (``InvalidRow.number``): the header is
    record 1 and empty lines are not records.  A line ends at "\\n", "\\r\\n" or a lone "\\r", as
    for ``csv.reader`` and editors.  Quoting follows pyarrow and ``csv.reader`` (delimiter ",",
    quote '"' doubled inside a quoted field; a quote opens a quoted field only at the start of a
    field, elsewhere it is plain text).

    Cost: a chunk without any quote (the usual export) costs one numpy pass to find the line
    breaks.  With quotes, a line break ends a record when an even number of quotes that are
    not plain text precede it; plain-text quotes (a stray quote as in ``écran 15"``) are found
    with numpy too (see :meth:`_plain_text_quotes`).  Only the lines of records not yet
    consumed are kept.

    ``feed`` may run in pyarrow's reading thread while the batches are consumed in another:
    the shared list of lines is guarded by a lock.
    """

    def __init__(self, delimiter: bytes = b",") -> None:
        self._quote_may_follow = _quote_may_follow(delimiter)
        self.count = 0  # records seen so far (header included)
        self._breaks = 0  # line breaks in the bytes scanned so far
        self._in_quotes = False
        self._prev = _LF  # byte before the next one to scan (a line break at the start)
        self._record_next = True  # the next byte scanned starts a line after a record's end
        self._held = b""  # trailing bytes whose meaning depends on the next ones
        self._at_start = True  # a UTF-8 BOM may still have to be skipped
        self._lock = threading.Lock()
        self._base = 1  # record number of self._known[0]
        self._known = np.empty(0, np.int64)
        self._new: list[np.ndarray] = []

    # -- feeding ------------------------------------------------------------------------------

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        data = self._held + chunk if self._held else chunk
        self._held = b""
        if self._at_start:
            if len(data) < len(_BOM) and _BOM.startswith(data):
                self._held = data
                return
            self._at_start = False
            if data.startswith(_BOM):
                data = data[len(_BOM) :]
        # Whether a final "\r" is followed by "\n", or what final quotes mean (closing,
        # doubled), depends on the next bytes: keep them for the next chunk.
        keep = 1 if data.endswith(b"\r") else len(data) - len(data.rstrip(b'"'))
        n = len(data) - keep
        self._held = data[n:]
        if n:
            self._scan(data, n, at_eof=False)  # data[:n] would copy the chunk

    def finish(self) -> None:
        """The file has no more bytes."""
        held, self._held = self._held, b""
        self._at_start = False
        if held:
            self._scan(held, len(held), at_eof=True)
        self._record_next = False

    def _scan(self, data: bytes, n: int, at_eof: bool) -> None:
        """Scan ``data[:n]``."""
        arr = np.frombuffer(data, np.uint8, count=n)
        breaks = np.flatnonzero(arr == _LF)  # where each line ends (its last byte)
        if data.find(b"\r", 0, n) >= 0:
            cr = np.flatnonzero(arr == _CR)
            after = cr + 1
            lone = np.ones(len(cr), bool)
            inside = after < n  # a final "\r" is only scanned at the end of the file
            lone[inside] = arr[after[inside]] != _LF
            if lone.any():
                breaks = np.sort(np.concatenate([breaks, cr[lone]]))
        if data.find(b'"', 0, n) < 0:
            row_end = np.full(len(breaks), not self._in_quotes)
            in_quotes = self._in_quotes
        else:
            row_end, in_quotes = self._quoting(arr, breaks)
        ends = np.flatnonzero(row_end)
        starts_at = breaks[ends] + 1
        in_data = starts_at < n
        first = starts_at[in_data]
        # a record ends, the next line starts: a record unless the line is empty
        starting = ends[in_data][(arr[first] != _LF) & (arr[first] != _CR)]
        lines = self._breaks + 2 + starting
        if self._record_next and data[0] not in (_LF, _CR):
            lines = np.concatenate([[self._breaks + 1], lines])
        self._add(lines.astype(np.int64, copy=False))
        self._record_next = bool(len(ends)) and not in_data[-1] and not at_eof
        self._breaks += len(breaks)
        self._in_quotes = in_quotes
        self._prev = data[n - 1]

    def _quoting(self, arr: np.ndarray, breaks: np.ndarray) -> tuple[np.ndarray, bool]:
        """Whether each line break ends a record (is outside quotes), and the state at the end."""
        carry = 1 if self._in_quotes else 0
        quotes = np.flatnonzero(arr == _QUOTE)
        plain = self._plain_text_quotes(arr, quotes, carry)
        if plain:
            quotes = np.delete(quotes, plain)
        # The other quotes open or close quoted parts (a doubled quote closes and reopens):
        # a line break ends a record when an even number of them precede it.
        row_end = (np.searchsorted(quotes, breaks) + carry) % 2 == 0
        return row_end, (len(quotes) + carry) % 2 == 1

    def _plain_text_quotes(self, arr: np.ndarray, quotes: np.ndarray, carry: int) -> list[int]:
        """Indexes in ``quotes`` of the quotes that are plain text of an unquoted field.

        Outside quotes, a quote opens a quoted part only at the start of a field, i.e. after a
        delimiter or a line break (or after a closing quote: a doubled quote).  Counting the
        quotes by parity, the first "opening" one that follows any other byte is plain text,
        and so are the quotes right after it; parity starts again after them.  The checks run
        on windows of quotes (small after a plain-text quote, growing while none is found) so
        that a few stray quotes in a chunk do not cost a pass over all its quotes each.
        """
        plain: list[int] = []
        start, parity, window = 0, carry, 1 << 16
        while True:
            opening = quotes[start + parity : start + parity + 2 * window : 2]
            if not len(opening):
                return plain
            before = arr[opening - 1]
            if opening[0] == 0:
                before[0] = self._prev
            bad = np.flatnonzero(~self._quote_may_follow[before])
            if not len(bad):
                start += 2 * len(opening)
                window = min(2 * window, 1 << 16)
                continue
            i = start + parity + 2 * int(bad[0])
            plain.append(i)
            while i + 1 < len(quotes) and quotes[i + 1] == quotes[i] + 1:
                i += 1
                plain.append(i)
            start, parity, window = i + 1, 0, 64

    def _add(self, lines: np.ndarray) -> None:
        if len(lines):
            with self._lock:
                self._new.append(lines)
                self.count += len(lines)

    # -- looking up ---------------------------------------------------------------------------

    def _flush(self) -> None:
        with self._lock:
            new, self._new = self._new, []
        if new:
            self._known = np.concatenate([self._known, *new])

    def lines_of(self, records: np.ndarray) -> np.ndarray:
        """Start lines of the given record numbers (not forgotten, already scanned)."""
        self._flush()
        return self._known[np.asarray(records, np.int64) - self._base]

    def line_of(self, record: int) -> int:
        return int(self.lines_of(np.array([record]))[0])

    def forget_before(self, record: int) -> None:
        self._flush()
        self._known = self._known[record - self._base :].copy()
        self._base = record


class _TrackedFile(io.RawIOBase):
    """The raw bytes of a file, shown to a :class:`RecordStartLines` (and to a progress
    callback) as the CSV parser reads them, so that the file is read only once."""

    def __init__(self, path: Path, tracker: RecordStartLines, progress: Callable[[int], None] | None):
        self._fh = open(path, "rb", buffering=0)
        self._tracker = tracker
        self._progress = progress
        self._carry = b""

    def readable(self):
        return True

    def read(self, size=-1):  # pyarrow reads whole blocks with read(): no copy
        if size is None or size < 0:
            data, self._carry = self._carry + self._fh.readall(), b""
        elif size == 0:
            return b""
        else:
            carry, self._carry = self._carry[:size], self._carry[size:]
            data = self._fh.read(size - len(carry)) if size > len(carry) else b""
            data = carry + data if carry else data
        # pyarrow 26 drops the "\n" of a "\r\n" inside a quoted value when one block ends
        # between the two: unless the file ends there, never end a block on "\r" (a short
        # read is fine).
        if len(data) > 1 and data.endswith(b"\r") and not self._carry:
            following = self._fh.read(1)
            if following:
                self._carry, data = b"\r" + following, data[:-1]
        if data:
            self._tracker.feed(data)
        else:
            self._tracker.finish()
        if self._progress:
            self._progress(len(data))
        return data

    def readinto(self, b):
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def close(self):
        self._fh.close()
        super().close()


def open_batches(
    path: Path,
    kind: Kind,
    progress: Callable[[int], None] | None = None,
    fmt: str | None = None,
    dialect: Dialect | dict | None = None,
) -> BatchStream:
    """Open ``path`` for streaming; raise :class:`UnreadableFileError` if it cannot be read.

    ``dialect``: the CSV dialect to use, or the options to force (``separator``, ``encoding``,
    ``decimal``) with the rest detected (:mod:`numeduc.usage.dialects`).  JSON Lines use the
    detected (or forced) encoding only."""
    if not path.exists():
        raise UnreadableFileError(f"{path} : fichier introuvable")
    fmt = fmt or detect_format(path)
    try:
        if fmt in ("csv", "jsonl"):
            if not isinstance(dialect, Dialect):
                dialect = detect(path, **(dialect or {}))
            if fmt == "csv":
                return _csv(path, kind, progress, dialect)
            return _jsonl(path, kind, progress, dialect.encoding)
        return _parquet(path, kind, progress)
    except UnreadableFileError:
        raise
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            f"{path} : octets invalides pour l'encodage {exc.encoding} ({exc.reason}) ; "
            "imposez l'encodage avec --encodage (utf-8 ou windows-1252)"
        ) from exc
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise UnreadableFileError(f"{path} : fichier illisible ({exc})") from exc


def parquet_scan_sql(path: Path, kind: Kind) -> str | None:
    """For a plain Parquet file: a DuckDB ``SELECT`` reading the kind's columns and ``_line``
    (row number from 1, as :func:`open_batches` numbers them), or ``None`` for any other file.

    DuckDB then reads the file itself, on every thread and as many times as needed, instead of
    receiving one stream of batches from Python (measured: the ENT events of a large
    département, bench/bench_ingest.py)."""
    name = path.name.lower()
    if not (name.endswith(".parquet") or name.endswith(".pq")):
        return None
    try:
        names = pq.ParquetFile(path).schema_arrow.names
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise UnreadableFileError(f"{path} : fichier illisible ({exc})") from exc
    _check_columns(path, names, kind)
    cols = ", ".join('"' + n.replace('"', '""') + '"' for n in names if n in kind.column_names)
    literal = "'" + str(path).replace("'", "''") + "'"
    return f"SELECT {cols}, file_row_number + 1 AS _line FROM read_parquet({literal}, file_row_number = true)"


def _with_lines(batch: pa.RecordBatch, lines: np.ndarray) -> pa.RecordBatch:
    return batch.append_column("_line", pa.array(lines, pa.int64()))


def _csv(path: Path, kind: Kind, progress, dialect: Dialect) -> BatchStream:
    encoding = "utf-8-sig" if dialect.encoding in ("utf-8", "utf-8-sig") else dialect.encoding
    with open(path, encoding=encoding, newline="") as fh:
        header = next(csv.reader(fh, delimiter=dialect.separator), None)
    if not header:
        raise UnreadableFileError(f"{path} : fichier CSV vide (pas de ligne d'en-tête)")
    header = [h.strip() for h in header]
    _check_columns(path, header, kind)
    rejected: list[RejectedLine] = []
    tracker = RecordStartLines(dialect.separator.encode("ascii"))

    def on_invalid(row) -> str:
        # The physical line is filled in from the record number once the batch is placed.
        rejected.append(
            RejectedLine(
                -1,
                f"nombre de colonnes incorrect ({row.actual_columns} au lieu de {row.expected_columns})",
                row.text[:200],
                int(row.number) if row.number is not None else -1,
            )
        )
        return "skip"

    reader = pacsv.open_csv(
        _TrackedFile(path, tracker, progress),
        read_options=pacsv.ReadOptions(
            block_size=CSV_BLOCK_BYTES,
            use_threads=False,
            column_names=header,
            skip_rows=1,
            encoding=dialect.arrow_encoding,
        ),
        # Quoted values may hold line breaks (and a record may then straddle two blocks).
        parse_options=pacsv.ParseOptions(
            delimiter=dialect.separator, invalid_row_handler=on_invalid, newlines_in_values=True
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={h: pa.string() for h in header},
            strings_can_be_null=True,
            include_columns=[h for h in header if h in kind.column_names],
        ),
    )
    schema = reader.schema.append(pa.field("_line", pa.int64()))

    def place(rejects: list[RejectedLine]) -> None:
        numbered = [r for r in rejects if r.record > 0]
        if numbered:
            lines = tracker.lines_of(np.array([r.record for r in numbered]))
            for r, line in zip(numbered, lines):
                r.line = int(line)

    def gen():
        next_record = 2  # record 1 is the header
        seen = 0  # rejected rows already taken into account
        pending: list[RejectedLine] = []  # parser-rejected records after the rows placed so far
        for batch in reader:
            # Records rejected by the parser are holes in the numbering of the kept rows; the
            # batch holds the next ``num_rows`` records that are not holes.
            pending.extend(r for r in rejected[seen:] if r.record > 0)
            seen = len(rejected)
            pending.sort(key=lambda r: r.record)
            end = next_record + batch.num_rows
            k = 0
            while k < len(pending) and pending[k].record < end:
                end += 1
                k += 1
            holes, pending = pending[:k], pending[k:]
            records = np.arange(next_record, end, dtype=np.int64)
            if holes:
                records = records[~np.isin(records, [r.record for r in holes])]
            place(holes)
            lines = tracker.lines_of(records)
            tracker.forget_before(end)
            next_record = end
            yield _with_lines(batch, lines)
        pending.extend(r for r in rejected[seen:] if r.record > 0)
        place(pending)

    return BatchStream(path, schema, gen(), rejected, dialect)


def _jsonl(path: Path, kind: Kind, progress, encoding: str = "utf-8") -> BatchStream:
    names = kind.column_names
    schema = pa.schema([(n, pa.string()) for n in names] + [("_line", pa.int64())])
    rejected: list[RejectedLine] = []
    # Check the first non-empty line now so that a file of another kind is refused whole.
    encoding = "utf-8-sig" if encoding.startswith("utf-8") else encoding
    with open(path, encoding=encoding) as fh:
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
        with open(path, encoding=encoding) as fh:
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
                    rejected.append(
                        RejectedLine(no, f"JSON invalide ({getattr(exc, 'msg', exc)})", raw[:200])
                    )
                    continue
                for n in names:
                    cols[n].append(to_text(obj.get(n)))
                lines.append(no)
                if len(lines) >= JSONL_BATCH_LINES:
                    yield pa.record_batch(
                        [pa.array(cols[n], pa.string()) for n in names] + [pa.array(lines, pa.int64())],
                        schema=schema,
                    )
                    cols = {n: [] for n in names}
                    lines = []
        if lines:
            yield pa.record_batch(
                [pa.array(cols[n], pa.string()) for n in names] + [pa.array(lines, pa.int64())], schema=schema
            )

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
