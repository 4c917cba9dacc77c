"""The fleet of devices of a département's collèges, from the MDM inventory (docs/fleet.md).

Pure core (no Django). The MDM snapshot (``mdm_devices``) is small — one row per device per
snapshot — so it is read once through Ibis (latest delivery of each key, latest snapshot of
each collège) and the figures are computed in pandas.

Per collège and for the département:

* devices counted: the collège's latest snapshot, status in service, spare or in repair (lost
  and retired devices are not in the collège any more), owned by the département or the State
  (personal devices are not the fleet), interactive whiteboards (``tbi``) apart: a room's
  equipment, not a device for pupils;
* « 1 équipement pour N élèves »: N = pupils / devices counted;
* age in whole years at the snapshot, from ``purchase_date`` (else the MDM enrolment date);
* past their planned life: age ≥ the budget engine's lifetime of the device's class;
* not seen for 30 days: last check-in missing or outside the 30 days before the end of the
  snapshot day (the window of the indicator ``device_activity_rate_30d``);
* renewal forecast: a device is due in the year it reaches its lifetime (a device already past
  it is due in the first year of the forecast), then again every lifetime; ``investment_plan``
  prices the renewals with the budget engine's unit prices, with a smoothed variant.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from numeduc.budget.parameters import PARAMETERS

# Device classes of the MDM (schemas.MDM_DEVICES) -> budget parameters of their lifetime and price.
LIFETIME_PARAMETERS = {
    "tablet": "mobile_device_life",
    "laptop": "mobile_device_life",
    "chromebook": "mobile_device_life",
    "other": "mobile_device_life",
    "desktop": "desktop_life",
    "tbi": "tbi_life",
}
PRICE_PARAMETERS = {
    "tablet": "mobile_device_price",
    "laptop": "mobile_device_price",
    "chromebook": "mobile_device_price",
    "other": "mobile_device_price",
    "desktop": "desktop_price",
    "tbi": "tbi_price",
}
CLASS_LABELS = {
    "tablet": "tablettes",
    "laptop": "ordinateurs portables",
    "chromebook": "Chromebooks",
    "desktop": "ordinateurs fixes",
    "tbi": "tableaux interactifs",
    "other": "autres appareils",
}
COUNTED_STATUSES = ("in_service", "spare", "repair")
COUNTED_OWNERSHIP = ("departement", "etat")
# Classes counted in « 1 équipement pour N élèves » (a whiteboard equips a room, not pupils).
PUPIL_DEVICE_CLASSES = ("tablet", "laptop", "chromebook", "desktop", "other")
UNSEEN_DAYS = 30
AGE_BUCKETS = 6  # 0, 1, …, 5 years, then « 6 ans et plus »
UNKNOWN_AGE = "âge inconnu"
DEFAULT_HORIZON = 6
DEFAULT_SMOOTHING_YEARS = 3


def default_lifetimes() -> dict[str, int]:
    """Lifetime in years of each device class: the budget engine's defaults (docs/budget.md)."""
    return {cls: int(PARAMETERS[name].default) for cls, name in LIFETIME_PARAMETERS.items()}


def default_prices() -> dict[str, Decimal]:
    """Unit price in euros of each device class: the budget engine's defaults."""
    return {cls: PARAMETERS[name].default for cls, name in PRICE_PARAMETERS.items()}


def age_label(age: int | None) -> str:
    if age is None:
        return UNKNOWN_AGE
    if age >= AGE_BUCKETS:
        return f"{AGE_BUCKETS} ans et plus"
    if age == 0:
        return "moins d'1 an"
    return f"{age} à {age + 1} ans"


AGE_LABELS = [age_label(a) for a in range(AGE_BUCKETS + 1)] + [UNKNOWN_AGE]


def _whole_years(start: dt.date, end: dt.date) -> int:
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return max(0, years)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _as_date(value) -> dt.date | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return pd.Timestamp(value).date()


def read_devices(source) -> pd.DataFrame:
    """Devices of the latest MDM snapshot of each collège (every status and owner), one row
    each; empty when no inventory was loaded. ``source``: a warehouse folder or an Ibis
    connection (``numeduc.usage.engines.connect``)."""
    from numeduc.usage.engines import connect
    from numeduc.usage.indicators import _has, _latest

    con = connect(source) if isinstance(source, (str, Path)) else source
    columns = [
        "snapshot_date",
        "device_id",
        "uai",
        "device_class",
        "ownership",
        "status",
        "enrolled_at",
        "last_checkin_at",
        "purchase_date",
    ]
    if not _has(con, "mdm_devices"):
        return pd.DataFrame(columns=columns)
    dev = _latest(con.table("mdm_devices"), ["snapshot_date", "device_id"])
    last = dev.group_by("uai").aggregate(snap=dev.snapshot_date.max())
    dev = dev.join(last, [dev.uai == last.uai, dev.snapshot_date == last.snap]).select(dev)
    return dev.select(*columns).execute().reset_index(drop=True)


def device_table(devices: pd.DataFrame, lifetimes: Mapping[str, int] | None = None) -> pd.DataFrame:
    """The counted devices (see the module's docstring) with ``age``, ``lifetime``,
    ``past_life``, ``unseen_30d`` and ``due`` (the date its planned life ends)."""
    lifetimes = {**default_lifetimes(), **(lifetimes or {})}
    d = devices[
        devices["status"].isin(COUNTED_STATUSES) & devices["ownership"].isin(COUNTED_OWNERSHIP)
    ].copy()
    snaps = [_as_date(v) for v in d["snapshot_date"]]
    bought = [_as_date(p) or _as_date(e) for p, e in zip(d["purchase_date"], d["enrolled_at"], strict=True)]
    d["snapshot_date"] = snaps
    d["bought"] = bought
    d["age"] = [
        None if b is None or s is None else _whole_years(b, s) for b, s in zip(bought, snaps, strict=True)
    ]
    d["lifetime"] = [int(lifetimes[c]) for c in d["device_class"]]
    d["past_life"] = [a is not None and a >= life for a, life in zip(d["age"], d["lifetime"], strict=True)]
    d["due"] = [
        None if b is None else _add_years(b, life) for b, life in zip(bought, d["lifetime"], strict=True)
    ]
    # Seen when the last check-in falls in the 30 days before the end of the snapshot day.
    ends = pd.to_datetime(pd.Series([pd.Timestamp(s) + pd.Timedelta(days=1) for s in snaps], dtype="object"))
    checkin = pd.to_datetime(d["last_checkin_at"], utc=True).dt.tz_localize(None).reset_index(drop=True)
    seen = (checkin >= ends - pd.Timedelta(days=UNSEEN_DAYS)) & (checkin < ends)
    d["unseen_30d"] = (~seen.fillna(False)).to_numpy() if len(d) else []
    return d.reset_index(drop=True)


@dataclass(frozen=True)
class FleetSummary:
    """One row of the fleet table (a collège, or the département when ``uai`` is empty)."""

    uai: str
    pupils: int | None
    devices: int  # counted devices for pupils (whiteboards apart)
    whiteboards: int
    pupils_per_device: float | None  # N of « 1 équipement pour N élèves »
    devices_per_pupil: float | None
    known_age: int
    median_age: float | None
    past_life: int
    past_life_share: float | None
    unseen_30d: int
    unseen_30d_share: float | None
    snapshot_date: dt.date | None


def _summary(uai: str, pupils: int | None, d: pd.DataFrame) -> FleetSummary:
    terminals = d[d["device_class"].isin(PUPIL_DEVICE_CLASSES)]
    n = len(terminals)
    ages = [a for a in terminals["age"] if a is not None and not pd.isna(a)]

    def share(k: int) -> float | None:
        return k / n if n else None

    past = int(terminals["past_life"].sum())
    unseen = int(terminals["unseen_30d"].sum())
    snaps = [s for s in d["snapshot_date"] if s is not None]
    return FleetSummary(
        uai=uai,
        pupils=pupils,
        devices=n,
        whiteboards=int((d["device_class"] == "tbi").sum()),
        pupils_per_device=pupils / n if n and pupils is not None else None,
        devices_per_pupil=n / pupils if pupils else None,
        known_age=len(ages),
        median_age=float(pd.Series(ages, dtype="float64").median()) if ages else None,
        past_life=past,
        past_life_share=share(past),
        unseen_30d=unseen,
        unseen_30d_share=share(unseen),
        snapshot_date=max(snaps) if snaps else None,
    )


def fleet_table(devices: pd.DataFrame, pupils: Mapping[str, int | None]) -> pd.DataFrame:
    """One row per collège of ``pupils`` (UAI -> pupils) or with devices, sorted by UAI, then
    the département's row (``uai`` empty). ``devices``: :func:`device_table`."""
    rows = []
    for uai in sorted(set(pupils) | set(devices["uai"])):
        p = pupils.get(uai)
        rows.append(
            _summary(uai, None if p is None or pd.isna(p) else int(p), devices[devices["uai"] == uai])
        )
    known = [int(p) for u, p in pupils.items() if p is not None and not pd.isna(p)]
    rows.append(_summary("", sum(known) if known else None, devices))
    return pd.DataFrame([r.__dict__ for r in rows])


def age_distribution(devices: pd.DataFrame, uai: str | None = None) -> pd.DataFrame:
    """Counted devices (whiteboards included) by age bucket and past-life flag: ``age_label``,
    ``devices``, ``past_life`` (every bucket of ``AGE_LABELS``, in order)."""
    d = devices if uai is None else devices[devices["uai"] == uai]
    labels = [age_label(None if a is None or pd.isna(a) else int(a)) for a in d["age"]]
    frame = pd.DataFrame({"age_label": labels, "past_life": d["past_life"].astype(bool).to_numpy()})
    rows = []
    for label in AGE_LABELS:
        sel = frame[frame["age_label"] == label]
        rows.append({"age_label": label, "devices": len(sel), "past_life": int(sel["past_life"].sum())})
    return pd.DataFrame(rows)


def renewal_forecast(
    devices: pd.DataFrame, start_year: int | None = None, horizon: int = DEFAULT_HORIZON
) -> pd.DataFrame:
    """Devices to renew each year from ``start_year`` (default: the latest snapshot's year)
    over ``horizon`` years, by class: ``year``, ``device_class``, ``devices``, ``overdue``
    (already past their life at the snapshot or before ``start_year``: counted in the first
    year). A device is due in the
    year its planned life ends, then every lifetime after its renewal. Devices of unknown age
    are left out (their number is ``devices.age.isna().sum()``)."""
    if start_year is None:
        snaps = [s for s in devices["snapshot_date"] if s is not None]
        start_year = max(snaps).year if snaps else dt.date.today().year
    end_year = start_year + horizon - 1
    counts: dict[tuple[int, str], list[int]] = {}
    for due, life, cls, past in zip(
        devices["due"], devices["lifetime"], devices["device_class"], devices["past_life"], strict=True
    ):
        if due is None or (isinstance(due, float) and math.isnan(due)):
            continue
        overdue = bool(past) or due.year < start_year
        year = max(due.year, start_year)
        first = True
        while year <= end_year:
            slot = counts.setdefault((year, cls), [0, 0])
            slot[0] += 1
            slot[1] += int(first and overdue)
            first = False
            year += int(life)
    rows = [
        {"year": y, "device_class": c, "devices": v[0], "overdue": v[1]}
        for (y, c), v in sorted(counts.items())
    ]
    frame = pd.DataFrame(rows, columns=["year", "device_class", "devices", "overdue"])
    frame.attrs["start_year"], frame.attrs["horizon"] = start_year, horizon
    return frame


def smooth(counts: list[int], years: int) -> tuple[list[int], int]:
    """Each year's renewals spread over that year and the ``years - 1`` following ones, in whole
    devices (the earlier years take the remainder): devices stay in service up to ``years - 1``
    years past their planned life. Returns the smoothed counts over the same years and the
    number carried beyond the last year."""
    if years < 1:
        raise ValueError("Le lissage s'étale sur au moins 1 an.")
    out = [0] * len(counts)
    carried = 0
    for i, n in enumerate(counts):
        base, extra = divmod(int(n), years)
        for k in range(years):
            part = base + (1 if k < extra else 0)
            if i + k < len(out):
                out[i + k] += part
            else:
                carried += part
    return out, carried


def investment_plan(
    forecast: pd.DataFrame,
    prices: Mapping[str, Decimal | float | int] | None = None,
    *,
    smoothing_years: int = DEFAULT_SMOOTHING_YEARS,
) -> pd.DataFrame:
    """The forecast as the budget planner's yearly investment (cash view): per year, devices
    to renew, ``investment_eur`` = Σ devices × unit price of their class (budget parameters),
    and the smoothed variant (:func:`smooth`, class by class) ``smoothed_devices`` and
    ``smoothed_investment_eur``. ``attrs["carried_devices"]`` / ``["carried_eur"]``: what the
    smoothing pushes beyond the horizon."""
    unit = {k: Decimal(str(v)) for k, v in {**default_prices(), **(prices or {})}.items()}
    start = forecast.attrs.get("start_year")
    horizon = forecast.attrs.get("horizon")
    if start is None or horizon is None:
        years_seen = sorted(forecast["year"].unique())
        start, horizon = (years_seen[0], len(years_seen)) if years_seen else (dt.date.today().year, 0)
    years = list(range(int(start), int(start) + int(horizon)))
    devices = [0] * len(years)
    money = [Decimal(0)] * len(years)
    s_devices = [0] * len(years)
    s_money = [Decimal(0)] * len(years)
    carried_n, carried_eur = 0, Decimal(0)
    for cls in sorted(set(forecast["device_class"])):
        sel = forecast[forecast["device_class"] == cls].set_index("year")["devices"]
        counts = [int(sel.get(y, 0)) for y in years]
        smoothed, carried = smooth(counts, smoothing_years)
        for i, (n, m) in enumerate(zip(counts, smoothed, strict=True)):
            devices[i] += n
            money[i] += n * unit[cls]
            s_devices[i] += m
            s_money[i] += m * unit[cls]
        carried_n += carried
        carried_eur += carried * unit[cls]
    frame = pd.DataFrame(
        {
            "year": years,
            "devices": devices,
            "investment_eur": [float(m) for m in money],
            "smoothed_devices": s_devices,
            "smoothed_investment_eur": [float(m) for m in s_money],
        }
    )
    frame.attrs["carried_devices"], frame.attrs["carried_eur"] = carried_n, float(carried_eur)
    frame.attrs["smoothing_years"] = smoothing_years
    return frame


# The classes the budget planner's line « Équipements mobiles » (mobile_equipment) buys.
MOBILE_CLASSES = tuple(c for c, name in LIFETIME_PARAMETERS.items() if name == "mobile_device_life")
MAX_SMOOTHING_YEARS = 4


def plan_for_classes(
    forecast: pd.DataFrame,
    classes: tuple[str, ...],
    prices: Mapping[str, Decimal | float | int] | None = None,
    *,
    smoothing_years: int = DEFAULT_SMOOTHING_YEARS,
) -> pd.DataFrame:
    """:func:`investment_plan` of the devices of ``classes`` only (same years as ``forecast``)."""
    part = forecast[forecast["device_class"].isin(classes)].copy()
    part.attrs = dict(forecast.attrs)
    return investment_plan(part, prices, smoothing_years=smoothing_years)


@dataclass(frozen=True)
class Peak:
    """The year of the largest amount of a series (the first such year) and that amount."""

    year: int
    amount: float


def peak(years, amounts) -> Peak | None:
    """The first year of the largest amount; None when every amount is zero (or none given)."""
    best: Peak | None = None
    for year, amount in zip(years, amounts, strict=True):
        value = float(amount)
        if value > 0 and (best is None or value > best.amount):
            best = Peak(int(year), value)
    return best


def scenario_years(start_year: int, amounts) -> dict[int, Decimal]:
    """A budget scenario's cash years (year 1, 2, … of its horizon) as calendar years: its year
    1 is ``start_year`` (the forecast's first year)."""
    return {start_year + i: Decimal(str(a)) for i, a in enumerate(amounts)}


def cash_comparison(plan: pd.DataFrame, scenario: Mapping[int, Decimal] | None = None) -> pd.DataFrame:
    """The plan's years with, beside them, the scenario's spend of the same calendar year
    (``scenario_eur``, None when the scenario's horizon does not reach that year) and the
    differences measured − scenario and smoothed − scenario."""
    out = plan[["year", "investment_eur", "smoothed_investment_eur"]].copy().reset_index(drop=True)
    values = [None if scenario is None else scenario.get(int(y)) for y in out["year"]]

    def column(items) -> pd.Series:  # None stays None (no NaN) where the scenario has no year
        return pd.Series(list(items), dtype=object)

    out["scenario_eur"] = column(None if v is None else float(v) for v in values)
    out["gap_eur"] = column(
        None if v is None else float(m) - float(v) for m, v in zip(out["investment_eur"], values, strict=True)
    )
    out["smoothed_gap_eur"] = column(
        None if v is None else float(m) - float(v)
        for m, v in zip(out["smoothed_investment_eur"], values, strict=True)
    )
    return out


@dataclass
class CashView:
    """The measured fleet's renewals as the budget planner's cash view (docs/fleet.md)."""

    plan: pd.DataFrame  # investment_plan, every class
    mobile: pd.DataFrame  # plan_for_classes(MOBILE_CLASSES): the planner's « équipements mobiles »
    devices: int  # counted devices (whiteboards included)
    overdue: int  # already past their life at the snapshot: counted in the first year
    unknown_age: int  # left out of the forecast (no date)
    snapshot_date: dt.date | None
    peak: Peak | None  # of plan.investment_eur
    smoothed_peak: Peak | None  # of plan.smoothed_investment_eur


def cash_view(
    devices: pd.DataFrame,
    *,
    prices: Mapping[str, Decimal | float | int] | None = None,
    start_year: int | None = None,
    horizon: int = DEFAULT_HORIZON,
    smoothing_years: int = DEFAULT_SMOOTHING_YEARS,
) -> CashView:
    """``devices``: :func:`device_table` (its lifetimes are those of the forecast)."""
    forecast = renewal_forecast(devices, start_year, horizon)
    plan = investment_plan(forecast, prices, smoothing_years=smoothing_years)
    mobile = plan_for_classes(forecast, MOBILE_CLASSES, prices, smoothing_years=smoothing_years)
    snaps = [s for s in devices["snapshot_date"] if s is not None]
    return CashView(
        plan=plan,
        mobile=mobile,
        devices=len(devices),
        overdue=int(forecast["overdue"].sum()) if len(forecast) else 0,
        unknown_age=int(devices["age"].isna().sum()) if len(devices) else 0,
        snapshot_date=max(snaps) if snaps else None,
        peak=peak(plan["year"], plan["investment_eur"]),
        smoothed_peak=peak(plan["year"], plan["smoothed_investment_eur"]),
    )


@dataclass
class Fleet:
    """Everything the fleet page shows for one département."""

    devices: pd.DataFrame  # device_table
    table: pd.DataFrame  # fleet_table
    ages: pd.DataFrame  # age_distribution (département)
    forecast: pd.DataFrame  # renewal_forecast
    plan: pd.DataFrame  # investment_plan
    unknown_age: int


def fleet(
    source,
    pupils: Mapping[str, int | None] | None = None,
    *,
    lifetimes: Mapping[str, int] | None = None,
    prices: Mapping[str, Decimal | float | int] | None = None,
    start_year: int | None = None,
    horizon: int = DEFAULT_HORIZON,
    smoothing_years: int = DEFAULT_SMOOTHING_YEARS,
) -> Fleet:
    """The département's fleet from its warehouse (folder or Ibis connection). ``pupils``
    defaults to the warehouse's collèges referential (``establishments``)."""
    from numeduc.usage.engines import connect
    from numeduc.usage.indicators import _has, establishments_frame

    con = connect(source) if isinstance(source, (str, Path)) else source
    if pupils is None:
        pupils = {}
        if _has(con, "establishments"):
            est = establishments_frame(con)
            pupils = dict(zip(est["uai"], est["pupils"], strict=True))
    devices = device_table(read_devices(con), lifetimes)
    forecast = renewal_forecast(devices, start_year, horizon)
    return Fleet(
        devices=devices,
        table=fleet_table(devices, pupils),
        ages=age_distribution(devices),
        forecast=forecast,
        plan=investment_plan(forecast, prices, smoothing_years=smoothing_years),
        unknown_age=int(devices["age"].isna().sum()) if len(devices) else 0,
    )


__all__ = [
    "AGE_LABELS",
    "CLASS_LABELS",
    "MOBILE_CLASSES",
    "CashView",
    "Fleet",
    "FleetSummary",
    "Peak",
    "age_distribution",
    "cash_comparison",
    "cash_view",
    "default_lifetimes",
    "default_prices",
    "device_table",
    "fleet",
    "fleet_table",
    "investment_plan",
    "peak",
    "plan_for_classes",
    "read_devices",
    "renewal_forecast",
    "scenario_years",
    "smooth",
]
