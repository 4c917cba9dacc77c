"""Experience sheets of départements and countries (docs/experiences.md): content validated at
load, and a département's key figures computed from the reference data beside the paper's.
Pure: no Django."""

from numeduc.experiences.figures import KeyFigure, key_figures
from numeduc.experiences.loader import CONTENT_ROOT, load_sheets
from numeduc.experiences.model import STRATEGIES, THEMES, ExperienceError, Sheet, Sheets

__all__ = [
    "CONTENT_ROOT",
    "STRATEGIES",
    "THEMES",
    "ExperienceError",
    "KeyFigure",
    "Sheet",
    "Sheets",
    "key_figures",
    "load_sheets",
]
