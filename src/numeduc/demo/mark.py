"""The words that mark every page, chart, export and PDF built on demonstration data.

One constant, read by the charts (``numeduc.charts``), the exports and the web pages
(``numeduc.web.demo_mark``). Migrations keep their own literal text (a migration is a frozen record).
"""

DEMO_MARK = "données de démonstration"

__all__ = ["DEMO_MARK"]
