"""Server-rendered, accessible SVG charts (pure Python, no Django, no JavaScript).

Every function returns a :class:`Chart`: SVG markup safe to insert as is, a plain-text title
and one-sentence description, the data table (French-formatted strings) and the demo flag.
"""

from .model import Chart, DataTable, Point, Series
from .radar import radar

__all__ = ["Chart", "DataTable", "Point", "Series", "radar"]
