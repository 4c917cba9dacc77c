"""A warehouse holding collèges of two time zones (Lozère UTC+1, La Réunion UTC+4) gives each
collège the same indicators as its own département's warehouse (weeks are cut at local time)."""

from __future__ import annotations

import numpy as np
import pytest

from numeduc.demo.usage import generate
from numeduc.usage.indicators import compute_indicators
from numeduc.usage.ingest import ingest

from .conftest import KIND_FILES


def build_warehouse(gen_dir, wh_dir, departement):
    for kind, name in KIND_FILES.items():
        if (gen_dir / name).exists():
            [result] = ingest(kind, [gen_dir / name], wh_dir, departement)
            assert result.status in ("ingéré", "déjà ingéré"), result  # same catalogue twice


KEY = ["uai", "month", "indicator", "profile"]


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory):
    base = tmp_path_factory.mktemp("tz")
    for code in ("48", "974"):
        generate(
            code, 400, 1, base / f"gen{code}", seed=3, start_month="2024-11", max_colleges=3, devices=False
        )
        build_warehouse(base / f"gen{code}", base / f"wh{code}", code)
        build_warehouse(base / f"gen{code}", base / "both", code)
    return base


def test_mixed_time_zones_match_single_departement_warehouses(warehouses):
    both = compute_indicators(warehouses / "both", referential=False)
    assert set(both["departement"]) == {"48", "974"}
    for code in ("48", "974"):
        alone = compute_indicators(warehouses / f"wh{code}", referential=False)
        mine = both[both["departement"] == code]
        merged = alone.merge(mine, on=KEY, how="outer", suffixes=("", "_both"), indicator=True)
        assert (merged["_merge"] == "both").all()
        np.testing.assert_allclose(merged["value"], merged["value_both"], rtol=1e-12)
        assert (alone["indicator"] == "weekly_regularity").any()
