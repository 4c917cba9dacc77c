"""The one CSV/XLSX download helper: French conventions, read back by the csv module and openpyxl."""

import csv
import datetime as dt
import io
import math
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from numeduc.web import downloads
from numeduc.web.demo_mark import DEMO_MARK


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark first"
    text = content.decode("utf-8")[1:]
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_french_conventions_in_the_bytes():
    content = downloads.csv_bytes(
        ["facteur", "niveau", "mediane", "cout", "vide"],
        [["Équipement", 3, 2.5, Decimal("1234.50"), None], ["a;b", 1, float("nan"), Decimal("0"), ""]],
    )
    assert (
        content
        == ('\ufefffacteur;niveau;mediane;cout;vide\r\nÉquipement;3;2,5;1234,50;\r\n"a;b";1;;0;\r\n').encode()
    )
    assert read_csv(content) == [
        ["facteur", "niveau", "mediane", "cout", "vide"],
        ["Équipement", "3", "2,5", "1234,50", ""],
        ["a;b", "1", "", "0", ""],
    ]


def test_the_demo_mark_column_is_added_once():
    marked = read_csv(downloads.csv_bytes(["a"], [[1], [2]], demo=True))
    assert marked == [["a", "avertissement"], ["1", DEMO_MARK], ["2", DEMO_MARK]]
    already = read_csv(downloads.csv_bytes(["a", "avertissement"], [[1, DEMO_MARK]], demo=True))
    assert already == [["a", "avertissement"], ["1", DEMO_MARK]]
    assert read_csv(downloads.csv_bytes(["a"], [[1]])) == [["a"], ["1"]]


def test_csv_response_headers():
    response = downloads.csv_response("autodiagnostic-45-2017.csv", ["a"], [[0.1]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="autodiagnostic-45-2017.csv"'
    assert read_csv(response.content) == [["a"], ["0,1"]]


def test_frame_csv_response_reads_the_frame_like_its_rows():
    frame = pd.DataFrame({"uai": ["0450001A", "0450002B"], "eleves": [120, 80], "part": [0.25, None]})
    response = downloads.frame_csv_response("usages.csv", frame, demo=True)
    assert read_csv(response.content) == [
        ["uai", "eleves", "part", "avertissement"],
        ["0450001A", "120", "0,25", DEMO_MARK],
        ["0450002B", "80", "", DEMO_MARK],
    ]


def test_xlsx_response_one_sheet_per_table_numbers_stay_numbers():
    tables = {
        "À lire": pd.DataFrame([("Avertissement", DEMO_MARK)], columns=["champ", "valeur"]),
        "Une feuille au nom bien trop long pour Excel": pd.DataFrame({"x": [1.5, 2.0]}),
    }
    response = downloads.xlsx_response("budget.xlsx", tables)
    assert response["Content-Type"] == downloads.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="budget.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["À lire", "Une feuille au nom bien trop lo"]
    assert [list(r) for r in book["À lire"].iter_rows(values_only=True)] == [
        ["champ", "valeur"],
        ["Avertissement", DEMO_MARK],
    ]
    assert [r[0] for r in book.worksheets[1].iter_rows(values_only=True)] == ["x", 1.5, 2]


def test_dated_filename():
    today = f"{dt.date.today():%Y%m%d}"
    assert downloads.dated_filename("Budget 45 Réseau", "csv") == f"budget-45-reseau-{today}.csv"
    assert downloads.dated_filename("", "xlsx", demo=True, fallback="scenario") == (
        f"scenario-demonstration-{today}.xlsx"
    )


# No NUL (the csv module refuses it) and no lone surrogate (not encodable): the project's
# stored texts refuse control characters anyway.
texts = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30)
numbers = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9),
)


@given(st.lists(st.lists(st.one_of(texts, numbers), min_size=3, max_size=3), max_size=8))
def test_any_text_or_number_row_round_trips(rows):
    back = read_csv(downloads.csv_bytes(["a", "b", "c"], rows))
    assert back[0] == ["a", "b", "c"]
    assert len(back) == len(rows) + 1
    for row, read in zip(rows, back[1:], strict=True):
        for value, text in zip(row, read, strict=True):
            if isinstance(value, str):
                assert text == value
            elif isinstance(value, int):
                assert int(text) == value
            elif isinstance(value, Decimal):
                assert "." not in text and Decimal(text.replace(",", ".")) == value
            else:
                assert "." not in text and float(text.replace(",", ".")) == value
                assert not math.isnan(float(text.replace(",", ".")))


def test_every_export_goes_through_the_helper():
    """No other web module writes a CSV or a workbook itself."""
    web = Path(downloads.__file__).parent
    pattern = re.compile(r"csv\.writer|\.to_csv\(|ExcelWriter|text/csv|spreadsheetml")
    offenders = [
        str(path.relative_to(web))
        for path in web.rglob("*.py")
        if path.name != "downloads.py" and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
