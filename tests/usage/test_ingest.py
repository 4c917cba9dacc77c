"""Ingestion: quarantine with line and reason, idempotence, refusal of unreadable files,
pseudonymisation, partitioned storage."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from numeduc.usage import warehouse as wh
from numeduc.usage.ingest import ingest, ingest_file

HEADER = "event_id,ts,uai,user_id,profile,event_type,module,service_category,session_id,device_type,class_id,source\n"
GOOD = "e1,2024-10-01T08:30:00Z,0480001R,alice,ELEVE,LOGIN,Auth,,s1,tablet,,one\n"


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def read_kind(warehouse: Path, kind: str) -> pd.DataFrame:
    files = wh.data_files(warehouse, kind)
    return duckdb.sql(f"SELECT * FROM read_parquet({files!r}, hive_partitioning=false)").df()


def test_bad_rows_go_to_quarantine_with_line_and_reason(tmp_path):
    src = tmp_path / "events.csv"
    src.write_text(
        HEADER
        + GOOD
        + "e2,pas-une-date,0480001R,bob,ELEVE,ACCESS,Homeworks,,s2,tablet,,one\n"  # line 3
        + "e3,2024-10-01T09:00:00Z,48X,carol,ELEVE,ACCESS,Homeworks,,s3,tablet,,one\n"  # line 4
        + "e4,2024-10-01T09:00:00Z,0480001R,dan,ELEVE,ACCESS,Homeworks,,s4,tablet,,one,extra\n"  # line 5
        + "e5,2024-10-01T09:00:00Z,0480001R,,PROF,ACCESS,Homeworks,,s5,tablet,,one\n"  # line 6
        + "e6,2024-10-02T10:00:00+02:00,0480001R,erin,PARENT,VIEW,Pronote,,,smartphone,,one\n",
        encoding="utf-8",
    )
    [res] = ingest("ent_events", [src], tmp_path / "wh", "48")
    assert res.status == "ingéré"
    assert (res.rows, res.accepted, res.rejected) == (6, 2, 4)
    q = list(csv.DictReader(open(Path(res.batch_dir) / "_quarantine.csv", encoding="utf-8")))
    by_line = {int(r["line"]): r["reason"] for r in q}
    assert set(by_line) == {3, 4, 5, 6}
    assert "« ts » : valeur invalide" in by_line[3]
    assert "« uai » : format invalide « 48X »" in by_line[4]
    assert "nombre de colonnes incorrect" in by_line[5]
    assert "« user_id » : champ obligatoire vide" in by_line[6]
    assert "« profile » : valeur non autorisée « PROF »" in by_line[6]
    assert res.reasons["« ts »"] == 1
    # no raw identifier in the quarantine either
    text = (Path(res.batch_dir) / "_quarantine.csv").read_text(encoding="utf-8")
    assert "bob" not in text and "carol" not in text
    df = read_kind(tmp_path / "wh", "ent_events")
    assert sorted(df["event_id"]) == ["e1", "e6"]
    # timestamps with an offset are stored in UTC
    assert str(df.loc[df["event_id"] == "e6", "ts"].iloc[0]) == "2024-10-02 08:00:00"


def test_reingesting_the_same_file_adds_nothing(tmp_path):
    src = tmp_path / "events.csv"
    src.write_text(HEADER + GOOD, encoding="utf-8")
    [first] = ingest("ent_events", [src], tmp_path / "wh", "48")
    before = snapshot(tmp_path / "wh")
    copy = tmp_path / "copy_with_other_name.csv"
    copy.write_bytes(src.read_bytes())
    again = ingest("ent_events", [src, copy], tmp_path / "wh", "48")
    assert [r.status for r in again] == ["déjà ingéré", "déjà ingéré"]
    assert "déjà ingéré" in again[0].message
    assert snapshot(tmp_path / "wh") == before
    assert len(read_kind(tmp_path / "wh", "ent_events")) == 1
    assert len(wh.manifest(tmp_path / "wh", "ent_events")) == 1
    assert wh.manifest(tmp_path / "wh", "ent_events")[0]["sha256"] == wh.file_sha256(src)
    assert first.status == "ingéré"


@pytest.mark.parametrize(
    "content,name,needle",
    [
        (b"PAR1 this is not parquet", "events.parquet", "illisible"),
        (b"uai,name\n0480001R,x\n", "events.csv", "colonne(s) obligatoire(s) absente(s)"),
        (b"", "events.csv", "vide"),
        (b"not json at all\n", "events.jsonl", "JSON invalide"),
        (b"\xff\xfe\x00garbage", "events.txt", "format non reconnu"),
    ],
)
def test_unreadable_file_leaves_warehouse_untouched(tmp_path, content, name, needle):
    warehouse = tmp_path / "wh"
    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD, encoding="utf-8")
    [ok] = ingest("ent_events", [good], warehouse, "48")
    assert ok.status == "ingéré"
    before = snapshot(warehouse)
    bad = tmp_path / name
    bad.write_bytes(content)
    [res] = ingest("ent_events", [bad], warehouse, "48")
    assert res.status == "refusé"
    assert needle in res.message and str(bad) in res.message
    assert snapshot(warehouse) == before
    assert not (warehouse / "_tmp").exists()


def test_truncated_parquet_is_refused_whole(tmp_path, generated):
    data = (generated / "ent_events.parquet").read_bytes()
    bad = tmp_path / "cut.parquet"
    bad.write_bytes(data[: len(data) // 2] + data[-4000:])
    [res] = ingest("ent_events", [bad], tmp_path / "wh", "48")
    assert res.status == "refusé"
    assert not list((tmp_path / "wh").glob("ent_events/*"))


def test_identifiers_are_pseudonymised_with_one_salt_per_departement(tmp_path, generated):
    warehouse = tmp_path / "wh"
    for kind, name in (
        ("mdm_devices", "mdm_devices.csv"),
        ("wifi_sessions", "wifi_sessions.parquet"),
        ("ent_events", "ent_events.parquet"),
    ):
        assert ingest(kind, [generated / name], warehouse, "48")[0].status == "ingéré"
    salt_path = warehouse / "_salts" / "48.salt"
    salt = salt_path.read_text().strip()
    assert len(salt) == 64 and oct(salt_path.stat().st_mode & 0o777) == "0o600"
    assert wh.get_salt(warehouse, "48") == salt  # created once
    raw_users = set(pd.read_parquet(generated / "ent_events.parquet", columns=["user_id"])["user_id"])
    stored = read_kind(warehouse, "ent_events")
    assert not raw_users & set(stored["user_id"])
    assert stored["user_id"].str.fullmatch(r"[0-9a-f]{32}").all()
    # the same device gets the same pseudonym in the MDM inventory and in the wifi sessions
    devices = set(read_kind(warehouse, "mdm_devices")["device_id"])
    wifi = read_kind(warehouse, "wifi_sessions")
    linked = set(wifi["device_id"].dropna())
    assert linked and linked <= devices
    raw_devices = set(pd.read_csv(generated / "mdm_devices.csv", usecols=["device_id"])["device_id"])
    assert not raw_devices & devices


def test_salt_file_must_agree_with_stored_salt(tmp_path):
    src = tmp_path / "events.csv"
    src.write_text(HEADER + GOOD, encoding="utf-8")
    salt_file = tmp_path / "salt.txt"
    salt_file.write_text("mon-sel-partage\n")
    [res] = ingest("ent_events", [src], tmp_path / "wh", "48", salt_file=salt_file)
    assert res.status == "ingéré"
    assert (tmp_path / "wh" / "_salts" / "48.salt").read_text().strip() == "mon-sel-partage"
    other = tmp_path / "other.txt"
    other.write_text("autre-sel\n")
    with pytest.raises(wh.SaltMismatchError):
        wh.get_salt(tmp_path / "wh", "48", other)
    # another département gets its own salt
    assert wh.get_salt(tmp_path / "wh", "2A") != "mon-sel-partage"


def test_partitioned_by_departement_and_month(warehouse):
    files = wh.data_files(warehouse, "ent_events")
    parts = {(Path(f).parent.parent.name, Path(f).parent.name) for f in files}
    assert parts == {("departement=48", "month=2024-10"), ("departement=48", "month=2024-11")}
    est_files = wh.data_files(warehouse, "establishments")
    assert all(Path(f).parent.name == "departement=48" for f in est_files)


def test_jsonl_bad_line_is_quarantined(tmp_path):
    src = tmp_path / "checkins.jsonl"
    rows = [
        {"device_id": "d1", "ts": "2024-10-01T08:00:00Z", "source": "mdm", "on_site": True},
        "{not json",
        {"device_id": "d2", "ts": "2024-10-01T08:00:00Z", "source": "radio", "on_site": 1},
    ]
    src.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    [res] = ingest("mdm_checkins", [src], tmp_path / "wh", "48")
    assert (res.rows, res.accepted, res.rejected) == (3, 1, 2)
    q = pd.read_csv(Path(res.batch_dir) / "_quarantine.csv")
    assert q["line"].tolist() == [2, 3]
    assert "JSON invalide" in q["reason"].iloc[0]
    assert "« source » : valeur non autorisée « radio »" in q["reason"].iloc[1]


def test_row_level_checks(tmp_path):
    src = tmp_path / "acc.csv"
    src.write_text(
        "snapshot_date,uai,profile,loaded,activated\n"
        "2024-10-31,0480001R,ELEVE,100,90\n2024-10-31,0480001R,PARENT,100,120\n"
        "2024-10-31,0480001R,PARENT,-3,0\n"
    )
    res = ingest_file("ent_accounts_snapshot", src, tmp_path / "wh", "48")
    q = pd.read_csv(Path(res.batch_dir) / "_quarantine.csv")
    assert q["line"].tolist() == [3, 4]
    assert "supérieur à « loaded »" in q["reason"].iloc[0]
    assert "« loaded » : valeur inférieure à 0" in q["reason"].iloc[1]


def test_folder_input_and_missing_file(tmp_path, generated):
    [res] = ingest("ent_events", [tmp_path / "nope.csv"], tmp_path / "wh", "48")
    assert res.status == "refusé" and "introuvable" in res.message
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.csv").write_text(HEADER + GOOD)
    (folder / "b.csv").write_text(HEADER + GOOD.replace("e1", "e9"))
    results = ingest("ent_events", [folder], tmp_path / "wh", "48")
    assert [r.status for r in results] == ["ingéré", "ingéré"]
    assert os.path.isdir(results[0].batch_dir)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_quarantine_lines_after_quoted_multiline_fields(tmp_path, newline):
    """The quarantine gives the line where each bad row starts, as an editor shows it."""
    nl = newline
    rows = [
        f'e1,2024-10-01T08:30:00Z,0480001R,alice,ELEVE,LOGIN,"Auth{nl}ENT",,s1,tablet,,one',  # 2-3
        f'e2,pas-une-date,0480001R,bob,ELEVE,ACCESS,"Cahier ""de"", textes{nl}{nl}",,s2,tablet,,one',  # 4-6
        "e3,2024-10-01T09:00:00Z,48X,carol,ELEVE,ACCESS,Homeworks,,s3,tablet,,one",  # 7
        f'"e4{nl}",2024-10-01T09:00:00Z,0480001R,dan,ELEVE,ACCESS,"a{nl}b",,s4,tablet,,one,extra',  # 8-10
        f'e5,2024-10-01T09:00:00Z,0480001R,"{nl}",PROF,ACCESS,"x{nl}y",,s5,tablet,,one',  # 11-13
        "",  # 14: empty line
        f'e6,2024-10-02T10:00:00Z,0480001R,erin,PARENT,VIEW,"Pro{nl}note",,,smartphone,,one',  # 15-16
        f'e7,2024-10-02T10:00:00Z,0480001R,fred,PARENT,VIEW,"fin{nl}",,,écran,,one',  # 17-18
    ]
    src = tmp_path / "events.csv"
    src.write_bytes(b"\xef\xbb\xbf" + (HEADER.rstrip("\n") + nl + nl.join(rows) + nl).encode("utf-8"))
    [res] = ingest("ent_events", [src], tmp_path / "wh", "48")
    assert res.status == "ingéré"
    assert (res.rows, res.accepted, res.rejected) == (7, 2, 5)
    q = list(csv.DictReader(open(Path(res.batch_dir) / "_quarantine.csv", encoding="utf-8", newline="")))
    by_line = {int(r["line"]): r["reason"] for r in q}
    assert sorted(by_line) == [4, 7, 8, 11, 17]
    assert "« ts » : valeur invalide" in by_line[4]
    assert "« uai » : format invalide « 48X »" in by_line[7]
    assert "nombre de colonnes incorrect (13 au lieu de 12)" in by_line[8]
    assert "« user_id » : champ obligatoire vide" in by_line[11]
    assert "« device_type » : valeur non autorisée « écran »" in by_line[17]
    df = read_kind(tmp_path / "wh", "ent_events")
    assert sorted(df["event_id"]) == ["e1", "e6"]
    assert sorted(df["module"]) == [f"Auth{nl}ENT", f"Pro{nl}note"]


def test_quarantine_lines_with_rows_straddling_stream_blocks(tmp_path, monkeypatch):
    from numeduc.usage import readers

    monkeypatch.setattr(readers, "CSV_BLOCK_BYTES", 256)
    rows, expected, line = [], [], 2
    for i in range(200):
        module = '"Cahier\r\nde ""textes""\r\n"' if i % 4 == 0 else "Homeworks"
        uai = "48X" if i % 9 == 0 else "0480001R"
        extra = ",extra" if i % 13 == 5 else ""
        rows.append(f"e{i},2024-10-01T09:00:00Z,{uai},u{i},ELEVE,ACCESS,{module},,s{i},tablet,,one{extra}")
        if uai == "48X" or extra:
            expected.append(line)
        line += 1 + module.count("\r\n")
    src = tmp_path / "events.csv"
    src.write_bytes((HEADER.rstrip("\n") + "\r\n" + "\r\n".join(rows) + "\r\n").encode("utf-8"))
    [res] = ingest("ent_events", [src], tmp_path / "wh", "48")
    assert res.status == "ingéré" and res.rows == 200
    q = pd.read_csv(Path(res.batch_dir) / "_quarantine.csv")
    assert q["line"].tolist() == expected
    assert res.rejected == len(expected) and line == 2 + 200 + 2 * 50


blank = st.text(alphabet=" \n", max_size=3)


@st.composite
def account_rows(draw):
    """A row of ent_accounts_snapshot, padded with blanks and line breaks that the validator
    trims, and whether it must be rejected."""
    bad = draw(st.sampled_from(["", "", "", "uai", "loaded", "columns"]))
    pad = lambda v: draw(blank) + v + draw(blank)  # noqa: E731
    row = [
        "2024-10-31",
        pad("48X" if bad == "uai" else "0480001R"),
        pad(draw(st.sampled_from(["ELEVE", "PARENT"]))),
        pad("beaucoup" if bad == "loaded" else "10"),
        pad(str(draw(st.integers(0, 10)))),
    ]
    if bad == "columns":
        row.append("en trop")
    return row, bool(bad)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(account_rows(), min_size=1, max_size=12), newline=st.sampled_from(["\n", "\r\n"]))
def test_quarantine_lines_are_the_csv_reader_start_lines(tmp_path_factory, rows, newline):
    tmp = tmp_path_factory.mktemp("q")
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator=newline)
    writer.writerow(["snapshot_date", "uai", "profile", "loaded", "activated"])
    # a line break inside a value is the file's own (csv.writer quotes a value holding it)
    writer.writerows([v.replace("\n", newline) for v in row] for row, _ in rows)
    src = tmp / "comptes.csv"
    src.write_text(buf.getvalue(), encoding="utf-8", newline="")
    reader = csv.reader(io.StringIO(buf.getvalue(), newline=""))
    starts, previous_end = [], 0
    for _ in reader:
        starts.append(previous_end + 1)
        previous_end = reader.line_num
    expected = [start for start, (_, bad) in zip(starts[1:], rows) if bad]
    res = ingest_file("ent_accounts_snapshot", src, tmp / "wh", "48")
    assert res.status == "ingéré", res.message
    assert (res.rows, res.rejected) == (len(rows), len(expected))
    if expected:
        q = pd.read_csv(Path(res.batch_dir) / "_quarantine.csv")
        assert q["line"].tolist() == expected


def test_parquet_read_by_duckdb_stores_what_the_batch_stream_stored(tmp_path, monkeypatch):
    """Parquet files are scanned by DuckDB itself (readers.parquet_scan_sql); the batch stream
    of Python is the path of every other format. Both must store the same rows and quarantine
    the same lines (row numbers from 1) with the same reasons and pseudonyms."""
    import numeduc.usage.ingest as ingest_module

    rows = list(csv.DictReader(io.StringIO(HEADER + GOOD * 3)))
    rows[1].update(ts="pas-une-date", user_id="bob")  # row 2
    rows[2].update(uai="48X", profile="PROF", user_id="carol")  # row 3
    frame = pd.DataFrame(rows).replace({"": None})
    src = tmp_path / "events.parquet"
    frame.to_parquet(src, index=False)
    salt = tmp_path / "salt"
    salt.write_text("sel-commun\n")

    def run(warehouse: Path):
        [res] = ingest("ent_events", [src], warehouse, "48", salt_file=salt)
        assert res.status == "ingéré", res.message
        q = pd.read_csv(Path(res.batch_dir) / "_quarantine.csv")
        stored = read_kind(warehouse, "ent_events").drop(columns=["_ingest_id", "_ingested_at"])
        return res, q, stored

    direct, q_direct, stored_direct = run(tmp_path / "direct")
    monkeypatch.setattr(ingest_module, "parquet_scan_sql", lambda path, kind: None)
    streamed, q_streamed, stored_streamed = run(tmp_path / "streamed")
    assert (direct.rows, direct.accepted, direct.rejected) == (3, 1, 2)
    assert (direct.rows, direct.accepted, direct.rejected, direct.reasons) == (
        streamed.rows,
        streamed.accepted,
        streamed.rejected,
        streamed.reasons,
    )
    assert list(q_direct["line"]) == [2, 3]
    pd.testing.assert_frame_equal(q_direct, q_streamed)
    pd.testing.assert_frame_equal(stored_direct, stored_streamed)
    assert "« uai » : format invalide « 48X »" in q_direct["reason"][1]
    assert "bob" not in q_direct.to_csv() and "carol" not in q_direct.to_csv()
