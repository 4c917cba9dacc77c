"""numeduc.exports: the French and machine CSV variants read back as their readers read them
(a French spreadsheet: BOM, ``;``, decimal comma; ``pandas.read_csv`` with its defaults), the
workbook, and the schema listing exactly the columns of the machine file."""

from __future__ import annotations

import csv
import io
import math
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from numeduc import budget, exports
from numeduc.budget import export as budget_export
from numeduc.demo.mark import DEMO_MARK
from numeduc.exports import Column, Table
from numeduc.usage import export as usage_export
from numeduc.usage.referential import LEVELS

SAMPLE = Table(
    "sample",
    "Exemple",
    "un collège",
    (
        Column("uai", "Code UAI"),
        Column("priority_education", "Éducation prioritaire", labels={"none": "aucune"}),
        Column("pupils", "Élèves", "integer", "élèves"),
        Column("cost", "Coût annuel (€)", "number", "€/an"),
        Column("estimated", "Effectif estimé", "boolean"),
    ),
)


def sample_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uai": ["0450001A", "0450002B"],
            "priority_education": ["none", "REP+"],
            "pupils": [412, None],  # pandas holds the counts as floats: 412.0, NaN
            "cost": [45451.43, 0.25],
            "estimated": [False, True],
        }
    )


def test_the_french_file_opens_in_a_french_spreadsheet(export_reader):
    content = exports.csv_bytes(SAMPLE, sample_frame())
    assert (
        content
        == (
            "\ufeffCode UAI;Éducation prioritaire;Élèves;Coût annuel (€);Effectif estimé;Avertissement\r\n"
            "0450001A;aucune;412;45451,43;non;\r\n"
            "0450002B;REP+;;0,25;oui;\r\n"
        ).encode()
    )
    back = export_reader.french(content)
    assert list(back["Coût annuel (€)"]) == [45451.43, 0.25]


def test_the_machine_file_is_read_by_pandas_defaults(export_reader):
    content = exports.csv_bytes(SAMPLE, sample_frame(), variant=exports.MACHINE)
    assert content == (
        b"uai,priority_education,pupils,cost,estimated,demo_warning\n"
        b"0450001A,none,412,45451.43,false,\n"
        b"0450002B,REP+,,0.25,true,\n"
    )
    back = export_reader.machine(content)
    assert list(back.columns) == SAMPLE.names
    assert list(back["cost"]) == [45451.43, 0.25] and list(back["estimated"]) == [False, True]


def test_demo_rows_carry_the_mark_in_both_variants(export_reader):
    french = export_reader.french(exports.csv_bytes(SAMPLE, sample_frame(), demo=True))
    machine = export_reader.machine(
        exports.csv_bytes(SAMPLE, sample_frame(), variant=exports.MACHINE, demo=True)
    )
    assert set(french["Avertissement"]) == {DEMO_MARK} and set(machine["demo_warning"]) == {DEMO_MARK}


def test_a_frame_with_other_columns_than_its_table_is_refused():
    with pytest.raises(ValueError, match=r"unexpected columns \['extra'\], missing columns \['cost'\]"):
        exports.csv_text(SAMPLE, sample_frame().drop(columns="cost").assign(extra=1))
    with pytest.raises(ValueError, match="unknown CSV variant"):
        exports.csv_text(SAMPLE, sample_frame(), variant="csv-excel")


def test_column_names_are_machine_names():
    with pytest.raises(ValueError, match="snake_case"):
        Column("Coût", "Coût")
    with pytest.raises(ValueError, match="unknown type"):
        Column("cost", "Coût", "money")


def test_the_workbook_has_french_headers_and_words_and_numeric_cells():
    content = exports.xlsx_bytes([("Une feuille au nom bien trop long pour Excel", SAMPLE, sample_frame())])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.title == "Une feuille au nom bien trop lo"
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows == [
        SAMPLE.headers,
        ["0450001A", "aucune", 412, 45451.43, "non", None],
        ["0450002B", "REP+", None, 0.25, "oui", None],
    ]


def test_the_schema_lists_the_machine_columns_with_their_french_headers():
    schema = exports.table_schema(SAMPLE)
    assert [f["name"] for f in schema["fields"]] == SAMPLE.names
    assert [f["title"] for f in schema["fields"]] == SAMPLE.headers
    assert schema["fields"][2] == {"name": "pupils", "title": "Élèves", "type": "integer", "unit": "élèves"}
    assert schema["fields"][1]["french_labels"] == {"none": "aucune"}
    assert schema["dialect"]["delimiter"] == ","


EVERY_TABLE = [*budget_export.TABLES, *usage_export.TABLES]


@pytest.mark.parametrize("table", EVERY_TABLE, ids=lambda t: t.name)
def test_every_core_table_has_unique_french_headers_with_units(table):
    assert len(set(table.headers)) == len(table.headers)
    for column in table.columns:
        assert column.header[0].isupper(), column.header
        if column.unit.startswith("€"):
            assert "€" in column.header, column.header


def test_the_group_levels_all_have_french_words():
    assert set(usage_export.GROUP_LEVEL_LABELS) == {level for level, _ in LEVELS}


def test_budget_exports_read_back_give_the_engines_numbers(export_reader):
    sim = budget.simulate(budget.load_preset(budget.WHITE_PAPER_PRESET))
    french = export_reader.french(budget.to_csv(sim, what="years").encode())
    machine = export_reader.machine(budget.to_csv(sim, what="years", variant=exports.MACHINE).encode())
    engine = budget.to_dataframe(sim, "years")
    assert list(french["Dépense de l'année (€)"]) == list(engine["total"]) == list(machine["total"])
    assert list(machine["hosting"]) == list(engine["hosting"])
    assert list(machine["indirect"]) == [0.0] * len(engine)  # every family has its column
    assert list(machine.columns) == [
        f["name"] for f in exports.table_schema(budget_export.YEARS_TABLE)["fields"]
    ]


# No NUL (the csv module refuses it) and no lone surrogate (not encodable): the project's
# stored texts refuse control characters anyway.
texts = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30)
numbers = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9),
)
ANY = Table("any", "N'importe quoi", "une ligne", tuple(Column(n, n.upper()) for n in ("a", "b", "c")))


# A bare carriage return in a name: csv.writer only quotes its own line terminator's characters.
@example([["Collège\rA", 1, 0.5]], exports.MACHINE)
@example([["Collège\nA", 1, 0.5]], exports.FRENCH)
@given(
    st.lists(st.lists(st.one_of(texts, numbers), min_size=3, max_size=3), max_size=8),
    st.sampled_from(exports.FORMATS),
)
def test_any_text_or_number_row_round_trips(rows, variant):
    frame = pd.DataFrame(rows, columns=["a", "b", "c"], dtype=object)
    dialect = exports.DIALECTS[variant]
    text = exports.csv_text(ANY, frame, variant=variant)
    assert text.startswith(exports.BOM) == dialect.bom
    back = list(
        csv.reader(io.StringIO(text.removeprefix(exports.BOM), newline=""), delimiter=dialect.delimiter)
    )
    assert len(back) == len(rows) + 1
    other = "." if dialect.decimal == "," else ","
    for row, read in zip(rows, back[1:], strict=True):
        assert read[-1] == ""  # demo warning, empty on real data
        for value, cell in zip(row, read[:-1], strict=True):
            if isinstance(value, str):
                assert cell == value
            elif isinstance(value, int):
                assert int(cell) == value
            elif isinstance(value, Decimal):
                assert other not in cell and Decimal(cell.replace(",", ".")) == value
            else:
                assert other not in cell and float(cell.replace(",", ".")) == value
                assert not math.isnan(float(cell.replace(",", ".")))


def test_the_exports_module_stays_in_the_pure_core():
    """The command line writes its files with it: it must not import Django or the web layer."""
    import ast

    tree = ast.parse(open(exports.__file__, encoding="utf-8").read())
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not {m for m in imported if m.startswith(("django", "numeduc.web", "ninja"))}
