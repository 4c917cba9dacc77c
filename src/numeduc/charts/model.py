"""Data types shared by every chart: inputs (Series, Point) and the output (Chart, DataTable)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ._svg import attr as _html_escape


@dataclass(frozen=True)
class Series:
    """One named series of values.

    ``style`` chooses colour, dash pattern and marker together so that a series stays
    recognisable in black and white: "primary" (the subject, e.g. "votre département"),
    "reference" (e.g. the national median), "secondary" (e.g. the peer-group median),
    "tertiary", "quaternary". ``None`` picks the next free style in order.
    """

    name: str
    values: list[float | None]
    style: str | None = None


@dataclass(frozen=True)
class Point:
    """One individual on a factor map."""

    label: str
    x: float
    y: float
    group: str | None = None


@dataclass(frozen=True)
class DataTable:
    """The chart's data as already formatted French strings, for screen readers and print."""

    caption: str
    headers: list[str]
    rows: list[list[str]]
    row_header: int = 0  # column naming each row (a screen reader announces it with each cell)

    def to_html(self, *, css_class: str = "nc-chart-table") -> str:
        """A plain ``<table>`` with ``<caption>`` and ``scope`` attributes (everything escaped)."""
        head = "".join(f'<th scope="col">{_html_escape(h)}</th>' for h in self.headers)
        body = []
        for row in self.rows:
            if not row:
                continue
            cells = "".join(
                f'<th scope="row">{_html_escape(cell)}</th>'
                if i == self.row_header
                else f"<td>{_html_escape(cell)}</td>"
                for i, cell in enumerate(row)
            )
            body.append(f"<tr>{cells}</tr>")
        return (
            f'<table class="{_html_escape(css_class)}"><caption>{_html_escape(self.caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )


@dataclass(frozen=True)
class Chart:
    """A rendered chart.

    ``svg`` is complete, escaped markup that can be inserted in HTML as is. ``title`` and
    ``description`` are plain text (not escaped): escape them when inserting them yourself.
    """

    svg: str
    title: str
    description: str
    table: DataTable
    demo: bool = False
    kind: str = field(default="chart")

    def figure_html(self, *, table_visible: bool = False, min_width: int = 520) -> str:
        """``<figure>`` holding the SVG and its data table.

        The table is kept in the page for screen readers and shown in a ``<details>`` element
        (closed) unless ``table_visible``; it needs no JavaScript. The SVG scales with its
        container but not below ``min_width`` CSS pixels (text would become unreadable on a
        phone): narrower screens scroll it sideways instead.
        """
        table = self.table.to_html()
        if table_visible:
            table_html = table
        else:
            table_html = f"<details><summary>Voir les données du graphique</summary>{table}</details>"
        # the title is written once: in the SVG when it shows it, else as the figure caption
        caption = (
            ""
            if 'class="nc-chart-title"' in self.svg
            else f"<figcaption>{_html_escape(self.title)}</figcaption>"
        )
        return (
            f'<figure class="nc-chart-figure nc-{_html_escape(self.kind)}">'
            f'<div class="nc-chart-scroll" style="overflow-x:auto">'
            f'<div style="min-width:{int(min_width)}px">{self.svg}</div></div>'
            f"{caption}{table_html}</figure>"
        )
