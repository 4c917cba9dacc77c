"""Fixtures for the statistics tests: reference values written by scripts/r/make_fixtures.R."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FACTOMINER = FIXTURES / "factominer"
TOL = 1e-6


def load_reference(name: str) -> dict:
    return json.loads((FACTOMINER / name).read_text(encoding="utf-8"))


def as_frame(table: dict) -> pd.DataFrame:
    """{row: {col: value}} -> DataFrame."""
    return pd.DataFrame.from_dict(table, orient="index").astype(float)


def assert_frame_close(actual: pd.DataFrame, expected: pd.DataFrame, tol: float = TOL) -> None:
    assert list(actual.index) == list(expected.index)
    assert list(actual.columns) == list(expected.columns)
    diff = np.abs(actual.to_numpy(dtype=float) - expected.to_numpy(dtype=float))
    assert diff.max() <= tol, f"max abs diff {diff.max()}"


@pytest.fixture(scope="session")
def decathlon() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "decathlon.csv", index_col="athlete")


@pytest.fixture(scope="session")
def usarrests() -> pd.DataFrame:
    return pd.read_csv(FACTOMINER / "usarrests.csv", index_col="state")


@pytest.fixture(scope="session")
def sim_answers() -> pd.DataFrame:
    return pd.read_csv(FACTOMINER / "sim_answers.csv", index_col="dep")


@pytest.fixture(scope="session")
def reference():
    return load_reference


@pytest.fixture(scope="session")
def close():
    """close(actual_frame, {row: {col: value}} or DataFrame) asserts agreement to 1e-6."""

    def check(actual: pd.DataFrame, expected, tol: float = TOL) -> None:
        exp = expected if isinstance(expected, pd.DataFrame) else as_frame(expected)
        assert_frame_close(actual, exp, tol)

    return check
