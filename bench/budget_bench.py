"""Benchmark of the budget planner: national aggregation over the real public collèges.

Baseline: what a straightforward implementation does — one fully validated scenario copy
(``Scenario.replace``) and one simulation per collège.  Current: ``simulate_departement``,
which simulates each distinct pupil count once per département and builds the per-collège
scenario without re-validating it.  Both must give the same national total to the cent.

Run: ``uv run python bench/budget_bench.py [--repeat 3]``
"""

from __future__ import annotations

import argparse
import statistics
import time
from decimal import Decimal


def baseline(scenario, frame) -> Decimal:
    from numeduc.budget import cents, simulate

    total = Decimal(0)
    for _code, group in frame.groupby("departement_code"):
        pupils = group["pupils"]
        fill = (
            int(Decimal(str(pupils.mean())).to_integral_value(rounding="ROUND_HALF_UP"))
            if pupils.notna().any()
            else int(scenario["pupils"])
        )
        dept = Decimal(0)
        for value in pupils.fillna(fill).astype(int):
            dept += simulate(scenario.replace(values={"pupils": int(value)})).total_per_year_exact
        total += cents(dept)
    return total


def current(scenario, frame) -> Decimal:
    from numeduc.budget import simulate_departement

    return sum(
        (
            simulate_departement(scenario, code, frame).total_per_year
            for code in sorted(frame["departement_code"].unique())
        ),
        Decimal(0),
    )


def timed(function, *args, repeat: int) -> tuple[float, Decimal]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from numeduc.budget import load_preset, simulate, tornado
    from numeduc.reference import colleges

    scenario = load_preset("livre-blanc-2017")
    frame = colleges(public_only=True)
    print(
        f"{len(frame)} collèges publics, {frame['departement_code'].nunique()} départements, "
        f"médiane de {args.repeat} passes"
    )

    base_time, base_total = timed(baseline, scenario, frame, repeat=args.repeat)
    cur_time, cur_total = timed(current, scenario, frame, repeat=args.repeat)
    assert base_total == cur_total, (base_total, cur_total)
    print(f"{'cas':<40}{'référence (s)':>15}{'actuel (s)':>12}{'ratio':>8}")
    print(f"{'agrégation nationale':<40}{base_time:>15.3f}{cur_time:>12.3f}{base_time / cur_time:>8.1f}")
    one_time, _ = timed(lambda: [simulate(scenario) for _ in range(1000)], repeat=args.repeat)
    print(f"{'1 000 simulations du livre blanc':<40}{'':>15}{one_time:>12.3f}")
    tornado_time, _ = timed(tornado, scenario, repeat=args.repeat)
    print(f"{'tornade (livre blanc, 44 paramètres)':<40}{'':>15}{tornado_time:>12.3f}")
    print(f"total national (préréglage livre-blanc-2017) : {cur_total} €/an")


if __name__ == "__main__":
    main()
