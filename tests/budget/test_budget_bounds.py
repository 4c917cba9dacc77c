"""Every number that enters the budget model has a domain (registry bounds), checked everywhere."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from numeduc import budget
from numeduc.budget import (
    PARAMETER_SPECS,
    PARAMETERS,
    Scenario,
    ScenarioError,
    load_scenario,
    scenario_from_dict,
)
from numeduc.budget.parameters import (
    BANDWIDTH_SPECS,
    BOUNDS_WHY,
    DEPARTEMENT_SPECS,
    OPTION_SPECS,
    OPTIONS_WHY,
    fr_decimal,
    parse_number,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "budget.md"
PAPER = budget.load_preset("livre-blanc-2017")
NNBSP = "\u202f"


def refused(values: dict | None = None, **options) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(
            {"base": "livre-blanc-2017", "parameters": values or {}, **options}, source="essai.yaml"
        )
    return info.value


# -- the registry ------------------------------------------------------------------------------


def test_every_parameter_has_sensible_bounds_that_contain_its_default_and_tornado_range():
    for spec in PARAMETER_SPECS:
        assert spec.minimum.is_finite() and spec.maximum.is_finite(), spec.name
        assert spec.minimum < spec.maximum, spec.name
        assert spec.minimum <= spec.default <= spec.maximum, spec.name
        if spec.low is not None:
            assert spec.minimum <= spec.low <= spec.high <= spec.maximum, spec.name
        assert BOUNDS_WHY[spec.name], spec.name  # every bound is justified
    # The bounds the issue names.
    assert (PARAMETERS["pupils"].minimum, PARAMETERS["pupils"].maximum) == (1, 5000)
    assert PARAMETERS["mobile_device_price"].maximum == 10_000
    for spec in PARAMETER_SPECS:
        if spec.kind == "lifetime":
            assert (spec.minimum, spec.maximum) == (1, 30), spec.name
        if spec.kind == "share":
            assert spec.minimum == 0 and spec.maximum <= 1, spec.name
    assert (OPTION_SPECS["cohorts"].minimum, OPTION_SPECS["cohorts"].maximum) == (1, 30)
    assert (OPTION_SPECS["horizon"].minimum, OPTION_SPECS["horizon"].maximum) == (1, 50)


def test_every_preset_lies_within_the_bounds():
    for name in budget.list_presets():
        budget.check_scenario(budget.load_preset(name))


def test_docs_table_is_a_copy_of_the_registry():
    text = DOCS.read_text(encoding="utf-8")

    def shown(v):
        return fr_decimal(v).replace(NNBSP, " ")

    for spec in PARAMETER_SPECS:
        row = (
            f"| `{spec.name}` | {spec.label_fr} | {shown(spec.minimum)} | {shown(spec.maximum)} | {spec.unit}"
        )
        assert row in text, row
        assert BOUNDS_WHY[spec.name] in text
    for group in (OPTION_SPECS, BANDWIDTH_SPECS, DEPARTEMENT_SPECS):
        for spec in group.values():
            row = f"| `{spec.name}` | {spec.label_fr} | {shown(spec.minimum)} | {shown(spec.maximum)} |"
            assert row in text, row
            assert OPTIONS_WHY[spec.name] and OPTIONS_WHY[spec.name] in text, spec.name


# -- the scenario loader ---------------------------------------------------------------------------


@pytest.mark.parametrize("spec", PARAMETER_SPECS, ids=lambda s: s.name)
def test_each_parameter_accepts_its_bounds_and_refuses_beyond(spec):
    low = scenario_from_dict({"parameters": {spec.name: str(spec.minimum)}})
    high = scenario_from_dict({"parameters": {spec.name: str(spec.maximum)}})
    assert (low[spec.name], high[spec.name]) == (spec.minimum, spec.maximum)
    step = Decimal(1) if spec.integer else Decimal("0.001")
    above = refused({spec.name: str(spec.maximum + step)})
    assert above.field == f"parameters.{spec.name}"
    assert above.detail.startswith(f"{spec.label_fr} : ")
    assert f"maximum {fr_decimal(spec.maximum)}" in above.detail
    below = refused({spec.name: str(spec.minimum - step)})
    assert (
        below.detail.startswith(f"{spec.label_fr} : ")
        and f"minimum {fr_decimal(spec.minimum)}" in below.detail
    )


def test_the_testers_values_are_refused_with_label_value_and_bound(tmp_path):
    error = refused({"mobile_device_price": "1e30"})
    assert (
        error.detail
        == f"Prix d'une tablette ou d'un portable : 1e30 €/appareil, maximum 10{NNBSP}000 €/appareil"
    )
    error = refused({"pupils": 1e35})
    assert error.detail == f"Élèves du collège : 1e35 élèves, maximum 5{NNBSP}000 élèves"
    error = refused({"pupils": 0})
    assert (
        error.detail == "Élèves du collège : un coût par élève demande des élèves (0 élève, minimum 1 élève)"
    )
    error = refused(cohorts=1000)
    assert (
        error.field == "cohorts"
        and error.detail == f"Cohortes d'équipement : 1{NNBSP}000 années, maximum 30 années"
    )
    # In a file: the file and the line are named too.
    path = tmp_path / "loiret.yaml"
    path.write_text(
        "name: loiret\nbase: livre-blanc-2017\nparameters:\n  mobile_device_price: 1e30\n", encoding="utf-8"
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith(
        f"{path}, ligne 4, champ « parameters.mobile_device_price » : Prix d'une tablette"
    )


@pytest.mark.parametrize("raw", [".inf", "-.inf", ".nan", "'inf'", "'nan'", "'NaN'", "'sNaN'", "'Infinity'"])
def test_non_finite_values_are_refused(tmp_path, raw):
    path = tmp_path / "s.yaml"
    path.write_text(f"parameters:\n  desktop_price: {raw}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.line == 2 and "Prix d'un ordinateur fixe" in info.value.detail
    assert "entre 0 et 10" in info.value.detail


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("1e999999999999999999", "1e999999999999999999"),
        ("'1e99999999999999999999999'", "« 1e99999999999999999999999 » est hors limites"),
    ],
)
def test_huge_exponents_are_out_of_bounds(tmp_path, raw, shown):
    # Finite for Decimal (or beyond what Decimal holds): refused by the bound, no Overflow.
    path = tmp_path / "s.yaml"
    path.write_text(f"parameters:\n  desktop_price: {raw}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert shown in info.value.detail and "10\u202f000 €/poste" in info.value.detail


@pytest.mark.parametrize(
    "raw, words",
    [
        ("99999999999999999999999999999", "maximum 50"),
        ("-1", "minimum 1"),
        ("2.5", "entier"),
        ("1" + "0" * 5000, "maximum 50"),
        ("'²'", "entier"),
        ("'١٢'", "entier"),
        ("true", "entier"),
        ("[1]", "entier"),
    ],
)
def test_whole_number_options_are_checked(tmp_path, raw, words):
    path = tmp_path / "s.yaml"
    path.write_text(f"horizon: {raw}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.detail.startswith("Horizon : ") or "illisible" in info.value.detail, info.value
    if info.value.detail.startswith("Horizon : "):
        assert words in info.value.detail


def test_json_scenario_files_are_strict(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"base": "livre-blanc-2017", "parameters": {"pupils": 500}}), encoding="utf-8")
    assert load_scenario(path)["pupils"] == 500
    path.write_text('{"parameters": {"pupils": NaN}}', encoding="utf-8")
    with pytest.raises(ScenarioError, match="NaN n'est pas un nombre JSON valide"):
        load_scenario(path)
    path.write_text('{"parameters": {"pupils": 1e30}}', encoding="utf-8")
    with pytest.raises(ScenarioError, match="maximum 5"):
        load_scenario(path)


def test_base_names_only_a_preset():
    error = refused(base="../questionnaires/autodiagnostic/2024")
    assert error.field == "base" and "préréglage inconnu" in error.detail
    with pytest.raises(KeyError):
        budget.load_preset("../questionnaires/autodiagnostic/2024")


def test_unreadable_and_oversized_files_are_french_errors(tmp_path):
    with pytest.raises(ScenarioError, match="dossier"):
        load_scenario(tmp_path)
    big = tmp_path / "big.yaml"
    big.write_text("description: " + "x" * 300_000 + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="trop gros"):
        load_scenario(big)
    alias = tmp_path / "alias.yaml"
    alias.write_text("base: &b livre-blanc-2017\nname: *b\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="ancres"):
        load_scenario(alias)


# -- the engine's entry points -------------------------------------------------------------------


def test_a_scenario_built_in_code_is_checked_by_simulate():
    # Scenario(...) and dataclasses.replace skip the loader: simulate checks again.
    bad = dataclasses.replace(PAPER, values={**PAPER.values, "mobile_device_price": Decimal("1e30")})
    with pytest.raises(ScenarioError, match="maximum 10"):
        budget.simulate(bad)
    with pytest.raises(ScenarioError, match="minimum 1"):
        budget.simulate(Scenario(name="x", values={"pupils": Decimal(0)}))
    with pytest.raises(ScenarioError, match="Horizon"):
        budget.simulate(dataclasses.replace(PAPER, horizon=500))
    with pytest.raises(ScenarioError, match="Cohortes"):
        budget.year_lines(dataclasses.replace(PAPER, cohorts=1000))
    with pytest.raises(ScenarioError, match="Stratégie"):
        budget.simulate(dataclasses.replace(PAPER, strategy="tablettes"))
    with pytest.raises(ScenarioError, match="nombre attendu"):
        budget.simulate(Scenario(name="x", values={"pupils": 400}))  # an int, not a Decimal
    with pytest.raises(ScenarioError, match="Prix"):
        budget.tornado(bad)


def test_replace_converts_and_checks_raw_values():
    with pytest.raises(ScenarioError, match="nombre attendu"):
        PAPER.replace(values={"pupils": "beaucoup"})
    with pytest.raises(ScenarioError, match="maximum"):
        PAPER.replace(values={"pupils": float("1e300")})
    assert PAPER.replace(values={"pupils": "1 200"})["pupils"] == 1200


def test_extreme_scenarios_within_bounds_give_finite_figures_to_the_cent():
    # Every parameter at its maximum (and at its minimum), every strategy: no overflow, no NaN.
    for strategy in budget.STRATEGIES:
        for pick in ("minimum", "maximum"):
            values = {s.name: getattr(s, pick) for s in PARAMETER_SPECS}
            scenario = scenario_from_dict(
                {
                    "parameters": {k: str(v) for k, v in values.items()},
                    "strategy": strategy,
                    "support": "internal",
                    "state_cofunding": True,
                    "indirect_costs": True,
                    "mode": "cash",
                    "horizon": 50,
                    "cohorts": 30,
                }
            )
            sim = budget.simulate(scenario)
            assert sim.total_per_year.is_finite() and sim.per_pupil_per_year.is_finite()
            assert sim.total_per_year == budget.cents(sim.total_per_year)
            json.dumps(budget.simulation_to_dict(sim), allow_nan=False)


def test_departement_refuses_unknown_codes_and_out_of_bound_options():
    with pytest.raises(ValueError, match="Département : code « ZZ » inconnu"):
        budget.simulate_departement(PAPER, "ZZ")
    with pytest.raises(ValueError, match="Nombre de collèges : 1e30 collèges, maximum 500"):
        budget.simulate_departement(PAPER, "45", n_colleges="1e30")
    with pytest.raises(
        ValueError,
        match=r"Effectif moyen d'un collège : un coût par élève demande des élèves \(0 élève, minimum 1",
    ):
        budget.simulate_departement(PAPER, "45", mean_pupils=0)
    with pytest.raises(
        ValueError,
        match=r"Coûts centraux du département : un prix ou un montant ne peut pas être négatif \(-1 €/an, minimum 0",
    ):
        budget.simulate_departement(PAPER, "45", central_per_year=-1)


def test_departement_data_out_of_bounds_and_collèges_without_pupils():
    with pytest.raises(ValueError, match="effectif hors limites"):
        budget.simulate_departement(PAPER, None, pd.DataFrame({"uai": ["A"], "pupils": [9000]}))
    with pytest.raises(ValueError, match="effectif hors limites"):
        budget.simulate_departement(PAPER, None, pd.DataFrame({"uai": ["A"], "pupils": [12.5]}))
    # A real collège without pupils: it costs (its buildings), it has no cost per pupil and no bucket.
    result = budget.simulate_departement(PAPER, None, pd.DataFrame({"uai": ["A", "B"], "pupils": [0, 400]}))
    empty, full = result.colleges.to_dict("records")
    assert empty["total_per_year"] > 0 and pd.isna(empty["per_pupil_per_year"]) and empty["bucket"] == ""
    assert full["per_pupil_per_year"] == 113.63
    assert result.buckets()["plus de 100 €"] == 100.0
    nobody = budget.simulate_departement(PAPER, None, pd.DataFrame({"uai": ["A"], "pupils": [0]}))
    assert nobody.per_pupil_per_year is None


def test_scaled_equipment_must_stay_within_its_bounds():
    one_pupil = PAPER.replace(values={"pupils": 1})
    with pytest.raises(ScenarioError) as info:
        budget.simulate_departement(
            one_pupil, None, pd.DataFrame({"uai": ["A"], "pupils": [1900]}), scale_equipment=True
        )
    assert "équipement proportionnel à l'effectif : pour un collège de 1" in info.value.detail
    assert "maximum" in info.value.detail


def test_tornado_never_leaves_the_bounds():
    at_max = PAPER.replace(values={"mobile_device_price": 10_000, "cart_size": 100, "discount_rate": "0.2"})
    for bar in budget.tornado(at_max, include_zero=True):
        spec = PARAMETERS[bar.parameter]
        assert spec.minimum <= bar.low_value <= bar.base_value <= bar.high_value <= spec.maximum, bar
    with pytest.raises(ValueError, match="Variation relative"):
        budget.tornado(PAPER, variation=1.5)


@pytest.mark.parametrize(
    "option, value, words",
    [
        ("devices_per_pupil", 1e308, "Appareils par élève : 1e308 appareils/élève, maximum 10"),
        ("current_mbps", float("inf"), "Débit internet actuel : nombre fini attendu"),
        ("current_mbps", float("nan"), "Débit internet actuel : nombre fini attendu"),
        ("concurrency", 0, "Facteur de simultanéité : 0, minimum 1"),
        ("clients_per_ap", 2.5, "Clients par borne wifi : un nombre (clients) doit être entier"),
        ("headroom", -1, "Marge au-dessus du pic : la valeur ne peut pas être négative (-1, minimum 0)"),
        (
            "presence",
            2,
            "Part des usagers présents : une part doit être comprise entre 0 et 1, soit 0 % et 100 % (2, maximum 1)",
        ),
    ],
)
def test_bandwidth_options_are_checked(option, value, words):
    with pytest.raises(ValueError) as info:
        budget.bandwidth(400, 40, "eim", **{option: value})
    assert words in str(info.value)


def test_bandwidth_pupils_and_staff_are_checked():
    with pytest.raises(
        ValueError, match=r"Élèves du collège : un coût par élève demande des élèves \(0 élève, minimum 1"
    ):
        budget.bandwidth(0)
    with pytest.raises(ValueError, match="Élèves du collège : 1e30 élèves"):
        budget.bandwidth(1e30)
    with pytest.raises(ValueError, match="Personnels"):
        budget.bandwidth(400, -1)
    with pytest.raises(ValueError, match="Personnels par élève"):
        budget.bandwidth_table(pd.DataFrame({"pupils": [400]}), staff_per_pupil=5)


def test_parse_number_reads_french_and_refuses_the_rest():
    spec = PARAMETERS["desktop_price"]
    assert parse_number(spec, "1 200,50") == (Decimal("1200.50"), None)
    assert parse_number(spec, f"1{NNBSP}200") == (Decimal(1200), None)
    assert parse_number(spec, "-0")[1] is None
    for raw in ("", "abc", "1,2,3", None, [], {}, True, "1" * 2000):
        value, problem = parse_number(spec, raw)
        assert value is None and problem.startswith("Prix d'un ordinateur fixe : "), raw
    assert fr_decimal(Decimal("9" * 100)) == "9,9999999e99"  # never rounded by the context
    assert fr_decimal(Decimal("-1e-9999999")) == "-1e-9999999"
