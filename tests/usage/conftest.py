"""Small synthetic data set and warehouse shared by the usage tests (built once per session)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from numeduc.demo.usage import generate
from numeduc.usage.ingest import ingest

KIND_FILES = {
    "establishments": "establishments.csv",
    "service_catalog": "service_catalog.csv",
    "ent_accounts_snapshot": "ent_accounts_snapshot.csv",
    "ent_events": "ent_events.parquet",
    "mdm_devices": "mdm_devices.csv",
    "mdm_checkins": "mdm_checkins.parquet",
    "wifi_sessions": "wifi_sessions.parquet",
}


def build_warehouse(gen_dir: Path, wh_dir: Path, departement: str) -> None:
    for kind, name in KIND_FILES.items():
        results = ingest(kind, [gen_dir / name], wh_dir, departement)
        assert [r.status for r in results] == ["ingéré"], results


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("usage_gen")
    # Lozère: 12 real public collèges, small enough for fast tests; two months with holidays
    # (Toussaint) so that school days matter.
    generate("48", 1200, 2, out, seed=7, start_month="2024-10")
    return out


@pytest.fixture(scope="session")
def warehouse(generated, tmp_path_factory) -> Path:
    wh = tmp_path_factory.mktemp("usage_wh")
    build_warehouse(generated, wh, "48")
    return wh


@pytest.fixture(scope="session")
def ground_truth(generated) -> pd.DataFrame:
    data = json.loads((generated / "ground_truth.json").read_text(encoding="utf-8"))
    return pd.DataFrame(data["indicators"])


@pytest.fixture(scope="session")
def indicators(warehouse) -> pd.DataFrame:
    from numeduc.usage.indicators import compute_indicators

    return compute_indicators(warehouse)
