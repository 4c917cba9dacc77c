"""A département's budget: one simulation per real collège, then the sum.

The collèges come from ``numeduc.reference.colleges()`` (public collèges, pupils at rentrée
2020, DEPP), or from a DataFrame the caller passes; without data the département is
approximated by a count of collèges of an average size.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from numeduc.budget.bands import BUDGET_BANDS, band_of
from numeduc.budget.model import Simulation, _simulate, cents
from numeduc.budget.parameters import (
    DEPARTEMENT_SPECS,
    PARAMETERS,
    check_number,
    fr_decimal,
    parse_number,
)
from numeduc.budget.scenario import Scenario, ScenarioError, check_scenario

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

# Equipment that grows with the size of the collège when ``scale_equipment`` is set.
SCALED_WITH_PUPILS = (
    "staff",
    "classrooms",
    "desktops",
    "tbi_rooms",
    "access_points",
    "carts",
    "hybrid_carts",
)

PUPILS_SOURCE = "DEPP, effectifs des collèges à la rentrée 2020 (année 2020-2021), via numeduc.reference"


def bucket(per_pupil: Decimal) -> str:
    """The white paper's band (label) of a cost per pupil per year."""
    return band_of(per_pupil).label


@dataclass
class DepartementSimulation:
    departement_code: str | None
    scenario: Scenario
    colleges: (
        pd.DataFrame  # uai, name, pupils, pupils_estimated, total_per_year, per_pupil_per_year, bucket
    )
    total_per_year: Decimal
    per_pupil_per_year: Decimal | None  # None when no collège has pupils
    pupils: int
    n_colleges: int
    source: str
    central_per_year: Decimal = Decimal(0)

    def buckets(self) -> dict[str, float]:
        """Share (%) of collèges in each of the white paper's €/pupil/year buckets (over the
        collèges that have pupils: one without pupils has no cost per pupil)."""
        counts = self.colleges["bucket"].value_counts()
        labels = [band.label for band in BUDGET_BANDS]
        n = int(sum(int(counts.get(label, 0)) for label in labels))
        return {label: round(100 * int(counts.get(label, 0)) / n, 1) if n else 0.0 for label in labels}


def scaled_to_pupils(scenario: Scenario, pupils: int, scale_equipment: bool) -> Scenario:
    """The scenario of a collège of ``pupils`` pupils; with ``scale_equipment``, the equipment
    that grows with the collège (SCALED_WITH_PUPILS) scaled in proportion, at least 1.

    Raises ``ScenarioError`` when the pupils or a scaled quantity leave their bounds (40
    desktops for 1 pupil, scaled to a collège of 1 900 pupils, would be 76 000 desktops)."""
    pupil_spec = PARAMETERS["pupils"]
    if isinstance(pupils, bool) or int(pupils) != pupils or not 0 <= pupils <= pupil_spec.maximum:
        raise ScenarioError(
            f"{pupil_spec.label_fr} : {pupils} élèves, entre 0 et {fr_decimal(pupil_spec.maximum)} attendus",
            origin=scenario.origin or scenario.name,
            field="parameters.pupils",
        )
    values: dict[str, Decimal] = {"pupils": Decimal(int(pupils))}
    if scale_equipment and scenario["pupils"] > 0:
        ratio = Decimal(int(pupils)) / scenario["pupils"]
        for name in SCALED_WITH_PUPILS:
            base = scenario[name]
            if base > 0:
                values[name] = max(Decimal(1), (base * ratio).to_integral_value(rounding=ROUND_HALF_UP))
                problem = check_number(PARAMETERS[name], values[name])
                if problem:
                    raise ScenarioError(
                        "équipement proportionnel à l'effectif : pour un collège de "
                        f"{fr_decimal(Decimal(int(pupils)))} élèves, "
                        f"{problem[0].lower() + problem[1:]}",
                        origin=scenario.origin or scenario.name,
                        field=f"parameters.{name}",
                    )
    # Pupil counts and scaled equipment are checked above: skip the full re-validation of
    # ``Scenario.replace`` (half the time).
    return dataclasses.replace(scenario, values={**scenario.values, **values})


def pupils_fill(pupils, *, default: int) -> int:
    """The pupil count given to a collège of the data without one: the mean of the others,
    rounded half up (``default`` when none has one). ``pupils``: a numeric pandas Series, NaN
    for a missing count. The budget planner and the questionnaire's pre-filled pupil count use
    it, so that both say the same number of pupils for a département."""
    known = pupils.dropna()
    if known.empty:
        return int(default)
    return int(Decimal(str(known.mean())).to_integral_value(rounding=ROUND_HALF_UP))


def simulate_college(scenario: Scenario, pupils: int, scale_equipment: bool = False) -> Simulation:
    """The simulation of one real collège of ``pupils`` pupils (0 allowed: a collège of the
    data without pupils still costs; its cost per pupil is not defined)."""
    check_scenario(scenario)
    return _simulate(scaled_to_pupils(scenario, pupils, scale_equipment))


def _option(name: str, raw):
    spec = DEPARTEMENT_SPECS[name]
    value, problem = parse_number(spec, raw)
    if problem:
        raise ValueError(problem)
    return value


def simulate_departement(
    scenario: Scenario,
    departement_code: str | None = None,
    colleges_df: pd.DataFrame | None = None,
    *,
    n_colleges: int | None = None,
    mean_pupils: int | None = None,
    scale_equipment: bool = False,
    central_per_year: Decimal | int | str = 0,
) -> DepartementSimulation:
    """Simulate every public collège of a département and add them up.

    ``colleges_df`` (optional) needs ``pupils`` and, to filter, ``departement_code``; by default
    the package's reference collèges are used (public only).  A collège without a pupil count
    gets the département's mean (flagged ``pupils_estimated``).  When no collège is found,
    ``n_colleges`` collèges of ``mean_pupils`` pupils (default: the scenario's) are used.
    ``scale_equipment`` scales desktops, rooms, access points and carts with the pupils.
    ``central_per_year`` (€/year) adds the département's own costs (ENT platform, steering
    team, central support) to the total; it is not spread over the collèges' rows.
    """
    import pandas as pd

    check_scenario(scenario)
    if n_colleges is not None:
        n_colleges = int(_option("n_colleges", n_colleges))
    if mean_pupils is not None:
        mean_pupils = int(_option("mean_pupils", mean_pupils))
    central = _option("central_per_year", central_per_year)
    source = PUPILS_SOURCE
    if colleges_df is None:
        from numeduc.reference import colleges, departements

        if departement_code is not None and str(departement_code) not in departements().index:
            raise ValueError(
                f"Département : code « {str(departement_code)[:12]} » inconnu ; "
                "codes possibles : 01 à 95, 2A, 2B, 971 à 976"
            )
        colleges_df = colleges(public_only=True)
    else:
        source = "collèges fournis par l'appelant"
    frame = colleges_df
    if departement_code is not None and "departement_code" in frame.columns:
        frame = frame[frame["departement_code"].astype(str) == str(departement_code)]
    if "public_private" in frame.columns:
        frame = frame[frame["public_private"] == "public"]
    frame = frame.copy()

    if frame.empty:
        if not n_colleges:
            raise ValueError(
                f"aucun collège public trouvé pour le département « {departement_code} » ; "
                "indiquez un nombre de collèges (n_colleges) et un effectif moyen (mean_pupils)"
            )
        size = int(mean_pupils or scenario["pupils"])
        frame = pd.DataFrame(
            {
                "uai": [None] * n_colleges,
                "name": [f"Collège moyen {i + 1}" for i in range(n_colleges)],
                "pupils": [size] * n_colleges,
            }
        )
        source = f"approximation : {n_colleges} collèges de {size} élèves"

    pupils = pd.to_numeric(frame["pupils"], errors="coerce")
    estimated = pupils.isna()
    fill = pupils_fill(pupils, default=int(mean_pupils or scenario["pupils"]))
    if (pupils < 0).any():
        bad = frame.loc[pupils < 0, "uai"].tolist() if "uai" in frame.columns else []
        raise ValueError(
            f"effectif négatif pour {len(bad) or 'des'} collège(s) {', '.join(map(str, bad))}".strip()
        )
    maximum = float(PARAMETERS["pupils"].maximum)
    wrong = pupils.notna() & ((pupils > maximum) | (pupils != pupils.round()) | pupils.isin([float("inf")]))
    if wrong.any():
        bad = frame.loc[wrong, "uai"].astype(str).tolist()[:5] if "uai" in frame.columns else []
        raise ValueError(
            f"effectif hors limites (entier de 0 à {fr_decimal(PARAMETERS['pupils'].maximum)} élèves attendu) "
            f"pour {int(wrong.sum())} collège(s) {', '.join(bad)}".strip()
        )
    frame["pupils"] = pupils.fillna(fill).astype(int)
    frame["pupils_estimated"] = estimated.to_numpy()

    cache: dict[int, tuple[Decimal, Decimal | None]] = {}
    totals, per_pupils = [], []
    for size in frame["pupils"]:
        if size not in cache:
            sim = _simulate(scaled_to_pupils(scenario, int(size), scale_equipment))
            # No pupils, no cost per pupil (not 0 €, which would read as a cheap collège).
            cache[size] = (sim.total_per_year_exact, sim.per_pupil_per_year_exact if size > 0 else None)
        totals.append(cache[size][0])
        per_pupils.append(cache[size][1])
    total = sum(totals, Decimal(0)) + central
    pupils_total = int(frame["pupils"].sum())

    columns = [
        c
        for c in ("uai", "name", "commune_name", "density_label", "priority_education")
        if c in frame.columns
    ]
    result = frame[columns + ["pupils", "pupils_estimated"]].reset_index(drop=True)
    result["total_per_year"] = [float(cents(t)) for t in totals]
    result["per_pupil_per_year"] = [float(cents(p)) if p is not None else float("nan") for p in per_pupils]
    result["bucket"] = [bucket(p) if p is not None else "" for p in per_pupils]
    return DepartementSimulation(
        departement_code=departement_code,
        scenario=scenario,
        colleges=result,
        total_per_year=cents(total),
        # No pupil at all: no cost per pupil (None), rather than a misleading 0 €.
        per_pupil_per_year=cents(total / pupils_total) if pupils_total else None,
        pupils=pupils_total,
        n_colleges=len(result),
        source=source,
        central_per_year=cents(central),
    )


def line_by_year(scenario: Scenario, pupils, line: str, scale_equipment: bool = False) -> list[Decimal]:
    """Undiscounted amount of the budget line ``line`` (``model.LINE_DEFINITIONS``) in each year
    of the horizon (year 1 first), summed over collèges of ``pupils`` (one number per collège):
    each distinct size is simulated once and weighted by its count, as the planner's yearly
    table is. In cash mode, the years a scenario buys and renews; annualised, every year alike."""
    counts: dict[int, int] = {}
    for p in pupils:
        counts[int(p)] = counts.get(int(p), 0) + 1
    out = [Decimal(0)] * scenario.horizon
    for size, n in sorted(counts.items()):
        sim = simulate_college(scenario, size, scale_equipment)
        for i, lines in enumerate(sim.by_line_year):
            out[i] += lines.get(line, Decimal(0)) * n
    return out
