"""The whole demo data set in one call, and rows split into answers and comments."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from numeduc.demo.selfdiag import DEFAULT_SEED, generate_selfdiag_campaign
from numeduc.demo.surveys import generate_dan_answers, generate_survey_answers
from numeduc.questionnaires import COMMENT_SUFFIX


def demo_dataset(seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """Every demo campaign from the reference data, keyed by ``"<slug>/<year>"``.

    ``autodiagnostic/2017`` (39 départements), ``autodiagnostic/2018`` (the same départements
    a year later, a few leaving and joining), ``enquete-trois-questions/2016`` (45, 43 with a
    budget) and ``dan/2017`` (25 académies).
    """
    from numeduc.reference import academies, colleges, departements

    deps = departements()
    public_colleges = colleges(public_only=True)
    first = generate_selfdiag_campaign(deps, 2017, seed=seed, colleges=public_colleges)
    second = generate_selfdiag_campaign(deps, 2018, seed=seed, previous=first, colleges=public_colleges)
    return {
        "autodiagnostic/2017": first,
        "autodiagnostic/2018": second,
        "enquete-trois-questions/2016": generate_survey_answers(deps, seed=seed, colleges=public_colleges),
        "dan/2017": generate_dan_answers(academies(), seed),
    }


def _plain(value: Any) -> Any:
    """numpy scalars -> Python scalars; NaN -> None (ready for JSON or a model field)."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def split_answers(row: pd.Series) -> tuple[dict[str, Any], dict[str, str]]:
    """One demo row -> ``({item_id: value}, {item_id: comment})``, missing values left out."""
    answers: dict[str, Any] = {}
    comments: dict[str, str] = {}
    for column, value in row.items():
        plain = _plain(value)
        if plain is None:
            continue
        if str(column).endswith(COMMENT_SUFFIX):
            comments[str(column)[: -len(COMMENT_SUFFIX)]] = str(plain)
        else:
            answers[str(column)] = plain
    return answers, comments
