"""The 2017 white paper's four bands of budget for educational digital per pupil per year
(investment + operation, in euros): the one definition read by the budget planner
(``budget.departement``), the national analysis (``analysis.campaign``), the self-diagnosis
level of factor 7 (``questionnaires.derived``) and the budget page (``web.planning``).

Bands are left-closed: 50 € falls in « 50 à 75 € », 100 € in « plus de 100 € » (the
self-diagnosis level keeps 100 € in level 3, see ``questionnaires.derived.budget_level``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple


class BudgetBand(NamedTuple):
    label: str  # pages, exports, the budget planner
    lower: float | None  # None: open below
    upper: float | None  # None: open above
    short: str  # category of the national analysis' cross tables
    white_paper_share: float  # % of the 43 départements of the 2017 white paper


BUDGET_BANDS = (
    BudgetBand("moins de 50 €", None, 50.0, "< 50 €", 9.3),
    BudgetBand("50 à 75 €", 50.0, 75.0, "50-75 €", 44.2),
    BudgetBand("75 à 100 €", 75.0, 100.0, "75-100 €", 25.6),
    BudgetBand("plus de 100 €", 100.0, None, "> 100 €", 20.9),
)


def band_of(value: float | Decimal) -> BudgetBand:
    """The band holding ``value`` (€/pupil/year; a Decimal compares exactly with the bounds)."""
    for band in BUDGET_BANDS:
        if (band.lower is None or value >= band.lower) and (band.upper is None or value < band.upper):
            return band
    return BUDGET_BANDS[-1]  # pragma: no cover (NaN)


__all__ = ["BUDGET_BANDS", "BudgetBand", "band_of"]
