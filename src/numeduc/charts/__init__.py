"""Server-rendered, accessible SVG charts (pure Python, no Django, no JavaScript).

Every function returns a :class:`Chart`: SVG markup safe to insert as is, a plain-text title
and one-sentence description, the data table (French-formatted strings) and the demo flag.
See docs/charts.md for the gallery.
"""

from ._svg import category_colours
from .bar import bar
from .choropleth import choropleth, load_departements
from .dendrogram import dendrogram
from .distribution import Band, Marker, boxplot_strip, distribution_strip
from .factor import correlation_circle, scatter
from .heatmap import heatmap
from .line import line
from .model import Chart, DataTable, Point, Series
from .radar import radar
from .scree import scree
from .tornado import tornado

__all__ = [
    "Band",
    "Chart",
    "DataTable",
    "Marker",
    "Point",
    "Series",
    "bar",
    "boxplot_strip",
    "category_colours",
    "choropleth",
    "correlation_circle",
    "dendrogram",
    "distribution_strip",
    "heatmap",
    "line",
    "load_departements",
    "radar",
    "scatter",
    "scree",
    "tornado",
]
