"""Questionnaire engine (pure, no Django): load, validate, parse and display answers.

Content lives in ``numeduc/content/questionnaires/<slug>/<version>.yaml``; see
``docs/questionnaires.md`` for the file format.
"""

from numeduc.questionnaires.derived import (
    COMMENT_SUFFIX,
    budget_level,
    budget_per_pupil,
    comment_key,
    survey_budget_per_pupil,
)
from numeduc.questionnaires.loader import (
    CONTENT_ROOT,
    available_questionnaires,
    load_questionnaire,
    load_questionnaire_file,
)
from numeduc.questionnaires.model import (
    COMMENT_MAX_LENGTH,
    FACTOR_COUNT,
    AnswerError,
    Axis,
    Choice,
    Item,
    LevelDescriptor,
    Questionnaire,
    QuestionnaireError,
    Section,
    clean_comment,
)

__all__ = [
    "COMMENT_SUFFIX",
    "budget_level",
    "budget_per_pupil",
    "comment_key",
    "survey_budget_per_pupil",
    "CONTENT_ROOT",
    "COMMENT_MAX_LENGTH",
    "FACTOR_COUNT",
    "AnswerError",
    "Axis",
    "Choice",
    "Item",
    "LevelDescriptor",
    "Questionnaire",
    "QuestionnaireError",
    "Section",
    "available_questionnaires",
    "clean_comment",
    "load_questionnaire",
    "load_questionnaire_file",
]
