"""Plans built from the catalogue, without Django: the cost of an action per year and the
figures of a plan's variants (docs/action-plans.md). The follow-up at the next campaign is in
``numeduc.actions.followup``."""

from __future__ import annotations

from decimal import Decimal

from numeduc.actions.model import INVESTMENT_SPREAD_YEARS

CENT = Decimal("0.01")


def yearly_cost(investment, running) -> Decimal:
    """Euros per year of an action: ``running`` plus ``investment`` spread over
    ``INVESTMENT_SPREAD_YEARS`` (the budget engine's default horizon), rounded to the cent."""
    total = Decimal(investment) / INVESTMENT_SPREAD_YEARS + Decimal(running)
    return total.quantize(CENT)
