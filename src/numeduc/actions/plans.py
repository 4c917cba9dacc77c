"""Plans built from the catalogue, without Django: the cost of an action per year and the
figures of a plan's variants (docs/action-plans.md). The follow-up at the next campaign is in
``numeduc.actions.followup``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from numeduc.actions.model import INVESTMENT_SPREAD_YEARS

CENT = Decimal("0.01")


def yearly_cost(investment, running) -> Decimal:
    """Euros per year of an action: ``running`` plus ``investment`` spread over
    ``INVESTMENT_SPREAD_YEARS`` (the budget engine's default horizon), rounded to the cent."""
    total = Decimal(investment) / INVESTMENT_SPREAD_YEARS + Decimal(running)
    return total.quantize(CENT)


# A plan's three variants: an action belongs to its variant and to every larger one.
VARIANTS: tuple[str, ...] = ("minimal", "median", "maximal")
VARIANT_LABELS: dict[str, str] = {"minimal": "Minimale", "median": "Médiane", "maximal": "Maximale"}
ABANDONED = "abandonnee"


@dataclass(frozen=True)
class CostedAction:
    variant: str  # one of VARIANTS
    status: str
    yearly: Decimal  # euros per year (yearly_cost, or the linked budget scenario's total)


@dataclass(frozen=True)
class VariantTotal:
    variant: str
    label: str
    actions: int
    per_year: Decimal
    per_pupil: Decimal | None  # None when the number of pupils is not known


def variant_totals(actions: list[CostedAction], pupils: int | None) -> list[VariantTotal]:
    """Count and cost per year (and per pupil) of each variant; abandoned actions count in none."""
    totals = []
    for rank, variant in enumerate(VARIANTS):
        members = [a for a in actions if a.status != ABANDONED and VARIANTS.index(a.variant) <= rank]
        per_year = sum((a.yearly for a in members), Decimal(0)).quantize(CENT)
        per_pupil = (per_year / pupils).quantize(CENT) if pupils else None
        totals.append(VariantTotal(variant, VARIANT_LABELS[variant], len(members), per_year, per_pupil))
    return totals
