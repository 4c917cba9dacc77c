"""What the questionnaire page shows around the answers, in French: the bounds of a number, the
questions still to answer (each a link to its field), the values pre-filled from the collèges
referential and the warning when factor 7's band disagrees with the budget figures entered."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from numeduc.formatting import fr_euro, fr_number
from numeduc.questionnaires import Item, Questionnaire
from numeduc.questionnaires.derived import SELF_DIAGNOSIS_BUDGET_ITEMS, budget_level_mismatch

from .data import CollegeCounts

# The self-diagnosis questions the collèges referential answers (public collèges of the
# respondent's département): item id -> what of ``CollegeCounts`` it takes.
REFERENCE_ITEMS = {"nombre_colleges": "colleges", "nombre_collegiens": "pupils"}


def item_anchor(item: Item) -> str:
    """The id of the question's block on the page (``response.html``): links point to it."""
    return f"item-{item.id}"


def fr_bound(value: float) -> str:
    """A bound of a number question as a person reads it: ``1 000``, ``0,25`` (no ``1000,0``)."""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    decimals = min(4, max(0, -exponent)) if isinstance(exponent, int) else 0
    return fr_number(value, decimals)


def bounds_text(item: Item) -> str:
    """« entre 0 et 1 000 », « au moins 1 », « 100 au plus »; ``""`` without bounds."""
    if item.min is not None and item.max is not None:
        return f"entre {fr_bound(item.min)} et {fr_bound(item.max)}"
    if item.min is not None:
        return f"au moins {fr_bound(item.min)}"
    if item.max is not None:
        return f"{fr_bound(item.max)} au plus"
    return ""


def missing_entries(items: Iterable[Item]) -> list[dict[str, str]]:
    """Every required question without an answer, in the questionnaire's order, with the anchor
    of its field."""
    return [
        {
            "anchor": item_anchor(item),
            "label": f"Facteur {item.factor} — {item.label}" if item.factor else item.label,
        }
        for item in items
    ]


@dataclass(frozen=True)
class Prefill:
    value: int
    note: str


def reference_prefills(questionnaire: Questionnaire, counts: CollegeCounts | None) -> dict[str, Prefill]:
    """The values the collèges referential gives the questions of ``REFERENCE_ITEMS`` that this
    questionnaire asks, each with the note that says where it comes from."""
    if counts is None:
        return {}
    year = counts.school_year[:4]
    source = f"annuaire des collèges (DEPP, rentrée {year})" if year else "annuaire des collèges (DEPP)"
    asked = {item.id for item in questionnaire.items}
    out = {}
    for item_id, attribute in REFERENCE_ITEMS.items():
        if item_id not in asked:
            continue
        note = f"pré-rempli d'après l'{source} : modifiable"
        if attribute == "pupils" and counts.colleges_without_pupils:
            n = counts.colleges_without_pupils
            note += (
                f" (dont {fr_number(counts.estimated_pupils)} élèves estimés pour {fr_number(n)} "
                f"collège{'s' if n > 1 else ''} sans effectif connu, à l'effectif moyen du département)"
            )
        out[item_id] = Prefill(value=int(getattr(counts, attribute)), note=note)
    return out


def factor7_item(questionnaire: Questionnaire) -> Item | None:
    return next((item for item in questionnaire.items if item.factor == 7 and item.type == "level"), None)


def budget_band_warning(questionnaire: Questionnaire, values: Mapping[str, Any]) -> str | None:
    """A French warning (not a refusal) when factor 7's level and the budget figures per pupil
    answered in the same questionnaire fall in different white-paper bands (numeduc.budget.bands)."""
    item = factor7_item(questionnaire)
    asked = {i.id for i in questionnaire.items}
    if item is None or not set(SELF_DIAGNOSIS_BUDGET_ITEMS) <= asked:
        return None
    investment, operating = (values.get(key) for key in SELF_DIAGNOSIS_BUDGET_ITEMS)
    mismatch = budget_level_mismatch(values.get(item.id), investment, operating)
    if mismatch is None:
        return None
    labels = {level.value: level.label for level in item.levels}
    return (
        f"À vérifier : vos budgets d'investissement ({fr_euro(mismatch.investment)}) et de "
        f"fonctionnement ({fr_euro(mismatch.operating)}) par élève font {fr_euro(mismatch.per_pupil)} "
        f"par élève et par an, soit le niveau {mismatch.expected} « {labels.get(mismatch.expected, '')} » "
        f"du facteur 7, mais le niveau {mismatch.chosen} « {labels.get(mismatch.chosen, '')} » est choisi. "
        "Corrigez l'un ou l'autre si c'est une erreur ; la réponse peut être transmise telle quelle."
    )
