"""Comparison of each collège with its referential (docs/usage.md, referential comparison).

Profile group g = density class (INSEE 3-level grid) × size class (<300, 300-600, >600 pupils) ×
priority education (EP = REP or REP+, or not).  When a group holds fewer than
``MIN_GROUP_SIZE`` collèges with a value, the comparison falls back to density × size, then
density alone, then all collèges of the warehouse, and says so in ``fallback`` and
``fallback_reason``.  Statistics in the group: percentile = 100 × (midrank − 0.5) / n, median,
quartiles (linear interpolation), robust z = (x − median) / (1.4826 × MAD) (empty when MAD = 0).
The comparison is done per month, indicator and profile.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_GROUP_SIZE = 10
LEVELS = [
    ("densite_taille_ep", ["density_grid3", "size_class", "ep_class"]),
    ("densite_taille", ["density_grid3", "size_class"]),
    ("densite", ["density_grid3"]),
    ("ensemble", []),
]
DENSITY_LABEL = {"urbain_dense": "urbain dense", "intermediaire": "intermédiaire", "rural": "rural"}


def density_grid3(density_code: int) -> str:
    """INSEE's 7-level density grid (the collèges referential's ``density_code``) in 3 classes:
    1 densely populated, 2-4 intermediate, 5-7 rural."""
    return "urbain_dense" if density_code == 1 else ("intermediaire" if density_code <= 4 else "rural")


def size_class(pupils: float) -> str:
    return "<300" if pupils < 300 else ("300-600" if pupils <= 600 else ">600")


def _join_labels(df: pd.DataFrame, cols: list[str]) -> np.ndarray:
    label = df[cols[0]].astype(str)
    for c in cols[1:]:
        label = label + " · " + df[c].astype(str)
    return label.to_numpy(object)


def add_referential(df: pd.DataFrame, est: pd.DataFrame) -> pd.DataFrame:
    attrs = est[["uai", "density_grid3", "pupils", "ep"]].copy()
    attrs["size_class"] = attrs["pupils"].map(size_class)
    attrs["ep_class"] = np.where(attrs["ep"].isin(["REP", "REP+"]), "EP", "hors EP")
    attrs["density_grid3"] = attrs["density_grid3"].map(lambda d: DENSITY_LABEL.get(d, d))
    out = df.merge(attrs[["uai", "density_grid3", "size_class", "ep_class"]], on="uai", how="left")
    out = out.reset_index(drop=True)
    base = ["month", "indicator", "profile"]
    chosen = np.full(len(out), -1)
    per_level = []
    for li, (_, cols) in enumerate(LEVELS):
        keys = base + cols
        # Group statistics with cythonised aggregations, then mapped back to the rows.
        gid = out.groupby(keys, dropna=False, sort=False).ngroup().to_numpy()
        g = out["value"].groupby(gid)
        med = g.median().to_numpy()[gid]
        absdev = out["value"].to_numpy(float) - med
        mad = pd.Series(np.abs(absdev)).groupby(gid).median().to_numpy()[gid]
        per_level.append(
            {
                "n": g.count().to_numpy(float)[gid],
                "median": med,
                "q1": g.quantile(0.25).to_numpy()[gid],
                "q3": g.quantile(0.75).to_numpy()[gid],
                "rank": g.rank(method="average").to_numpy(float),
                "mad": mad,
                "label": (
                    _join_labels(out, cols) if cols else np.full(len(out), "tous les collèges", dtype=object)
                ),
            }
        )
        ok = (chosen < 0) & (per_level[-1]["n"] >= MIN_GROUP_SIZE)
        chosen[ok] = li
    chosen[chosen < 0] = len(LEVELS) - 1

    def pick(name):
        return np.choose(chosen, [lvl[name] for lvl in per_level]) if len(out) else np.array([])

    n, med, mad = pick("n"), pick("median"), pick("mad")
    out["group_level"] = [LEVELS[i][0] for i in chosen]
    out["group"] = pick("label")
    out["group_size"] = pd.array(n, dtype="Int64") if len(out) else pd.array([], dtype="Int64")
    out["percentile"] = 100 * (pick("rank") - 0.5) / n
    out["median"] = med
    out["q1"] = pick("q1")
    out["q3"] = pick("q3")
    scale = 1.4826 * mad
    with np.errstate(divide="ignore", invalid="ignore"):
        out["robust_z"] = np.where(scale > 0, (out["value"].to_numpy(float) - med) / scale, np.nan)
    out["fallback"] = chosen > 0
    if len(out):
        n0 = per_level[0]["n"].astype(int).astype(str)
        out["fallback_reason"] = np.where(
            out["fallback"],
            "groupe « "
            + per_level[0]["label"]
            + " » trop petit ("
            + n0
            + " collèges, minimum "
            + str(MIN_GROUP_SIZE)
            + ") : repli sur « "
            + out["group"]
            + " »",
            "",
        )
    else:
        out["fallback_reason"] = pd.Series(dtype=str)
    return out.drop(columns=["density_grid3", "size_class", "ep_class"])
