"""Internet access and wifi sizing of a collège (spec A.5).

Two readings of the need:

* top-down (policy): ``max(floor, (pupils + staff) × per-user target / concurrency)``, with the
  SETDA/FCC targets 100 kbit/s per user (short term) and 1 Mbit/s per user (long term);
* bottom-up (peak): devices present × share actively transmitting × throughput per active
  client, plus a procurement headroom (30–40 % above the peak, EducationSuperHighway).

Access points: every classroom is covered (at least one AP per room, ESH guideline), and a
room gets more when its associated clients exceed the design capacity ``clients_per_ap``;
the collège as a whole needs at least ``ceil(associated clients / clients_per_ap)``.
Bandwidth is plain physics, not money: floats are fine here.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from numeduc.budget.parameters import BANDWIDTH_SPECS, parse_number, shown_value

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

# Devices per pupil on the wifi by strategy, for the bottom-up model ([26]: 1.5–3 in 1:1/BYOD).
DEVICES_PER_PUPIL = {"eim": 1.0, "byod": 2.0, "hybride": 2.0}
BASELINE_MBPS_PER_USER = 0.1  # FCC 14-99 / SETDA 2014-15: 100 Mbit/s per 1,000 users
TARGET_MBPS_PER_USER = 1.0  # FCC / SETDA 2017-18: 1 Gbit/s per 1,000 users


@dataclass(frozen=True)
class BandwidthResult:
    pupils: int
    staff: int
    strategy: str
    users: int
    # top-down
    baseline_mbps: float
    target_mbps: float
    # bottom-up
    devices_present: float
    clients_associated: float
    clients_active: float
    peak_mbps: float
    contract_mbps: float  # peak plus headroom
    # wifi
    access_points: int
    access_points_coverage: int
    access_points_capacity: int
    # against the current access (None when unknown)
    current_mbps: float | None = None
    gap_baseline_mbps: float | None = None
    gap_target_mbps: float | None = None
    gap_contract_mbps: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_bandwidth_options(given: dict) -> dict:
    """Each option (``None`` allowed for ``devices_per_pupil`` and ``current_mbps``) checked
    against ``BANDWIDTH_SPECS``: finite, within its bounds, whole where it counts things.
    Returns floats (ints for whole numbers); raises ``ValueError`` with the French message
    naming the option, the value and the bound."""
    out: dict = {}
    for name, raw in given.items():
        if raw is None and name in ("devices_per_pupil", "current_mbps"):
            out[name] = None
            continue
        spec = BANDWIDTH_SPECS[name]
        value, problem = parse_number(spec, raw)
        if problem or value is None:
            raise ValueError(problem)
        out[name] = int(value) if spec.integer else float(value)
    return out


def _mbps(value: float) -> float:
    return round(value, 3)


def _gap(need: float, current: float | None) -> float | None:
    return None if current is None else _mbps(max(0.0, need - current))


def bandwidth(
    pupils: int,
    staff: int | None = None,
    strategy: str = "classe_mobile",
    *,
    baseline_mbps_per_user: float = BASELINE_MBPS_PER_USER,
    target_mbps_per_user: float = TARGET_MBPS_PER_USER,
    concurrency: float = 1.0,
    floor_mbps: float = 0.0,
    presence: float = 1.0,
    devices_per_pupil: float | None = None,
    carts_in_use: int = 4,
    cart_size: int = 30,
    staff_devices: float = 1.0,
    associated_share: float = 0.5,
    active_share: float = 0.4,
    mbps_per_active_client: float = 1.0,
    headroom: float = 0.35,
    clients_per_ap: int = 30,
    classrooms: int = 17,
    pupils_per_room: int = 30,
    other_areas: int = 0,
    current_mbps: float | None = None,
) -> BandwidthResult:
    """Size the internet access and the access points of one collège.

    ``staff`` defaults to one adult per ten pupils.  ``concurrency`` divides the top-down
    need when collèges share a départemental uplink (ESH: 1.5 to 2.25).  For the
    ``classe_mobile`` strategy the devices are the carts in use (``carts_in_use × cart_size``).
    """
    from numeduc.budget.scenario import STRATEGIES, STRATEGY_ALIASES

    key = str(strategy).strip().lower()
    strategy = STRATEGY_ALIASES.get(key, key)
    if strategy not in STRATEGIES:
        raise ValueError(
            f"Stratégie d'équipement : stratégie inconnue « {shown_value(key)} » ; "
            f"valeurs possibles : {', '.join(STRATEGIES)}"
        )
    if staff is None:
        staff = round(pupils / 10) if _is_number(pupils) and math.isfinite(pupils) else pupils
    given = {
        "pupils": pupils,
        "staff": staff,
        "baseline_mbps_per_user": baseline_mbps_per_user,
        "target_mbps_per_user": target_mbps_per_user,
        "concurrency": concurrency,
        "floor_mbps": floor_mbps,
        "presence": presence,
        "devices_per_pupil": devices_per_pupil,
        "carts_in_use": carts_in_use,
        "cart_size": cart_size,
        "staff_devices": staff_devices,
        "associated_share": associated_share,
        "active_share": active_share,
        "mbps_per_active_client": mbps_per_active_client,
        "headroom": headroom,
        "clients_per_ap": clients_per_ap,
        "classrooms": classrooms,
        "pupils_per_room": pupils_per_room,
        "other_areas": other_areas,
        "current_mbps": current_mbps,
    }
    checked = check_bandwidth_options(given)
    pupils, staff = int(checked["pupils"]), int(checked["staff"])
    carts_in_use, cart_size, classrooms = (
        int(checked["carts_in_use"]),
        int(checked["cart_size"]),
        int(checked["classrooms"]),
    )
    clients_per_ap, pupils_per_room, other_areas = (
        int(checked["clients_per_ap"]),
        int(checked["pupils_per_room"]),
        int(checked["other_areas"]),
    )
    baseline_mbps_per_user, target_mbps_per_user = (
        checked["baseline_mbps_per_user"],
        checked["target_mbps_per_user"],
    )
    concurrency, floor_mbps, presence = checked["concurrency"], checked["floor_mbps"], checked["presence"]
    devices_per_pupil, staff_devices = checked["devices_per_pupil"], checked["staff_devices"]
    associated_share, active_share = checked["associated_share"], checked["active_share"]
    mbps_per_active_client, headroom, current_mbps = (
        checked["mbps_per_active_client"],
        checked["headroom"],
        checked["current_mbps"],
    )
    users = pupils + staff

    baseline = max(floor_mbps, users * baseline_mbps_per_user / concurrency)
    target = max(floor_mbps, users * target_mbps_per_user / concurrency)

    if strategy == "classe_mobile":
        pupil_devices = min(carts_in_use * cart_size, pupils * presence)
        dpp = pupil_devices / pupils if pupils else 0.0
    else:
        dpp = DEVICES_PER_PUPIL[strategy] if devices_per_pupil is None else devices_per_pupil
        pupil_devices = pupils * presence * dpp
    devices = pupil_devices + staff * presence * staff_devices
    associated = devices * associated_share
    active = devices * active_share
    peak = active * mbps_per_active_client
    contract = peak * (1 + headroom)

    def room_aps(room_devices: float) -> int:
        return max(1, math.ceil(room_devices * associated_share / clients_per_ap - 1e-9))

    if strategy == "classe_mobile":
        rooms_with_carts = min(classrooms, carts_in_use)
        coverage = rooms_with_carts * room_aps(cart_size + staff_devices) + (
            classrooms - rooms_with_carts
        ) * room_aps(staff_devices)
    else:
        coverage = classrooms * room_aps(pupils_per_room * dpp + staff_devices)
    coverage += other_areas
    capacity = math.ceil(associated / clients_per_ap - 1e-9) if associated else 0
    return BandwidthResult(
        pupils=pupils,
        staff=staff,
        strategy=strategy,
        users=users,
        baseline_mbps=_mbps(baseline),
        target_mbps=_mbps(target),
        devices_present=_mbps(devices),
        clients_associated=_mbps(associated),
        clients_active=_mbps(active),
        peak_mbps=_mbps(peak),
        contract_mbps=_mbps(contract),
        access_points=max(coverage, capacity),
        access_points_coverage=coverage,
        access_points_capacity=capacity,
        current_mbps=current_mbps,
        gap_baseline_mbps=_gap(baseline, current_mbps),
        gap_target_mbps=_gap(target, current_mbps),
        gap_contract_mbps=_gap(contract, current_mbps),
    )


def scenario_bandwidth(scenario, *, current_mbps: float | None = None, **options) -> BandwidthResult:
    """``bandwidth`` for a budget scenario: pupils, staff, strategy, classrooms and carts are
    taken from it (carts in use = the strategy's carts).  Compare ``access_points`` with the
    scenario's ``access_points`` parameter to see whether the wifi budget line is enough."""
    from numeduc.budget.scenario import check_scenario

    check_scenario(scenario)
    carts = scenario["carts"] if scenario.strategy == "classe_mobile" else scenario["hybrid_carts"]
    defaults: dict[str, Any] = {
        "classrooms": int(scenario["classrooms"]),
        "carts_in_use": int(carts),
        "cart_size": int(scenario["cart_size"]),
    }
    if scenario.strategy == "eim":
        defaults["devices_per_pupil"] = float(scenario["eim_coverage"])
    defaults.update(options)
    return bandwidth(
        int(scenario["pupils"]),
        int(scenario["staff"]),
        scenario.strategy,
        current_mbps=current_mbps,
        **defaults,
    )


def bandwidth_table(
    colleges: pd.DataFrame,
    *,
    strategy: str = "classe_mobile",
    current_mbps: float | str | None = None,
    staff_per_pupil: float = 0.1,
    **options,
) -> pd.DataFrame:
    """One row per collège (needs a ``pupils`` column): needs and gaps in Mbit/s.

    ``current_mbps`` is a number (same access everywhere) or the name of a column of
    ``colleges``; rows whose ``pupils`` is missing are skipped.
    """
    import pandas as pd

    staff_per_pupil = check_bandwidth_options({"staff_per_pupil": staff_per_pupil})["staff_per_pupil"]
    if current_mbps is not None and not isinstance(current_mbps, str):
        current_mbps = check_bandwidth_options({"current_mbps": current_mbps})["current_mbps"]
    rows = []
    for _, row in colleges.iterrows():
        if pd.isna(row["pupils"]):
            continue
        raw = row["pupils"]
        if not float(raw).is_integer():
            raise ValueError(
                f"Élèves du collège : effectif non entier ({raw}) pour le collège {row.get('uai', '')}".strip()
            )
        pupils = int(raw)
        current = row[current_mbps] if isinstance(current_mbps, str) else current_mbps
        current = None if current is None or pd.isna(current) else float(current)
        result = bandwidth(pupils, round(pupils * staff_per_pupil), strategy, current_mbps=current, **options)
        data = {k: row[k] for k in ("uai", "name") if k in colleges.columns}
        data.update(result.to_dict())
        rows.append(data)
    return pd.DataFrame(rows)
