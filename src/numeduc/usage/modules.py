"""Measured use of each ENT module, per month, from a usage warehouse (docs/resources.md).

For a warehouse (a folder, or an Ibis connection from :func:`numeduc.usage.engines.connect`)
and each ``module`` of ``ent_events`` and UTC month (``YYYY-MM``, the months of the events, as
the indicators count them):

- ``colleges``: collèges of the referential (``establishments``, latest school year) with at
  least one *usage* event (ACCESS, CREATE, VIEW: LOGIN/LOGOUT say nothing of a module) of the
  module in the month; ``colleges_total``: collèges of the referential; ``colleges_share``;
- ``pupils``: distinct pupils (profile ELEVE; a user is counted once per collège, as
  ``monthly_active_rate`` counts them) with at least one usage event of the module in the
  month; ``pupils_total``: the pupils' population, the same denominator as
  ``monthly_active_rate`` for ELEVE (``pupils`` of ``establishments``), summed over the
  collèges; ``pupils_share``.

A module without any usage event in a month has a row with zeros (a month of the warehouse is
a month with at least one event of any module). Pure: no Django.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from numeduc.usage.schemas import USAGE_EVENT_TYPES

COLUMNS = [
    "module",
    "month",
    "colleges",
    "colleges_total",
    "colleges_share",
    "pupils",
    "pupils_total",
    "pupils_share",
]
PUPIL_PROFILE = "ELEVE"


def _connection(warehouse):
    if isinstance(warehouse, (str, Path)):
        from numeduc.usage.engines import connect

        return connect(warehouse)
    return warehouse


def module_use(warehouse, modules: list[str] | None = None) -> pd.DataFrame:
    """One row per module and month (``COLUMNS``), sorted by module then month; empty frame
    with those columns when the warehouse has no events or no referential."""
    from numeduc.usage.indicators import _has, establishments_frame

    con = _connection(warehouse)
    if not (_has(con, "ent_events") and _has(con, "establishments")):
        return pd.DataFrame(columns=COLUMNS)
    est = establishments_frame(con)
    uais = sorted(str(u) for u in est["uai"])
    colleges_total = len(uais)
    pupils_total = int(est["pupils"].fillna(0).astype("int64").sum())

    ev = con.table("ent_events")
    ev = ev.mutate(month=ev.ts.strftime("%Y-%m"))
    months = sorted(m for m in ev.select("month").distinct().execute()["month"] if m)
    if not months or not uais:
        return pd.DataFrame(columns=COLUMNS)
    use = ev.filter(ev.event_type.isin(list(USAGE_EVENT_TYPES)) & ev.uai.isin(uais))
    if modules is not None:
        use = use.filter(use.module.isin(list(modules)))
    by_college = (
        use.select("module", "month", "uai")
        .distinct()
        .group_by(["module", "month"])
        .aggregate(colleges=lambda t: t.count())
        .execute()
    )
    pupils = use.filter(use.profile == PUPIL_PROFILE).select("module", "month", "uai", "user_id").distinct()
    by_pupil = pupils.group_by(["module", "month"]).aggregate(pupils=lambda t: t.count()).execute()

    found = sorted(set(by_college["module"]) | set(by_pupil["module"]))
    names = sorted(set(modules)) if modules is not None else found
    if not names:
        return pd.DataFrame(columns=COLUMNS)
    grid = pd.MultiIndex.from_product([names, months], names=["module", "month"]).to_frame(index=False)
    out = grid.merge(by_college, on=["module", "month"], how="left").merge(
        by_pupil, on=["module", "month"], how="left"
    )
    out["colleges"] = out["colleges"].fillna(0).astype("int64")
    out["pupils"] = out["pupils"].fillna(0).astype("int64")
    out["colleges_total"] = colleges_total
    out["pupils_total"] = pupils_total
    out["colleges_share"] = out["colleges"] / colleges_total
    out["pupils_share"] = out["pupils"] / pupils_total if pupils_total else float("nan")
    return out[COLUMNS].sort_values(["module", "month"]).reset_index(drop=True)


def pooled(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Several warehouses' ``module_use`` (one per département) pooled per module and month:
    counts and populations summed, shares recomputed (a warehouse counts in a month's
    denominators only when it has that month). Adds ``warehouses``: how many were pooled."""
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=[*COLUMNS, "warehouses"])
    both = pd.concat(frames, ignore_index=True)
    out = (
        both.groupby(["module", "month"], as_index=False)
        .agg(
            colleges=("colleges", "sum"),
            colleges_total=("colleges_total", "sum"),
            pupils=("pupils", "sum"),
            pupils_total=("pupils_total", "sum"),
            warehouses=("month", "size"),
        )
        .sort_values(["module", "month"])
    )
    out["colleges_share"] = out["colleges"] / out["colleges_total"]
    out["pupils_share"] = out["pupils"] / out["pupils_total"].where(out["pupils_total"] > 0)
    return out[[*COLUMNS, "warehouses"]].reset_index(drop=True)


def trend(frame: pd.DataFrame, module: str) -> dict | None:
    """The module's last month against its first: both months, both shares and the change in
    percentage points (``None`` when fewer than two months are measured)."""
    rows = frame[frame["module"] == module].sort_values("month")
    if len(rows) < 2:
        return None
    first, last = rows.iloc[0], rows.iloc[-1]
    return {
        "first_month": str(first["month"]),
        "last_month": str(last["month"]),
        "colleges_share_first": float(first["colleges_share"]),
        "colleges_share_last": float(last["colleges_share"]),
        "colleges_points": 100 * (float(last["colleges_share"]) - float(first["colleges_share"])),
        "pupils_share_first": float(first["pupils_share"]),
        "pupils_share_last": float(last["pupils_share"]),
        "pupils_points": 100 * (float(last["pupils_share"]) - float(first["pupils_share"])),
    }


__all__ = ["COLUMNS", "module_use", "pooled", "trend"]
