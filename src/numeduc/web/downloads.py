"""Every CSV and XLSX download of the web application, built in one place.

French spreadsheet conventions are decided here and nowhere else, so that a file opens
correctly in a French Excel or LibreOffice with a double click:

- UTF-8 with a byte order mark (without it Excel reads the accents as Latin-1);
- ``;`` between fields (``,`` is the decimal separator in French);
- a decimal comma in floats and Decimals (``0,25``), integers and text as they are;
- CRLF line endings (RFC 4180), fields quoted only when they need it;
- empty cells for ``None`` and NaN;
- ``Content-Disposition: attachment`` with the file name;
- when the file is built on demonstration data, its rows carry the mark
  (:data:`numeduc.web.demo_mark.DEMO_MARK`) in an ``avertissement`` column.

Header wording is the caller's (it is not translated here). XLSX cells keep their numeric
type: the spreadsheet shows them with the reader's own decimal separator.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import pandas as pd
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from numeduc.web.demo_mark import DEMO_MARK

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
DELIMITER = ";"
LINE_END = "\r\n"
DEMO_COLUMN = "avertissement"

__all__ = [
    "BOM",
    "CSV_CONTENT_TYPE",
    "DELIMITER",
    "DEMO_COLUMN",
    "XLSX_CONTENT_TYPE",
    "cell",
    "csv_bytes",
    "csv_response",
    "dated_filename",
    "frame_csv_response",
    "xlsx_bytes",
    "xlsx_response",
]


def dated_filename(stem: str, ext: str, *, demo: bool = False, fallback: str = "export") -> str:
    """``<slug of stem>[-demonstration]-<YYYYMMDD>.<ext>`` (today's date)."""
    suffix = "-demonstration" if demo else ""
    return f"{slugify(stem) or fallback}{suffix}-{dt.date.today():%Y%m%d}.{ext}"


def cell(value: Any) -> str:
    """One CSV cell: decimal comma for floats and Decimals, empty for None and NaN."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):  # numpy.float64 is a float too
        if math.isnan(value):
            return ""
        return repr(float(value)).replace(".", ",")
    if isinstance(value, Decimal):
        if value.is_nan():
            return ""
        return str(value).replace(".", ",")
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value)


def _with_mark(
    header: Sequence[str], rows: Iterable[Sequence[Any]], demo: bool
) -> tuple[list[str], Iterable[Sequence[Any]]]:
    header = list(header)
    if not demo or DEMO_COLUMN in header:
        return header, rows
    return [*header, DEMO_COLUMN], ([*row, DEMO_MARK] for row in rows)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, demo: bool = False) -> bytes:
    """The whole file: BOM, header line, one line per row, French conventions (see module doc)."""
    header, rows = _with_mark(header, rows, demo)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator=LINE_END)
    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in rows)
    return (BOM + out.getvalue()).encode("utf-8")


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, demo: bool = False
) -> HttpResponse:
    """A CSV download named ``filename``; ``demo`` adds the mark column if it is not there yet."""
    return _attachment(csv_bytes(header, rows, demo=demo), CSV_CONTENT_TYPE, filename)


def frame_csv_response(filename: str, frame: pd.DataFrame, *, demo: bool = False) -> HttpResponse:
    """:func:`csv_response` for a DataFrame (its columns are the header, its index is dropped)."""
    rows = frame.astype(object).itertuples(index=False, name=None)
    return csv_response(filename, [str(c) for c in frame.columns], rows, demo=demo)


def xlsx_bytes(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per table (sheet names cut to Excel's 31 characters)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def xlsx_response(filename: str, tables: Mapping[str, pd.DataFrame]) -> HttpResponse:
    """An XLSX download named ``filename``, one sheet per table."""
    return _attachment(xlsx_bytes(tables), XLSX_CONTENT_TYPE, filename)
