"""The experience sheets: the shipped content validates and is complete, every problem of a bad
file is reported with its file, field and line, and a département's key figures are computed from
the reference data (by hand here) beside the paper's, with the gap explained."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from numeduc import reference
from numeduc.cli.main import app
from numeduc.experiences import ExperienceError, key_figures, load_sheets
from numeduc.experiences.loader import split_front_matter
from numeduc.experiences.model import PAPER_LINE_COUNT

PAPER = Path(__file__).resolve().parents[3] / "shared" / "seed" / "livre-blanc-adf-2017.txt"
DEPARTEMENTS = {"45", "50", "54", "59", "64", "71", "90", "93"}
COUNTRIES = {"australie", "ontario", "chili", "coree-du-sud", "finlande", "nouvelle-zelande"}

GOOD = """\
---
kind: departement
code: "45"
title: "Loiret : essai"
revised: 2026-12-04
strategies: [classe_mobile]
themes: [maintenance]
paper_figures:
  public_colleges: {value: 56, year: 2017, source: {lines: [1295, 1295]}}
  pupils: {value: 30000, year: 2017, source: {lines: [1291, 1291]}}
history:
  - {year: 2016, title: "Maintenance", text: "Reprise en interne.", source: {lines: [1327, 1330]}}
objectives:
  - {text: "Évaluer les usages.", source: {lines: [1352, 1360]}}
---
Une introduction.
"""


def _write(tmp_path: Path, name: str, text: str, folder: str = "departements") -> Path:
    (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    path = tmp_path / folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def test_the_shipped_sheets_are_the_papers_fourteen_and_validate():
    sheets = load_sheets()
    assert set(sheets.departements) == DEPARTEMENTS
    assert set(sheets.countries) == COUNTRIES
    for sheet in sheets.all():
        assert sheet.introduction and sheet.title and sheet.themes, sheet.file
    for sheet in sheets.departements.values():
        assert sheet.history and sheet.objectives and sheet.strategies, sheet.file
        assert sheet.paper_figure("public_colleges") and sheet.paper_figure("pupils"), sheet.file
    for sheet in sheets.countries.values():
        assert sheet.key_figures and sheet.lessons and sheet.programmes, sheet.file


def test_every_fact_points_at_lines_of_the_paper_that_exist():
    lines = PAPER.read_text(encoding="utf-8").splitlines() if PAPER.exists() else None
    for sheet in load_sheets().all():
        facts = [*sheet.history, *sheet.objectives, *sheet.organisation, *sheet.programmes, *sheet.lessons]
        for source in [f.source for f in facts] + [
            f.source for f in (*sheet.paper_figures, *sheet.key_figures)
        ]:
            if source.lines is None:
                continue
            first, last = source.lines
            assert 1 <= first <= last <= PAPER_LINE_COUNT
            if lines is not None:
                assert any(line.strip() for line in lines[first - 1 : last]), (sheet.file, source)


def test_a_figure_of_the_paper_is_where_the_sheet_says():
    if not PAPER.exists():
        pytest.skip("le texte du livre blanc n'est pas sur cette machine")
    lines = PAPER.read_text(encoding="utf-8").splitlines()
    loiret = load_sheets().departements["45"]
    colleges = loiret.paper_figure("public_colleges")
    first, last = colleges.source.lines
    text = " ".join(lines[first - 1 : last])
    assert "56" in text and "collèges publics" in text


def test_the_key_figures_come_from_the_reference_data_with_their_year_beside_the_papers():
    loiret = load_sheets().departements["45"]
    colleges = reference.colleges()
    figures = {f.key: f for f in key_figures("45", reference.departements(), colleges, loiret)}
    mine = colleges[(colleges["departement_code"] == "45") & (colleges["public_private"] == "public")]
    assert figures["public_colleges"].value == len(mine)
    assert figures["pupils"].value == mine["pupils"].sum()
    assert figures["pupils"].year == "2020-2021"
    assert figures["pupils_per_college"].value == pytest.approx(
        mine["pupils"].sum() / mine["pupils"].notna().sum()
    )
    assert figures["population"].value == reference.departements().loc["45", "population"]
    # Never silently replaced: the paper's figure stays beside, and a gap is said.
    assert figures["public_colleges"].paper.value == 56
    assert len(mine) != 56 and "contre 56 dans le livre blanc (2017)" in figures["public_colleges"].difference
    assert figures["population"].difference == ""  # same figure, same year
    assert figures["pupils_per_device"].value is None and figures["pupils_per_device"].paper.value == 6


def test_a_gap_on_pupils_names_the_private_collèges_when_they_explain_it():
    nord = load_sheets().departements["59"]
    figures = {f.key: f for f in key_figures("59", reference.departements(), reference.colleges(), nord)}
    assert "collèges publics et privés" in figures["pupils"].difference


def test_every_problem_of_a_bad_file_is_reported_with_its_field_and_line(tmp_path):
    bad = GOOD.replace('code: "45"', 'code: "46"').replace("[classe_mobile]", "[tablettes]")
    bad = bad.replace("{lines: [1295, 1295]}", "{lines: [1295, 9999]}").replace("year: 2016", "year: 1890")
    bad = bad.replace("  pupils: {value", "  eleves: {value")
    root = _write(tmp_path, "45.md", bad)
    with pytest.raises(ExperienceError) as caught:
        load_sheets(root)
    errors = caught.value.errors
    assert "departements/45.md: code: le code « 46 » doit être le nom du fichier (« 45 ») (ligne 3)" in errors
    assert any("strategies[0]: stratégie « tablettes » inconnu" in e and "(ligne 6)" in e for e in errors)
    assert any(
        "paper_figures.public_colleges.source.lines: lignes 1295-9999 hors du livre blanc" in e
        for e in errors
    )
    assert any("paper_figures.eleves: chiffre « eleves » inconnu" in e and "(ligne 10)" in e for e in errors)
    assert any("history[0].year: année entre 1990 et 2030 attendue, 1890 trouvé" in e for e in errors)
    assert len(errors) == 5


@pytest.mark.parametrize(
    "text, message",
    [
        ("kind: departement\n", "l'en-tête YAML doit commencer à la première ligne par « --- »"),
        ("---\nkind: departement\n", "l'en-tête YAML n'est pas fermé par une ligne « --- »"),
        (GOOD.replace("Une introduction.\n", ""), "introduction manquante après l'en-tête"),
        (GOOD.replace("revised: 2026-12-04", "revised: hier"), "revised: date AAAA-MM-JJ attendue"),
        (GOOD.replace("{lines: [1352, 1360]}", "{url: 'http://x'}"), "adresse « https://… » attendue"),
        (
            GOOD.replace("{lines: [1352, 1360]}", "{reference: 'inconnu.csv'}"),
            "departements.csv, colleges.csv",
        ),
        (GOOD.replace("{lines: [1352, 1360]}", "{}"), "une source : « lines »"),
        (GOOD.replace("value: 56", "value: -3"), "nombre positif attendu, -3.0 trouvé"),
        (GOOD.replace("value: 56", "value: beaucoup"), "nombre attendu, texte trouvé"),
        (
            GOOD.replace('title: "Loiret : essai"', 'title: "Loiret : essai"\ntitle: "bis"'),
            "clé « title » répétée",
        ),
        (GOOD + "\x00", ""),  # a NUL in the body is not YAML: the file still loads or is refused cleanly
    ],
)
def test_refusals_say_what_is_wrong(tmp_path, text, message):
    root = _write(tmp_path, "45.md", text)
    if not message:
        try:
            load_sheets(root)
        except ExperienceError:
            pass
        return
    with pytest.raises(ExperienceError) as caught:
        load_sheets(root)
    assert any(message in e for e in caught.value.errors), caught.value.errors


def test_a_country_sheet_in_the_wrong_folder_or_with_a_bad_slug_is_refused(tmp_path):
    root = _write(tmp_path, "Finlande.md", GOOD.replace("kind: departement", "kind: pays"), folder="pays")
    with pytest.raises(ExperienceError) as caught:
        load_sheets(root)
    text = "\n".join(caught.value.errors)
    assert "minuscules, chiffres et tirets" in text and "clé inconnue « strategies »" in text


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_the_front_matter_splitter_never_crashes_on_any_text(text):
    try:
        front, body = split_front_matter(text, "x.md")
    except ExperienceError as exc:
        assert exc.errors and exc.errors[0].startswith("x.md: ")
    else:
        # The front matter keeps the file's line numbers: its first line is the « --- » one.
        assert front.startswith("\n") and front.count("\n") >= 1


@pytest.mark.django_db
def test_the_cli_lists_every_sheet_with_the_key_figures_and_their_year():
    result = CliRunner().invoke(app, ["experiences", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {(r["kind"], r["code"]) for r in rows} == {("departement", c) for c in DEPARTEMENTS} | {
        ("pays", c) for c in COUNTRIES
    }
    loiret = next(r for r in rows if r["code"] == "45")
    assert loiret["title"].startswith("Loiret")
    assert loiret["key_figures"]["public_colleges"]["year"] == "annuaire de novembre 2024"
    assert loiret["key_figures"]["pupils"]["year"] == "2020-2021"
    assert loiret["key_figures"]["pupils"]["paper_2017"]["value"] == 30000
    result = CliRunner().invoke(app, ["experiences", "validate"])
    assert result.exit_code == 0 and "8 fiches de départements, 6 fiches de pays" in result.output


def test_the_cli_refuses_a_bad_folder_in_french(tmp_path):
    root = _write(tmp_path, "45.md", GOOD.replace('code: "45"', 'code: "46"'))
    result = CliRunner().invoke(app, ["experiences", "validate", str(root)])
    assert result.exit_code == 2
    assert "le code « 46 » doit être le nom du fichier" in result.output
