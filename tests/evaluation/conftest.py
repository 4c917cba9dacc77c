from __future__ import annotations

import json

import pandas as pd
import pytest

from numeduc.demo.usage import generate


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """Loiret's collèges from the seeded generator (3,000 pupils, 6 months, no devices): its
    ground truth is the indicator frame compute_indicators would give."""
    out = tmp_path_factory.mktemp("gen45")
    generate("45", 3000, 6, out, seed=1, devices=False)
    ind = pd.DataFrame(json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))["indicators"])
    est = pd.read_csv(out / "establishments.csv", dtype={"uai": str})
    return ind, est
