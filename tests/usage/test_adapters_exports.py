"""Adapters for the exports a collège or département can make without a database: Moodle's
« Journaux » report (French and English headers), the Open ENT NG statistics CSV exports (as
OPEN-ENT-NG/statistics writes them) and xAPI statements (JSON array and JSON Lines), on the
samples of docs/examples/usage."""

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


STATS_HEADER = (
    '"Établissement";"UAI";"Date";"Profil";"Connexions";"Visiteurs uniques";"Comptes chargés";'
    '"Comptes activés"'
)


def stats_export(path: Path, header: str, rows: list[list[str]]) -> Path:
    """A file as StatsController.export writes it: BOM, UTF-8, every field quoted, « ; », LF."""
    lines = [header] + ['"' + '";"'.join(r) + '"' for r in rows]
    path.write_bytes(b"\xef\xbb\xbf" + ("\n".join(lines) + "\n").encode("utf-8"))
    return path


def test_open_ent_ng_statistics_connections_export(tmp_path):
    res = ingest_file("ent_events", EXAMPLES / "ent_stats.csv", tmp_path, "45", adapter="ent-stats")
    assert res.status == "ingéré", res
    assert "séparateur point-virgule, encodage UTF-8 avec BOM" in res.detected
    september_a = 612 + 298 + 85 + 41
    september_b = 233 + 120 + 22 + 15
    october_a = 701 + 331 + 102 + 38 + 2
    october_b = 260 + 131 + 19 + 17
    assert (res.accepted, res.rejected) == (september_a + september_b + october_a + october_b, 0)
    df = stored(tmp_path)
    assert set(df["event_type"]) == {"LOGIN"} and set(df["module"]) == {"Auth"}
    assert set(df["uai"]) == {"0459990A", "0459991B"} and set(df["source"]) == {"one-stats"}
    # the period's start (« 2024-09-01T00:00 ») at noon UTC
    assert sorted(set(df["ts"].astype(str))) == ["2024-09-01 12:00:00", "2024-10-01 12:00:00"]
    pupils = df[(df["uai"] == "0459990A") & (df["profile"] == "ELEVE") & (df["ts"].astype(str) < "2024-10")]
    # « Connexions » events shared among « Visiteurs uniques » users
    assert len(pupils) == 612 and pupils["user_id"].nunique() == 143
    assert set(df["profile"]) == {"ELEVE", "ENSEIGNANT", "PARENT", "PERSONNEL", "AUTRE"}
    assert df["class_id"].isna().all() and df["device_type"].isna().all()
    assert df["event_id"].is_unique
    no_personal_data(tmp_path, "Orléans", "Val de Loire")


def test_open_ent_ng_statistics_applications_export(tmp_path):
    res = ingest_file("ent_events", EXAMPLES / "ent_stats_access.csv", tmp_path, "45", adapter="ent-stats")
    assert (res.status, res.rejected) == ("ingéré", 0), res
    df = stored(tmp_path)
    assert set(df["event_type"]) == {"ACCESS"}
    texts = df[(df["uai"] == "0459990A") & (df["module"] == "Cahier de textes") & (df["profile"] == "ELEVE")]
    # no unique visitors in this export: one synthetic user per access (an upper bound)
    assert len(texts) == 389 and texts["user_id"].nunique() == 389
    assert {"Cahier de textes", "Messagerie", "Espace documentaire", "Mon compte"} <= set(df["module"])
    # with the connections export, the same synthetic users: at most max(visitors, accesses)
    res = ingest_file("ent_events", EXAMPLES / "ent_stats.csv", tmp_path, "45", adapter="ent-stats")
    assert res.status == "ingéré", res
    df = stored(tmp_path)
    pupils = df[(df["uai"] == "0459990A") & (df["profile"] == "ELEVE") & (df["ts"].astype(str) > "2024-10")]
    assert pupils["user_id"].nunique() == 389


def test_open_ent_ng_statistics_devices_classes_and_escaping(tmp_path):
    devices = stats_export(
        tmp_path / "export-stats-accounts.csv",
        '"Établissement";"UAI";"Date";"Profil";"Support";"Connexions"',
        [
            [
                "Collège Exemple d&#39;Orléans (fictif)",
                "0459990A",
                "2024-10-01T00:00",
                "Élève",
                "desktop",
                "5",
            ],
            [
                "Collège Exemple d&#39;Orléans (fictif)",
                "0459990A",
                "2024-10-01T00:00",
                "Élève",
                "mobile_app",
                "3",
            ],
            [
                "Collège Exemple d&#39;Orléans (fictif)",
                "0459990A",
                "2024-10-01T00:00",
                "Élève",
                "smart display",
                "1",
            ],
        ],
    )
    res = ingest_file("ent_events", devices, tmp_path / "wh", "45", adapter="ent-stats")
    assert (res.status, res.accepted, res.rejected) == ("ingéré", 9, 0), res
    df = stored(tmp_path / "wh")
    assert df["device_type"].value_counts().to_dict() == {"desktop": 5, "mobile_app": 3, "other": 1}
    # per-class export: no UAI (--uai), the class in the first column, HTML entities decoded
    classes = stats_export(
        tmp_path / "classes.csv",
        STATS_HEADER,
        [
            ["4e B &amp; C", "", "2024-10-01T00:00", "Élèves", "6", "2", "", ""],
            ["3e l&#39;Atelier", "", "2024-10-01T00:00", "Élèves", "4", "4", "", ""],
        ],
    )
    res = ingest_file(
        "ent_events",
        classes,
        tmp_path / "wh2",
        "45",
        adapter="ent-stats",
        adapter_options={"uai": "0459990A"},
    )
    assert (res.status, res.accepted, res.rejected) == ("ingéré", 10, 0), res
    df = stored(tmp_path / "wh2")
    assert df.groupby("class_id")["user_id"].nunique().to_dict() == {"4e B & C": 2, "3e l'Atelier": 4}
    assert set(df["uai"]) == {"0459990A"} and set(df["profile"]) == {"ELEVE"}
    res = ingest_file("ent_events", classes, tmp_path / "wh3", "45", adapter="ent-stats")
    assert (res.status, res.accepted, res.rejected) == ("ingéré", 0, 2), res
    assert all("« uai » : champ obligatoire vide" in q["reason"] for q in quarantine(res))


def test_open_ent_ng_statistics_english_export_and_old_layout(tmp_path):
    english = stats_export(
        tmp_path / "en.csv",
        '"stats.etabs";"stats.uai";"stats.date";"stats.profile";"stats.module";"stats.access.nb"',
        [["Collège Exemple (fictif)", "0459990A", "2024-10-01T00:00", "Teacher", "Homeworks Notebook", "7"]],
    )
    res = ingest_file("ent_events", english, tmp_path / "wh", "45", adapter="ent-stats")
    assert (res.status, res.accepted) == ("ingéré", 7), res
    df = stored(tmp_path / "wh")
    assert set(df["profile"]) == {"ENSEIGNANT"} and set(df["module"]) == {"Homeworks Notebook"}
    # the layout assumed before the source was read: still read
    old = tmp_path / "old.csv"
    old.write_bytes(
        "Date;UAI;Profil;Application;Connexions;Visiteurs uniques\r\n"
        "01/10/2024;0459990A;Élève;;12;5\r\n01/10/2024;0459990A;Élève;Cahier de textes;7;4\r\n".encode(
            "cp1252"
        )
    )
    res = ingest_file("ent_events", old, tmp_path / "wh2", "45", adapter="ent-stats")
    assert (res.status, res.accepted, res.rejected) == ("ingéré", 19, 0), res
    df = stored(tmp_path / "wh2")
    assert df["event_type"].value_counts().to_dict() == {"LOGIN": 12, "ACCESS": 7}
    assert df.loc[df["event_type"] == "LOGIN", "user_id"].nunique() == 5


def test_open_ent_ng_statistics_bad_rows_name_line_and_field(tmp_path):
    bad = stats_export(
        tmp_path / "export-stats-accounts.csv",
        STATS_HEADER,
        [
            ["Collège X (fictif)", "0459990A", "2024-10-01T00:00", "Élève", "5", "2", "9", "8"],
            ["Collège X (fictif)", "0459990A", "2024-10-01T00:00", "Enseignant", "12,5", "2", "3", "3"],
            ["Collège X (fictif)", "0459990A", "2024-10-01T00:00", "Directeur", "40", "1", "1", "1"],
            ["Collège X (fictif)", "0459990A", "2024-13-01T00:00", "Parent", "3", "1", "9", "4"],
            ["Collège X (fictif)", "0459990A", "2024-10-01T00:00", "Personnel", "", "", "2", "2"],
            ["Collège X (fictif)", "0459990A", "2024-10-01T00:00", "Invité", "0", "0", "0", "0"],
        ],
    )
    res = ingest_file("ent_events", bad, tmp_path / "wh", "45", adapter="ent-stats")
    # a bad line counts once, whatever its count; a count of 0 gives no event
    assert (res.status, res.accepted, res.rejected) == ("ingéré", 5, 4), res
    q = {row["line"]: row["reason"] for row in quarantine(res)}
    assert q["3"] == "« Connexions » : nombre invalide (entier positif ou nul attendu) « 12,5 »"
    assert "« profile » : valeur non autorisée « DIRECTEUR »" in q["4"]
    assert "« ts » : valeur invalide" in q["5"] and "2024-13-01T00:00" in q["5"]
    assert q["6"] == "« Connexions » : champ obligatoire vide"
    assert all(row["file"] == bad.name for row in quarantine(res))


def test_open_ent_ng_statistics_missing_columns(tmp_path):
    bad = stats_export(
        tmp_path / "x.csv", '"Établissement";"UAI";"Date";"Comptes chargés"', [["a", "b", "c", "1"]]
    )
    res = ingest_file("ent_events", bad, tmp_path / "wh", "45", adapter="ent-stats")
    assert res.status == "refusé" and str(bad) in res.message
    assert "Profil" in res.message and "Nombre d'accès ou Connexions" in res.message


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
