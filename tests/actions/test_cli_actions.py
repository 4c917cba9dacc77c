"""``numeduc actions validate|suggest|catalogue`` as written in docs/actions.md."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from numeduc.actions import FACTOR_IDS, load_catalogue
from numeduc.cli.main import app

from .conftest import GOOD_FILE, write_catalogue


def _run(*args: str):
    return CliRunner().invoke(app, ["actions", *args])


def test_validate_counts_the_built_in_catalogue():
    result = _run("validate")
    assert result.exit_code == 0, result.output
    assert (
        result.output.strip()
        == f"Catalogue livré avec numeduc : valide — {len(load_catalogue())} actions dans 5 fichiers."
    )


def test_validate_a_directory_lists_every_error_and_exits_2(good_dir, tmp_path):
    assert _run("validate", str(good_dir)).exit_code == 0
    broken = GOOD_FILE.replace("{factor: f04,", "{factor: f14,").replace(
        "prerequisites: [fibre]", "prerequisites: [x]"
    )
    directory = write_catalogue(tmp_path / "broken", {"equipement.yaml": broken})
    result = _run("validate", str(directory))
    assert result.exit_code == 2
    assert "Erreur : " in result.output and "2 erreurs dans le catalogue d'actions" in result.output
    assert "actions[0].factors[0].factor: facteur « f14 » inconnu" in result.output
    assert "actions[1].prerequisites[0]: préalable « x » inconnu" in result.output
    assert "Traceback" not in result.output


def test_suggest_json_parses_back_in_priority_order():
    result = _run(
        "suggest",
        "--levels",
        "f04=1,f05=1,f07=1",
        "--peers",
        "f07=3",
        "--national",
        "f04=3",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)  # stdout carries only the JSON
    assert rows and [row["rank"] for row in rows] == list(range(1, len(rows) + 1))
    for row in rows:
        assert {"action", "title", "factors", "reason", "source", "family"} <= row.keys()
        assert row["source"].startswith("Livre blanc ADF 2017, ")
    assert rows[0]["factor"] == "f07"
    assert rows[0]["reason"].startswith(
        "Budget par élève : niveau 1 sur 4 alors que la médiane des départements comparables est 3"
    )
    ids = [row["action"] for row in rows]
    assert ids.index("raccordement-fibre") < ids.index("wifi-salles")


def test_suggest_with_budget_limit_and_table():
    table = _run("suggest", "--levels", "f07=1,f01=1", "--limit", "2")
    assert table.exit_code == 0, table.output
    assert "Actions suggérées, par ordre de priorité" in table.output and "Budget par élève" in table.output
    rows = json.loads(
        _run(
            "suggest", "--levels", "f04=1", "--budget", "150 000", "--colleges", "40", "--format", "json"
        ).output
    )
    assert sum(row["yearly_cost"] for row in rows) <= 150_000
    assert "raccordement-fibre" not in [row["action"] for row in rows]  # 40 × (3 000 + 6 000) € a year


def test_suggest_at_the_top_everywhere_says_so():
    levels = ",".join(f"{f}=4" for f in FACTOR_IDS)
    assert json.loads(_run("suggest", "--levels", levels, "--format", "json").output) == []
    assert "Aucune action à suggérer" in _run("suggest", "--levels", levels).output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--levels", "f14=2"], "Erreur : --levels : facteur « f14 » inconnu (facteurs f01 à f13)"),
        (["--levels", "f01=7"], "Erreur : --levels : f01=7 : niveau hors de l'échelle 1 à 4"),
        (["--levels", "f01:2"], "Erreur : --levels : « f01:2 » ne suit pas la forme facteur=niveau"),
        (["--levels", ""], "Erreur : --levels : aucun niveau donné"),
        (
            ["--levels", "f01=1", "--peers", "f01=9"],
            "Erreur : --peers : f01=9 : niveau hors de l'échelle 1 à 4",
        ),
        (["--levels", "f01=1", "--national", "x"], "Erreur : --national : « x » ne suit pas la forme"),
        (["--levels", "f01=1", "--previous", "f01=1.5"], "Erreur : --previous : f01=1.5 : un nombre entier"),
        (
            ["--levels", "f01=1", "--budget", "beaucoup", "--colleges", "3"],
            "Erreur : --budget : « beaucoup » n'est pas un montant",
        ),
        (["--levels", "f01=1", "--budget", "1000"], "Erreur : --budget demande aussi --colleges"),
        (["--levels", "f01=1", "--colleges", "0"], "Erreur : --colleges : « 0 » : nombre de collèges"),
        (["--levels", "f01=1", "--limit", "-3"], "Erreur : --limit : « -3 » : nombre de suggestions"),
    ],
)
def test_suggest_refuses_bad_input_in_french_with_exit_2(args, message):
    result = _run("suggest", *args, "--format", "json")
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""  # nothing half-printed where the JSON would go
    assert "Traceback" not in result.output


def test_catalogue_json_is_the_whole_catalogue_with_families():
    result = _run("catalogue", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    catalogue = load_catalogue()
    assert [row["action"] for row in rows] == [a.id for a in catalogue]
    first = rows[0]
    assert {
        "action",
        "title",
        "factors",
        "source",
        "family",
        "why",
        "how",
        "cost",
        "partners",
        "indicators",
    } <= first.keys()
    assert first["factors"][0].keys() == {"factor", "label", "from", "to"}
    assert _run("catalogue").exit_code == 0


def test_the_real_command_refuses_without_a_traceback():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "numeduc.cli.main", "actions", "suggest", "--levels", "f01:2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("Erreur : --levels : « f01:2 » ne suit pas la forme facteur=niveau")
    assert "Traceback" not in done.stderr and done.stdout == ""
