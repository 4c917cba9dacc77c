"""The open-data tables (pure): thresholds, consent, secondary suppression, usage groups, package."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from numeduc.analysis.profile import MIN_GROUP
from numeduc.exports import table_schema
from numeduc.opendata import tables as t

LABELS = {1: "Maturité", 2: "Équipement"}


def _campaign(levels: pd.DataFrame, sharing=()) -> t.CampaignData:
    return t.CampaignData(7, 2018, "Autodiagnostic 2018", levels, frozenset(sharing))


def _levels(groups: dict[str, int], level=3) -> pd.DataFrame:
    return pd.DataFrame({1: [float(level)] * len(groups), 2: [2.0] * len(groups)}, index=list(groups))


def test_every_table_has_a_schema_with_the_demo_column():
    for table in t.TABLES:
        schema = table_schema(table)
        assert schema["fields"][-1]["name"] == "demo_warning"
        assert t.empty(table).columns.tolist() == [c.name for c in table.declared]


def test_a_group_of_four_is_never_published_and_hides_a_second_group():
    # group 1: 4 départements, group 2: 6, group 3: 7 → 17 answers nationally.
    members = {f"{i:02d}": 1 for i in range(1, 5)} | {f"{i:02d}": 2 for i in range(5, 11)}
    members |= {f"{i:02d}": 3 for i in range(11, 18)}
    groups = pd.Series(members)
    frame = t.factor_aggregates([_campaign(_levels(members))], groups, LABELS)
    shown = frame[frame["scope"] == "peer_group"]
    assert 1 not in set(shown["peer_group"])
    # national minus groups 2 and 3 would give group 1's four answers: group 2 is hidden too.
    assert set(shown["peer_group"]) == {3}
    national = frame[(frame["scope"] == "national") & (frame["factor"] == 1)].iloc[0]
    assert national["answers"] == 17 and national["level_3"] == 17 and national["median"] == 3.0
    assert (frame["answers"] >= MIN_GROUP).all()


def test_fewer_than_five_answers_publish_nothing():
    members = {f"{i:02d}": 1 for i in range(1, 5)}
    frame = t.factor_aggregates([_campaign(_levels(members))], pd.Series(members), LABELS)
    assert frame.empty


def test_shared_answers_cannot_be_subtracted_to_reveal_the_others():
    members = {f"{i:02d}": 1 for i in range(1, 7)}  # 6 answers, 5 shared: the 6th would show
    levels = _levels(members)
    frame = t.factor_aggregates([_campaign(levels, sharing=list(members)[:5])], pd.Series(members), LABELS)
    assert frame.empty
    everyone = t.factor_aggregates([_campaign(levels, sharing=list(members))], pd.Series(members), LABELS)
    assert not everyone.empty


def test_shared_profiles_hold_only_the_consenting_departements():
    members = {"45": 1, "59": 2, "18": 1}
    levels = _levels(members)
    frame = t.shared_profiles(
        [_campaign(levels, sharing=["45"])], pd.Series(members), LABELS, {"45": "Loiret"}
    )
    assert set(frame["departement"]) == {"45"}
    assert frame["departement_name"].iloc[0] == "Loiret" and set(frame["factor"]) == {1, 2}


def _usage(n: int, group_pupils=400) -> tuple[pd.DataFrame, pd.DataFrame]:
    uais = [f"04500{i:02d}A" for i in range(n)]
    est = pd.DataFrame({"uai": uais, "pupils": group_pupils, "density_grid3": "rural", "ep": "", "name": "x"})
    ind = pd.DataFrame(
        {
            "uai": uais,
            "month": "2024-10",
            "indicator": "active_share",
            "profile": "eleve",
            "value": np.linspace(0.1, 0.5, n),
            "departement": "45",
        }
    )
    return ind, est


def test_usage_groups_need_five_colleges_and_never_show_one_value():
    assert t.usage_aggregates([_usage(4)]).empty
    frame = t.usage_aggregates([_usage(5)])
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["colleges"] == 5 and row["group"] == "rural · 300-600 · hors EP"
    assert abs(row["median"] - 0.3) < 1e-12 and row["departements"] == 1
    assert "uai" not in frame.columns


def test_budget_and_actions_tables_have_their_sources():
    params = t.budget_parameters()
    assert params["source"].str.len().gt(0).all()
    presets = t.budget_presets()
    assert "livre-blanc-2017" in set(presets["preset"])


def test_package_descriptor_and_files(tmp_path):
    members = {f"{i:02d}": 1 for i in range(1, 8)}
    frame = t.factor_aggregates([_campaign(_levels(members))], pd.Series(members), LABELS)
    parts = [t.Part(t.FACTOR_AGGREGATES, frame, demo=True), t.Part(t.ACTIONS, t.empty(t.ACTIONS))]
    package = t.write_package(parts, tmp_path, created="2026-12-04T00:00:00+00:00")
    on_disk = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert on_disk == package
    assert package["licenses"] == [t.LICENSE] and package[t.DEMO_FLAG] is True
    assert "données de démonstration" in package["description"]
    assert [r["path"] for r in package["resources"]] == [
        "factor-aggregates.csv",
        "factor-aggregates.parquet",
        "actions.csv",
        "actions.parquet",
    ]
    csv = pd.read_csv(tmp_path / "factor-aggregates.csv")
    assert (csv["demo_warning"] == "données de démonstration").all()
    parquet = pq.read_table(io.BytesIO((tmp_path / "factor-aggregates.parquet").read_bytes())).to_pandas()
    assert parquet.columns.tolist() == csv.columns.tolist() and len(parquet) == len(csv)
    assert str(pq.read_schema(tmp_path / "factor-aggregates.parquet").field("answers").type) == "int64"
