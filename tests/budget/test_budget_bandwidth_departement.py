"""Bandwidth sizing, département aggregation, tornado details and exporters."""

from __future__ import annotations

import json
import math
from decimal import Decimal

import pandas as pd
import pytest

from numeduc import budget
from numeduc.budget import (
    bandwidth,
    bandwidth_table,
    load_preset,
    simulate,
    simulate_departement,
    tornado,
)
from numeduc.reference import colleges

PAPER = load_preset("livre-blanc-2017")


# -- bandwidth ---------------------------------------------------------------------------


def test_top_down_targets_match_the_spec_cross_check():
    # 400 pupils + 40 staff: 44 Mbit/s at 100 kbit/s per user, 440 Mbit/s at 1 Mbit/s.
    result = bandwidth(400, 40, "eim")
    assert result.users == 440
    assert result.baseline_mbps == pytest.approx(44.0)
    assert result.target_mbps == pytest.approx(440.0)


def test_concurrency_and_floor():
    shared = bandwidth(400, 40, "eim", concurrency=2.0)
    assert shared.target_mbps == pytest.approx(220.0)
    assert bandwidth(100, 10, "eim", floor_mbps=100).baseline_mbps == 100


def test_bottom_up_eim():
    result = bandwidth(400, 40, "eim")
    assert result.devices_present == pytest.approx(440)
    assert result.clients_associated == pytest.approx(220)  # 50 % associated
    assert result.clients_active == pytest.approx(176)  # 40 % active
    assert result.peak_mbps == pytest.approx(176)  # 1 Mbit/s per active client
    assert result.contract_mbps == pytest.approx(176 * 1.35)
    # One AP per classroom covers 30 pupils × 1 device × 50 % = 15 clients < 30.
    assert result.access_points == 17
    assert result.access_points_capacity == math.ceil(220 / 30)


def test_classe_mobile_devices_are_the_carts_in_use():
    result = bandwidth(400, 40, "classe_mobile", carts_in_use=4, cart_size=30)
    assert result.devices_present == pytest.approx(120 + 40)


def test_byod_dense_rooms_need_two_access_points():
    # 30 pupils × 2 devices + 1 teacher device = 61 × 50 % = 30.5 > 30 clients per AP.
    result = bandwidth(400, 40, "byod", classrooms=10)
    assert result.access_points_coverage == 20
    assert bandwidth(400, 40, "byod", classrooms=10, clients_per_ap=50).access_points_coverage == 10


def test_gaps_against_current_access():
    result = bandwidth(400, 40, "eim", current_mbps=50)
    assert result.gap_baseline_mbps == 0  # 44 Mbit/s needed, 50 available
    assert result.gap_target_mbps == pytest.approx(390)
    assert bandwidth(400, 40, "eim").gap_target_mbps is None


def test_bandwidth_rejects_impossible_values():
    with pytest.raises(ValueError, match="stratégie inconnue"):
        bandwidth(400, 40, "tablettes")
    with pytest.raises(ValueError, match="Facteur de simultanéité : 0, minimum 1"):
        bandwidth(400, 40, "eim", concurrency=0)


def test_bandwidth_table_per_college():
    frame = pd.DataFrame({"uai": ["A", "B", "C"], "pupils": [200, None, 800], "current": [20, 100, None]})
    table = bandwidth_table(frame, strategy="eim", current_mbps="current")
    assert list(table["uai"]) == ["A", "C"]
    assert table.loc[0, "baseline_mbps"] == pytest.approx(22.0)  # 200 + 20 staff
    assert table.loc[0, "gap_baseline_mbps"] == pytest.approx(2.0)
    assert pd.isna(table.loc[1, "gap_baseline_mbps"])


# -- département -------------------------------------------------------------------------


def test_departement_sums_its_real_public_colleges():
    reference = colleges(public_only=True)
    loiret = reference[reference["departement_code"] == "45"]
    result = simulate_departement(PAPER, "45")
    assert result.n_colleges == len(loiret)
    known = loiret["pupils"].dropna()
    filled = known.sum() + round(known.mean()) * loiret["pupils"].isna().sum()
    assert result.pupils == filled
    # Each collège: the paper's costs with its own pupils (only the ENT line depends on them).
    expected = sum(
        budget.cents(simulate(PAPER.replace(values={"pupils": int(p)})).total_per_year_exact)
        for p in result.colleges["pupils"]
    )
    assert abs(Decimal(str(result.colleges["total_per_year"].sum())) - expected) < Decimal("0.01")
    assert abs(result.total_per_year - expected) <= Decimal("0.01") * result.n_colleges
    assert sum(result.buckets().values()) == pytest.approx(100, abs=0.2)
    assert "rentrée 2020" in result.source


def test_departement_from_a_dataframe_and_missing_pupils():
    frame = pd.DataFrame(
        {"uai": ["X1", "X2", "X3"], "departement_code": ["01", "01", "02"], "pupils": [300, None, 999]}
    )
    result = simulate_departement(PAPER, "01", frame)
    assert list(result.colleges["pupils"]) == [300, 300]
    assert list(result.colleges["pupils_estimated"]) == [False, True]
    one = simulate(PAPER.replace(values={"pupils": 300})).total_per_year_exact
    assert result.total_per_year == budget.cents(2 * one)


def test_departement_fallback_to_a_count_and_a_mean():
    # A département whose collèges the caller does not know (empty frame): a count and a mean.
    none_known = pd.DataFrame({"uai": [], "departement_code": [], "pupils": []})
    result = simulate_departement(PAPER, "48", none_known, n_colleges=62, mean_pupils=400)
    assert result.n_colleges == 62
    assert result.pupils == 62 * 400
    assert result.total_per_year == budget.cents(62 * simulate(PAPER).total_per_year_exact)
    with pytest.raises(ValueError, match="aucun collège"):
        simulate_departement(PAPER, "48", none_known)


def test_a_departement_that_does_not_exist_is_refused():
    # 99 is INSEE's « abroad », ZZ nothing: no budget is computed for them.
    for code in ("99", "ZZ", "450"):
        with pytest.raises(ValueError, match=f"Département : code « {code} » inconnu"):
            simulate_departement(PAPER, code, n_colleges=62, mean_pupils=400)


def test_scale_equipment_grows_fixed_equipment_with_pupils():
    frame = pd.DataFrame({"uai": ["A"], "pupils": [800]})
    plain = simulate_departement(PAPER, None, frame)
    scaled = simulate_departement(PAPER, None, frame, scale_equipment=True)
    doubled = PAPER.replace(
        values={
            "pupils": 800,
            "staff": 80,
            "classrooms": 34,
            "desktops": 80,
            "tbi_rooms": 34,
            "access_points": 20,
            "carts": 8,
            "hybrid_carts": 4,
        }
    )
    assert scaled.total_per_year == simulate(doubled).total_per_year
    assert scaled.total_per_year > plain.total_per_year


# -- tornado -----------------------------------------------------------------------------


def test_tornado_on_the_paper_preset():
    bars = tornado(PAPER)
    top = bars[0]
    # Tablet price over its sourced range 300–566 €: 120 tablets / 4 years, plus 10 % maintenance.
    assert top.parameter == "mobile_device_price"
    assert (top.low_value, top.high_value) == (300, 566)
    assert top.swing == Decimal(120 * 266) / 4 * Decimal("1.1")
    by_name = {bar.parameter: bar for bar in bars}
    assert by_name["desktops"].low_value == 32 and by_name["desktops"].range_source == "±20 %"
    # Parameters with no effect on this scenario are left out unless asked for.
    assert "technician_cost" not in by_name
    assert "technician_cost" in {bar.parameter for bar in tornado(PAPER, include_zero=True)}


def test_tornado_restricted_and_per_pupil():
    bars = tornado(PAPER, parameters=["pupils"], per_pupil=True)
    assert len(bars) == 1 and bars[0].total_low > bars[0].total_high  # more pupils, lower €/pupil
    with pytest.raises(ValueError, match="inconnus"):
        tornado(PAPER, parameters=["nope"])


# -- exporters ---------------------------------------------------------------------------


def test_exporters(tmp_path):
    sim = simulate(PAPER)
    lines = budget.to_dataframe(sim)
    assert list(lines.columns) == ["name", "family", "label_fr", "amount", "unit", "source"]
    assert lines["amount"].sum() == pytest.approx(45451.43)
    years = budget.to_dataframe(sim, "years")
    assert list(years["year"]) == [1, 2, 3, 4, 5]
    assert years["cumulative"].iloc[-1] == pytest.approx(227257.14)
    text = budget.to_csv(sim, tmp_path / "lines.csv")
    assert (tmp_path / "lines.csv").read_bytes().decode("utf-8") == text
    assert text.startswith("\ufeff") and ";3042,86;" in text
    assert ",3042.86," in budget.to_csv(sim, variant="csv-machine")
    path = budget.to_xlsx(sim, tmp_path / "budget.xlsx")
    sheets = pd.read_excel(path, sheet_name=None)
    assert set(sheets) == {"Lignes", "Années", "Paramètres"}
    assert sheets["Lignes"]["Montant annuel (€)"].sum() == pytest.approx(45451.43)
    data = json.loads(json.dumps(budget.simulation_to_dict(sim)))
    assert data["total_per_year"] == 45451.43 and data["per_pupil_per_year"] == 113.63


def test_scenario_bandwidth_reads_the_scenario():
    eim = load_preset("eim-plan-numerique-2016")
    result = budget.scenario_bandwidth(eim, current_mbps=20)
    assert result == bandwidth(
        400, 40, "eim", classrooms=17, carts_in_use=0, cart_size=30, devices_per_pupil=1.0, current_mbps=20
    )
    # The paper's 10 access points do not cover its 17 classrooms.
    assert budget.scenario_bandwidth(PAPER).access_points == 17 > PAPER["access_points"]


def test_central_costs_are_added_once():
    frame = pd.DataFrame({"uai": ["A", "B"], "pupils": [400, 400]})
    plain = simulate_departement(PAPER, None, frame)
    with_central = simulate_departement(PAPER, None, frame, central_per_year=100000)
    assert with_central.total_per_year - plain.total_per_year == 100000
    assert with_central.colleges["total_per_year"].sum() == pytest.approx(
        plain.colleges["total_per_year"].sum()
    )
    with pytest.raises(ValueError):
        simulate_departement(PAPER, None, frame, central_per_year=-1)


def test_docs_list_every_parameter_with_its_unit():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "budget.md").read_text(encoding="utf-8")
    # Section 9 (« Tous les paramètres »); section 10 lists them again with their bounds.
    text = text.split("## 10. Bornes")[0]
    for spec in budget.PARAMETER_SPECS:
        assert f"| `{spec.name}` |" in text
        rows = [line for line in text.splitlines() if line.startswith(f"| `{spec.name}` | {spec.label_fr} |")]
        assert len(rows) == 1 and f"| {spec.unit} |" in rows[0]


def test_negative_pupils_in_a_dataframe_are_rejected():
    frame = pd.DataFrame({"uai": ["A", "B"], "pupils": [400, -3]})
    with pytest.raises(ValueError, match="B"):
        simulate_departement(PAPER, None, frame)
