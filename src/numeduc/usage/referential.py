"""Comparison of each collège with its referential (usage.md §B.6, "Referential comparison").

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


def size_class(pupils: float) -> str:
    return "<300" if pupils < 300 else ("300-600" if pupils <= 600 else ">600")


def _label(row_vals: list[str]) -> str:
    return " · ".join(row_vals) if row_vals else "tous les collèges"


def add_referential(df: pd.DataFrame, est: pd.DataFrame) -> pd.DataFrame:
    attrs = est[["uai", "density_grid3", "pupils", "ep"]].copy()
    attrs["size_class"] = attrs["pupils"].map(size_class)
    attrs["ep_class"] = np.where(attrs["ep"].isin(["REP", "REP+"]), "EP", "hors EP")
    attrs["density_grid3"] = attrs["density_grid3"].map(lambda d: DENSITY_LABEL.get(d, d))
    out = df.merge(attrs[["uai", "density_grid3", "size_class", "ep_class"]], on="uai", how="left")
    base = ["month", "indicator", "profile"]
    chosen = pd.Series(-1, index=out.index)
    stats = {}
    for li, (_, cols) in enumerate(LEVELS):
        keys = base + cols
        g = out.groupby(keys, dropna=False)["value"]
        n = g.transform("count")
        med = g.transform("median")
        q1 = g.transform(lambda s: s.quantile(0.25))
        q3 = g.transform(lambda s: s.quantile(0.75))
        rank = g.rank(method="average")
        absdev = (out["value"] - med).abs()
        mad = absdev.groupby([out[k] for k in keys], dropna=False).transform("median")
        stats[li] = (n, med, q1, q3, rank, mad)
        ok = (chosen < 0) & (n >= MIN_GROUP_SIZE)
        chosen[ok] = li
    chosen[chosen < 0] = len(LEVELS) - 1
    n = pd.Series(np.nan, index=out.index)
    med, q1, q3, rank, mad = (n.copy() for _ in range(5))
    for li in stats:
        sel = chosen == li
        sn, smed, sq1, sq3, srank, smad = stats[li]
        n[sel], med[sel], q1[sel], q3[sel] = sn[sel], smed[sel], sq1[sel], sq3[sel]
        rank[sel], mad[sel] = srank[sel], smad[sel]
    out["group_level"] = chosen.map(lambda i: LEVELS[i][0])
    out["group"] = [
        _label([str(r[c]) for c in LEVELS[i][1]]) for i, (_, r) in zip(chosen, out.iterrows())
    ] if len(out) else []
    out["group_size"] = n.astype("Int64")
    out["percentile"] = 100 * (rank - 0.5) / n
    out["median"] = med
    out["q1"] = q1
    out["q3"] = q3
    scale = 1.4826 * mad
    out["robust_z"] = np.where(scale > 0, (out["value"] - med) / scale.where(scale > 0), np.nan)
    out["fallback"] = chosen > 0
    first = out[LEVELS[0][1]].astype(str).agg(" · ".join, axis=1) if len(out) else pd.Series(dtype=str)
    n0 = stats[0][0] if stats else n
    out["fallback_reason"] = np.where(
        out["fallback"],
        "groupe « " + first + " » trop petit (" + n0.astype("Int64").astype(str)
        + " collèges, minimum " + str(MIN_GROUP_SIZE) + ") : repli sur « " + out["group"] + " »",
        "")
    return out.drop(columns=["density_grid3", "size_class", "ep_class"])
