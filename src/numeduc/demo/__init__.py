"""Seeded synthetic demo data (pure: pandas and numpy, no Django).

Everything here is invented to look like what the 2017 white paper published; nothing is a
real answer. Text values start with "[démo]". See ``docs/demo-data.md``.
"""

from numeduc.demo.dataset import demo_dataset, split_answers
from numeduc.demo.selfdiag import (
    DEFAULT_SEED,
    DEMO_PREFIX,
    SAMPLE_DEPARTEMENTS,
    generate_selfdiag_campaign,
)
from numeduc.demo.surveys import generate_dan_answers, generate_survey_answers

__all__ = [
    "DEFAULT_SEED",
    "DEMO_PREFIX",
    "SAMPLE_DEPARTEMENTS",
    "demo_dataset",
    "split_answers",
    "generate_dan_answers",
    "generate_selfdiag_campaign",
    "generate_survey_answers",
]
