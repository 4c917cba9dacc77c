"""Adapters: Open ENT NG events and Moodle's standard log to ent_events."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from numeduc.usage import warehouse as wh
from numeduc.usage.ingest import ingest_file

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "usage"


def stored(warehouse: Path) -> pd.DataFrame:
    files = wh.data_files(warehouse, "ent_events")
    return duckdb.sql(
        f"SELECT * FROM read_parquet({files!r}, hive_partitioning=false) ORDER BY event_id"
    ).df()


def test_ent_one_export(tmp_path):
    res = ingest_file("ent_events", EXAMPLES / "ent_one_events.jsonl", tmp_path, "48", adapter="ent-one")
    assert (res.status, res.accepted, res.rejected) == ("ingéré", 3, 1)
    df = stored(tmp_path)
    assert df["event_id"].tolist() == ["a1", "a2", "a3"]
    assert df["profile"].tolist() == ["ELEVE", "ELEVE", "PARENT"]
    assert df["event_type"].tolist() == ["LOGIN", "ACCESS", "ACCESS"]
    assert df["module"].tolist() == ["Auth", "Homeworks", "Pronote"]  # LOGIN without module -> Auth
    assert (df["uai"] == "0480001R").all() and (df["source"] == "one").all()
    assert df["device_type"].tolist() == ["tablet", "tablet", "smartphone"]
    assert df["class_id"].tolist()[:2] == ["4A", "4A"]
    # epoch milliseconds and Mongo {"$date": ...} both become UTC timestamps
    assert str(df["ts"].iloc[0]) == "2024-10-01 07:40:00"
    assert str(df["ts"].iloc[2]) == "2024-10-01 18:30:00"
    assert not df["user_id"].isin(["u-123", "u-456"]).any()
    q = pd.read_csv(Path(res.batch_dir) / "_quarantine.csv")
    assert q["line"].tolist() == [4] and "SHARE" in q["reason"].iloc[0]


def test_moodle_standard_log(tmp_path):
    res = ingest_file(
        "ent_events",
        EXAMPLES / "moodle_logstore_standard_log.csv",
        tmp_path,
        "48",
        adapter="moodle",
        adapter_options={"uai": "0480001R"},
    )
    assert (res.accepted, res.rejected) == (3, 1)
    df = stored(tmp_path)
    assert df["event_id"].tolist() == ["moodle-1", "moodle-2", "moodle-3"]
    assert df["event_type"].tolist() == ["LOGIN", "CREATE", "VIEW"]
    assert df["module"].tolist() == ["core", "mod_assign", "mod_assign"]
    # user 99 has a teaching-level event: ENSEIGNANT; user 12 only participates: ELEVE
    assert df["profile"].tolist() == ["ELEVE", "ELEVE", "ENSEIGNANT"]
    assert str(df["ts"].iloc[0]) == "2024-10-01 08:00:00"
    assert df["session_id"].isna().all() and (df["source"] == "moodle").all()
    q = pd.read_csv(Path(res.batch_dir) / "_quarantine.csv")
    assert q["line"].tolist() == [5] and "« ts » : valeur invalide" in q["reason"].iloc[0]


def test_moodle_needs_uai_and_columns(tmp_path):
    res = ingest_file(
        "ent_events", EXAMPLES / "moodle_logstore_standard_log.csv", tmp_path, "48", adapter="moodle"
    )
    assert res.status == "refusé" and "--uai" in res.message
    bad = tmp_path / "log.csv"
    bad.write_text("id,eventname\n1,x\n")
    res = ingest_file(
        "ent_events", bad, tmp_path, "48", adapter="moodle", adapter_options={"uai": "0480001R"}
    )
    assert res.status == "refusé" and "userid" in res.message
    assert wh.data_files(tmp_path, "ent_events") == []
