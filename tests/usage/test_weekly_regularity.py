"""The median of weekly_regularity, taken from a histogram of active school weeks per user."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from numeduc.usage.indicators import weekly_regularity


def _histogram(weeks_of_users: list[int]) -> pd.DataFrame:
    k, n = np.unique(weeks_of_users, return_counts=True)
    return pd.DataFrame(
        {
            "uai": "0480001A",
            "month": "2024-11",
            "indicator": "_weekly_histogram",
            "profile": "ELEVE",
            "numerator": k.astype(float),
            "denominator": n.astype(float),
        }
    )


SCHOOL_WEEKS = pd.DataFrame({"uai": ["0480001A"], "month": ["2024-11"], "school_weeks": [4]})


def test_even_number_of_users_takes_the_mean_of_the_two_middle_ones():
    out = weekly_regularity(_histogram([0, 1, 3, 4]), SCHOOL_WEEKS)
    assert out.to_dict("records") == [
        {
            "uai": "0480001A",
            "month": "2024-11",
            "indicator": "weekly_regularity",
            "profile": "ELEVE",
            "numerator": 2.0,
            "denominator": 4.0,
        }
    ]


def test_odd_number_of_users_takes_the_middle_one():
    out = weekly_regularity(_histogram([4, 4, 1, 2, 4]), SCHOOL_WEEKS)
    assert out["numerator"].tolist() == [4.0]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=60))
def test_median_from_histogram_equals_numpy_median(weeks_of_users):
    out = weekly_regularity(_histogram(weeks_of_users), SCHOOL_WEEKS)
    assert out["numerator"].iloc[0] == np.median(weeks_of_users)
