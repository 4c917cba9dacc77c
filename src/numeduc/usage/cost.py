"""Cost per active pupil (indicator 14, docs/usage-cost.md): links the budget and the usage logs.

``cost per active pupil = TCO_year(s) / (mean MAR_pupils(s) × pupils(s))``

* ``TCO_year(s)``: the collège's cost of ownership per year, from the budget engine
  (``numeduc.budget.simulate_departement``: the scenario simulated with the collège's own
  number of pupils, equipment scaled with it by default), rounded to the cent by the engine;
* ``MAR_pupils(s)``: the monthly active rate of pupils (indicator ``monthly_active_rate``,
  profile ``ELEVE``), averaged over the months present in the indicators frame (each month
  weighs the same);
* ``pupils(s)``: the collège's enrolled pupils (``establishments.pupils``, latest school year:
  the same population the monthly active rate divides by).

Pure core: pandas and the budget engine, no Django.  A collège without a value (no activity
data, no pupils, nobody active) gets NaN and a plain French ``reason``; nothing divides by zero.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd

from numeduc.budget import PARAMETERS, Scenario, simulate_departement
from numeduc.budget.parameters import fr_decimal

INDICATOR = "monthly_active_rate"
PROFILE = "ELEVE"

# Why a collège has no cost per active pupil (French: shown as is by the CLI and the web).
NO_ACTIVITY_DATA = "aucune mesure d'activité des élèves dans les journaux"
NO_PUPILS = "aucun élève inscrit"
UNKNOWN_PUPILS = "effectif inconnu"
NO_ACTIVE_PUPILS = "aucun élève actif sur la période"
MAX_PUPILS = PARAMETERS["pupils"].maximum
# A pupil count the budget model does not cover (negative, fractional, above its bound): the
# collège is left out of the costs rather than failing the whole table.
OUT_OF_BOUNDS_PUPILS = (
    f"effectif hors des limites du modèle de budget (nombre entier de 0 à {fr_decimal(MAX_PUPILS)} élèves)"
)


def _pupils_in_bounds(pupils: pd.Series) -> pd.Series:
    """True where a known pupil count is a whole number between 0 and the model's maximum."""
    return pupils.notna() & (pupils >= 0) & (pupils <= float(MAX_PUPILS)) & (pupils == pupils.round())


COLUMNS = [
    "uai",
    "name",
    "pupils",
    "tco_year",
    "cost_per_pupil",
    "mean_mar_pupils",
    "months",
    "active_pupils",
    "cost_per_active_pupil",
    "reason",
    "scenario",
]
DEPARTEMENT_LABEL = "Ensemble du département"


def mean_pupil_activity(indicators: pd.DataFrame) -> pd.DataFrame:
    """Per collège: the mean of the pupils' monthly active rate over its months, and how many
    months were averaged (``uai, mean_mar_pupils, months``)."""
    rows = indicators[(indicators["indicator"] == INDICATOR) & (indicators["profile"] == PROFILE)]
    rows = rows[rows["value"].notna()]
    grouped = rows.groupby("uai")
    out = pd.DataFrame(
        {
            "mean_mar_pupils": grouped["value"].mean().astype(float),
            # One row per collège and month in the long form; nunique guards against duplicates.
            "months": grouped["month"].nunique().astype(int),
        }
    )
    return out.reset_index()


def _tco_per_college(establishments: pd.DataFrame, scenario: Scenario, scale_equipment: bool) -> pd.DataFrame:
    """``uai, tco_year, cost_per_pupil`` (floats converted from the engine's cent-rounded values)
    for the collèges whose pupil count is known."""
    known = establishments[["uai", "pupils"]].copy()
    known["pupils"] = pd.to_numeric(known["pupils"], errors="coerce")
    known = known[_pupils_in_bounds(known["pupils"])]
    if known.empty:
        return pd.DataFrame(
            {
                "uai": pd.Series(dtype=str),
                "tco_year": pd.Series(dtype=float),
                "cost_per_pupil": pd.Series(dtype=float),
            }
        )
    frame = known.assign(pupils=known["pupils"].astype(int))
    # departement_code=None: the frame is already the warehouse's collèges (no reference filter).
    sim = simulate_departement(scenario, None, colleges_df=frame, scale_equipment=scale_equipment)
    out = sim.colleges[["uai", "total_per_year", "per_pupil_per_year", "pupils"]]
    return pd.DataFrame(
        {
            "uai": out["uai"].astype(str),
            "tco_year": out["total_per_year"].astype(float),
            # The engine answers 0 €/pupil for a collège without pupils: no such ratio exists.
            "cost_per_pupil": out["per_pupil_per_year"].astype(float).where(out["pupils"] > 0),
        }
    )


def cost_per_active_pupil(
    indicators: pd.DataFrame,
    establishments: pd.DataFrame,
    scenario: Scenario,
    *,
    scale_equipment: bool = True,
) -> pd.DataFrame:
    """One row per collège of ``establishments`` (uai, optional name, pupils).

    Columns: ``uai, name, pupils, tco_year`` (€/year, the engine's value to the cent),
    ``cost_per_pupil`` (TCO / pupils, the engine's value to the cent), ``mean_mar_pupils``
    (0-1), ``months`` (months averaged), ``active_pupils`` (mean MAR × pupils),
    ``cost_per_active_pupil`` (€/active pupil/year, not rounded), ``reason`` (empty when there
    is a value) and ``scenario`` (the scenario's name).  Sorted by UAI.
    """
    if "uai" not in establishments.columns or "pupils" not in establishments.columns:
        raise ValueError("le référentiel des établissements doit avoir les colonnes uai et pupils")
    est = establishments.drop_duplicates("uai", keep="last")
    names = est["name"] if "name" in est.columns else pd.Series([""] * len(est), index=est.index)
    base = pd.DataFrame(
        {
            "uai": est["uai"].astype(str).to_numpy(),
            "name": names.fillna("").astype(str).to_numpy(),
            "pupils": pd.to_numeric(est["pupils"], errors="coerce").astype(float).to_numpy(),
        }
    )
    frame = base.merge(_tco_per_college(est, scenario, scale_equipment), on="uai", how="left").merge(
        mean_pupil_activity(indicators), on="uai", how="left"
    )
    frame["months"] = frame["months"].fillna(0).astype(int)
    frame["active_pupils"] = frame["mean_mar_pupils"] * frame["pupils"]

    reasons, values = [], []
    in_bounds = _pupils_in_bounds(frame["pupils"])
    for pupils, ok, months, active, tco in zip(
        frame["pupils"], in_bounds, frame["months"], frame["active_pupils"], frame["tco_year"]
    ):
        if math.isnan(pupils):
            reason = UNKNOWN_PUPILS
        elif not ok:
            reason = OUT_OF_BOUNDS_PUPILS
        elif pupils == 0:
            reason = NO_PUPILS
        elif months == 0:
            reason = NO_ACTIVITY_DATA
        elif not active > 0:
            reason = NO_ACTIVE_PUPILS
        else:
            reason = ""
        reasons.append(reason)
        values.append(float(tco) / float(active) if not reason else math.nan)
    frame["cost_per_active_pupil"] = pd.Series(values, index=frame.index, dtype=float)
    frame["reason"] = reasons
    frame["scenario"] = scenario.name
    frame.loc[~in_bounds, "active_pupils"] = math.nan
    # Int64 holds whole numbers only: a fractional or infinite count is shown as unknown (the
    # reason says why).
    whole = (
        frame["pupils"].notna()
        & (frame["pupils"] == frame["pupils"].round())
        & (frame["pupils"].abs() < 2**53)
    )
    frame["pupils"] = frame["pupils"].where(whole).astype("Int64")
    return frame[COLUMNS].sort_values("uai", kind="stable").reset_index(drop=True)


def departement_cost(costs: pd.DataFrame) -> dict:
    """The département pooled over its collèges (a row with the same keys as the per-collège
    table, ``uai`` empty).

    ``cost_per_active_pupil`` = Σ TCO / Σ active pupils over the collèges that have a value (a
    collège without usage data would add cost without active pupils); ``mean_mar_pupils`` =
    Σ active pupils / Σ pupils over the same collèges; ``tco_year``, ``pupils`` and
    ``cost_per_pupil`` cover every collège with a known TCO.  Extra keys: ``n_colleges``,
    ``n_measured`` (collèges with a value) and ``tco_year_measured``.
    """
    measured = costs[costs["reason"] == ""]
    costed = costs[costs["tco_year"].notna()]
    # Sums of cent amounts in Decimal, so that the total is exact to the cent.
    tco_all = sum((Decimal(str(v)) for v in costed["tco_year"]), Decimal(0))
    tco_measured = sum((Decimal(str(v)) for v in measured["tco_year"]), Decimal(0))
    pupils_all = int(costed["pupils"].fillna(0).sum())
    pupils_measured = int(measured["pupils"].sum())
    active = float(measured["active_pupils"].sum())
    scenario = costs["scenario"].iloc[0] if len(costs) else ""
    row = {
        "uai": "",
        "name": DEPARTEMENT_LABEL,
        "pupils": pupils_all,
        "tco_year": float(tco_all),
        "cost_per_pupil": float(tco_all) / pupils_all if pupils_all else math.nan,
        "mean_mar_pupils": active / pupils_measured if pupils_measured else math.nan,
        "months": int(costs["months"].max()) if len(costs) else 0,
        "active_pupils": active if len(measured) else math.nan,
        "cost_per_active_pupil": float(tco_measured) / active if active > 0 else math.nan,
        "reason": "" if active > 0 else NO_ACTIVITY_DATA,
        "scenario": scenario,
        "n_colleges": len(costs),
        "n_measured": len(measured),
        "tco_year_measured": float(tco_measured),
    }
    return row
