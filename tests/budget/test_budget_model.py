"""The cost model: the white paper's table to the cent, and each formula."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from numeduc import budget
from numeduc.budget import load_preset, simulate
from numeduc.budget.model import Asset, year_lines

D = Decimal

# The white paper's table (ADF 2017, 400-pupil collège), €/year as printed.
WHITE_PAPER_LINES = {
    "connexion": D("6000.00"),
    "wired_network": D("5000.00"),
    "wifi": D("1000.00"),
    "network_maintenance": D("3042.86"),
    "desktops": D("6400.00"),
    "desktop_maintenance": D("4000.00"),
    "local_servers": D("428.57"),
    "ent_software": D("1500.00"),
    "mdm": D("2160.00"),
    "tbi_vpi": D("2720.00"),
    "mobile_equipment": D("12000.00"),
    "mobile_maintenance": D("1200.00"),
}


@pytest.fixture(scope="module")
def paper():
    return simulate(load_preset("livre-blanc-2017"))


def test_paper_lines_to_the_cent(paper):
    assert [line.name for line in paper.lines] == list(WHITE_PAPER_LINES)
    assert {line.name: line.amount for line in paper.lines} == WHITE_PAPER_LINES


def test_paper_total_and_per_pupil(paper):
    assert paper.total_per_year == D("45451.43")
    assert paper.per_pupil_per_year == D("113.63")
    assert sum(line.amount for line in paper.lines) == D("45451.43")
    # Exact value: the two 7-year divisors give ...428571 (repeating).
    assert paper.total_per_year_exact.quantize(D("0.000001")) == D("45451.428571")
    assert paper.tco == D("227257.14")  # 5 identical years


def test_paper_departement_of_25000_pupils(paper):
    # The paper's 2.8 M€ for 25,000 pupils is 113 €/pupil rounded; the exact mean gives 2.84 M€.
    departement = paper.per_pupil_per_year_exact * 25000
    assert budget.cents(departement) == D("2840714.29")
    assert round(departement / 1_000_000, 2) == D("2.84")


def test_paper_families(paper):
    families = paper.by_family()
    assert families["wifi_thd"] == D("12000.00")
    assert families["maintenance"] == D("8242.86")  # the 8.2 k€ the spec quotes
    assert families["terminal"] == D("23280.00")
    assert families["hosting"] == D("428.57")
    assert families["ent"] == D("1500.00")


def test_years_are_flat_and_cumulative_in_annualised_mode(paper):
    assert len(paper.years) == 5
    for index, year in enumerate(paper.years, start=1):
        assert year.year == index
        assert budget.cents(year.total) == D("45451.43")
        assert budget.cents(year.cumulative) == budget.cents(year.total * index)


def _preset(**changes):
    return load_preset("livre-blanc-2017").replace(**changes)


def test_each_line_formula():
    s = _preset(
        values={
            "desktops": 7,
            "desktop_price": 900,
            "desktop_life": 3,
            "access_points": 3,
            "tbi_rooms": 2,
            "tbi_price": 1000,
            "tbi_life": 8,
            "pupils": 250,
            "ent_per_pupil": 5,
            "carts": 2,
            "cart_size": 10,
            "mobile_device_price": 400,
            "mobile_device_life": 5,
            "cart_price": 1000,
            "cart_life": 10,
            "mdm_licence": 20,
            "mobile_maintenance_rate": 0.2,
            "isp_cost_per_year": 1234,
        }
    )
    lines = year_lines(s)
    assert lines["connexion"] == D(1234)
    assert lines["desktops"] == D(7 * 900) / 3
    assert lines["desktop_maintenance"] == D(7 * 100)
    assert lines["wifi"] == D(3 * 500) / 5
    assert lines["tbi_vpi"] == D(2 * 1000) / 8
    assert lines["ent_software"] == D(250 * 5)
    mobile = D(20 * 400) / 5 + D(2 * 1000) / 10
    assert lines["mobile_equipment"] == mobile
    assert lines["mdm"] == D(20 * 20)
    assert lines["mobile_maintenance"] == D("0.2") * mobile


def test_device_counts_by_strategy():
    eim = budget.fleet(_preset(strategy="eim", values={"pupils": 401}))
    assert eim.mobile_devices == math.ceil(401 * 1.05)  # 5 % spare
    assert eim.equipped_pupils == 401
    cm = budget.fleet(_preset(strategy="classe_mobile", values={"carts": 3}))
    assert (cm.mobile_devices, cm.carts) == (90, 3)
    byod = budget.fleet(_preset(strategy="byod", values={"pupils": 401}))
    assert byod.mobile_devices == math.ceil(401 * 0.15)
    assert byod.carts == 0
    hybrid = budget.fleet(_preset(strategy="hybride", values={"pupils": 400, "hybrid_carts": 1}))
    assert (hybrid.mobile_devices, hybrid.carts) == (30 + 60, 1)


def test_internal_support_takes_the_larger_of_the_two_ratios():
    s = _preset(support="internal")
    # 40 desktops + 120 tablets = 160 devices / 500 = 0.32 FTE > 1/10 collège.
    assert year_lines(s)["support_staff"] == D("0.32") * 45000
    small = s.replace(values={"desktops": 0, "carts": 0})
    assert year_lines(small)["support_staff"] == D(45000) / 10


def test_outsourced_support_is_a_flat_rate_per_college():
    assert year_lines(_preset(support="outsourced"))["support_staff"] == D(16000)


def test_training_is_a_share_of_the_technical_budget():
    lines = year_lines(_preset(values={"training_share": "0.15"}))
    others = sum(v for k, v in lines.items() if k != "training")
    assert lines["training"] == D("0.15") * others


def test_indirect_costs():
    lines = year_lines(_preset(indirect_costs=True))
    assert lines["indirect_downtime"] == D(60 * 30) / 60 * 45


def test_state_cofunding_halves_eim_devices_and_adds_resources():
    s = _preset(strategy="eim", state_cofunding=True)
    lines = year_lines(s)
    devices = D(420 * 350) / 4
    assert lines["state_cofunding"] == -(devices / 2 + D(30 * 400) / 4)
    # Only the EIM strategy is co-funded.
    assert "state_cofunding" not in year_lines(_preset(state_cofunding=True))


def test_discounting():
    sim = simulate(_preset(values={"discount_rate": "0.04"}))
    yearly = sim.years[0].total
    expected = sum(yearly / D("1.04") ** k for k in range(5))
    assert sim.tco_exact == expected
    assert sim.years[4].discounted_total == yearly / D("1.04") ** 4


def test_cash_mode_buys_in_the_purchase_years():
    s = _preset(mode="cash", horizon=10)
    sim = simulate(s)
    desktops = [lines["desktops"] for lines in sim.by_line_year]
    assert desktops == [D(40 * 800), 0, 0, 0, 0, D(40 * 800), 0, 0, 0, 0]
    wired = [lines["wired_network"] for lines in sim.by_line_year]
    assert wired == [D(50000)] + [D(0)] * 9


def test_cash_mode_cohorts_spread_the_first_purchase():
    asset = Asset("desktops", D(40), D(800), D(5))
    spend = [asset.cash(year, 4) for year in range(1, 11)]
    assert spend == [D(10 * 800)] * 4 + [0] + [D(10 * 800)] * 4 + [0]
    # Cohorts beyond the lifetime are capped so that every cohort renews on time.
    short = Asset("x", D(6), D(1), D(2))
    assert [short.cash(y, 5) for y in range(1, 5)] == [D(3), D(3), D(3), D(3)]
    # A single unit is bought whole by the first cohort.
    assert [Asset("server", D(1), D(3000), D(7)).cash(y, 3) for y in (1, 2, 3, 8)] == [D(3000), 0, 0, D(3000)]


def test_cash_and_annualised_totals_match_over_common_lifetime_multiple():
    # Lifetimes 10, 5, 5, 7, 10, 4, 4: their lcm is 140 years; use simple lifetimes instead.
    values = {
        "wired_network_life": 5,
        "server_life": 5,
        "tbi_life": 5,
        "mobile_device_life": 5,
        "cart_life": 5,
        "network_maintenance_years": 5,
    }
    annual = simulate(_preset(horizon=10, values=values))
    cash = simulate(_preset(horizon=10, mode="cash", cohorts=3, values=values))
    assert cash.tco_exact == annual.tco_exact
    assert cash.years[0].total > annual.years[0].total  # front-loaded purchases


def test_lines_carry_unit_and_source(paper):
    for line in paper.lines:
        assert line.unit == "€/an"
        assert line.source
        assert line.family in budget.FAMILIES
    assert "[WP]" in next(ln for ln in paper.lines if ln.name == "connexion").source


def test_every_preset_loads_and_simulates():
    names = budget.list_presets()
    assert "livre-blanc-2017" in names and len(names) >= 4
    strategies = {load_preset(name).strategy for name in names}
    assert strategies == set(budget.STRATEGIES)
    for name in names:
        sim = simulate(load_preset(name))
        assert sim.total_per_year > 0


def test_preset_file_gives_every_parameter_with_registry_unit():
    from importlib import resources

    import yaml

    import numeduc

    text = resources.files(numeduc).joinpath("content", "budget", "livre-blanc-2017.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert set(data["parameters"]) == set(budget.PARAMETERS)
    for name, entry in data["parameters"].items():
        assert entry["unit"] == budget.PARAMETERS[name].unit
        assert entry["source"]
