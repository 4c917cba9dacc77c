"""Every CSV and XLSX export, web and command line: its columns, and how its files are written.

An export is a :class:`Table`: an ordered list of :class:`Column`, each with a stable English
``snake_case`` machine name, a French header carrying its unit (« Coût annuel (€) »), a type and,
for coded values, the French words of each code. The same definition gives the three things a
reader may want, so they cannot drift apart:

- the French file (:data:`FRENCH`, ``csv``) that opens right with a double click in a French
  Excel or LibreOffice: UTF-8 with a byte order mark (without it Excel reads the accents as
  Latin-1), ``;`` between fields (``,`` is the decimal separator in French), a decimal comma,
  CRLF line endings, French headers, French words for codes (« aucune », not ``none``),
  « oui »/« non » for booleans;
- the machine file (:data:`MACHINE`, ``csv-machine``) for analysts' scripts: UTF-8 without BOM,
  ``,`` between fields, dot decimals, LF line endings, the machine names as headers, raw codes,
  ``true``/``false`` — what ``pandas.read_csv`` reads with its defaults;
- the Frictionless table schema of the machine file (:func:`table_schema`).

Both files end with the :data:`DEMO_WARNING` column: « données de démonstration » on every row
built on demonstration data, empty otherwise (always present, so the columns of an export never
depend on its data). Empty cells mean « no value » (``None``, NaN, ``pd.NA``).

XLSX workbooks (:func:`xlsx_bytes`) take the French headers and words; their numbers stay
numbers, shown with the reader's own decimal separator.

Pure core: no Django import (the command line writes its files through this module too); the web
response wrapper is ``numeduc.web.downloads``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

FRENCH = "csv"
MACHINE = "csv-machine"
FORMATS = (FRENCH, MACHINE)

TYPES = ("string", "integer", "number", "boolean")


@dataclass(frozen=True)
class Dialect:
    """How a CSV variant is written (and must be read back)."""

    delimiter: str
    decimal: str
    line_end: str
    bom: bool


DIALECTS = {
    FRENCH: Dialect(delimiter=";", decimal=",", line_end="\r\n", bom=True),
    MACHINE: Dialect(delimiter=",", decimal=".", line_end="\n", bom=False),
}
BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    """One column of an export.

    ``labels`` maps a code to the French words written in the French file and workbook (the
    machine file keeps the code); a code missing from it is written as it is."""

    name: str
    header: str
    type: str = "string"
    unit: str = ""
    description: str = ""
    labels: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")
        if (
            not self.name.isascii()
            or not self.name.replace("_", "").isalnum()
            or self.name != self.name.lower()
        ):
            raise ValueError(f"column {self.name!r}: the machine name must be ASCII snake_case")


DEMO_WARNING = Column(
    "demo_warning",
    "Avertissement",
    description="la mention de démonstration sur chaque ligne construite sur des données de démonstration, vide sinon",
)


@dataclass(frozen=True)
class Table:
    """An export: its identifier (``budget-lines``), French title, what one row is, and columns
    (the :data:`DEMO_WARNING` column is added last)."""

    name: str
    title: str
    row: str
    declared: tuple[Column, ...]
    columns: tuple[Column, ...] = field(init=False)

    def __post_init__(self) -> None:
        columns = (*self.declared, DEMO_WARNING)
        names = [c.name for c in columns]
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name}: duplicate column names")
        object.__setattr__(self, "columns", columns)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def rows(self, frame: pd.DataFrame, *, demo: bool) -> list[list[Any]]:
        """The frame's rows in the table's column order, the demo warning filled in.

        The frame's columns must be exactly the declared machine names (in any order): a column
        added or renamed in a builder without its definition fails here, not in a reader's
        script."""
        declared = [c.name for c in self.declared]
        extra = [c for c in frame.columns if c not in declared and c != DEMO_WARNING.name]
        missing = [c for c in declared if c not in frame.columns]
        if extra or missing:
            raise ValueError(f"table {self.name}: unexpected columns {extra}, missing columns {missing}")
        # Imported here: numeduc.demo's package imports the questionnaires, which import the
        # budget, whose exports are defined with this module.
        from numeduc.demo.mark import DEMO_MARK

        mark = DEMO_MARK if demo else ""
        values = frame[declared].astype(object).itertuples(index=False, name=None)
        return [[*row, mark] for row in values]


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):  # numpy.float64 is a float too
        return math.isnan(value)
    if isinstance(value, Decimal):
        return value.is_nan()
    return False


def _whole(value: Any, column: Column | None) -> Any:
    """An integer column's whole float as an int: a column of counts with an empty cell is held
    as floats by pandas, and « 42,0 élèves » would read as a measurement."""
    if column is not None and column.type == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _number(value: float | Decimal, decimal: str) -> str:
    text = repr(float(value)) if isinstance(value, float) else str(value)
    return text.replace(".", decimal)


def cell(value: Any, column: Column | None = None, variant: str = FRENCH) -> str:
    """One CSV cell of ``variant``: empty for a missing value; French words of a code, decimal
    comma and « oui »/« non » in the French file; codes, dot decimals and ``true``/``false`` in
    the machine file."""
    if _missing(value):
        return ""
    french = variant == FRENCH
    if isinstance(value, bool) or (hasattr(value, "dtype") and str(getattr(value, "dtype", "")) == "bool"):
        if french:
            return "oui" if value else "non"
        return "true" if value else "false"
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    value = _whole(value, column)
    if isinstance(value, (float, Decimal)):
        return _number(value, DIALECTS[variant].decimal)
    text = str(value)
    if french and column is not None and column.labels:
        return column.labels.get(text, text)
    return text


def csv_text(table: Table, frame: pd.DataFrame, *, variant: str = FRENCH, demo: bool = False) -> str:
    """The whole file as text (the BOM included in the French variant)."""
    if variant not in DIALECTS:
        raise ValueError(f"unknown CSV variant {variant!r} (expected one of {', '.join(FORMATS)})")
    dialect = DIALECTS[variant]
    # csv.writer quotes a field holding a character of its own line terminator only: written
    # with CRLF, a name holding a bare « \r » or « \n » is quoted in both variants; each row's
    # CRLF is then replaced by the variant's line end.
    out = io.StringIO()
    writer = csv.writer(out, delimiter=dialect.delimiter, lineterminator="\r\n")
    lines = [BOM if dialect.bom else ""]

    def write(values: list[str]) -> None:
        out.seek(0)
        out.truncate()
        writer.writerow(values)
        lines.append(out.getvalue()[:-2] + dialect.line_end)

    write(table.headers if variant == FRENCH else table.names)
    for row in table.rows(frame, demo=demo):
        write([cell(v, c, variant) for v, c in zip(row, table.columns, strict=True)])
    return "".join(lines)


def csv_bytes(table: Table, frame: pd.DataFrame, *, variant: str = FRENCH, demo: bool = False) -> bytes:
    """:func:`csv_text` encoded in UTF-8."""
    return csv_text(table, frame, variant=variant, demo=demo).encode("utf-8")


def _xlsx_value(value: Any, column: Column) -> Any:
    if _missing(value):
        return None
    if isinstance(value, bool) or str(getattr(value, "dtype", "")) == "bool":
        return "oui" if value else "non"
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    value = _whole(value, column)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and column.labels:
        return column.labels.get(value, value)
    return value


def french_frame(table: Table, frame: pd.DataFrame, *, demo: bool = False) -> pd.DataFrame:
    """The table as the French reader sees it: French headers and words, numbers kept numeric."""
    rows = [
        [_xlsx_value(v, c) for v, c in zip(row, table.columns, strict=True)]
        for row in table.rows(frame, demo=demo)
    ]
    return pd.DataFrame(rows, columns=table.headers)


def xlsx_bytes(sheets: Sequence[tuple[str, Table, pd.DataFrame]], *, demo: bool = False) -> bytes:
    """A workbook with one sheet per ``(sheet name, table, frame)`` (names cut to Excel's 31
    characters), French headers and words."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, table, frame in sheets:
            french_frame(table, frame, demo=demo).to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def table_schema(table: Table) -> dict[str, Any]:
    """The Frictionless table schema (https://specs.frictionlessdata.io/table-schema/) of the
    machine file, with the French header of each column as its ``title``."""
    fields = []
    for column in table.columns:
        entry: dict[str, Any] = {"name": column.name, "title": column.header, "type": column.type}
        if column.unit:
            entry["unit"] = column.unit
        if column.description:
            entry["description"] = column.description
        if column.labels:
            entry["french_labels"] = dict(column.labels)
        fields.append(entry)
    dialect = DIALECTS[MACHINE]
    return {
        "name": table.name,
        "title": table.title,
        "description": f"Une ligne : {table.row}.",
        "fields": fields,
        "missingValues": [""],
        "dialect": {"delimiter": dialect.delimiter, "lineTerminator": dialect.line_end, "header": True},
        "encoding": "utf-8",
    }


def markdown_columns(table: Table) -> str:
    """The table's columns as a Markdown table (French header, machine name, unit, type, notes)."""
    lines = [
        "| En-tête français | Nom machine | Unité | Type | Précisions |",
        "| --- | --- | --- | --- | --- |",
    ]
    for c in table.columns:
        notes = c.description
        if c.labels:
            words = ", ".join(f"`{code}` = « {label} »" for code, label in c.labels.items())
            notes = f"{notes} ; codes : {words}" if notes else f"codes : {words}"
        lines.append(f"| {c.header} | `{c.name}` | {c.unit or '—'} | {c.type} | {notes.replace('|', '/')} |")
    return "\n".join(lines)


def check_variant(raw: str | None) -> str | None:
    """The CSV variant named by ``raw`` (``None`` or empty: the French one), ``None`` if unknown."""
    key = (raw or FRENCH).strip().lower()
    return key if key in FORMATS else None


__all__ = [
    "BOM",
    "DEMO_WARNING",
    "DIALECTS",
    "FORMATS",
    "FRENCH",
    "MACHINE",
    "Column",
    "Dialect",
    "Table",
    "cell",
    "check_variant",
    "csv_bytes",
    "csv_text",
    "french_frame",
    "markdown_columns",
    "table_schema",
    "xlsx_bytes",
]
