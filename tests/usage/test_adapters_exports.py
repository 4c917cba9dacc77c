"""Adapters for the exports a collège or département can make without a database: Moodle's
« Journaux » report (French and English headers), the Open ENT NG statistics CSV (assumed
format) and xAPI statements (JSON array and JSON Lines), on the samples of docs/examples/usage."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from numeduc.cli.main import app
from numeduc.usage import warehouse as wh
from numeduc.usage.ingest import ingest_file

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "usage"


def stored(warehouse: Path) -> pd.DataFrame:
    files = wh.data_files(warehouse, "ent_events")
    return duckdb.sql(
        f"SELECT * FROM read_parquet({files!r}, hive_partitioning=false) ORDER BY ts, event_id"
    ).df()


def quarantine(res) -> list[dict]:
    return list(csv.DictReader(open(Path(res.batch_dir) / "_quarantine.csv", encoding="utf-8")))


def no_personal_data(warehouse: Path, *texts: str) -> None:
    for f in Path(warehouse).rglob("*"):
        if f.is_file() and f.suffix in (".parquet", ".csv", ".json"):
            data = f.read_bytes()
            for t in texts:
                assert t.encode() not in data, (f, t)


def test_moodle_journaux_french_headers(tmp_path):
    res = ingest_file(
        "ent_events",
        EXAMPLES / "moodle_journaux_fr.csv",
        tmp_path,
        "48",
        adapter="moodle-journaux",
        adapter_options={"uai": "0480001R"},
    )
    assert (res.status, res.accepted, res.rejected) == ("ingéré", 4, 1), res
    df = stored(tmp_path)
    assert df["event_type"].tolist() == ["LOGIN", "VIEW", "CREATE", "ACCESS"]
    assert df["module"].tolist() == ["Système", "Système", "Devoir", "Devoir"]
    # local time (Paris, summer time) → UTC
    assert str(df["ts"].iloc[0]) == "2024-10-01 07:40:00"
    # the grader is a teacher, the pupil a pupil; the same user id across rows
    assert df["profile"].tolist() == ["ELEVE", "ELEVE", "ELEVE", "ENSEIGNANT"]
    assert df["user_id"].iloc[0] == df["user_id"].iloc[2] != df["user_id"].iloc[3]
    assert df["class_id"].iloc[1] == "4"
    # « 4 oct., 14:05 » (no year) is refused with its line and field
    [q] = quarantine(res)
    assert q["line"] == "6" and "« ts » : valeur invalide" in q["reason"] and "4 oct." in q["reason"]
    no_personal_data(tmp_path, "Léa Martin", "Paul Durand", "10.0.0.1", "10.0.0.9")


def test_moodle_journaux_english_headers_site_level(tmp_path):
    res = ingest_file(
        "ent_events",
        EXAMPLES / "moodle_journaux_en.csv",
        tmp_path,
        "48",
        adapter="moodle-journaux",
        adapter_options={"uai": "0480001R"},
    )
    assert (res.status, res.accepted, res.rejected) == ("ingéré", 4, 0), res
    df = stored(tmp_path)
    assert df["event_type"].tolist() == ["LOGIN", "VIEW", "CREATE", "LOGOUT"]
    assert set(df["profile"]) == {"ELEVE"} and df["user_id"].nunique() == 1
    assert df["class_id"].tolist()[1:3] == ["4", "FR4B"]
    no_personal_data(tmp_path, "Léa Martin", "10.0.0.1")


def test_moodle_journaux_needs_its_columns_and_the_uai(tmp_path):
    bad = tmp_path / "journal.csv"
    bad.write_text("Heure,Composant\n01/10/24, 09:40,Système\n", encoding="utf-8")
    res = ingest_file(
        "ent_events",
        bad,
        tmp_path / "wh",
        "48",
        adapter="moodle-journaux",
        adapter_options={"uai": "0480001R"},
    )
    assert (
        res.status == "refusé" and "Nom complet de l'utilisateur" in res.message and str(bad) in res.message
    )
    res = ingest_file(
        "ent_events", EXAMPLES / "moodle_journaux_fr.csv", tmp_path / "wh", "48", adapter="moodle-journaux"
    )
    assert res.status == "refusé" and "--uai" in res.message


@pytest.mark.parametrize("name", ["xapi_statements.json", "xapi_statements.jsonl"])
def test_xapi_array_and_lines(tmp_path, name):
    res = ingest_file("ent_events", EXAMPLES / name, tmp_path, "48", adapter="xapi")
    assert (res.status, res.accepted, res.rejected) == ("ingéré", 3, 1), res
    df = stored(tmp_path)
    assert df["event_type"].tolist() == ["LOGIN", "VIEW", "CREATE"]
    assert df["profile"].tolist() == ["ELEVE", "ELEVE", "ENSEIGNANT"]
    assert df["module"].tolist() == ["ENT", "Cahier de textes", "Blog"]
    assert str(df["ts"].iloc[0]) == "2024-10-01 07:40:00"
    assert df["user_id"].iloc[0] == df["user_id"].iloc[1]
    assert (df["uai"] == "0480001R").all() and (df["source"] == "xapi").all()
    [q] = quarantine(res)
    # the statement without an actor: its starting line, the field named
    expected = "4" if name.endswith("jsonl") else str(_line_of_fourth_statement(EXAMPLES / name))
    assert q["line"] == expected and "« user_id » : champ obligatoire vide" in q["reason"]
    no_personal_data(tmp_path, "u-123", "prof@example.fr", "Léa Martin")


def _line_of_fourth_statement(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if line == "  {"]
    return starts[3]


def test_xapi_invalid_json_is_refused_with_the_line(tmp_path):
    bad = tmp_path / "statements.json"
    bad.write_text('[\n  {"actor": {"mbox": "mailto:a@b"},\n  "verb": }\n]\n', encoding="utf-8")
    res = ingest_file("ent_events", bad, tmp_path / "wh", "48", adapter="xapi")
    assert res.status == "refusé" and "ligne 3" in res.message and str(bad) in res.message
    lines = tmp_path / "statements.jsonl"
    lines.write_text(
        '{"actor": {"mbox": "mailto:a@b"}, "verb": {"id": "x/viewed"}, "timestamp": "2024-10-01T10:00:00Z", '
        '"context": {"extensions": {"uai": "0480001R"}}}\n{oops\n',
        encoding="utf-8",
    )
    res = ingest_file("ent_events", lines, tmp_path / "wh2", "48", adapter="xapi")
    assert (res.status, res.accepted, res.rejected) == ("ingéré", 1, 1)
    [q] = quarantine(res)
    assert q["line"] == "2" and "JSON invalide" in q["reason"]


def test_open_ent_ng_statistics_export(tmp_path):
    res = ingest_file("ent_events", EXAMPLES / "ent_stats.csv", tmp_path, "48", adapter="ent-stats")
    assert res.status == "ingéré", res
    assert "séparateur point-virgule, encodage Windows-1252" in res.detected
    assert (res.accepted, res.rejected) == (12 + 7 + 3 + 4, 1)
    df = stored(tmp_path)
    day1 = df[(df["profile"] == "ELEVE") & (df["event_type"] == "LOGIN")]
    assert len(day1) == 12 and day1["user_id"].nunique() == 5
    assert (df.loc[df["module"] == "Cahier de textes", "event_type"] == "ACCESS").all()
    assert set(df["profile"]) == {"ELEVE", "PARENT", "ENSEIGNANT"}
    [q] = quarantine(res)
    assert q["line"] == "6" and "« profile » : valeur non autorisée « DIRECTEUR »" in q["reason"]


def test_cli_with_an_adapter(tmp_path):
    res = CliRunner().invoke(
        app,
        [
            "usage",
            "ingest",
            "ent_events",
            str(EXAMPLES / "moodle_journaux_fr.csv"),
            "--warehouse",
            str(tmp_path),
            "--departement",
            "48",
            "--adapter",
            "moodle-journaux",
            "--uai",
            "0480001R",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "encodage UTF-8 avec BOM" in res.output
