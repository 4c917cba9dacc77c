"""Sensitivity of the yearly total to each parameter (tornado chart data)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from numeduc.budget.model import cents, simulate
from numeduc.budget.parameters import COUNT, PARAMETERS, NumberSpec, parse_number
from numeduc.budget.scenario import Scenario, check_scenario

VARIATION = NumberSpec("variation", "Variation relative", "", Decimal(0), Decimal("0.99"))


@dataclass(frozen=True)
class TornadoBar:
    parameter: str
    label_fr: str
    unit: str
    base_value: Decimal
    low_value: Decimal
    high_value: Decimal
    total_low: Decimal  # €/year at the low value (rounded to the cent)
    total_high: Decimal
    swing: Decimal  # |total_high - total_low|, >= 0
    range_source: str  # "sourced range" or "±20 %"


def _bounds(name: str, base: Decimal, variation: Decimal, use_ranges: bool) -> tuple[Decimal, Decimal, str]:
    spec = PARAMETERS[name]
    if (
        use_ranges
        and spec.low is not None
        and spec.high is not None
        and spec.low <= base <= spec.high
        and spec.low < spec.high
    ):
        return spec.low, spec.high, "fourchette des sources"
    low, high = base * (1 - variation), base * (1 + variation)
    if spec.kind == COUNT:
        low = low.to_integral_value(rounding=ROUND_HALF_UP)
        high = high.to_integral_value(rounding=ROUND_HALF_UP)
    # Never outside the parameter's domain (a share above 1, a lifetime under a year, a price
    # above its maximum): the bars stay within what a real collège can have.
    low, high = max(spec.minimum, low), min(spec.maximum, high)
    return low, high, f"±{(variation * 100).normalize():f} %"


def tornado(
    scenario: Scenario,
    *,
    variation: float | Decimal = Decimal("0.2"),
    parameters: list[str] | None = None,
    use_sourced_ranges: bool = True,
    include_zero: bool = False,
    per_pupil: bool = False,
) -> list[TornadoBar]:
    """Total €/year (or €/pupil/year) with each parameter at its low and high value, the others
    at their scenario value; bars sorted by decreasing swing.

    The low/high values are the parameter's sourced range when it contains the scenario value,
    else ±``variation`` (whole numbers for counts, shares kept within 0–1).
    """
    share, problem = parse_number(VARIATION, variation)
    if problem or share is None:
        raise ValueError(problem)
    check_scenario(scenario)
    names = parameters or list(PARAMETERS)
    unknown = [n for n in names if n not in PARAMETERS]
    if unknown:
        raise ValueError(f"paramètres inconnus : {', '.join(unknown)}")

    def metric(s: Scenario) -> Decimal:
        sim = simulate(s)
        return sim.per_pupil_per_year_exact if per_pupil else sim.total_per_year_exact

    bars = []
    for name in names:
        base = scenario[name]
        low, high, how = _bounds(name, base, share, use_sourced_ranges)
        total_low = metric(scenario.replace(values={name: low}))
        total_high = metric(scenario.replace(values={name: high}))
        swing = abs(cents(total_high) - cents(total_low))  # what the chart shows
        if swing == 0 and not include_zero:
            continue
        spec = PARAMETERS[name]
        bars.append(
            TornadoBar(
                name,
                spec.label_fr,
                spec.unit,
                base,
                low,
                high,
                cents(total_low),
                cents(total_high),
                swing,
                how,
            )
        )
    bars.sort(key=lambda bar: (-bar.swing, bar.parameter))
    return bars
