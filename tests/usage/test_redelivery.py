"""Row-level idempotence of the event streams: an export that overlaps an earlier one (the same
rows in another file) adds only its new rows, and says how many it found already stored."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from numeduc.usage import warehouse as wh
from numeduc.usage.indicators import compute_indicators
from numeduc.usage.ingest import ingest

HEADER = "event_id,ts,uai,user_id,profile,event_type,module,service_category,session_id,device_type,class_id,source\n"
ROWS = [
    "e1,2024-10-01T08:30:00Z,0480001R,alice,ELEVE,LOGIN,Auth,,s1,tablet,,one\n",
    "e2,2024-10-01T08:31:00Z,0480001R,alice,ELEVE,ACCESS,Homeworks,,s1,tablet,,one\n",
    # nulls (no session id, no device) must compare equal on re-delivery
    "e3,2024-10-02T17:00:00Z,0480001R,bob,PARENT,VIEW,Pronote,,,,,one\n",
]
NEW = "e4,2024-11-03T09:00:00Z,0480001R,bob,PARENT,VIEW,Pronote,,,,,one\n"


def stored(warehouse) -> pd.DataFrame:
    files = wh.data_files(warehouse, "ent_events")
    return duckdb.sql(f"SELECT * FROM read_parquet({files!r}, hive_partitioning=false)").df()


def test_overlapping_export_adds_only_its_new_rows(tmp_path):
    october = tmp_path / "octobre.csv"
    october.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    # The next export repeats the last two October rows, in another order, and adds one.
    later = tmp_path / "octobre-novembre.csv"
    later.write_text(HEADER + NEW + ROWS[2] + ROWS[1], encoding="utf-8")
    [first] = ingest("ent_events", [october], tmp_path / "wh", "48")
    assert (first.accepted, first.duplicates) == (3, 0)
    [second] = ingest("ent_events", [later], tmp_path / "wh", "48")
    assert second.status == "ingéré"
    assert (second.rows, second.accepted, second.duplicates, second.rejected) == (3, 1, 2, 0)
    assert sorted(stored(tmp_path / "wh")["event_id"]) == ["e1", "e2", "e3", "e4"]
    manifest = wh.manifest(tmp_path / "wh", "ent_events")
    assert sorted(m["duplicates"] for m in manifest) == [0, 2]

    # The indicators are those of the four events ingested once.
    once = tmp_path / "once.csv"
    once.write_text(HEADER + "".join(ROWS) + NEW, encoding="utf-8")
    est = tmp_path / "establishments.csv"
    est.write_text(
        "uai,name,departement,commune_insee,commune_name,density_grid3,density_grid7,ep,depp_type,pupils,"
        "teachers,staff,parent_accounts,school_year,holiday_zone,strategy,bw_down_mbps,bw_up_mbps,"
        "n_classrooms,n_aps\n"
        "0480001R,Collège test,48,48095,Mende,rural,6,none,1,300,25,10,400,2024-2025,C,classe_mobile,"
        "100,20,20,4\n",
        encoding="utf-8",
    )
    for target, files in ((tmp_path / "wh", []), (tmp_path / "wh_once", [once])):
        assert [r.status for r in ingest("establishments", [est], target, "48")] == ["ingéré"]
        if files:
            ingest("ent_events", files, target, "48")
    twice = compute_indicators(tmp_path / "wh", referential=False)
    single = compute_indicators(tmp_path / "wh_once", referential=False)
    key = ["uai", "month", "indicator", "profile"]
    merged = twice.merge(single, on=key, how="outer", suffixes=("", "_once"), indicator=True)
    assert (merged["_merge"] == "both").all()
    np.testing.assert_allclose(merged["value"], merged["value_once"])


def test_same_rows_from_another_departement_are_not_duplicates(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    other = tmp_path / "b.csv"  # other bytes (no final newline), same rows, another département
    other.write_text((HEADER + "".join(ROWS)).rstrip("\n"), encoding="utf-8")
    ingest("ent_events", [src], tmp_path / "wh", "48")
    [res] = ingest("ent_events", [other], tmp_path / "wh", "12")
    assert (res.accepted, res.duplicates) == (3, 0)
    assert len(stored(tmp_path / "wh")) == 6


def test_a_changed_value_is_a_new_row(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text(HEADER + ROWS[0], encoding="utf-8")
    changed = tmp_path / "b.csv"
    changed.write_text(HEADER + ROWS[0].replace("tablet", "smartphone"), encoding="utf-8")
    ingest("ent_events", [src], tmp_path / "wh", "48")
    [res] = ingest("ent_events", [changed], tmp_path / "wh", "48")
    assert (res.accepted, res.duplicates) == (1, 0)
