"""Each collège's internet link against the white paper's ladder and the per-user targets, its
measured peak use, and the collèges to upgrade first (docs/fleet.md, « Débit »).

Pure core (no Django). The link (``bw_down_mbps``) and the users (pupils + staff) come from the
warehouse's collèges referential; the targets and the gaps from the budget engine
(``numeduc.budget.bandwidth``: 100 kbit/s then 1 Mbit/s per user); the measured use from the
usage indicators already computed (``peak_concurrent_clients``, ``bandwidth_pressure``,
``traffic_bytes_per_pupil_day``, ``bandwidth_kbps_per_user``) — nothing is recomputed here
differently. The cost of an upgrade is priced with the budget parameters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from numeduc.budget.bandwidth import bandwidth as budget_bandwidth
from numeduc.budget.parameters import PARAMETERS


@dataclass(frozen=True)
class Rung:
    """A step of the white paper's ladder: links from ``lower`` (included) Mbit/s."""

    key: str
    label: str
    lower: float
    upper: float | None  # None: open above


# The white paper's ladder (none / 15-20 / 50 « seuil critique » / 100 / 200 Mbit/s), as the
# self-diagnosis item f04 words it. Left-closed: 50 Mbit/s reaches the critical threshold.
LADDER = (
    Rung("none", "pas d'accès", 0.0, 1e-9),
    Rung("low", "moins de 50 Mbit/s (15 à 20 Mbit/s au livre blanc)", 1e-9, 50.0),
    Rung("critical", "50 à 100 Mbit/s (seuil critique atteint)", 50.0, 100.0),
    Rung("good", "100 à 200 Mbit/s", 100.0, 200.0),
    Rung("very_high", "200 Mbit/s ou plus (très haut débit)", 200.0, None),
)
CRITICAL_MBPS = 50.0
# Steps a link is upgraded to (the smallest that meets the need; beyond, whole 100 Mbit/s).
UPGRADE_STEPS = (50.0, 100.0, 200.0)
# The budget engine has no device-per-pupil figure for a collège without a strategy.
_STRATEGY = {"none": ("byod", 0.0)}


def rung_of(mbps: float | None) -> Rung | None:
    if mbps is None or (isinstance(mbps, float) and math.isnan(mbps)):
        return None
    for rung in LADDER:
        if mbps >= rung.lower and (rung.upper is None or mbps < rung.upper):
            return rung
    return LADDER[0]  # negative: refused by the ingestion, kept safe here


def upgrade_target(need_mbps: float) -> float:
    """The smallest step of ``UPGRADE_STEPS`` at least ``need_mbps``; beyond 200 Mbit/s, the
    need rounded up to a whole 100 Mbit/s."""
    for step in UPGRADE_STEPS:
        if need_mbps <= step:
            return step
    return float(math.ceil(need_mbps / 100.0) * 100)


def _measured(indicators: pd.DataFrame | None) -> pd.DataFrame:
    """Per collège, from the indicators: the highest monthly peak of wifi clients and of
    bandwidth pressure (with the month), the peak demand in Mbit/s (pressure's numerator) and
    the mean bytes per pupil and school day."""
    cols = [
        "uai",
        "peak_clients",
        "peak_month",
        "pressure",
        "peak_mbps",
        "bytes_per_pupil_day",
        "kbps_per_user",
    ]
    if indicators is None or indicators.empty:
        return pd.DataFrame(columns=cols)
    df = indicators[indicators["profile"].fillna("") == ""]
    out: dict[str, dict] = {}
    for uai, g in df.groupby("uai"):
        row: dict = {"uai": uai}
        pr = g[g["indicator"] == "bandwidth_pressure"]
        if not pr.empty:
            top = pr.sort_values(["value", "month"], ascending=[False, True]).iloc[0]
            row.update(
                pressure=float(top["value"]), peak_mbps=float(top["numerator"]), peak_month=top["month"]
            )
        pc = g[g["indicator"] == "peak_concurrent_clients"]
        if not pc.empty:
            row["peak_clients"] = float(pc["value"].max())
        tb = g[g["indicator"] == "traffic_bytes_per_pupil_day"]
        if not tb.empty:
            row["bytes_per_pupil_day"] = float(tb["numerator"].sum() / tb["denominator"].sum())
        kb = g[g["indicator"] == "bandwidth_kbps_per_user"]
        if not kb.empty:
            row["kbps_per_user"] = float(kb.sort_values("month")["value"].iloc[-1])
        out[uai] = row
    return pd.DataFrame(list(out.values()), columns=cols)


def _f(v) -> float | None:
    if v is None or v is pd.NA:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def bandwidth_table(
    establishments: pd.DataFrame,
    indicators: pd.DataFrame | None = None,
    *,
    prices: Mapping[str, Decimal | float | int] | None = None,
) -> pd.DataFrame:
    """One row per collège of ``establishments`` (the warehouse's referential: ``uai``,
    ``pupils``, ``staff``, ``strategy``, ``bw_down_mbps``, ``n_classrooms``, ``n_aps``), sorted
    worst first: the collèges to upgrade (``to_upgrade``) by increasing ``ratio_baseline``
    (link / need at 100 kbit/s per user), then the others by the same ratio.

    Columns: the link and its rung of the ladder, ``kbps_per_user`` (the indicator
    ``bandwidth_kbps_per_user``), ``baseline_mbps`` / ``target_mbps`` (100 kbit/s and 1 Mbit/s
    per user, budget engine) and their gaps, the measured ``peak_clients``, ``pressure``
    (``bandwidth_pressure``), ``peak_mbps`` and ``bytes_per_pupil_day``; ``to_upgrade`` and
    ``why``; ``upgrade_to_mbps``; ``access_points_missing`` (budget engine's need − ``n_aps``),
    ``access_points_eur`` (× ``access_point_price``), ``link_eur_per_year``
    (``isp_cost_per_year``, the white paper's dedicated link)."""
    unit = {
        name: Decimal(str((prices or {}).get(name, PARAMETERS[name].default)))
        for name in ("access_point_price", "isp_cost_per_year")
    }
    measured = _measured(indicators).set_index("uai")
    rows = []
    for r in establishments.itertuples(index=False):
        pupils = int(r.pupils)
        staff = int(getattr(r, "staff", round(pupils / 10)))
        link = _f(getattr(r, "bw_down_mbps", None))
        raw_strategy = str(getattr(r, "strategy", "classe_mobile") or "classe_mobile")
        strategy, dpp = _STRATEGY.get(raw_strategy, (raw_strategy, None))
        options: dict = {"current_mbps": link}
        if dpp is not None:
            options["devices_per_pupil"] = dpp
        classrooms = _f(getattr(r, "n_classrooms", None))
        if classrooms is not None:
            options["classrooms"] = int(classrooms)
        need = budget_bandwidth(pupils, staff, strategy, **options)
        m = measured.loc[r.uai] if r.uai in measured.index else None

        def get(name, m=m):
            return None if m is None else _f(m.get(name))

        pressure = get("pressure")
        peak_mbps = get("peak_mbps")
        users = pupils + staff
        kbps = get("kbps_per_user")
        if kbps is None and link is not None and users:
            kbps = link * 1000 / users  # the indicator's formula, when no month was computed
        rung = rung_of(link)
        reasons = []
        if link is None:
            reasons.append("débit inconnu")
        else:
            if link < CRITICAL_MBPS:
                reasons.append("sous le seuil critique de 50 Mbit/s")
            if link < need.baseline_mbps:
                reasons.append("moins de 100 kbit/s par usager")
            if pressure is not None and pressure > 1:
                reasons.append("pic mesuré au-dessus du débit")
        to_upgrade = link is not None and bool(reasons)
        contract = peak_mbps * (1 + 0.35) if peak_mbps is not None else 0.0  # budget engine's headroom
        target = upgrade_target(max(CRITICAL_MBPS, need.baseline_mbps, contract)) if to_upgrade else None
        n_aps = _f(getattr(r, "n_aps", None))
        missing_aps = max(0, need.access_points - int(n_aps)) if n_aps is not None else None
        rows.append(
            {
                "uai": r.uai,
                "name": getattr(r, "name", "") or "",
                "pupils": pupils,
                "staff": staff,
                "users": users,
                "link_mbps": link,
                "rung": rung.key if rung else "",
                "rung_label": rung.label if rung else "débit inconnu",
                "kbps_per_user": kbps,
                "baseline_mbps": need.baseline_mbps,
                "target_mbps": need.target_mbps,
                "ratio_baseline": link / need.baseline_mbps
                if link is not None and need.baseline_mbps
                else None,
                "ratio_target": link / need.target_mbps if link is not None and need.target_mbps else None,
                "gap_baseline_mbps": need.gap_baseline_mbps,
                "gap_target_mbps": need.gap_target_mbps,
                "peak_clients": get("peak_clients"),
                "pressure": pressure,
                "peak_mbps": peak_mbps,
                "bytes_per_pupil_day": get("bytes_per_pupil_day"),
                "to_upgrade": to_upgrade,
                "why": " ; ".join(reasons),
                "upgrade_to_mbps": target,
                "access_points_needed": need.access_points,
                "access_points_missing": missing_aps,
                "access_points_eur": float(missing_aps * unit["access_point_price"])
                if missing_aps is not None
                else None,
                "link_eur_per_year": float(unit["isp_cost_per_year"]) if to_upgrade else None,
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["_key"] = frame["ratio_baseline"].fillna(math.inf)
    frame = frame.sort_values(["to_upgrade", "_key", "uai"], ascending=[False, True, True]).drop(
        columns="_key"
    )
    return frame.reset_index(drop=True)


def ladder_counts(table: pd.DataFrame) -> list[tuple[Rung, int]]:
    """How many collèges stand on each rung of the ladder (unknown links left out)."""
    return [(rung, int((table["rung"] == rung.key).sum()) if len(table) else 0) for rung in LADDER]


def departement_bandwidth(
    source, indicators: pd.DataFrame | None = None, *, prices: Mapping | None = None
) -> pd.DataFrame:
    """:func:`bandwidth_table` of a warehouse (folder or Ibis connection); ``indicators``
    defaults to ``compute_indicators`` of the same warehouse."""
    from numeduc.usage.engines import connect
    from numeduc.usage.indicators import compute_indicators, establishments_frame

    con = connect(source) if isinstance(source, (str, Path)) else source
    est = establishments_frame(con)
    if indicators is None:
        indicators = compute_indicators(con, referential=False)
    return bandwidth_table(est, indicators, prices=prices)


__all__ = [
    "CRITICAL_MBPS",
    "LADDER",
    "Rung",
    "bandwidth_table",
    "departement_bandwidth",
    "ladder_counts",
    "rung_of",
    "upgrade_target",
]
