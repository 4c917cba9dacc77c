"""Scenario files: loading, validation errors (French, naming file, field and line)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from numeduc.budget import (
    ScenarioError,
    load_preset,
    load_scenario,
    scenario_from_dict,
    simulate,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "budget-scenario.yaml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_scenario_loads_and_simulates():
    scenario = load_scenario(EXAMPLE)
    assert scenario.strategy == "eim"
    assert scenario.mode == "cash"
    assert scenario.horizon == 8
    assert scenario["pupils"] == 500
    assert scenario["mobile_device_price"] == 420
    assert scenario.parameter("staff").source == "effectif du collège, rentrée 2024"
    # Values not given come from the base preset, with the preset's source.
    assert scenario["desktop_price"] == 800
    sim = simulate(scenario)
    assert len(sim.years) == 8
    assert any(line.name == "state_cofunding" for line in sim.lines)


def test_base_and_overrides(tmp_path):
    path = write(tmp_path, "base: livre-blanc-2017\nparameters:\n  pupils: 500\n")
    sim = simulate(load_scenario(path))
    # Only the ENT line depends on pupils: +100 pupils × 3.75 €.
    assert sim.total_per_year == Decimal("45451.43") + 375
    assert sim.per_pupil_per_year == Decimal("91.65")  # 45 826.43 / 500 = 91.652857


def test_decimal_values_are_exact(tmp_path):
    path = write(
        tmp_path,
        "base: livre-blanc-2017\nparameters:\n  ent_per_pupil: 0.1\n  mobile_maintenance_rate: '0,3'\n",
    )
    scenario = load_scenario(path)
    assert scenario["ent_per_pupil"] == Decimal("0.1")
    assert scenario["mobile_maintenance_rate"] == Decimal("0.3")


@pytest.mark.parametrize(
    ("text", "field", "line", "words"),
    [
        (
            "parameters:\n  pupils: 400\n  tablet_prize: 300\n",
            "parameters.tablet_prize",
            3,
            "paramètre inconnu",
        ),
        ("parameters:\n  desktop_price: -800\n", "parameters.desktop_price", 2, "négatif"),
        (
            "parameters:\n  desktop_life: {value: 0, unit: ans}\n",
            "parameters.desktop_life.value",
            2,
            "strictement positive",
        ),
        ("strategy: tablettes\n", "strategy", 1, "stratégie inconnue"),
        ("mode: leasing\n", "mode", 1, "mode inconnu"),
        ("support: magique\n", "support", 1, "support inconnue"),
        ("parameters:\n  desktops: 4.5\n", "parameters.desktops", 2, "entier"),
        ("parameters:\n  byod_loan_share: 1.5\n", "parameters.byod_loan_share", 2, "entre 0 et 1"),
        ("parameters:\n  desktop_price: huit cents\n", "parameters.desktop_price", 2, "nombre attendu"),
        (
            "parameters:\n  desktop_price: {value: 800, unit: dollars}\n",
            "parameters.desktop_price.unit",
            2,
            "unité",
        ),
        ("parameters:\n  desktop_price: {unit: €/poste}\n", "parameters.desktop_price", 2, "value"),
        ("horizon: 0\n", "horizon", 1, "Horizon : 0 an, minimum 1 an"),
        ("horizon: cinq\n", "horizon", 1, "entier"),
        ("state_cofunding: peut-être\n", "state_cofunding", 1, "oui/non"),
        ("budget: 12\n", "budget", 1, "champ inconnu"),
        ("base: inexistant\n", "base", 1, "préréglage inconnu"),
        (
            "name: x\n\nparameters:\n  technician_cost: 1\n  colleges_per_technician: 0\n",
            "parameters.colleges_per_technician",
            5,
            "strictement positive",
        ),
    ],
)
def test_validation_errors_name_file_field_and_line(tmp_path, text, field, line, words):
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    error = info.value
    assert error.field == field
    assert error.line == line
    message = str(error)
    assert str(path) in message
    assert f"ligne {line}" in message
    assert f"« {field} »" in message
    assert words in message


def test_broken_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "name: x\nparameters:\n  pupils: [400\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "YAML illisible" in str(info.value)
    assert info.value.line is not None


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(ScenarioError, match="introuvable"):
        load_scenario(tmp_path / "absent.yaml")
    with pytest.raises(ScenarioError, match="vide"):
        load_scenario(write(tmp_path, ""))
    with pytest.raises(ScenarioError, match="dictionnaire"):
        load_scenario(write(tmp_path, "- a\n- b\n"))


def test_dict_source_is_named():
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict({"parameters": {"pupils": -3}}, source="formulaire web")
    assert str(info.value).startswith("formulaire web, champ « parameters.pupils »")


def test_french_aliases_for_options():
    scenario = scenario_from_dict(
        {"strategy": "hybrid", "mode": "trésorerie", "support": "externalisé", "state_cofunding": "oui"}
    )
    assert (scenario.strategy, scenario.mode, scenario.support, scenario.state_cofunding) == (
        "hybride",
        "cash",
        "outsourced",
        True,
    )


def test_round_trip_through_to_dict():
    scenario = load_preset("complet-tco")
    again = scenario_from_dict(scenario.to_dict(), source="aller-retour")
    assert again.values == scenario.values
    assert simulate(again).total_per_year == simulate(scenario).total_per_year


def test_unknown_preset_raises_key_error():
    with pytest.raises(KeyError):
        load_preset("nope")


def test_scenario_values_are_read_only():
    scenario = load_preset("livre-blanc-2017")
    with pytest.raises(TypeError):
        scenario.values["pupils"] = Decimal(1)
    changed = scenario.replace(values={"pupils": 500})
    assert scenario["pupils"] == 400 and changed["pupils"] == 500


def test_replace_validates_like_a_file():
    with pytest.raises(ScenarioError, match="strictement positive"):
        load_preset("livre-blanc-2017").replace(values={"desktop_life": 0})
    with pytest.raises(ScenarioError, match="stratégie inconnue"):
        load_preset("livre-blanc-2017").replace(strategy="tablettes")
