"""CSV dialect and encoding detection: separators, encodings (UTF-8 with or without BOM,
Windows-1252), decimal comma, forced options, and clear refusals."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from numeduc.usage import warehouse as wh
from numeduc.usage.dialects import DialectError, detect, forced
from numeduc.usage.ingest import ingest_file
from numeduc.usage.readers import open_batches
from numeduc.usage.schemas import Column, Kind

TEXT_KIND = Kind("t", tuple(Column(c, "VARCHAR", nullable=True) for c in ("a", "b", "c")))
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252"]
SEPARATORS = [";", ",", "\t"]
# Letters of French text that Windows-1252 can encode (and a few separators and quotes).
ALPHABET = "abcdeéèêàçôùœÉÀ -'’«»0123456789;,\t\"."
cell = st.text(alphabet=ALPHABET, min_size=1, max_size=12).filter(lambda s: s.strip() == s and s.strip())


def write(path: Path, rows: list[list[str]], sep: str, encoding: str, newline: str = "\r\n") -> None:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator=newline).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=15),
    sep=st.sampled_from(SEPARATORS),
    encoding=st.sampled_from(ENCODINGS),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_any_table_in_a_supported_dialect_reads_back_identically(tmp_path, rows, sep, encoding, newline):
    path = tmp_path / "t.csv"
    write(path, [["a", "b", "c"], *rows], sep, encoding, newline)
    dialect = detect(path)
    assert dialect.separator == sep
    if encoding == "utf-8-sig":
        assert dialect.encoding == "utf-8-sig"
    elif encoding == "cp1252" and any(ord(ch) > 127 for r in rows for v in r for ch in v):
        assert dialect.encoding == "cp1252"
    stream = open_batches(path, TEXT_KIND)
    table = stream.reader().read_all()
    assert not stream.rejected
    back = [[table["a"][i].as_py(), table["b"][i].as_py(), table["c"][i].as_py()] for i in range(len(table))]
    assert back == rows
    assert table["_line"].to_pylist() == list(range(2, len(rows) + 2))


EST_HEADER = (
    "uai;name;departement;commune_insee;commune_name;density_grid3;density_grid7;ep;depp_type;pupils;"
    "teachers;staff;parent_accounts;school_year;holiday_zone;strategy;bw_down_mbps;bw_up_mbps;"
    "n_classrooms;n_aps"
)
EST_ROW = (
    "0480001R;Collège Henri Rouvière;48;48027;Mont Lozère et Goulet;rural;6;none;;45;5;3;68;2024-2025;C;"
    "classe_mobile;12,5;2,5;5;5"
)


def stored(warehouse: Path, kind: str):
    files = wh.data_files(warehouse, kind)
    return duckdb.sql(
        f"SELECT * FROM read_parquet({files!r}, hive_partitioning=false, union_by_name=true)"
    ).df()


def test_french_excel_csv_is_read_and_the_summary_says_so(tmp_path):
    src = tmp_path / "etablissements.csv"
    src.write_bytes((EST_HEADER + "\r\n" + EST_ROW + "\r\n").encode("cp1252"))
    res = ingest_file("establishments", src, tmp_path / "wh", "48")
    assert (res.status, res.accepted, res.rejected) == ("ingéré", 1, 0), res
    assert res.detected == "séparateur point-virgule, encodage Windows-1252, virgule décimale"
    df = stored(tmp_path / "wh", "establishments")
    assert df["name"].iloc[0] == "Collège Henri Rouvière"
    assert df["bw_down_mbps"].iloc[0] == 12.5 and df["bw_up_mbps"].iloc[0] == 2.5


def test_windows_1252_after_the_sampled_start_is_read_again_as_windows_1252(tmp_path):
    header = "event_id,ts,uai,user_id,profile,event_type,module,source\n"
    filler = "".join(
        f"e{i},2024-10-01T08:30:00Z,0480001R,u{i},ELEVE,ACCESS,Cahier,one\n" for i in range(2000)
    )
    last = "x,2024-10-01T08:30:00Z,0480001R,élève,ELEVE,ACCESS,Cahier de textes é,one\n"
    src = tmp_path / "events.csv"
    src.write_bytes((header + filler + last).encode("cp1252"))
    assert len(src.read_bytes()) > 64 << 10
    res = ingest_file("ent_events", src, tmp_path / "wh", "48")
    assert res.status == "ingéré", res.message
    assert "utf-8" not in res.message.lower()
    assert any("Windows-1252" in n for n in res.notes)
    assert "Cahier de textes é" in set(stored(tmp_path / "wh", "ent_events")["module"])


def test_forced_options_win_over_detection(tmp_path):
    src = tmp_path / "t.csv"
    src.write_bytes(b"a;b;c\n1,5;x;y\n")
    assert detect(src).decimal == ","
    d = detect(src, **forced(None, "windows-1252", "point"))
    assert (d.encoding, d.decimal) == ("cp1252", ".")
    assert "(imposé)" in d.describe()
    with pytest.raises(DialectError, match="séparateur inconnu"):
        forced("|")


def test_forced_wrong_encoding_is_refused_with_a_clear_message(tmp_path):
    src = tmp_path / "etablissements.csv"
    src.write_bytes((EST_HEADER + "\n" + EST_ROW + "\n").encode("cp1252"))
    res = ingest_file("establishments", src, tmp_path / "wh", "48", dialect=forced(encoding="utf-8"))
    assert res.status == "refusé"
    assert str(src) in res.message and "encodage" in res.message


def test_bad_values_still_name_file_line_and_field(tmp_path):
    src = tmp_path / "etablissements.csv"
    bad = EST_ROW.replace(";12,5;", ";beaucoup;")
    src.write_bytes(
        (EST_HEADER + "\n" + EST_ROW.replace("0480001R", "0480002S") + "\n" + bad + "\n").encode("cp1252")
    )
    res = ingest_file("establishments", src, tmp_path / "wh", "48")
    assert (res.accepted, res.rejected) == (1, 1)
    q = list(csv.DictReader(open(Path(res.batch_dir) / "_quarantine.csv", encoding="utf-8")))
    assert q[0]["file"] == "etablissements.csv" and q[0]["line"] == "3"
    assert "« bw_down_mbps » : valeur invalide" in q[0]["reason"]
