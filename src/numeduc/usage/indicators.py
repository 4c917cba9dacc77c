"""Usage indicators (docs/usage.md), written once as Ibis expressions.

The same expressions run on DuckDB (embedded, default) or Apache Spark: pass a warehouse
folder and a backend name, or an Ibis connection whose tables are named after the input kinds.
Every indicator is a ratio ``numerator / denominator`` computed per collège (``uai``) and month
(``YYYY-MM``, UTC), and profile where it applies; the long result also carries the comparison
with the referential (see :mod:`numeduc.usage.referential`).

Conventions (also in docs/usage.md):
- months are UTC calendar months; a session belongs to the month of its first event;
- a session is one ``session_id`` (per user) when the export has one, otherwise a new session
  starts after 30 minutes without an event of the same user in the same collège;
- "usage" events (service mix, reach) are ACCESS, CREATE and VIEW; LOGIN/LOGOUT only make
  sessions; an event's category is its ``service_category`` or the catalogue's, else "autre";
- populations: ELEVE = pupils, PARENT = parent_accounts, ENSEIGNANT = teachers,
  PERSONNEL = staff of establishments.csv (latest school year); AUTRE has no population.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.datatypes as dt_
import ibis.expr.types as ir
import pandas as pd

from numeduc.usage import calendar as cal
from numeduc.usage.engines import connect
from numeduc.usage.indicator_ids import BASE_INDICATORS as BASE_INDICATORS  # re-exported
from numeduc.usage.indicator_ids import INDICATORS as INDICATORS  # re-exported
from numeduc.usage.schemas import SERVICE_CATEGORIES, USAGE_EVENT_TYPES

SESSION_GAP_S = 30 * 60
REGULAR_THRESHOLD = 8
BIN_S = 300
MAX_BINS_PER_SESSION = 288  # a wifi session counts in at most one day of 5-minute bins

POPULATION_COLUMNS = {
    "ELEVE": "pupils",
    "PARENT": "parent_accounts",
    "ENSEIGNANT": "teachers",
    "PERSONNEL": "staff",
}

# The stable identifiers (docs/usage.md) live in indicator_ids: readable without importing Ibis.

OUTPUT_COLUMNS = ["uai", "month", "indicator", "profile", "value", "numerator", "denominator"]
# Internal rows of the union: per collège, month and profile, how many active users were active
# in k school weeks (numerator = k, denominator = users); turned into weekly_regularity.
_WEEKLY_HISTOGRAM = "_weekly_histogram"


@dataclass(frozen=True)
class Parameters:
    """Parameters of the indicators [P]; defaults in docs/usage.md, Indicators."""

    session_gap_s: int = SESSION_GAP_S
    regular_threshold: int = REGULAR_THRESHOLD
    active_over_assoc: float = 0.4 / 0.5  # f_active / f_assoc
    r_client_mbps: float = 1.0


def _has(con, name: str) -> bool:
    # Not con.list_tables(): Ibis 12 calls a cursor method that DuckDB 2.0 removed.
    try:
        con.table(name)
    except Exception:  # noqa: BLE001 - any backend's "table not found"
        return False
    return True


def _latest(t: ir.Table, key: list[str]) -> ir.Table:
    """Keep, for each key, the row of the latest ingestion (re-delivered referentials)."""
    w = ibis.window(group_by=[t[k] for k in key], order_by=[ibis.desc(t._ingested_at)])
    return t.mutate(_rn=ibis.row_number().over(w)).filter(lambda x: x._rn == 0).drop("_rn")


def _month(ts: ir.TimestampValue) -> ir.StringValue:
    return ts.strftime("%Y-%m")


def _epoch_s(ts: ir.TimestampValue) -> ir.IntegerValue:
    return ts.epoch_seconds().cast("int64")


# --- dimension tables (small, built in pandas from establishments) -----------------------------


def establishments_frame(con) -> pd.DataFrame:
    est = _latest(con.table("establishments"), ["uai", "school_year"]).execute()
    est = est.sort_values("school_year").drop_duplicates("uai", keep="last")
    return est.reset_index(drop=True)


def calendar_frame(est: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """One row per collège and school day: UTC seconds-of-day bounds of school hours."""
    rows = []
    for r in est.itertuples(index=False):
        tz = cal.timezone_for(str(r.departement))
        for m in months:
            for d in cal.month_days(m):
                if cal.is_school_day(d, r.holiday_zone):
                    off = cal.utc_offset_minutes(d, tz) * 60
                    rows.append(
                        (
                            r.uai,
                            (d - dt.date(1970, 1, 1)).days,
                            cal.SCHOOL_START_MIN * 60 - off,
                            cal.SCHOOL_END_MIN * 60 - off,
                        )
                    )
    return pd.DataFrame(rows, columns=["uai", "day_no", "start_s", "end_s"]).astype(
        {"day_no": "int64", "start_s": "int64", "end_s": "int64"}
    )


def school_weeks_frame(est: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Per collège and month: the school weeks (weeks with a school day in the month) as a bit
    mask (bit = week number modulo 8; a month spans at most 6 consecutive weeks) and their count."""
    rows = []
    for r in est.itertuples(index=False):
        for m in months:
            weeks = {
                cal.week_number((d - dt.date(1970, 1, 1)).days)
                for d in cal.month_days(m)
                if cal.is_school_day(d, r.holiday_zone)
            }
            rows.append((r.uai, int(m.replace("-", "")), m, sum(1 << (w % 8) for w in weeks), len(weeks)))
    return pd.DataFrame(rows, columns=["uai", "ym", "month", "school_weeks_mask", "school_weeks"]).astype(
        {"ym": "int64", "school_weeks_mask": "int64", "school_weeks": "int64"}
    )


def school_days_frame(est: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    rows = [
        (r.uai, m, cal.school_days_in_month(m, r.holiday_zone))
        for r in est.itertuples(index=False)
        for m in months
    ]
    return pd.DataFrame(rows, columns=["uai", "month", "school_days"]).astype({"school_days": "int64"})


def _out(t: ir.Table, indicator, profile, num, den) -> ir.Table:
    ind = indicator if isinstance(indicator, ir.Value) else ibis.literal(indicator)
    prof = profile if isinstance(profile, ir.Value) else ibis.literal(profile)
    return t.select(
        uai=t.uai,
        month=t.month,
        indicator=ind.cast("string"),
        profile=prof.cast("string"),
        numerator=num.cast("float64"),
        denominator=den.cast("float64"),
    )


def _multi(t: ir.Table, specs, profile=None) -> ir.Table:
    """Several indicators from one table, computed once: one output row per (row, indicator)."""
    names = ibis.memtable(pd.DataFrame({"_ind": [name for name, _, _ in specs]}))
    x = t.cross_join(names)
    num = ibis.cases(*[(x._ind == name, f(x).cast("float64")) for name, f, _ in specs])
    den = ibis.cases(*[(x._ind == name, g(x).cast("float64")) for name, _, g in specs])
    return _out(x, x._ind, profile(x) if profile else "", num, den)


# --- the indicators -----------------------------------------------------------------------------


def indicator_expressions(
    con, est: pd.DataFrame, month: str | None = None, params: Parameters = Parameters()
) -> list[ir.Table]:
    """One Ibis table per family of indicators, each with OUTPUT_COLUMNS minus ``value``."""
    pieces: list[ir.Table] = []
    pops = pd.DataFrame(
        [
            (r.uai, p, int(getattr(r, c)))
            for r in est.itertuples(index=False)
            for p, c in POPULATION_COLUMNS.items()
        ],
        columns=["uai", "profile", "population"],
    )
    est_small = est[["uai", "pupils", "staff", "n_aps", "bw_down_mbps"]].astype(
        {"pupils": "int64", "staff": "int64", "n_aps": "int64", "bw_down_mbps": "float64"}
    )
    est_t = ibis.memtable(est_small)

    def in_month(t, col):
        return t.filter(_month(t[col]) == month) if month else t

    # 1. account activation (latest snapshot of each month)
    if _has(con, "ent_accounts_snapshot"):
        acc = _latest(con.table("ent_accounts_snapshot"), ["snapshot_date", "uai", "profile"])
        acc = acc.mutate(month=acc.snapshot_date.strftime("%Y-%m"))
        if month:
            acc = acc.filter(acc.month == month)
        w = ibis.window(group_by=[acc.uai, acc.profile, acc.month], order_by=[ibis.desc(acc.snapshot_date)])
        acc = acc.mutate(_rn=ibis.row_number().over(w)).filter(lambda x: x._rn == 0)
        pieces.append(_out(acc, "account_activation_rate", acc.profile, acc.activated, acc.loaded))

    ev_months: list[str] = []
    if _has(con, "ent_events"):
        ev = in_month(con.table("ent_events"), "ts")
        ev_months = sorted(m for m in ev.select(m=_month(ev.ts)).distinct().execute()["m"] if m)
    if ev_months:
        pieces += _event_indicators(con, ev, est, pops, ev_months, params)
        pop_t = ibis.memtable(pops)
        base = est_t.cross_join(ibis.memtable(pd.DataFrame({"month": ev_months})))
        pieces.append(
            _out(base, "bandwidth_kbps_per_user", "", base.bw_down_mbps * 1000, base.pupils + base.staff)
        )
        del pop_t

    if _has(con, "mdm_devices"):
        pieces += _device_indicators(con, est, month, params)
    if _has(con, "wifi_sessions"):
        pieces += _wifi_indicators(con, est, est_t, month, params)
    return pieces


@ibis.udf.agg.builtin(name="bit_or")
def _bit_or(x: dt_.int64) -> dt_.int64:
    """SQL's BIT_OR aggregate (DuckDB and Spark both have it; Ibis 12 compiles it for DuckDB only)."""


def _year_month(ts: ir.TimestampValue) -> ir.IntegerValue:
    """The UTC month as the integer YYYYMM: cheaper than a string to carry, group and compare
    on tens of millions of rows, and ordered like time (a session's month is its minimum)."""
    return ts.year().cast("int64") * 100 + ts.month().cast("int64")


def _month_label(ym: ir.IntegerValue) -> ir.StringValue:
    return (ym // 100).cast("string") + "-" + (ym % 100).cast("string").lpad(2, "0")


def _event_indicators(con, ev, est, pops, months, params) -> list[ir.Table]:
    if _has(con, "service_catalog"):
        catalog = _latest(con.table("service_catalog"), ["source", "module"]).select(
            "source", "module", cat_category="service_category"
        )
        ev = ev.left_join(catalog, [ev.source == catalog.source, ev.module == catalog.module])
        category = ibis.coalesce(ev.service_category, ev.cat_category, ibis.literal("autre"))
    else:
        category = ibis.coalesce(ev.service_category, ibis.literal("autre"))
    # The service categories an event uses, as a bit mask (bit i = SERVICE_CATEGORIES[i]; 0 for
    # LOGIN/LOGOUT): a session's or a user's categories are then the BIT_OR of its events',
    # one narrow column instead of one flag per category through the sorts and the groupings.
    mask = ibis.cases(*[(category == c, 1 << i) for i, c in enumerate(SERVICE_CATEGORIES)], else_=0)
    ev = ev.select(
        "uai",
        "user_id",
        "profile",
        "session_id",
        mask=ibis.ifelse(ev.event_type.isin(list(USAGE_EVENT_TYPES)), mask, 0).cast("int64"),
        ym=_year_month(ev.ts),
        t_s=_epoch_s(ev.ts),
    )

    # Sessions: the export's session id, else 30 minutes of inactivity. A session is keyed by
    # (session_id, gap_no): the id when the export has one, else the running number of the
    # user's inactivity gaps. Events with the same second fall in the same session whatever
    # their order, so the window needs no tie-breaker (a string one would slow the sort).
    with_sid = ev.filter(ev.session_id.notnull()).mutate(gap_no=ibis.null("int64"))
    no_sid = ev.filter(ev.session_id.isnull())
    w = ibis.window(group_by=[no_sid.uai, no_sid.user_id], order_by=[no_sid.t_s])
    prev = no_sid.t_s.lag().over(w)
    no_sid = no_sid.mutate(
        _start=ibis.ifelse(prev.isnull() | (no_sid.t_s - prev > params.session_gap_s), 1, 0)
    )
    cw = ibis.cumulative_window(group_by=[no_sid.uai, no_sid.user_id], order_by=[no_sid.t_s])
    no_sid = no_sid.mutate(gap_no=no_sid._start.sum().over(cw).cast("int64")).drop("_start")
    events = with_sid.union(no_sid.select(*with_sid.columns))

    # A session belongs to the month of its first event, i.e. its smallest YYYYMM.
    sessions = events.group_by(["uai", "user_id", "profile", "session_id", "gap_no"]).aggregate(
        ym=events.ym.min(), mask=_bit_or(events.mask)
    )
    keys = ["uai", "profile", "ym"]
    n_cat = len(SERVICE_CATEGORIES)

    def per_category(t, prefix):
        return {f"{prefix}{i}": ((t.mask >> i) & 1).sum() for i in range(n_cat)}

    # Users active in the month (event month), the categories they reached and the weeks they
    # were active in (bit = local week number modulo 8).
    year = int(months[0][:4])
    offsets = pd.DataFrame(
        {"uai": est["uai"], "_off": [cal.standard_offset_s(d, year) for d in est["departement"]]}
    ).astype({"_off": "int64"})
    if offsets["_off"].nunique() == 1:
        # One time zone (a département, or metropolitan France): a constant, no join on events.
        evw = ev.mutate(_off=ibis.literal(int(offsets["_off"].iloc[0]), "int64"))
    else:
        evw = ev.join(ibis.memtable(offsets), "uai")
    evw = evw.mutate(_week=ibis.literal(1, "int64") << (cal.week_number((evw.t_s + evw._off) // 86400) % 8))
    user_month = evw.group_by(keys + ["user_id"]).aggregate(mask=_bit_or(evw.mask), weeks=_bit_or(evw._week))
    active = user_month.group_by(keys).aggregate(active=lambda t: t.count(), **per_category(user_month, "r"))
    n_sess = sessions.group_by(keys).aggregate(sessions=lambda t: t.count(), **per_category(sessions, "m"))
    per_user = sessions.group_by(keys + ["user_id"]).aggregate(n=lambda t: t.count())
    regular = (
        per_user.filter(per_user.n >= params.regular_threshold)
        .group_by(keys)
        .aggregate(regular=lambda t: t.count())
    )
    base = ibis.memtable(pops).cross_join(
        ibis.memtable(pd.DataFrame({"month": months, "ym": [int(m.replace("-", "")) for m in months]}))
    )
    reach_cols = [f"r{i}" for i in range(n_cat)]
    mix_cols = [f"m{i}" for i in range(n_cat)]
    j = (
        base.left_join(active, keys)
        .select(base, *[active[c] for c in ["active"] + reach_cols])
        .pipe(lambda t: t.left_join(n_sess, keys).select(t, *[n_sess[c] for c in ["sessions"] + mix_cols]))
        .pipe(lambda t: t.left_join(regular, keys).select(t, regular.regular))
    )
    j = j.mutate(**{c: j[c].fill_null(0) for c in ["active", "sessions", "regular"] + reach_cols + mix_cols})

    # Every indicator of ``j`` in one pass (``j`` is then computed once, not once per family):
    # one spec row per indicator, with its kind and, for the mix and the reach, its category.
    grades = SERVICE_CATEGORIES.index("notes_competences")
    specs = [
        ("monthly_active_rate", "active", -1),
        ("sessions_per_user", "sessions", -1),
        ("sessions_per_active_user", "sessions_per_active", -1),
        ("regular_use_share", "regular", -1),
        ("parents_never_grades_share", "never", grades),
    ]
    specs += [(f"service_mix_share_{c}", "mix", i) for i, c in enumerate(SERVICE_CATEGORIES)]
    specs += [(f"service_reach_{c}", "reach", i) for i, c in enumerate(SERVICE_CATEGORIES)]
    spec_t = ibis.memtable(pd.DataFrame(specs, columns=["_ind", "_kind", "_ci"]).astype({"_ci": "int64"}))
    x = j.cross_join(spec_t)
    x = x.filter(
        ((x._kind != "regular") | (x.profile == "ELEVE")) & ((x._kind != "never") | (x.profile == "PARENT"))
    )
    n_mix = ibis.cases(*[(x._ci == i, x[c]) for i, c in enumerate(mix_cols)], else_=0)
    n_reach = ibis.cases(*[(x._ci == i, x[c]) for i, c in enumerate(reach_cols)], else_=0)
    num = ibis.cases(
        (x._kind == "active", x.active),
        (x._kind.isin(["sessions", "sessions_per_active"]), x.sessions),
        (x._kind == "regular", x.regular),
        (x._kind == "mix", n_mix),
        (x._kind == "reach", n_reach),
        else_=x.population - n_reach,
    )
    den = ibis.cases(
        (x._kind == "sessions_per_active", x.active), (x._kind == "mix", x.sessions), else_=x.population
    )
    out = [_out(x, x._ind, x.profile, num, den)]

    # Weekly regularity: the histogram of active school weeks per active user (the median is
    # taken from it afterwards, exactly and on any backend).
    sw = ibis.memtable(school_weeks_frame(est, months))
    uw = user_month.filter(user_month.profile.isin(list(POPULATION_COLUMNS))).join(sw, ["uai", "ym"])
    both = uw.weeks & uw.school_weeks_mask
    uw = uw.mutate(k=sum(((both >> i) & 1) for i in range(8)))
    hist = uw.group_by(["uai", "profile", "month", "k"]).aggregate(users=lambda t: t.count())
    out.append(_out(hist, _WEEKLY_HISTOGRAM, hist.profile, hist.k, hist.users))

    # Out-of-school share: outside Mon-Fri 08:00-17:30 (local) on school days.
    cal_t = ibis.memtable(calendar_frame(est, months))
    e2 = ev.mutate(day_no=ev.t_s // 86400, sod=ev.t_s % 86400)
    e2 = e2.left_join(cal_t, [e2.uai == cal_t.uai, e2.day_no == cal_t.day_no]).select(
        e2.uai,
        e2.ym,
        in_school=ibis.ifelse(
            cal_t.start_s.notnull() & (e2.sod >= cal_t.start_s) & (e2.sod < cal_t.end_s), 1, 0
        ),
    )
    oos = e2.group_by(["uai", "ym"]).aggregate(n=lambda t: t.count(), in_school=lambda t: t.in_school.sum())
    oos = oos.mutate(month=_month_label(oos.ym))
    out.append(_out(oos, "out_of_school_share", "", oos.n - oos.in_school, oos.n))
    return out


def _device_indicators(con, est, month, params) -> list[ir.Table]:
    dev = _latest(con.table("mdm_devices"), ["snapshot_date", "device_id"])
    dev = dev.mutate(month=dev.snapshot_date.strftime("%Y-%m"))
    if month:
        dev = dev.filter(dev.month == month)
    # Latest snapshot of each month and collège; in-service devices only.
    last = dev.group_by(["uai", "month"]).aggregate(snap=dev.snapshot_date.max())
    dev = dev.join(
        last, [dev.uai == last.uai, dev.month == last.month, dev.snapshot_date == last.snap]
    ).select(dev)
    dev = dev.filter(dev.status == "in_service")
    # Reference instant T = end of the snapshot day (UTC), as a day number.
    dev = dev.mutate(
        t_day=dev.snapshot_date.cast("timestamp").epoch_seconds().cast("int64") // 86400 + 1,
        ck_day=dev.last_checkin_at.epoch_seconds().cast("int64") // 86400,
    )
    seen_parts = []
    if _has(con, "mdm_checkins"):
        ck = con.table("mdm_checkins")
        seen_parts.append(ck.select("device_id", day_no=ck.ts.epoch_seconds().cast("int64") // 86400))
    if _has(con, "wifi_sessions"):
        wf = con.table("wifi_sessions")
        wf = wf.filter(wf.device_id.notnull())
        seen_parts.append(wf.select("device_id", day_no=wf.start_ts.epoch_seconds().cast("int64") // 86400))
    n_dev = dev.group_by(["uai", "month"]).aggregate(n=lambda t: t.count())
    # Activity over 30 and 7 days in one pass: the latest day each device was seen in the 30
    # days before T (its last check-in, a check-in or a wifi session); seen in the last 7
    # days when that latest day is at most 7 days old.
    seen = [
        dev.filter((dev.ck_day >= dev.t_day - 30) & (dev.ck_day < dev.t_day)).select(
            "uai", "month", "device_id", "t_day", day_no=dev.ck_day
        )
    ]
    for part in seen_parts:
        days = part.distinct()
        seen.append(
            dev.join(
                days,
                [dev.device_id == days.device_id, days.day_no >= dev.t_day - 30, days.day_no < dev.t_day],
            ).select(dev.uai, dev.month, dev.device_id, dev.t_day, day_no=days.day_no)
        )
    seen_all = seen[0]
    for part in seen[1:]:
        seen_all = seen_all.union(part, distinct=False)
    latest = seen_all.group_by(["uai", "month", "device_id"]).aggregate(
        t_day=seen_all.t_day.max(), day_no=seen_all.day_no.max()
    )
    k = latest.group_by(["uai", "month"]).aggregate(
        k30=lambda t: t.count(), k7=(latest.day_no >= latest.t_day - 7).cast("int64").sum()
    )
    j = n_dev.left_join(k, ["uai", "month"]).select(n_dev, k30=k.k30.fill_null(0), k7=k.k7.fill_null(0))
    out = [
        _multi(
            j,
            [
                ("device_activity_rate_30d", lambda x: x.k30, lambda x: x.n),
                ("device_activity_rate_7d", lambda x: x.k7, lambda x: x.n),
            ],
        )
    ]
    # Utilisation: distinct days with a wifi session per in-service device / school days.
    if _has(con, "wifi_sessions"):
        wf = con.table("wifi_sessions")
        wf = wf.filter(wf.device_id.notnull())
        wdays = wf.select(
            "device_id", month=_month(wf.start_ts), day_no=wf.start_ts.epoch_seconds().cast("int64") // 86400
        ).distinct()
        used = (
            dev.join(wdays, [dev.device_id == wdays.device_id, dev.month == wdays.month])
            .group_by([dev.uai, dev.month])
            .aggregate(d=lambda t: t.count())
        )
        months = sorted({m for m in n_dev.month.execute() if m})
        sd = ibis.memtable(school_days_frame(est, months)) if months else None
        if sd is not None:
            j = n_dev.left_join(used, ["uai", "month"]).select(n_dev, d=used.d.fill_null(0))
            j = j.join(sd, ["uai", "month"])
            out.append(_out(j, "device_utilisation", "", j.d, j.n * j.school_days))
    return out


def _wifi_indicators(con, est, est_t, month, params) -> list[ir.Table]:
    wf = con.table("wifi_sessions")
    wf = wf.mutate(
        month=_month(wf.start_ts), b0=_epoch_s(wf.start_ts) // BIN_S, b1=(_epoch_s(wf.end_ts) - 1) // BIN_S
    )
    if month:
        wf = wf.filter(wf.month == month)
    wf = wf.mutate(nb=ibis.greatest(wf.b1 - wf.b0 + 1, 1))
    # Peak of distinct clients over 5-minute bins, by a sweep rather than one row per session
    # and bin (10 M sessions would make 110 M rows to deduplicate). A session covers the bins
    # b0..b_end; within a client's sessions sorted by b0, the part of a session beyond the
    # furthest end of the earlier ones (``prev_end``) is new coverage, and these parts are
    # disjoint: each client then adds +1 where a part starts and -1 after it ends, and the
    # running sum of these steps over the bins is the number of distinct clients connected.
    wf = wf.mutate(b_end=wf.b0 + ibis.least(wf.nb, MAX_BINS_PER_SESSION) - 1)
    w = ibis.window(group_by=[wf.uai, wf.month, wf.client_id], order_by=[wf.b0, wf.b_end], rows=(None, -1))
    parts = wf.select(wf.uai, wf.month, wf.b0, wf.b_end, prev_end=wf.b_end.max().over(w))
    parts = parts.filter(parts.prev_end.isnull() | (parts.b_end > parts.prev_end)).select(
        "uai",
        "month",
        "b_end",
        b_start=ibis.ifelse(parts.prev_end.isnull(), parts.b0, ibis.greatest(parts.b0, parts.prev_end + 1)),
    )
    steps = parts.select("uai", "month", bin=parts.b_start, step=ibis.literal(1, "int64")).union(
        parts.select("uai", "month", bin=parts.b_end + 1, step=ibis.literal(-1, "int64")), distinct=False
    )
    per_bin = steps.group_by(["uai", "month", "bin"]).aggregate(step=steps.step.sum())
    cw = ibis.cumulative_window(group_by=[per_bin.uai, per_bin.month], order_by=[per_bin.bin])
    per_bin = per_bin.mutate(c=per_bin.step.sum().over(cw))
    pcc = per_bin.group_by(["uai", "month"]).aggregate(pcc=per_bin.c.max())
    pcc = pcc.join(est_t, "uai")
    out = [
        _multi(
            pcc,
            [
                ("peak_concurrent_clients", lambda x: x.pcc, lambda x: ibis.literal(1)),
                ("peak_concurrent_clients_per_ap", lambda x: x.pcc, lambda x: x.n_aps),
                (
                    "bandwidth_pressure",
                    lambda x: x.pcc * params.active_over_assoc * params.r_client_mbps,
                    lambda x: x.bw_down_mbps,
                ),
            ],
        )
    ]
    traffic = wf.group_by(["uai", "month"]).aggregate(
        b=(wf.rx_bytes.fill_null(0) + wf.tx_bytes.fill_null(0)).sum()
    )
    months = sorted({m for m in traffic.month.execute() if m})
    if months:
        sd = ibis.memtable(school_days_frame(est, months))
        t = traffic.join(est_t, "uai").join(sd, ["uai", "month"])
        out.append(_out(t, "traffic_bytes_per_pupil_day", "", t.b, t.pupils * t.school_days))
    return out


# --- public API ---------------------------------------------------------------------------------


def compute_indicators(
    source,
    backend: str = "duckdb",
    month: str | None = None,
    *,
    referential: bool = True,
    params: Parameters = Parameters(),
    spark=None,
) -> pd.DataFrame:
    """All indicators in long form: ``uai, month, indicator, profile, value`` (+ ``numerator``,
    ``denominator``, ``departement`` and, with ``referential``, the comparison columns).

    ``source`` is a warehouse folder or an Ibis connection with tables named after the kinds.
    Rows whose denominator is zero are left out (the ratio does not exist).
    """
    con = connect(source, backend, spark=spark) if isinstance(source, (str, Path)) else source
    if not _has(con, "establishments"):
        raise ValueError(
            "l'entrepôt ne contient pas de référentiel des établissements "
            "(ingérez d'abord establishments.csv)"
        )
    est = establishments_frame(con)
    pieces = indicator_expressions(con, est, month, params)
    if pieces:
        union = pieces[0]
        for p in pieces[1:]:
            union = union.union(p, distinct=False)
        df = union.execute()
    else:
        df = pd.DataFrame(columns=OUTPUT_COLUMNS)
    df = df[df["uai"].isin(est["uai"])]
    hist = df["indicator"] == _WEEKLY_HISTOGRAM
    if hist.any():
        months = sorted(df.loc[hist, "month"].unique())
        df = pd.concat(
            [df[~hist], weekly_regularity(df[hist], school_weeks_frame(est, months))], ignore_index=True
        )
    df = df[df["denominator"].fillna(0) > 0].copy()
    df["value"] = df["numerator"] / df["denominator"]
    df["profile"] = df["profile"].fillna("")
    df = df.merge(est[["uai", "departement"]], on="uai", how="left")
    df = (
        df[OUTPUT_COLUMNS + ["departement"]]
        .sort_values(["uai", "month", "indicator", "profile"])
        .reset_index(drop=True)
    )
    if referential:
        from numeduc.usage.referential import add_referential

        df = add_referential(df, est)
    return df


def weekly_regularity(histogram: pd.DataFrame, school_weeks: pd.DataFrame) -> pd.DataFrame:
    """Median over a collège's active users of their active school weeks, over its school weeks.

    ``histogram``: uai, month, profile, numerator = k weeks, denominator = users with k weeks.
    The median of an even number of users is the mean of the two middle ones (as numpy's).
    """
    keys = ["uai", "month", "profile"]
    h = histogram.sort_values(keys + ["numerator"], kind="stable").reset_index(drop=True)
    cum = h.groupby(keys, sort=False)["denominator"].cumsum()
    n = h.groupby(keys, sort=False)["denominator"].transform("sum")
    # Value of the j-th user (1-based) = first k whose cumulative count reaches j.
    lo_rank, hi_rank = (n + 1) // 2, n // 2 + 1
    h["lo"] = h["numerator"].where((cum >= lo_rank) & (cum - h["denominator"] < lo_rank))
    h["hi"] = h["numerator"].where((cum >= hi_rank) & (cum - h["denominator"] < hi_rank))
    h["odd"] = n % 2 == 1
    g = (
        h.groupby(keys, sort=False)
        .agg(lo=("lo", "max"), hi=("hi", "max"), odd=("odd", "first"))
        .reset_index()
    )
    g["numerator"] = g["lo"].where(g["odd"], (g["lo"] + g["hi"]) / 2)
    g = g.merge(school_weeks[["uai", "month", "school_weeks"]], on=["uai", "month"], how="left")
    g["denominator"] = g["school_weeks"].fillna(0).astype(float)
    g["indicator"] = "weekly_regularity"
    return g[["uai", "month", "indicator", "profile", "numerator", "denominator"]]


def departement_summary(indicators: pd.DataFrame) -> pd.DataFrame:
    """Per département, month, indicator and profile: the pooled ratio Σnumerator/Σdenominator
    (e.g. all active pupils over all pupils), the median collège and the number of collèges."""
    g = indicators.groupby(["departement", "month", "indicator", "profile"], dropna=False)
    out = g.agg(
        numerator=("numerator", "sum"),
        denominator=("denominator", "sum"),
        median_college=("value", "median"),
        n_colleges=("uai", "nunique"),
    ).reset_index()
    out["value"] = out["numerator"] / out["denominator"]
    return out[
        [
            "departement",
            "month",
            "indicator",
            "profile",
            "value",
            "median_college",
            "n_colleges",
            "numerator",
            "denominator",
        ]
    ]
