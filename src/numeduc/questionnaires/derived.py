"""Values derived from answers: budget per pupil and its level on the white paper's scale.

The 2017 white paper grouped the départements' budgets for educational digital (investment +
operation, per pupil and per year) in four bands: < 50 €, 50-75 €, 75-100 €, > 100 €.  The
bands touch at 75 € and 100 €; numeduc puts a boundary value in the band that starts there
(50 -> band 2, 75 -> band 3) except 100 €, which stays in "75 à 100 €" as the paper's "plus de
100 €" is strict.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from numeduc.budget.bands import BUDGET_BANDS, band_of

# The self-diagnosis questions whose sum is the département's budget per pupil per year (€).
SELF_DIAGNOSIS_BUDGET_ITEMS = ("budget_investissement_par_eleve", "budget_fonctionnement_par_eleve")

# Column / form-field name of the free comment attached to an item: ``<item_id>__comment``.
COMMENT_SUFFIX = "__comment"


def comment_key(item_id: str) -> str:
    return f"{item_id}{COMMENT_SUFFIX}"


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def budget_per_pupil(investment: Any, operating: Any, pupils: Any) -> float | None:
    """(investment + operating) / pupils; ``None`` when a part is missing or pupils <= 0."""
    invest, operate, count = _number(investment), _number(operating), _number(pupils)
    if invest is None or operate is None or count is None or count <= 0:
        return None
    return (invest + operate) / count


def budget_level(per_pupil: float | None) -> int | None:
    """Level 1-4 of factor 7 for a budget per pupil per year in euros."""
    value = _number(per_pupil)
    if value is None:
        return None
    if value == BUDGET_BANDS[2].upper:  # 100 €: level 3, the paper's « plus de 100 € » is strict
        return 3
    return BUDGET_BANDS.index(band_of(value)) + 1


def survey_budget_per_pupil(answers: Mapping[str, Any]) -> float | None:
    """Budget per pupil from an answer to ``enquete-trois-questions/2016``."""
    return budget_per_pupil(
        answers.get("budget_investissement_2016"),
        answers.get("budget_fonctionnement_2016"),
        answers.get("nombre_collegiens_2016"),
    )


@dataclass(frozen=True)
class BudgetLevelMismatch:
    """Factor 7's level as answered, against the level of the budget figures of the same answer."""

    chosen: int
    investment: float  # €/pupil/year
    operating: float  # €/pupil/year
    per_pupil: float  # investment + operating
    expected: int


def budget_level_mismatch(level: Any, investment: Any, operating: Any) -> BudgetLevelMismatch | None:
    """``None`` unless the factor 7 ``level`` (1-4) and both budget figures per pupil
    (investment, operating; €/pupil/year) are given and the figures fall in another band."""
    chosen, invest, operate = _number(level), _number(investment), _number(operating)
    if chosen is None or invest is None or operate is None:
        return None
    per_pupil = invest + operate
    expected = budget_level(per_pupil)
    if expected is None or expected == chosen:
        return None
    return BudgetLevelMismatch(
        chosen=int(chosen), investment=invest, operating=operate, per_pupil=per_pupil, expected=expected
    )
