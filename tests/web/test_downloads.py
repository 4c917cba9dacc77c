"""The one download helper: every CSV export URL answers the French file, the machine file or its
schema (``?format=``), the workbook keeps numbers numeric; no other module writes a CSV itself."""

import datetime as dt
import io
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

import numeduc
from numeduc.exports import Column, Table
from numeduc.web import downloads
from numeduc.web.demo_mark import DEMO_MARK

TABLE = Table(
    "sample",
    "Exemple",
    "un collège",
    (
        Column("uai", "Code UAI"),
        Column("pupils", "Élèves", "integer", "élèves"),
        Column("share", "Part d'élèves actifs", "number", "part de 0 à 1"),
    ),
)
FRAME = pd.DataFrame({"uai": ["0450001A", "0450002B"], "pupils": [120, 80], "share": [0.25, None]})


def get(query: str = ""):
    return RequestFactory().get(f"/export.csv{query}")


def test_the_french_file_by_default(export_reader):
    response = downloads.table_response(get(), "usages-45.csv", TABLE, FRAME, demo=True)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="usages-45.csv"'
    back = export_reader.french(response.content)
    assert list(back.columns) == ["Code UAI", "Élèves", "Part d'élèves actifs", "Avertissement"]
    assert back["Part d'élèves actifs"].iloc[0] == 0.25 and set(back["Avertissement"]) == {DEMO_MARK}
    same = downloads.table_response(get("?format=csv"), "usages-45.csv", TABLE, FRAME, demo=True)
    assert same.content == response.content


def test_the_machine_file_and_its_schema(export_reader):
    response = downloads.table_response(get("?format=csv-machine"), "usages-45.csv", TABLE, FRAME, demo=False)
    assert response["Content-Disposition"] == 'attachment; filename="usages-45-machine.csv"'
    assert response.content.decode().splitlines() == [
        "uai,pupils,share,demo_warning",
        "0450001A,120,0.25,",
        "0450002B,80,,",
    ]
    schema = downloads.table_response(get("?format=schema"), "usages-45.csv", TABLE, FRAME, demo=False)
    assert schema["Content-Type"] == "application/json; charset=utf-8"
    fields = json.loads(schema.content)["fields"]
    assert [f["name"] for f in fields] == list(export_reader.machine(response.content).columns)
    assert fields[1] == {"name": "pupils", "title": "Élèves", "type": "integer", "unit": "élèves"}


@given(st.text(max_size=40).filter(lambda t: t.strip().lower() not in ("", "csv", "csv-machine", "schema")))
def test_an_unknown_format_is_a_french_400(raw):
    response = downloads.table_response(
        RequestFactory().get("/export.csv", {"format": raw}), "x.csv", TABLE, FRAME, demo=False
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert text.startswith("Format inconnu : « ") and "csv-machine" in text


def test_workbook_one_sheet_per_table_french_headers_numbers_stay_numbers():
    sheets = [
        ("À lire", TABLE, FRAME),
        ("Une feuille au nom bien trop long pour Excel", TABLE, FRAME.head(1)),
    ]
    response = downloads.workbook_response("budget.xlsx", sheets, demo=True)
    assert response["Content-Type"] == downloads.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="budget.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["À lire", "Une feuille au nom bien trop lo"]
    assert [list(r) for r in book["À lire"].iter_rows(values_only=True)] == [
        ["Code UAI", "Élèves", "Part d'élèves actifs", "Avertissement"],
        ["0450001A", 120, 0.25, DEMO_MARK],
        ["0450002B", 80, None, DEMO_MARK],
    ]


def test_dated_filename():
    today = f"{dt.date.today():%Y%m%d}"
    assert downloads.dated_filename("Budget 45 Réseau", "csv") == f"budget-45-reseau-{today}.csv"
    assert downloads.dated_filename("", "xlsx", demo=True, fallback="scenario") == (
        f"scenario-demonstration-{today}.xlsx"
    )


@pytest.mark.parametrize("area", ["web", "cli", "budget", "usage", "stats", "analysis"])
def test_every_export_goes_through_the_helper(area):
    """No module writes a CSV or a workbook itself: numeduc.exports does (numeduc.demo writes the
    synthetic input logs, which are not exports)."""
    root = Path(numeduc.__file__).parent / area
    pattern = re.compile(r"csv\.writer|\.to_csv\(|\.to_excel\(|ExcelWriter|text/csv|spreadsheetml")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "downloads.py" and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
