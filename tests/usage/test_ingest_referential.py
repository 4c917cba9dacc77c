"""Establishments default to the national referential; a local file adds or overrides columns,
and the source of every value is kept."""

from __future__ import annotations

import json

import duckdb
from typer.testing import CliRunner

from numeduc import reference
from numeduc.cli.main import app
from numeduc.usage import warehouse as wh
from numeduc.usage.indicators import compute_indicators
from numeduc.usage.ingest import ingest_file
from numeduc.usage.referential import REFERENTIAL_SOURCE, density_grid3

EVENTS = (
    "event_id;ts;uai;user_id;profile;event_type;module;source\n"
    "e1;2024-10-01T08:30:00Z;0480001R;élève-1;ELEVE;LOGIN;Auth;one\n"
    "e2;2024-10-01T08:31:00Z;0480001R;élève-1;ELEVE;ACCESS;Cahier de textes;one\n"
)


def establishments(warehouse):
    files = wh.data_files(warehouse, "establishments")
    return duckdb.sql(
        f"SELECT * FROM read_parquet({files!r}, hive_partitioning=false, union_by_name=true) "
        "QUALIFY row_number() OVER (PARTITION BY uai ORDER BY school_year DESC, _ingested_at DESC) = 1 "
        "ORDER BY uai"
    ).df()


def test_events_alone_get_the_departements_public_colleges_from_the_referential(tmp_path):
    src = tmp_path / "events.csv"
    src.write_bytes(EVENTS.encode("cp1252"))
    res = ingest_file("ent_events", src, tmp_path / "wh", "48")
    assert (res.status, res.accepted) == ("ingéré", 2), res
    ref = reference.colleges(public_only=True)
    ref = ref[ref["departement_code"] == "48"].sort_values("uai")
    assert res.notes and "sans effectif" in res.notes[-1]  # a collège opened after 2020: quarantined
    ref = ref[ref["pupils"].notna()]
    est = establishments(tmp_path / "wh")
    assert est["uai"].tolist() == ref["uai"].tolist()
    row = est.iloc[0]
    first = ref.iloc[0]
    assert row["name"] == first["name"] and row["commune_insee"] == first["commune_code"]
    assert row["density_grid3"] == density_grid3(int(first["density_code"]))
    assert row["pupils"] == int(first["pupils"]) and row["pupils_school_year"] == "2020-2021"
    assert row["ep"] == first["priority_education"]
    sources = json.loads(row["_sources"])
    assert sources["pupils"] == REFERENTIAL_SOURCE and sources["teachers"].startswith("non renseigné")
    assert any("référentiel national" in n for n in res.notes)
    # the indicators can be computed: pupils known, teachers unknown (left out, not zero)
    df = compute_indicators(tmp_path / "wh", referential=False)
    active = df[(df["indicator"] == "monthly_active_rate") & (df["uai"] == "0480001R")]
    assert set(active["profile"]) == {"ELEVE"}
    assert active["value"].iloc[0] == 1 / int(first["pupils"])


def test_a_local_file_only_adds_or_overrides_columns_and_keeps_sources(tmp_path):
    ingest_file("ent_events", _events(tmp_path), tmp_path / "wh", "48")
    local = tmp_path / "debits.csv"
    local.write_text("uai;teachers;bw_down_mbps\n0480001R;11;100,5\n", encoding="utf-8")
    res = ingest_file("establishments", local, tmp_path / "wh", "48")
    assert (res.status, res.accepted, res.rejected) == ("ingéré", 1, 0), res
    est = establishments(tmp_path / "wh").set_index("uai")
    assert est.loc["0480001R", "teachers"] == 11 and est.loc["0480001R", "bw_down_mbps"] == 100.5
    src = json.loads(est.loc["0480001R", "_sources"])
    assert src["teachers"] == "fichier local debits.csv" and src["pupils"] == REFERENTIAL_SOURCE
    assert len(est) > 1  # the other collèges of the referential are still there
    # a second partial file keeps what the first one brought
    other = tmp_path / "effectifs.csv"
    other.write_text("uai,staff\n0480001R,4\n", encoding="utf-8")
    ingest_file("establishments", other, tmp_path / "wh", "48")
    est = establishments(tmp_path / "wh").set_index("uai")
    assert (est.loc["0480001R", "teachers"], est.loc["0480001R", "staff"]) == (11, 4)


def test_a_uai_unknown_to_the_referential_needs_the_required_columns(tmp_path):
    local = tmp_path / "prive.csv"
    local.write_text("uai,name\n0489999Z,Collège privé\n", encoding="utf-8")
    res = ingest_file("establishments", local, tmp_path / "wh", "48")
    assert (res.accepted, res.rejected) == (0, 1)
    assert "« pupils »" in res.reasons


def test_a_complete_file_replaces_the_default_as_before(tmp_path):
    ingest_file("ent_events", _events(tmp_path), tmp_path / "wh", "48")
    full = tmp_path / "establishments.csv"
    full.write_text(
        "uai,name,departement,commune_insee,commune_name,density_grid3,density_grid7,ep,depp_type,pupils,"
        "teachers,staff,parent_accounts,school_year,holiday_zone,strategy,bw_down_mbps,bw_up_mbps,"
        "n_classrooms,n_aps\n"
        "0480001R,Collège test,48,48095,Mende,rural,6,none,1,300,25,10,400,2024-2025,C,classe_mobile,"
        "100,20,20,4\n",
        encoding="utf-8",
    )
    res = ingest_file("establishments", full, tmp_path / "wh", "48")
    assert res.status == "ingéré"
    assert establishments(tmp_path / "wh")["uai"].tolist() == ["0480001R"]
    row = establishments(tmp_path / "wh").iloc[0]
    assert (row["pupils"], row["pupils_school_year"]) == (300, "2024-2025")  # the local year, not 2020-2021
    assert set(json.loads(row["_sources"]).values()) == {"fichier local establishments.csv"}


def _events(tmp_path):
    src = tmp_path / "events.csv"
    src.write_text(EVENTS, encoding="utf-8")
    return src


def test_cli_ingest_without_establishments_file(tmp_path):
    src = _events(tmp_path)
    res = CliRunner().invoke(
        app,
        [
            "usage",
            "ingest",
            "ent_events",
            str(src),
            "--warehouse",
            str(tmp_path / "wh"),
            "--departement",
            "48",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "séparateur point-virgule, encodage UTF-8" in res.output
    assert "référentiel national" in res.output
    forced = CliRunner().invoke(
        app,
        [
            "usage",
            "ingest",
            "ent_events",
            str(src),
            "--warehouse",
            str(tmp_path / "wh2"),
            "--departement",
            "48",
            "--separateur",
            "point-virgule",
            "--encodage",
            "windows-1252",
            "--decimale",
            "point",
        ],
    )
    assert forced.exit_code == 0, forced.output
    assert "(imposé)" in forced.output
    bad = CliRunner().invoke(
        app,
        [
            "usage",
            "ingest",
            "ent_events",
            str(src),
            "--warehouse",
            str(tmp_path / "wh3"),
            "--departement",
            "48",
            "--separateur",
            "|",
        ],
    )
    assert bad.exit_code != 0 and "séparateur inconnu" in bad.output
