"""Property tests (hypothesis): linearity, annualised = cash over common lifetimes, tornado."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from numeduc.budget import PARAMETERS, load_preset, simulate, tornado, year_lines

BASE = load_preset("livre-blanc-2017")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

QUANTITIES = ["desktops", "tbi_rooms", "access_points", "carts", "cart_size", "pupils"]


def _total(scenario) -> Decimal:
    return simulate(scenario).total_per_year_exact


@SETTINGS
@given(
    name=st.sampled_from(QUANTITIES),
    factor=st.integers(min_value=2, max_value=9),
    training=st.sampled_from(["0", "0.15", "0.3"]),
    data=st.data(),
)
def test_costs_scale_linearly_with_quantities(name, factor, training, data):
    # With no ratio-based support the total is affine in each quantity: what a quantity adds
    # is multiplied by k when the quantity is.  Quantities stay within their bounds.
    start = int(PARAMETERS[name].minimum)  # 1 pupil, 1 device per cart, 0 of the others
    top = (int(PARAMETERS[name].maximum) - start) // factor
    quantity = data.draw(st.integers(min_value=1, max_value=top), label="quantity")
    scenario = BASE.replace(values={"training_share": training})
    zero = _total(scenario.replace(values={name: start}))
    one = _total(scenario.replace(values={name: quantity + start}))
    many = _total(scenario.replace(values={name: quantity * factor + start}))
    # Equal up to Decimal's 28 significant digits (the 1/7 divisors are not exact).
    assert abs((many - zero) - factor * (one - zero)) < Decimal("1e-15")


@SETTINGS
@given(
    price=st.integers(min_value=0, max_value=10000),
    count=st.integers(min_value=0, max_value=5000),
    life=st.integers(min_value=1, max_value=12),
)
def test_asset_line_is_quantity_times_price_over_life(price, count, life):
    lines = year_lines(BASE.replace(values={"desktops": count, "desktop_price": price, "desktop_life": life}))
    assert lines["desktops"] == Decimal(count * price) / life
    assert lines["desktop_maintenance"] == Decimal(count * 100)


LIFETIMES = [
    "wired_network_life",
    "access_point_life",
    "desktop_life",
    "server_life",
    "tbi_life",
    "mobile_device_life",
    "cart_life",
]


@SETTINGS
@given(
    lives=st.lists(st.sampled_from([1, 2, 3, 4, 6]), min_size=len(LIFETIMES), max_size=len(LIFETIMES)),
    multiple=st.integers(min_value=1, max_value=2),
    cohorts=st.integers(min_value=1, max_value=6),
    strategy=st.sampled_from(["eim", "classe_mobile", "byod", "hybride"]),
    cofunding=st.booleans(),
    support=st.sampled_from(["none", "internal", "outsourced"]),
    training=st.sampled_from(["0", "0.2"]),
)
def test_annualised_and_cash_agree_over_a_multiple_of_every_lifetime(
    lives, multiple, cohorts, strategy, cofunding, support, training
):
    import math

    horizon = multiple * math.lcm(*lives)
    values = dict(zip(LIFETIMES, lives))
    values["training_share"] = training
    annual = BASE.replace(
        values=values, horizon=horizon, strategy=strategy, state_cofunding=cofunding, support=support
    )
    cash = annual.replace(mode="cash", cohorts=cohorts)
    assert abs(simulate(cash).tco_exact - simulate(annual).tco_exact) < Decimal("1e-15")


@settings(max_examples=6, deadline=None)
@given(
    preset=st.sampled_from(["livre-blanc-2017", "eim-plan-numerique-2016", "byod", "complet-tco"]),
    variation=st.sampled_from(["0.1", "0.2", "0.5"]),
)
def test_tornado_swings_are_non_negative_and_sorted(preset, variation):
    scenario = load_preset(preset)
    bars = tornado(scenario, variation=Decimal(variation), include_zero=True)
    swings = [bar.swing for bar in bars]
    assert all(s >= 0 for s in swings)
    assert swings == sorted(swings, reverse=True)
    base_total = simulate(scenario).total_per_year
    for bar in bars:
        assert bar.swing == abs(bar.total_high - bar.total_low)
        if bar.low_value <= bar.base_value <= bar.high_value and bar.parameter != "discount_rate":
            # Costs are monotonic in every parameter, so the base total lies between the two.
            lo, hi = sorted([bar.total_low, bar.total_high])
            assert lo <= base_total <= hi
