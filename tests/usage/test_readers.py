"""CSV reader: every row (kept or rejected by the parser) is numbered with the physical line
where it starts, as an editor shows it, even after quoted fields that span several lines.

The oracle is Python's ``csv.reader``: a record starts on the line after the one where the
previous record ended (``reader.line_num``)."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from numeduc.usage import readers
from numeduc.usage.readers import RecordStartLines, open_batches
from numeduc.usage.schemas import ENT_ACCOUNTS_SNAPSHOT

COLUMNS = ENT_ACCOUNTS_SNAPSHOT.column_names  # snapshot_date, uai, profile, loaded, activated


def oracle_records(data: bytes) -> list[tuple[int, list[str]]]:
    """(start line, fields) of every non-empty record after the header, per ``csv.reader``."""
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    out = []
    previous_end = 0
    for fields in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if fields:  # an empty line is no record (pyarrow skips it too)
            out.append((start, fields))
    return out[1:]


def read_all(path: Path) -> tuple[dict[int, dict], dict[int, str]]:
    """Kept rows by line and parser-rejected lines with their reason."""
    stream = open_batches(path, ENT_ACCOUNTS_SNAPSHOT)
    kept: dict[int, dict] = {}
    for batch in stream.batches:
        for row in batch.to_pylist():
            line = row.pop("_line")
            assert line not in kept
            kept[line] = row
    rejected = {r.line: r.reason for r in stream.rejected}
    assert not set(kept) & set(rejected)
    return kept, rejected


def check_against_oracle(path: Path) -> None:
    kept, rejected = read_all(path)
    records = oracle_records(path.read_bytes())
    assert sorted(set(kept) | set(rejected)) == [line for line, _ in records]
    for line, fields in records:
        if len(fields) == len(COLUMNS):
            assert [kept[line][c] for c in COLUMNS] == [f if f != "" else None for f in fields], line
        else:
            assert "nombre de colonnes incorrect" in rejected[line], line


HEADER = "snapshot_date,uai,profile,loaded,activated"


def write(tmp_path: Path, lines: list[str], newline: str = "\n", bom: bool = False) -> Path:
    path = tmp_path / "comptes.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + (newline.join(lines) + newline).encode("utf-8"))
    return path


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", [False, True])
def test_rows_after_multiline_fields_keep_their_physical_line(tmp_path, newline, bom):
    nl = newline
    lines = [
        HEADER,  # 1
        f'2024-10-31,0480001R,"ELE{nl}VE",1,1',  # 2-3  (multi-line first row)
        "2024-10-31,0480002R,ELEVE,2,2",  # 4
        f'2024-10-31,"0480003R","A ""B"", C{nl}{nl}D",3,3',  # 5-7  (escaped quotes, commas)
        f'"2024-10-31{nl}",0480004R,"x{nl}y","4{nl}",4',  # 8-11 (several in one row)
        f'2024-10-31,0480005R,"P{nl}Q",5',  # 12-13 wrong number of columns
        "2024-10-31,0480006R,ELEVE,6,6,6",  # 14 wrong number of columns
        "",  # 15 empty line
        f'2024-10-31,0480007R,"fin{nl}de{nl}fichier",7,7',  # 16-18 (multi-line last row)
    ]
    path = write(tmp_path, lines, nl, bom)
    kept, rejected = read_all(path)
    assert sorted(kept) == [2, 4, 5, 8, 16]
    assert sorted(rejected) == [12, 14]
    assert kept[2]["profile"] == f"ELE{nl}VE"
    assert kept[5]["profile"] == f'A "B", C{nl}{nl}D'
    assert kept[8]["loaded"] == f"4{nl}"
    assert kept[16]["uai"] == "0480007R"
    assert "4 au lieu de 5" in rejected[12] and "6 au lieu de 5" in rejected[14]
    check_against_oracle(path)


def test_bare_carriage_returns_and_stray_quotes(tmp_path):
    # Old Mac line endings, a quote inside an unquoted field (taken literally) and text after a
    # closing quote: the same row boundaries as pyarrow and csv.reader.
    path = tmp_path / "comptes.csv"
    path.write_bytes(
        (
            HEADER
            + "\r"
            + '2024-10-31,0480001R,ELE"VE,1,1\r'  # 2: literal quote
            + '2024-10-31,0480002R,"EL"EVE,2,2\r'  # 3: text after the closing quote
            + '2024-10-31,0480003R,"E\rL""\nEVE",3,3\r'  # 4-6
            + '2024-10-31,0480004R,x"y,"4\r",4,4\r'  # 7-8 wrong number of columns
            + "2024-10-31,0480005R,ELEVE,5,5"
        ).encode()
    )  # 9, no final line break
    kept, rejected = read_all(path)
    assert sorted(kept) == [2, 3, 4, 9]
    assert sorted(rejected) == [7]
    assert kept[2]["profile"] == 'ELE"VE'
    assert kept[4]["profile"] == 'E\rL"\nEVE'
    check_against_oracle(path)


@pytest.mark.parametrize("block", [64, 97, 150])
def test_multiline_rows_straddling_stream_blocks(tmp_path, monkeypatch, block):
    monkeypatch.setattr(readers, "CSV_BLOCK_BYTES", block)
    lines = [HEADER]
    for i in range(60):
        if i % 7 == 3:
            lines.append(f"2024-10-31,048{i:04d}R,ELEVE,{i},{i},{i}")  # rejected by the parser
        elif i % 3 == 0:
            lines.append(f'2024-10-31,048{i:04d}R,"E\r\nL\r\n""E"",V\r\nE",{i},{i}')
        else:
            lines.append(f"2024-10-31,048{i:04d}R,ELEVE,{i},{i}")
    path = write(tmp_path, lines, "\r\n")
    assert path.stat().st_size > 10 * block
    # some multi-line records do straddle a block boundary (blocks are read from offset 0)
    offsets = np.cumsum([0] + [len(line.encode()) + 2 for line in lines])
    assert any(
        start // block != (end - 1) // block
        for start, end, line in zip(offsets, offsets[1:], lines)
        if "\r\n" in line
    )
    kept, rejected = read_all(path)
    assert len(kept) == 51 and len(rejected) == 9
    assert [line for line in sorted(kept) if line < 20] == [2, 6, 7, 9, 10, 11, 15, 16, 17]
    assert sorted(rejected)[:3] == [8, 21, 34]
    check_against_oracle(path)


def test_lines_without_quotes_are_counted_as_before(tmp_path):
    lines = [HEADER] + [f"2024-10-31,048{i:04d}R,ELEVE,{i},{i}" for i in range(1000)]
    lines[500] += ",extra"
    path = write(tmp_path, lines)
    kept, rejected = read_all(path)
    assert list(rejected) == [501]
    assert kept[1001]["loaded"] == "999" and kept[2]["loaded"] == "0"
    assert len(kept) == 999


# --- property tests -------------------------------------------------------------------------

field_text = st.text(alphabet=st.sampled_from(list('ab é,"\n\r;x-0')), max_size=6)
records = st.lists(
    st.one_of(
        st.lists(field_text, min_size=5, max_size=5),  # right number of columns
        st.lists(field_text, min_size=1, max_size=8),  # often the wrong number
        st.just([]),  # empty line
    ),
    max_size=25,
)


def line_bytes(row: list[str], newline: str, quoting: int) -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator=newline, quoting=quoting).writerow(row)
    return buf.getvalue().encode("utf-8")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=records,
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    block=st.integers(1, 6),
)
def test_reported_lines_are_the_csv_reader_start_lines(tmp_path, rows, newline, bom, quoting, block):
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator=newline, quoting=quoting)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    path = tmp_path / "comptes.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    longest = max(len(line_bytes(r, newline, quoting)) for r in [COLUMNS, *rows])
    # Small stream blocks (no smaller than a record, which pyarrow refuses) so that records
    # straddle block boundaries.
    with mock.patch.object(readers, "CSV_BLOCK_BYTES", max(block * 40, 2 * longest + 64)):
        check_against_oracle(path)


def unquoted_field():
    # Unquoted fields may contain quotes (taken literally) but never start with one.
    return st.text(alphabet=st.sampled_from(list('ab"é ')), max_size=4).filter(
        lambda s: not s.startswith('"')
    )


def quoted_field():
    inner = st.text(alphabet=st.sampled_from(list('a,\n\r"é')), max_size=5)
    tail = st.text(alphabet=st.sampled_from(list('b"')), max_size=2)  # text after the closing quote
    return st.builds(lambda s, t: '"' + s.replace('"', '""') + '"' + t, inner, tail)


raw_rows = st.lists(
    st.lists(st.one_of(unquoted_field(), quoted_field()), min_size=1, max_size=4), max_size=15
)


@settings(max_examples=200, deadline=None)
@given(
    rows=raw_rows, newline=st.sampled_from(["\n", "\r\n", "\r"]), chunk=st.integers(1, 9), bom=st.booleans()
)
def test_record_start_lines_agree_with_csv_reader_on_any_chunking(rows, newline, chunk, bom):
    """Hand-written CSV (stray quotes, text after a closing quote) fed in arbitrary chunks."""
    data = ("\ufeff" if bom else "") + newline.join(["h"] + [",".join(r) for r in rows]) + newline
    raw = data.encode("utf-8")
    tracker = RecordStartLines()
    for i in range(0, len(raw), chunk):
        tracker.feed(raw[i : i + chunk])
    tracker.finish()
    expected = [line for line, _ in oracle_records(raw)]
    assert [tracker.line_of(n) for n in range(2, tracker.count + 1)] == expected
    assert tracker.line_of(1) == 1


def test_only_stray_quotes_are_taken_for_plain_text():
    """Quotes written by a CSV writer (all fields quoted, doubled quotes, multi-line values)
    all open or close quoted parts; a stray quote in an unquoted field is plain text."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    for i in range(3000):
        writer.writerow(["2024-10-31", "0480001R", 'a "b"\r\nc' if i % 10 == 0 else "ELEVE", i, ""])
    raw = buf.getvalue().encode()
    stray = raw.replace(b'"0480001R"', b'0480001"R', 3).replace(b'"ELEVE"', b'EL""EVE', 2)
    real = RecordStartLines._plain_text_quotes
    for data, expected_plain in ((raw, b""), (stray, b'"' * (3 + 2 * 2))):
        found = []

        def spy(self, arr, quotes, carry, found=found):
            plain = real(self, arr, quotes, carry)
            found.extend(int(arr[quotes[i]]) for i in plain)
            # each plain-text quote follows a byte that cannot start a field
            assert all(arr[quotes[i] - 1] not in b",\r\n" for i in plain)
            return plain

        with mock.patch.object(RecordStartLines, "_plain_text_quotes", spy):
            tracker = RecordStartLines()
            for i in range(0, len(data), 4096):
                tracker.feed(data[i : i + 4096])
            tracker.finish()
        assert bytes(found) == expected_plain
        expected = [line for line, _ in oracle_records(data)]
        assert [tracker.line_of(n) for n in range(2, tracker.count + 1)] == expected


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(st.one_of(unquoted_field(), quoted_field()), min_size=4, max_size=6), max_size=12),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_pyarrow_rows_with_stray_quotes_get_the_csv_reader_lines(tmp_path, rows, newline):
    """The file as pyarrow parses it (stray quotes, text after a closing quote) gets the same
    start lines as csv.reader gives, for kept and rejected rows."""
    path = tmp_path / "comptes.csv"
    path.write_bytes((newline.join([",".join(COLUMNS)] + [",".join(r) for r in rows]) + newline).encode())
    check_against_oracle(path)


@pytest.mark.parametrize("seed", range(6))
def test_many_quotes_with_scattered_stray_ones(seed):
    """Enough quotes for several check windows per chunk, stray quotes here and there."""
    rng = random.Random(seed)
    stray_rate = [0.3, 0.05, 0.002][seed % 3]
    lines = ["h"]
    for _i in range(1500):
        fields = []
        for _ in range(rng.randint(1, 6)):
            kind = rng.random()
            if kind < 0.6:
                fields.append('"' + rng.choice(["ab", 'a""b', "a\nb", "a\r\nb", "", ","]) + '"')
            elif kind < 1 - stray_rate:
                fields.append(rng.choice(["x", "", "12"]))
            else:
                fields.append(rng.choice(['12"', 'a"b', '"a"b', 'x""']))  # plain-text quotes
        lines.append(",".join(fields))
    raw = "\r\n".join(lines).encode() + b"\r\n"
    tracker = RecordStartLines()
    step = rng.choice([7, 4096, len(raw)])
    for i in range(0, len(raw), step):
        tracker.feed(raw[i : i + step])
    tracker.finish()
    expected = [line for line, _ in oracle_records(raw)]
    assert [tracker.line_of(n) for n in range(2, tracker.count + 1)] == expected


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r", b"\r\n\r\n"])
def test_header_only_file_has_no_rows(tmp_path, ending):
    # (without any line break pyarrow refuses the file, as before: "could not skip 1 rows")
    path = tmp_path / "comptes.csv"
    path.write_bytes(HEADER.encode() + ending)
    assert read_all(path) == ({}, {})
