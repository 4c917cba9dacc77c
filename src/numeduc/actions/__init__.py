"""Action catalogue and suggestions (pure, no Django).

The catalogue is content: ``numeduc/content/actions/<family>.yaml``, read and validated by
``load_catalogue`` (format in docs/actions.md).  ``suggest`` ranks its actions for one
département from its self-diagnosis levels and its peers' and the national medians.
"""

from numeduc.actions.levels import LevelsError, parse_factor_values
from numeduc.actions.loader import CONTENT_ROOT, load_catalogue
from numeduc.actions.model import (
    COST_UNITS,
    FACTOR_IDS,
    FAMILIES,
    PARTNERS,
    Action,
    ActionCatalogueError,
    Catalogue,
    Cost,
    FactorTarget,
    SheetReference,
    Source,
    factor_id,
    factor_number,
)
from numeduc.actions.suggest import Situation, SituationError, Suggestion, suggest

__all__ = [
    "CONTENT_ROOT",
    "COST_UNITS",
    "FACTOR_IDS",
    "FAMILIES",
    "PARTNERS",
    "Action",
    "ActionCatalogueError",
    "Catalogue",
    "Cost",
    "FactorTarget",
    "LevelsError",
    "SheetReference",
    "Situation",
    "SituationError",
    "Source",
    "Suggestion",
    "factor_id",
    "factor_number",
    "load_catalogue",
    "parse_factor_values",
    "suggest",
]
