"""``numeduc budget …`` commands (Typer CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from numeduc.cli.budget import app

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "budget-scenario.yaml"
NNBSP, NBSP = "\u202f", "\u00a0"
runner = CliRunner()

PAPER_TABLE = {
    "connexion": 6000.00,
    "wired_network": 5000.00,
    "wifi": 1000.00,
    "network_maintenance": 3042.86,
    "desktops": 6400.00,
    "desktop_maintenance": 4000.00,
    "local_servers": 428.57,
    "ent_software": 1500.00,
    "mdm": 2160.00,
    "tbi_vpi": 2720.00,
    "mobile_equipment": 12000.00,
    "mobile_maintenance": 1200.00,
}


def run(*args: str):
    return runner.invoke(app, list(args))


def test_simulate_json_reproduces_the_paper_to_the_cent():
    result = run("simulate", "--preset", "livre-blanc-2017", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total_per_year"] == 45451.43
    assert data["per_pupil_per_year"] == 113.63
    assert {line["name"]: line["amount"] for line in data["lines"]} == PAPER_TABLE
    assert all(line["unit"] == "€/an" and line["source"] for line in data["lines"])
    assert [year["year"] for year in data["years"]] == [1, 2, 3, 4, 5]
    assert data["years"][0]["total"] == 45451.43
    assert data["years"][-1]["cumulative"] == 227257.14
    assert data["years"][0]["by_family"]["wifi_thd"] == 12000.0


def test_simulate_table_uses_french_number_format():
    result = run("simulate", "--preset", "livre-blanc-2017")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"45{NNBSP}451,43{NBSP}€" in out
    assert f"113,63{NBSP}€" in out
    for amount in ("3" + NNBSP + "042,86", "428,57", "12" + NNBSP + "000,00", "1" + NNBSP + "200,00"):
        assert amount + NBSP + "€" in out
    assert "Classes mobiles" in out


def test_simulate_csv_and_xlsx(tmp_path, export_reader):
    result = run("simulate", "-p", "livre-blanc-2017", "-f", "csv")
    assert result.exit_code == 0
    french = export_reader.french(result.stdout_bytes)
    assert list(french.columns) == [
        "Identifiant de la ligne",
        "Famille",
        "Ligne",
        "Montant annuel (€)",
        "Unité du montant",
        "Source et hypothèses",
        "Avertissement",
    ]
    row = french.set_index("Identifiant de la ligne").loc["network_maintenance"]
    assert row["Montant annuel (€)"] == 3042.86 and row["Famille"] == "Maintenance et support"
    assert french["Montant annuel (€)"].sum() == pytest.approx(45451.43)
    result = run("simulate", "-p", "livre-blanc-2017", "-f", "csv-machine")
    machine = export_reader.machine(result.stdout_bytes)
    assert list(machine.columns) == ["name", "family", "label_fr", "amount", "unit", "source", "demo_warning"]
    assert machine.set_index("name").loc["network_maintenance", "family"] == "maintenance"
    assert list(machine["amount"]) == list(french["Montant annuel (€)"])
    target = tmp_path / "budget.xlsx"
    result = run("simulate", "-p", "livre-blanc-2017", "-f", "xlsx", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert pd.read_excel(target, sheet_name="Lignes")["Montant annuel (€)"].sum() == pytest.approx(45451.43)
    years = pd.read_excel(target, sheet_name="Années")
    assert years["Cumul actualisé (€)"].iloc[-1] == pytest.approx(227257.14)


def test_xlsx_requires_output():
    result = run("simulate", "-p", "livre-blanc-2017", "-f", "xlsx")
    assert result.exit_code != 0
    assert "--output" in result.stderr


def test_json_to_file(tmp_path):
    target = tmp_path / "out.json"
    result = run("simulate", "-p", "byod", "-f", "json", "-o", str(target))
    assert result.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["scenario"]["strategy"] == "byod"


def test_simulate_scenario_file():
    result = run("simulate", "--scenario", str(EXAMPLE), "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["scenario"]["mode"] == "cash" and len(data["years"]) == 8


def test_invalid_scenario_gives_a_french_error_naming_file_line_and_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("base: livre-blanc-2017\nparameters:\n  desktop_price: -5\n", encoding="utf-8")
    result = run("simulate", "--scenario", str(path))
    assert result.exit_code == 2
    assert str(path) in result.stderr
    assert "ligne 3" in result.stderr and "« parameters.desktop_price »" in result.stderr
    assert "négatif" in result.stderr
    assert result.stdout == ""


def test_preset_xor_scenario():
    assert "l'un des deux" in run("simulate").stderr
    result = run("simulate", "-p", "livre-blanc-2017", "-s", str(EXAMPLE))
    assert result.exit_code == 2
    unknown = run("simulate", "-p", "inexistant")
    assert (
        unknown.exit_code == 2
        and "préréglage inconnu" in unknown.stderr
        and "livre-blanc-2017" in unknown.stderr
    )


def test_presets_lists_them_all():
    result = run("presets")
    assert result.exit_code == 0
    for name in ("livre-blanc-2017", "eim-plan-numerique-2016", "byod", "hybride", "complet-tco"):
        assert name in result.stdout
    assert f"113,63{NBSP}€" in result.stdout


def test_bandwidth_command():
    result = run(
        "bandwidth", "--pupils", "400", "--staff", "40", "--strategy", "eim", "--current", "20", "-f", "json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["baseline_mbps"] == pytest.approx(44.0)
    assert data["gap_baseline_mbps"] == pytest.approx(24.0)
    assert data["access_points"] == 17
    table = run("bandwidth", "--pupils", "400", "--staff", "40", "--strategy", "eim")
    assert table.exit_code == 0
    assert f"440,0{NBSP}Mbit/s" in table.stdout
    bad = run("bandwidth", "--pupils", "400", "--strategy", "tablettes")
    assert bad.exit_code != 0


def test_tornado_command(export_reader):
    result = run("tornado", "-p", "livre-blanc-2017", "--top", "3", "-f", "json")
    assert result.exit_code == 0, result.output
    bars = json.loads(result.stdout)
    assert len(bars) == 3
    assert bars[0]["parameter"] == "mobile_device_price"
    assert [b["swing"] for b in bars] == sorted((b["swing"] for b in bars), reverse=True)
    assert "Prix d'une tablette" in run("tornado", "-p", "livre-blanc-2017").stdout
    french = export_reader.french(
        run("tornado", "-p", "livre-blanc-2017", "--top", "3", "-f", "csv").stdout_bytes
    )
    machine = export_reader.machine(
        run("tornado", "-p", "livre-blanc-2017", "--top", "3", "-f", "csv-machine").stdout_bytes
    )
    assert list(machine["parameter"]) == [b["parameter"] for b in bars]
    assert (
        list(machine["swing"])
        == list(french["Écart entre les deux totaux (€)"])
        == [b["swing"] for b in bars]
    )


def test_departement_and_bandwidth_csv_variants(export_reader):
    french = export_reader.french(
        run("departement", "45", "-p", "livre-blanc-2017", "-f", "csv").stdout_bytes
    )
    machine = export_reader.machine(
        run("departement", "45", "-p", "livre-blanc-2017", "-f", "csv-machine").stdout_bytes
    )
    assert len(french) == len(machine) > 50
    assert set(french["Éducation prioritaire"].dropna()) <= {"aucune", "REP", "REP+"}
    assert set(machine["priority_education"].dropna()) <= {"none", "REP", "REP+"}
    assert set(french["Effectif estimé"]) <= {"oui", "non"} and machine["pupils_estimated"].dtype == bool
    assert list(french["Coût annuel (€)"]) == list(machine["total_per_year"])
    bandwidth = export_reader.french(run("bandwidth", "--departement", "45", "-f", "csv").stdout_bytes)
    assert set(bandwidth["Stratégie d'équipement"]) == {"Classes mobiles partagées"}
    machine = export_reader.machine(run("bandwidth", "--departement", "45", "-f", "csv-machine").stdout_bytes)
    assert set(machine["strategy"]) == {"classe_mobile"}
    assert list(machine["contract_mbps"]) == list(bandwidth["Débit à contractualiser (Mbit/s)"])


def test_departement_command():
    result = run("departement", "45", "-p", "livre-blanc-2017", "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n_colleges"] == len(data["colleges"]) > 0
    assert data["total_per_year"] == pytest.approx(
        sum(c["total_per_year"] for c in data["colleges"]), abs=0.01 * data["n_colleges"]
    )
    for code in ("99", "ZZ"):
        unknown = run(
            "departement", code, "-p", "livre-blanc-2017", "--colleges", "10", "--mean-pupils", "400"
        )
        assert (
            unknown.exit_code == 2 and f"code « {code} » inconnu" in unknown.stderr and unknown.stdout == ""
        )


def test_departement_without_colleges_uses_a_count_and_a_mean(monkeypatch):
    import numeduc.reference

    real = numeduc.reference.colleges

    def without_lozere(**kw):
        # The Lozère as if the reference data held none of its collèges.
        frame = real(**kw)
        return frame[frame["departement_code"] != "48"]

    monkeypatch.setattr(numeduc.reference, "colleges", without_lozere)
    missing = run("departement", "48", "-p", "livre-blanc-2017")
    assert missing.exit_code == 2 and "--colleges" in missing.stderr
    fallback = run(
        "departement",
        "48",
        "-p",
        "livre-blanc-2017",
        "--colleges",
        "10",
        "--mean-pupils",
        "400",
        "-f",
        "json",
    )
    assert fallback.exit_code == 0, fallback.output
    assert json.loads(fallback.stdout)["total_per_year"] == pytest.approx(454514.29)


def test_budget_family_is_registered_in_main_app():
    from numeduc.cli.main import app as main_app

    result = runner.invoke(main_app, ["budget", "--help"])
    assert result.exit_code == 0
    assert "simulate" in result.stdout and "bandwidth" in result.stdout


def test_bandwidth_for_a_whole_departement():
    result = run("bandwidth", "--departement", "45", "--strategy", "eim", "--current", "50", "-f", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    from numeduc.reference import colleges

    reference = colleges(public_only=True)
    loiret = reference[(reference["departement_code"] == "45") & reference["pupils"].notna()]
    assert len(rows) == len(loiret)
    for row in rows:
        assert row["gap_baseline_mbps"] == pytest.approx(max(0.0, row["baseline_mbps"] - 50), abs=1e-3)
    table = run("bandwidth", "--departement", "45", "--current", "50")
    assert table.exit_code == 0 and "Collèges sous la cible" in table.stdout
    assert run("bandwidth").exit_code == 2
    assert run("bandwidth", "--departement", "00").exit_code == 2


def test_cash_mode_table_shows_each_year(tmp_path):
    target = tmp_path / "table.txt"
    result = run("simulate", "--scenario", str(EXAMPLE), "--output", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert "Année par année" in text
    data = json.loads(run("simulate", "--scenario", str(EXAMPLE), "-f", "json").stdout)
    first = data["years"][0]["total"]
    whole, cents = f"{first:.2f}".split(".")
    assert f"{int(whole):,}".replace(",", NNBSP) + f",{cents}{NBSP}€" in text


@pytest.mark.parametrize(
    ("code", "of"), [("45", "du Loiret"), ("37", "de l'Indre-et-Loire"), ("78", "des Yvelines")]
)
def test_tables_name_the_departement_with_its_article(code, of):
    budget = run("departement", code, "-p", "livre-blanc-2017")
    assert budget.exit_code == 0, budget.output
    assert f"Budget {of} ({code}) :" in " ".join(budget.stdout.split())  # rich may wrap the title
    bandwidth = run("bandwidth", "--departement", code, "--current", "50")
    assert bandwidth.exit_code == 0, bandwidth.output
    assert f"collèges publics {of} ({code}), stratégie" in " ".join(bandwidth.stdout.split())
