"""Cost per active pupil (numeduc.usage.cost): euros from the budget engine, mean monthly active
rate of pupils from the indicators, no value (and a reason) instead of a division by zero."""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numeduc import budget
from numeduc.usage import cost
from numeduc.usage.cost import (
    cost_per_active_pupil,
    departement_cost,
    mean_pupil_activity,
)

WHITE_PAPER = budget.load_preset("livre-blanc-2017")


def long_rows(rows):
    """Indicator rows in the long form of compute_indicators (only the columns cost reads)."""
    return pd.DataFrame(rows, columns=["uai", "month", "indicator", "profile", "value"])


ESTABLISHMENTS = pd.DataFrame(
    {
        "uai": ["0480001A", "0480002B", "0480003C", "0480004D", "0480005E"],
        "name": ["Collège A", "Collège B", "Collège C", "Collège D", "Collège E"],
        "pupils": [400, 250, 300, 0, 500],
    }
)
INDICATORS = long_rows(
    [
        ("0480001A", "2024-10", "monthly_active_rate", "ELEVE", 0.5),
        ("0480001A", "2024-11", "monthly_active_rate", "ELEVE", 0.7),
        ("0480001A", "2024-11", "monthly_active_rate", "PARENT", 0.9),  # another profile: ignored
        ("0480001A", "2024-11", "sessions_per_user", "ELEVE", 12.0),  # another indicator: ignored
        ("0480002B", "2024-11", "monthly_active_rate", "ELEVE", 0.4),  # one month only
        ("0480003C", "2024-11", "monthly_active_rate", "PARENT", 0.3),  # no pupil activity at all
        ("0480005E", "2024-10", "monthly_active_rate", "ELEVE", 0.0),
        ("0480005E", "2024-11", "monthly_active_rate", "ELEVE", 0.0),  # nobody active
        ("0480099Z", "2024-11", "monthly_active_rate", "ELEVE", 0.8),  # not in the referential
    ]
)


@pytest.fixture(scope="module")
def hand_built():
    return cost_per_active_pupil(INDICATORS, ESTABLISHMENTS, WHITE_PAPER).set_index("uai")


def test_columns_and_one_row_per_college(hand_built):
    assert list(hand_built.reset_index().columns) == cost.COLUMNS
    assert list(hand_built.index) == list(ESTABLISHMENTS["uai"])
    assert (hand_built["scenario"] == "livre-blanc-2017").all()
    assert hand_built.loc["0480002B", "name"] == "Collège B"


def test_exact_euros_of_a_college_of_the_white_paper_size(hand_built):
    a = hand_built.loc["0480001A"]
    # 400 pupils: the preset itself, 45 451,43 €/year (white paper's table).
    assert a["tco_year"] == float(budget.simulate(WHITE_PAPER).total_per_year) == 45451.43
    assert a["cost_per_pupil"] == 113.63
    assert a["mean_mar_pupils"] == pytest.approx(0.6, abs=1e-15)  # (0.5 + 0.7) / 2
    assert a["months"] == 2
    assert a["active_pupils"] == pytest.approx(240.0, abs=1e-12)
    assert a["cost_per_active_pupil"] == pytest.approx(45451.43 / 240, rel=1e-12)
    assert round(a["cost_per_active_pupil"], 2) == 189.38
    assert a["reason"] == ""


def test_exact_euros_of_a_scaled_college_against_the_engine(hand_built):
    b = hand_built.loc["0480002B"]
    # 250 pupils, equipment scaled by 250/400 and rounded half up (at least 1): written out by
    # hand here, then simulated by the engine.
    scaled = WHITE_PAPER.replace(
        values={
            "pupils": 250,
            "staff": 25,
            "classrooms": 11,
            "desktops": 25,
            "tbi_rooms": 11,
            "access_points": 6,
            "carts": 3,
            "hybrid_carts": 1,
        }
    )
    sim = budget.simulate(scaled)
    assert sim.total_per_year == Decimal("35788.93")
    assert b["tco_year"] == float(sim.total_per_year)
    assert b["cost_per_pupil"] == float(sim.per_pupil_per_year) == 143.16
    assert (b["months"], b["mean_mar_pupils"]) == (1, 0.4)
    assert b["active_pupils"] == pytest.approx(100.0, abs=1e-12)
    assert b["cost_per_active_pupil"] == pytest.approx(357.8893, rel=1e-12)


def test_without_scaling_only_the_pupils_change():
    out = cost_per_active_pupil(INDICATORS, ESTABLISHMENTS, WHITE_PAPER, scale_equipment=False).set_index(
        "uai"
    )
    expected = budget.simulate(WHITE_PAPER.replace(values={"pupils": 250})).total_per_year
    assert out.loc["0480002B", "tco_year"] == float(expected)
    # Fewer pupils, same equipment: only the ENT (paid per pupil) is cheaper: 150 × 3,75 €.
    assert out.loc["0480002B", "tco_year"] == pytest.approx(45451.43 - 150 * 3.75, abs=0.005)


def test_no_value_and_a_reason_instead_of_a_division_by_zero(hand_built):
    c, d, e = hand_built.loc["0480003C"], hand_built.loc["0480004D"], hand_built.loc["0480005E"]
    assert math.isnan(c["cost_per_active_pupil"]) and c["reason"] == cost.NO_ACTIVITY_DATA
    assert c["months"] == 0 and math.isnan(c["mean_mar_pupils"]) and c["tco_year"] > 0
    assert math.isnan(d["cost_per_active_pupil"]) and d["reason"] == cost.NO_PUPILS
    assert math.isnan(d["cost_per_pupil"]) and d["tco_year"] > 0  # a building still costs
    assert math.isnan(e["cost_per_active_pupil"]) and e["reason"] == cost.NO_ACTIVE_PUPILS
    assert (e["months"], e["mean_mar_pupils"], e["active_pupils"]) == (2, 0.0, 0.0)


def test_unknown_pupils_are_not_estimated():
    est = pd.DataFrame({"uai": ["0480001A", "0480002B"], "pupils": [400, None]})
    out = cost_per_active_pupil(INDICATORS, est, WHITE_PAPER).set_index("uai")
    assert out.loc["0480002B", "reason"] == cost.UNKNOWN_PUPILS
    assert math.isnan(out.loc["0480002B", "tco_year"]) and math.isnan(
        out.loc["0480002B", "cost_per_active_pupil"]
    )
    assert out.loc["0480001A", "tco_year"] == 45451.43
    assert out.loc["0480001A", "name"] == ""  # no name column: empty names


def test_missing_columns_are_refused_in_french():
    with pytest.raises(ValueError, match="colonnes uai et pupils"):
        cost_per_active_pupil(INDICATORS, ESTABLISHMENTS.drop(columns="pupils"), WHITE_PAPER)


def test_departement_pools_the_measured_colleges(hand_built):
    dep = departement_cost(hand_built.reset_index())
    assert (dep["n_colleges"], dep["n_measured"]) == (5, 2)
    tco_all = (
        Decimal("45451.43")
        + Decimal("35788.93")
        + sum(Decimal(str(hand_built.loc[u, "tco_year"])) for u in ("0480003C", "0480004D", "0480005E"))
    )
    assert dep["tco_year"] == float(tco_all)
    assert dep["tco_year_measured"] == float(Decimal("45451.43") + Decimal("35788.93"))
    assert dep["active_pupils"] == pytest.approx(340.0)
    assert dep["cost_per_active_pupil"] == pytest.approx((45451.43 + 35788.93) / 340, rel=1e-12)
    assert dep["mean_mar_pupils"] == pytest.approx(340 / 650)
    assert dep["pupils"] == 1450 and dep["cost_per_pupil"] == pytest.approx(float(tco_all) / 1450)
    assert dep["months"] == 2 and dep["reason"] == "" and dep["uai"] == ""


def test_departement_without_any_measure_has_no_value():
    out = cost_per_active_pupil(long_rows([]), ESTABLISHMENTS, WHITE_PAPER)
    assert out["cost_per_active_pupil"].isna().all()
    dep = departement_cost(out)
    assert math.isnan(dep["cost_per_active_pupil"]) and dep["reason"] == cost.NO_ACTIVITY_DATA
    assert dep["n_measured"] == 0 and dep["tco_year"] > 0


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 900), st.data())
def test_mean_over_months_and_value_iff_someone_is_active(pupils, data):
    # A monthly active rate is a count of active pupils over the pupils (a month may be absent).
    actives = data.draw(st.lists(st.one_of(st.none(), st.integers(0, pupils)), min_size=1, max_size=6))
    rates = [None if a is None or pupils == 0 else a / pupils for a in actives]
    months = [f"2024-{m:02d}" for m in range(1, len(rates) + 1)]
    rows = long_rows(
        [("0450001A", m, "monthly_active_rate", "ELEVE", r) for m, r in zip(months, rates) if r is not None]
    )
    est = pd.DataFrame({"uai": ["0450001A"], "pupils": [pupils]})
    row = cost_per_active_pupil(rows, est, WHITE_PAPER).iloc[0]
    measured = [r for r in rates if r is not None]
    assert row["months"] == len(measured)
    if measured:
        assert row["mean_mar_pupils"] == pytest.approx(sum(measured) / len(measured), abs=1e-12)
    has_value = pupils > 0 and bool(measured) and sum(measured) > 0
    assert (row["reason"] == "") == has_value
    assert math.isnan(row["cost_per_active_pupil"]) != has_value
    if has_value:
        # Cost × active pupils gives back the TCO; never cheaper per active than per pupil.
        assert row["cost_per_active_pupil"] * row["active_pupils"] == pytest.approx(row["tco_year"], rel=1e-9)
        assert row["cost_per_active_pupil"] >= row["cost_per_pupil"] - 0.005


def test_mean_pupil_activity_ignores_missing_values():
    rows = long_rows(
        [
            ("0450001A", "2024-10", "monthly_active_rate", "ELEVE", None),
            ("0450001A", "2024-11", "monthly_active_rate", "ELEVE", 0.25),
        ]
    )
    out = mean_pupil_activity(rows)
    assert out.to_dict("records") == [{"uai": "0450001A", "mean_mar_pupils": 0.25, "months": 1}]


def test_end_to_end_on_a_generated_warehouse(warehouse, indicators):
    from numeduc.usage.engines import connect
    from numeduc.usage.indicators import establishments_frame

    est = establishments_frame(connect(warehouse))
    out = cost_per_active_pupil(indicators, est, WHITE_PAPER)
    assert set(out["uai"]) == set(est["uai"]) and len(out) == len(est)
    mar = indicators[(indicators.indicator == "monthly_active_rate") & (indicators.profile == "ELEVE")]
    for r in out.itertuples():
        own = mar[mar.uai == r.uai]
        pupils = int(est.loc[est.uai == r.uai, "pupils"].iloc[0])
        assert r.pupils == pupils
        # The same collège simulated alone by the engine: same euros to the cent.
        alone = budget.simulate_departement(
            WHITE_PAPER, None, pd.DataFrame({"uai": [r.uai], "pupils": [pupils]}), scale_equipment=True
        )
        assert r.tco_year == float(alone.total_per_year)
        assert r.months == own["month"].nunique()
        if r.reason == "":
            assert r.mean_mar_pupils == pytest.approx(own["value"].mean())
            # mean MAR × pupils = mean number of active pupils (MAR's denominator is the pupils).
            assert r.active_pupils == pytest.approx((own["numerator"]).mean())
            assert r.cost_per_active_pupil == pytest.approx(r.tco_year / own["numerator"].mean())
    assert (out["reason"] == "").sum() >= 1
    dep = departement_cost(out)
    assert dep["n_colleges"] == len(est) and dep["cost_per_active_pupil"] > dep["cost_per_pupil"]


# -- numeduc usage cost ----------------------------------------------------------------------


def _cli(*args):
    from typer.testing import CliRunner

    from numeduc.cli.main import app

    return CliRunner().invoke(app, ["usage", "cost", *map(str, args)])


@pytest.fixture(scope="module")
def core_costs(warehouse, indicators):
    from numeduc.usage.engines import connect
    from numeduc.usage.indicators import establishments_frame

    return cost_per_active_pupil(indicators, establishments_frame(connect(warehouse)), WHITE_PAPER)


def test_cli_csv_is_the_core_table(warehouse, core_costs, export_reader):
    import io

    res = _cli("--warehouse", warehouse, "--format", "csv-machine")
    assert res.exit_code == 0, res.output
    shown = pd.read_csv(
        io.StringIO(res.stdout), dtype={"uai": str, "reason": str}, keep_default_na=False, na_values=[""]
    )
    assert list(shown.columns) == [*cost.COLUMNS, "demo_warning"]
    # The French file, read as a French spreadsheet reads it, holds the same numbers.
    french = export_reader.french(_cli("--warehouse", warehouse, "--format", "csv").stdout_bytes)
    assert list(french.columns[:4]) == ["Code UAI", "Collège", "Élèves", "Coût annuel (€)"]
    pd.testing.assert_series_equal(french["Coût annuel (€)"], core_costs["tco_year"], check_names=False)
    pd.testing.assert_series_equal(
        french["Coût par élève actif (€/élève actif/an)"],
        core_costs["cost_per_active_pupil"],
        check_names=False,
        rtol=1e-12,
    )
    pd.testing.assert_series_equal(shown["tco_year"], core_costs["tco_year"], check_names=False)
    pd.testing.assert_series_equal(
        shown["cost_per_active_pupil"], core_costs["cost_per_active_pupil"], check_names=False, rtol=1e-12
    )
    assert (shown["scenario"] == "livre-blanc-2017").all()  # the default preset


def test_cli_json_with_a_scenario_file_and_no_scaling(warehouse, indicators, tmp_path):
    import json

    from numeduc.usage.engines import connect
    from numeduc.usage.indicators import establishments_frame

    path = tmp_path / "eim.yaml"
    path.write_text(
        "name: eim-420\nbase: livre-blanc-2017\nstrategy: eim\nparameters:\n  mobile_device_price: 420\n",
        encoding="utf-8",
    )
    out = tmp_path / "cout.json"
    res = _cli(
        "--warehouse", warehouse, "--scenario", path, "--no-scale", "--format", "json", "--output", out
    )
    assert res.exit_code == 0, res.output
    assert f"Écrit : {out}" in res.stderr
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert (payload["scenario"], payload["scale_equipment"]) == ("eim-420", False)
    expected = cost_per_active_pupil(
        indicators,
        establishments_frame(connect(warehouse)),
        budget.load_scenario(path),
        scale_equipment=False,
    )
    assert [c["tco_year"] for c in payload["colleges"]] == expected["tco_year"].tolist()
    dep = payload["departement"]
    assert dep["name"] == "Ensemble du département"
    assert dep["cost_per_active_pupil"] == pytest.approx(departement_cost(expected)["cost_per_active_pupil"])


def test_cli_table_in_french(warehouse, core_costs):
    from numeduc.formatting import fr_euro

    res = _cli("--warehouse", warehouse, "--preset", "livre-blanc-2017")
    assert res.exit_code == 0, res.output
    first = core_costs.iloc[0]
    assert "Coût par élève actif" in res.stdout and first["uai"] in res.stdout
    assert fr_euro(first["tco_year"]) in res.stdout
    assert fr_euro(first["cost_per_active_pupil"]) in res.stdout
    dep = departement_cost(core_costs)
    assert "Ensemble du département" in res.stdout and fr_euro(dep["cost_per_active_pupil"]) in res.stdout
    assert "livre-blanc-2017" in res.stdout


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["--warehouse", "{wh}", "--preset", "inconnu"], "préréglage inconnu « inconnu »"),
        (["--warehouse", "{wh}", "--preset", "byod", "--scenario", "x.yaml"], "pas les deux"),
        (["--warehouse", "{wh}", "--format", "xml"], "format inconnu"),
        (["--warehouse", "{tmp}/absent"], "entrepôt introuvable"),
        (["--warehouse", "{wh}", "--scenario", "{tmp}/absent.yaml"], "fichier de scénario introuvable"),
        (
            ["--warehouse", "{wh}", "--scenario", "{tmp}/bad.yaml"],
            "bad.yaml, ligne 3, champ « parameters.desktop_price »",
        ),
        (["--warehouse", "{tmp}"], "référentiel des établissements"),
    ],
)
def test_cli_errors_are_french_on_stderr(warehouse, tmp_path, argv, needle):
    (tmp_path / "bad.yaml").write_text("name: faux\nparameters:\n  desktop_price: -800\n", encoding="utf-8")
    res = _cli(*[a.replace("{wh}", str(warehouse)).replace("{tmp}", str(tmp_path)) for a in argv])
    assert res.exit_code != 0
    assert needle in res.stderr and res.stderr.startswith("Erreur : ")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 900), st.floats(0, 1)), min_size=1, max_size=8))
def test_departement_value_lies_between_its_colleges(colleges):
    """Σ cost / Σ active pupils is a weighted mean of the collèges' costs per active pupil."""
    uais = [f"0450{i:03d}A" for i in range(len(colleges))]
    est = pd.DataFrame({"uai": uais, "pupils": [p for p, _ in colleges]})
    rows = long_rows(
        [
            (u, "2024-10", "monthly_active_rate", "ELEVE", round(r * p) / p)
            for u, (p, r) in zip(uais, colleges)
            if p > 0
        ]
    )
    out = cost_per_active_pupil(rows, est, WHITE_PAPER)
    dep = departement_cost(out)
    values = out["cost_per_active_pupil"].dropna()
    assert dep["n_measured"] == len(values)
    if values.empty:
        assert math.isnan(dep["cost_per_active_pupil"])
    else:
        assert values.min() * (1 - 1e-12) <= dep["cost_per_active_pupil"] <= values.max() * (1 + 1e-12)
    assert dep["tco_year"] == pytest.approx(out["tco_year"].sum(), abs=0.005)


def test_cli_says_when_the_warehouse_holds_demo_logs(warehouse, tmp_path):
    import io
    import json
    import shutil

    copy = tmp_path / "wh"
    shutil.copytree(warehouse, copy)
    res = _cli("--warehouse", copy)
    assert res.exit_code == 0 and "démonstration" not in res.stdout
    (copy / "_numeduc_demo.json").write_text('{"note": "test"}', encoding="utf-8")
    assert "Données de démonstration" in _cli("--warehouse", copy).stdout
    assert (
        json.loads(_cli("--warehouse", copy, "-f", "json").stdout)["avertissement"]
        == "données de démonstration"
    )
    shown = pd.read_csv(io.StringIO(_cli("--warehouse", copy, "-f", "csv-machine").stdout))
    assert (shown["demo_warning"] == "données de démonstration").all()
    french = _cli("--warehouse", copy, "-f", "csv").stdout
    assert french.splitlines()[1].endswith(";données de démonstration")


@pytest.mark.parametrize("pupils", [9000, -3, 12.5, float("inf")])
def test_pupil_counts_outside_the_models_bounds_are_left_out_with_a_reason(pupils):
    # A referential row the budget model does not cover (more than 5 000 pupils, negative,
    # fractional, infinite): that collège gets no cost and the reason; the others keep theirs.
    est = pd.DataFrame({"uai": ["0480001A", "0480002B"], "pupils": [400, pupils]})
    indicators = long_rows(
        [
            ("0480001A", "2024-11", "monthly_active_rate", "ELEVE", 0.5),
            ("0480002B", "2024-11", "monthly_active_rate", "ELEVE", 0.5),
        ]
    )
    out = cost_per_active_pupil(indicators, est, WHITE_PAPER).set_index("uai")
    assert out.loc["0480001A", "tco_year"] == 45451.43 and out.loc["0480001A", "reason"] == ""
    bad = out.loc["0480002B"]
    assert bad["reason"] == cost.OUT_OF_BOUNDS_PUPILS and "5\u202f000 élèves" in bad["reason"]
    assert (
        math.isnan(bad["tco_year"])
        and math.isnan(bad["cost_per_active_pupil"])
        and math.isnan(bad["active_pupils"])
    )
    dep = departement_cost(out.reset_index())
    assert dep["tco_year"] == 45451.43 and dep["n_measured"] == 1 and dep["pupils"] == 400


def test_a_scenario_out_of_bounds_is_refused_before_any_figure():
    import dataclasses

    bad = dataclasses.replace(
        WHITE_PAPER, values={**WHITE_PAPER.values, "mobile_device_price": Decimal("1e30")}
    )
    with pytest.raises(budget.ScenarioError, match="maximum 10"):
        cost_per_active_pupil(INDICATORS, ESTABLISHMENTS, bad)
