"""Every CSV and XLSX download of the web application, answered in one place.

The columns of each export and the file conventions are decided in the core
(:mod:`numeduc.exports`, shared with the command line); this module turns them into HTTP
responses. Every CSV export URL answers three ways, chosen by ``?format=``:

- nothing or ``csv``: the French file (BOM, ``;``, decimal comma, French headers and words);
- ``csv-machine``: the machine file (no BOM, ``,``, dot decimals, English ``snake_case``
  headers, raw codes), its name ending in ``-machine.csv``;
- ``schema``: the Frictionless table schema (JSON) of the machine file.

Files built on demonstration data carry the mark (:data:`numeduc.web.demo_mark.DEMO_MARK`) in
their last column, « Avertissement » (``demo_warning``), and ``-demonstration`` in their name.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import pandas as pd
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from numeduc import exports
from numeduc.exports import Table

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCHEMA_CONTENT_TYPE = "application/json; charset=utf-8"
SCHEMA = "schema"

__all__ = [
    "CSV_CONTENT_TYPE",
    "SCHEMA",
    "SCHEMA_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "dated_filename",
    "table_response",
    "workbook_response",
]


def dated_filename(stem: str, ext: str, *, demo: bool = False, fallback: str = "export") -> str:
    """``<slug of stem>[-demonstration]-<YYYYMMDD>.<ext>`` (today's date)."""
    suffix = "-demonstration" if demo else ""
    return f"{slugify(stem) or fallback}{suffix}-{dt.date.today():%Y%m%d}.{ext}"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _machine_name(filename: str) -> str:
    stem, dot, ext = filename.rpartition(".")
    return f"{stem}-machine.{ext}" if dot else f"{filename}-machine"


def table_response(request, filename: str, table: Table, frame: pd.DataFrame, *, demo: bool) -> HttpResponse:
    """The CSV download of ``table`` named ``filename``, in the variant ``?format=`` asks for
    (French by default), or its schema; a French 400 for an unknown format."""
    raw = request.GET.get("format", "")
    if raw.strip().lower() == SCHEMA:
        text = json.dumps(exports.table_schema(table), ensure_ascii=False, indent=2)
        return HttpResponse(text.encode("utf-8"), content_type=SCHEMA_CONTENT_TYPE)
    variant = exports.check_variant(raw)
    if variant is None:
        shown = raw if len(raw) <= 30 else raw[:29] + "…"
        return HttpResponse(
            f"Format inconnu : « {shown} ». Formats possibles : csv (tableur en français), "
            "csv-machine (pour les scripts d'analyse) ou schema (description des colonnes).",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    content = exports.csv_bytes(table, frame, variant=variant, demo=demo)
    name = _machine_name(filename) if variant == exports.MACHINE else filename
    return _attachment(content, CSV_CONTENT_TYPE, name)


def workbook_response(
    filename: str, sheets: Sequence[tuple[str, Table, pd.DataFrame]], *, demo: bool
) -> HttpResponse:
    """An XLSX download named ``filename``, one sheet per ``(sheet name, table, frame)``."""
    return _attachment(exports.xlsx_bytes(sheets, demo=demo), XLSX_CONTENT_TYPE, filename)
