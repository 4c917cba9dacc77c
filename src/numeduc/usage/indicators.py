"""Usage indicators (spec usage.md §B.6), written once as Ibis expressions.

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
import os
from dataclasses import dataclass
import tempfile
from pathlib import Path

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from numeduc.usage import calendar as cal
from numeduc.usage import warehouse as wh
from numeduc.usage.schemas import KINDS, SERVICE_CATEGORIES, USAGE_EVENT_TYPES

SESSION_GAP_S = 30 * 60
# Read once at import; see warehouse.duckdb_memory_limit / duckdb_threads for the defaults.
DUCKDB_MEMORY_LIMIT = wh.duckdb_memory_limit()
DUCKDB_THREADS = wh.duckdb_threads()
REGULAR_THRESHOLD = 8
BIN_S = 300
MAX_BINS_PER_SESSION = 288  # a wifi session counts in at most one day of 5-minute bins

POPULATION_COLUMNS = {"ELEVE": "pupils", "PARENT": "parent_accounts", "ENSEIGNANT": "teachers",
                      "PERSONNEL": "staff"}

# Stable identifiers (documented in docs/usage.md).
BASE_INDICATORS = [
    "account_activation_rate", "monthly_active_rate", "sessions_per_user",
    "sessions_per_active_user", "regular_use_share", "parents_never_grades_share",
    "out_of_school_share", "device_activity_rate_30d", "device_activity_rate_7d",
    "device_utilisation", "peak_concurrent_clients", "peak_concurrent_clients_per_ap",
    "bandwidth_kbps_per_user", "bandwidth_pressure", "traffic_bytes_per_pupil_day",
]
INDICATORS = BASE_INDICATORS + [f"service_mix_share_{c}" for c in SERVICE_CATEGORIES] + [
    f"service_reach_{c}" for c in SERVICE_CATEGORIES]

OUTPUT_COLUMNS = ["uai", "month", "indicator", "profile", "value", "numerator", "denominator"]


@dataclass(frozen=True)
class Parameters:
    """Parameters of the indicators [P]; defaults from usage.md and budget.md §A.5."""

    session_gap_s: int = SESSION_GAP_S
    regular_threshold: int = REGULAR_THRESHOLD
    active_over_assoc: float = 0.4 / 0.5  # f_active / f_assoc
    r_client_mbps: float = 1.0


# --- connections ---------------------------------------------------------------------------------

def master_cores(master: str) -> str:
    inside = master[master.find("[") + 1: master.find("]")] if "[" in master else "1"
    return inside if inside.isdigit() else str(os.cpu_count() or 1)


def spark_session(master: str = "local[1]", app_name: str = "numeduc-usage"):
    """A local Spark session configured as the indicators need (UTC, loopback)."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master(master).appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", master_cores(master))
        .config("spark.default.parallelism", master_cores(master))
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def connect(warehouse: str | Path, backend: str = "duckdb", *, spark=None):
    """An Ibis connection on which every ingested kind is a table named after it."""
    if backend == "duckdb":
        con = ibis.duckdb.connect()
        con.raw_sql("SET TimeZone = 'UTC'")
        # Bounded memory: DuckDB spills to disk beyond this limit.
        con.raw_sql(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
        con.raw_sql(f"SET threads = {DUCKDB_THREADS}")
        # An in-memory database spills to ./.tmp by default, i.e. wherever the command was run
        # (the web server's or a user's working folder): keep spill files in the system temp.
        spill = Path(tempfile.gettempdir()) / "numeduc-duckdb-spill"
        con.raw_sql("SET temp_directory = '" + str(spill).replace("'", "''") + "'")
        for kind in KINDS:
            files = wh.data_files(warehouse, kind)
            if files:
                listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
                con.raw_sql(
                    f'CREATE OR REPLACE VIEW "{kind}" AS SELECT * FROM read_parquet([{listing}], '
                    "hive_partitioning = false, union_by_name = true)")
        return con
    if backend == "spark":
        session = spark or spark_session()
        con = ibis.pyspark.connect(session)
        for kind in KINDS:
            files = wh.data_files(warehouse, kind)
            if files:
                # Files are listed one by one so that Spark does not add partition columns
                # from the folder names (they are also stored in the files).
                session.read.option("mergeSchema", "true").parquet(*files).createOrReplaceTempView(kind)
        return con
    raise ValueError(f"moteur inconnu : {backend!r} (attendu : duckdb ou spark)")


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
                    rows.append((r.uai, (d - dt.date(1970, 1, 1)).days,
                                 cal.SCHOOL_START_MIN * 60 - off, cal.SCHOOL_END_MIN * 60 - off))
    return pd.DataFrame(rows, columns=["uai", "day_no", "start_s", "end_s"]).astype(
        {"day_no": "int64", "start_s": "int64", "end_s": "int64"})


def school_days_frame(est: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    rows = [(r.uai, m, cal.school_days_in_month(m, r.holiday_zone))
            for r in est.itertuples(index=False) for m in months]
    return pd.DataFrame(rows, columns=["uai", "month", "school_days"]).astype({"school_days": "int64"})


def _out(t: ir.Table, indicator, profile, num, den) -> ir.Table:
    ind = indicator if isinstance(indicator, ir.Value) else ibis.literal(indicator)
    prof = profile if isinstance(profile, ir.Value) else ibis.literal(profile)
    return t.select(
        uai=t.uai, month=t.month, indicator=ind.cast("string"), profile=prof.cast("string"),
        numerator=num.cast("float64"), denominator=den.cast("float64"))


def _multi(t: ir.Table, specs, profile=None) -> ir.Table:
    """Several indicators from one table, computed once: one output row per (row, indicator)."""
    names = ibis.memtable(pd.DataFrame({"_ind": [name for name, _, _ in specs]}))
    x = t.cross_join(names)
    num = ibis.cases(*[(x._ind == name, f(x).cast("float64")) for name, f, _ in specs])
    den = ibis.cases(*[(x._ind == name, g(x).cast("float64")) for name, _, g in specs])
    return _out(x, x._ind, profile(x) if profile else "", num, den)


# --- the indicators -----------------------------------------------------------------------------

def indicator_expressions(con, est: pd.DataFrame, month: str | None = None,
                          params: Parameters = Parameters()) -> list[ir.Table]:
    """One Ibis table per family of indicators, each with OUTPUT_COLUMNS minus ``value``."""
    pieces: list[ir.Table] = []
    pops = pd.DataFrame([(r.uai, p, int(getattr(r, c))) for r in est.itertuples(index=False)
                         for p, c in POPULATION_COLUMNS.items()],
                        columns=["uai", "profile", "population"])
    est_small = est[["uai", "pupils", "staff", "n_aps", "bw_down_mbps"]].astype(
        {"pupils": "int64", "staff": "int64", "n_aps": "int64", "bw_down_mbps": "float64"})
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
        pieces.append(_out(base, "bandwidth_kbps_per_user", "", base.bw_down_mbps * 1000,
                           base.pupils + base.staff))
        del pop_t

    if _has(con, "mdm_devices"):
        pieces += _device_indicators(con, est, month, params)
    if _has(con, "wifi_sessions"):
        pieces += _wifi_indicators(con, est, est_t, month, params)
    return pieces


def _event_indicators(con, ev, est, pops, months, params) -> list[ir.Table]:
    if _has(con, "service_catalog"):
        catalog = _latest(con.table("service_catalog"), ["source", "module"]).select(
            "source", "module", cat_category="service_category")
        ev = ev.left_join(catalog, [ev.source == catalog.source, ev.module == catalog.module])
        category = ibis.coalesce(ev.service_category, ev.cat_category, ibis.literal("autre"))
    else:
        category = ibis.coalesce(ev.service_category, ibis.literal("autre"))
    ev = ev.select(
        "uai", "user_id", "profile", "ts", "event_id", "session_id",
        category=category, is_usage=ev.event_type.isin(list(USAGE_EVENT_TYPES)),
        month=_month(ev.ts), t_s=_epoch_s(ev.ts))
    # One 0/1 flag per service category (usage events only): the mix and the reach are then
    # plain sums of per-session and per-user maxima, with no distinct or join on categories.
    flags = [f"c{i}" for i in range(len(SERVICE_CATEGORIES))]
    ev = ev.mutate(**{f: ibis.ifelse(ev.is_usage & (ev.category == c), 1, 0)
                      for f, c in zip(flags, SERVICE_CATEGORIES)})

    # Sessions: the export's session id, else 30 minutes of inactivity.
    with_sid = ev.filter(ev.session_id.notnull()).mutate(session_key=lambda t: "s" + t.session_id)
    no_sid = ev.filter(ev.session_id.isnull())
    w = ibis.window(group_by=[no_sid.uai, no_sid.user_id], order_by=[no_sid.t_s, no_sid.event_id])
    prev = no_sid.t_s.lag().over(w)
    no_sid = no_sid.mutate(_start=ibis.ifelse(prev.isnull() | (no_sid.t_s - prev > params.session_gap_s), 1, 0))
    cw = ibis.cumulative_window(group_by=[no_sid.uai, no_sid.user_id], order_by=[no_sid.t_s, no_sid.event_id])
    no_sid = no_sid.mutate(session_key="g" + no_sid._start.sum().over(cw).cast("string")).drop("_start")
    events = with_sid.union(no_sid.select(*with_sid.columns))

    sessions = events.group_by(["uai", "user_id", "profile", "session_key"]).aggregate(
        first_ts=events.ts.min(), **{f: events[f].max() for f in flags})
    sessions = sessions.mutate(month=_month(sessions.first_ts))
    pop_t = ibis.memtable(pops)
    base = pop_t.cross_join(ibis.memtable(pd.DataFrame({"month": months})))
    keys = ["uai", "profile", "month"]

    # Users active in the month (event month) and the categories they reached.
    user_month = ev.group_by(keys + ["user_id"]).aggregate(**{f: ev[f].max() for f in flags})
    active = user_month.group_by(keys).aggregate(
        active=lambda t: t.count(), **{"r" + f: user_month[f].sum() for f in flags})
    n_sess = sessions.group_by(keys).aggregate(
        sessions=lambda t: t.count(), **{"m" + f: sessions[f].sum() for f in flags})
    per_user = sessions.group_by(keys + ["user_id"]).aggregate(n=lambda t: t.count())
    regular = per_user.filter(per_user.n >= params.regular_threshold).group_by(keys).aggregate(
        regular=lambda t: t.count())
    j = (base.left_join(active, keys).select(base, *[active[c] for c in ["active"] + ["r" + f for f in flags]])
         .pipe(lambda t: t.left_join(n_sess, keys).select(t, *[n_sess[c] for c in ["sessions"] + ["m" + f for f in flags]]))
         .pipe(lambda t: t.left_join(regular, keys).select(t, regular.regular)))
    j = j.mutate(**{c: j[c].fill_null(0) for c in
                    ["active", "sessions", "regular"] + ["r" + f for f in flags] + ["m" + f for f in flags]})
    out = [_multi(j, [
        ("monthly_active_rate", lambda x: x.active, lambda x: x.population),
        ("sessions_per_user", lambda x: x.sessions, lambda x: x.population),
        ("sessions_per_active_user", lambda x: x.sessions, lambda x: x.active),
        ("regular_use_share", lambda x: ibis.ifelse(x.profile == "ELEVE", x.regular, None),
         lambda x: ibis.ifelse(x.profile == "ELEVE", x.population, 0)),
    ], profile=lambda x: x.profile)]

    # Service mix (sessions, session month) and reach (users, event month) by category.
    cats = ibis.memtable(pd.DataFrame({"category": list(SERVICE_CATEGORIES),
                                       "_ci": np.arange(len(SERVICE_CATEGORIES), dtype="int64")}))
    kinds = ibis.memtable(pd.DataFrame({"_kind": ["mix", "reach", "never"]}))
    x = j.cross_join(cats).cross_join(kinds)
    x = x.filter((x._kind != "never") | ((x.profile == "PARENT") & (x.category == "notes_competences")))
    n_mix = ibis.cases(*[(x._ci == i, x["m" + f]) for i, f in enumerate(flags)])
    n_reach = ibis.cases(*[(x._ci == i, x["r" + f]) for i, f in enumerate(flags)])
    out.append(_out(
        x,
        ibis.cases((x._kind == "mix", "service_mix_share_" + x.category),
                   (x._kind == "reach", "service_reach_" + x.category),
                   else_=ibis.literal("parents_never_grades_share")),
        x.profile,
        ibis.cases((x._kind == "mix", n_mix), (x._kind == "reach", n_reach),
                   else_=x.population - n_reach),
        ibis.cases((x._kind == "mix", x.sessions), else_=x.population)))

    # Out-of-school share: outside Mon-Fri 08:00-17:30 (local) on school days.
    cal_t = ibis.memtable(calendar_frame(est, months))
    e2 = ev.mutate(day_no=ev.t_s // 86400, sod=ev.t_s % 86400)
    e2 = e2.left_join(cal_t, [e2.uai == cal_t.uai, e2.day_no == cal_t.day_no]).select(
        e2.uai, e2.month, in_school=ibis.ifelse(
            cal_t.start_s.notnull() & (e2.sod >= cal_t.start_s) & (e2.sod < cal_t.end_s), 1, 0))
    oos = e2.group_by(["uai", "month"]).aggregate(n=lambda t: t.count(), in_school=lambda t: t.in_school.sum())
    out.append(_out(oos, "out_of_school_share", "", oos.n - oos.in_school, oos.n))
    return out


def _device_indicators(con, est, month, params) -> list[ir.Table]:
    dev = _latest(con.table("mdm_devices"), ["snapshot_date", "device_id"])
    dev = dev.mutate(month=dev.snapshot_date.strftime("%Y-%m"))
    if month:
        dev = dev.filter(dev.month == month)
    # Latest snapshot of each month and collège; in-service devices only.
    last = dev.group_by(["uai", "month"]).aggregate(snap=dev.snapshot_date.max())
    dev = dev.join(last, [dev.uai == last.uai, dev.month == last.month,
                          dev.snapshot_date == last.snap]).select(dev)
    dev = dev.filter(dev.status == "in_service")
    # Reference instant T = end of the snapshot day (UTC), as a day number.
    dev = dev.mutate(t_day=dev.snapshot_date.cast("timestamp").epoch_seconds().cast("int64") // 86400 + 1,
                     ck_day=dev.last_checkin_at.epoch_seconds().cast("int64") // 86400)
    seen_parts = []
    if _has(con, "mdm_checkins"):
        ck = con.table("mdm_checkins")
        seen_parts.append(ck.select("device_id", day_no=ck.ts.epoch_seconds().cast("int64") // 86400))
    if _has(con, "wifi_sessions"):
        wf = con.table("wifi_sessions")
        wf = wf.filter(wf.device_id.notnull())
        seen_parts.append(wf.select("device_id", day_no=wf.start_ts.epoch_seconds().cast("int64") // 86400))
    n_dev = dev.group_by(["uai", "month"]).aggregate(n=lambda t: t.count())
    out = []
    for window, name in ((30, "device_activity_rate_30d"), (7, "device_activity_rate_7d")):
        seen_ids = [dev.filter((dev.ck_day >= dev.t_day - window) & (dev.ck_day < dev.t_day)).select(
            "uai", "month", "device_id")]
        for part in seen_parts:
            days = part.distinct()
            m = dev.join(days, [dev.device_id == days.device_id, days.day_no >= dev.t_day - window,
                                days.day_no < dev.t_day]).select(dev.uai, dev.month, dev.device_id)
            seen_ids.append(m)
        seen = seen_ids[0]
        for s in seen_ids[1:]:
            seen = seen.union(s)
        seen = seen.distinct().group_by(["uai", "month"]).aggregate(k=lambda t: t.count())
        j = n_dev.left_join(seen, ["uai", "month"]).select(n_dev, k=seen.k.fill_null(0))
        out.append(_out(j, name, "", j.k, j.n))
    # Utilisation: distinct days with a wifi session per in-service device / school days.
    if _has(con, "wifi_sessions"):
        wf = con.table("wifi_sessions")
        wf = wf.filter(wf.device_id.notnull())
        wdays = wf.select("device_id", month=_month(wf.start_ts),
                          day_no=wf.start_ts.epoch_seconds().cast("int64") // 86400).distinct()
        used = dev.join(wdays, [dev.device_id == wdays.device_id, dev.month == wdays.month]).group_by(
            [dev.uai, dev.month]).aggregate(d=lambda t: t.count())
        months = sorted({m for m in n_dev.month.execute() if m})
        sd = ibis.memtable(school_days_frame(est, months)) if months else None
        if sd is not None:
            j = n_dev.left_join(used, ["uai", "month"]).select(n_dev, d=used.d.fill_null(0))
            j = j.join(sd, ["uai", "month"])
            out.append(_out(j, "device_utilisation", "", j.d, j.n * j.school_days))
    return out


def _wifi_indicators(con, est, est_t, month, params) -> list[ir.Table]:
    wf = con.table("wifi_sessions")
    wf = wf.mutate(month=_month(wf.start_ts), b0=_epoch_s(wf.start_ts) // BIN_S,
                   b1=(_epoch_s(wf.end_ts) - 1) // BIN_S)
    if month:
        wf = wf.filter(wf.month == month)
    wf = wf.mutate(nb=ibis.greatest(wf.b1 - wf.b0 + 1, 1))
    # One row per session and 5-minute bin it overlaps (an array unnested, not a range join).
    bins = wf.select(wf.uai, wf.month, wf.client_id, b0=wf.b0,
                     k=ibis.range(0, ibis.least(wf.nb, MAX_BINS_PER_SESSION)).unnest())
    bins = bins.select(bins.uai, bins.month, bins.client_id, bin=bins.b0 + bins.k).distinct()
    per_bin = bins.group_by(["uai", "month", "bin"]).aggregate(c=lambda t: t.count())
    pcc = per_bin.group_by(["uai", "month"]).aggregate(pcc=per_bin.c.max())
    pcc = pcc.join(est_t, "uai")
    out = [_multi(pcc, [
        ("peak_concurrent_clients", lambda x: x.pcc, lambda x: ibis.literal(1)),
        ("peak_concurrent_clients_per_ap", lambda x: x.pcc, lambda x: x.n_aps),
        ("bandwidth_pressure", lambda x: x.pcc * params.active_over_assoc * params.r_client_mbps,
         lambda x: x.bw_down_mbps),
    ])]
    traffic = wf.group_by(["uai", "month"]).aggregate(
        b=(wf.rx_bytes.fill_null(0) + wf.tx_bytes.fill_null(0)).sum())
    months = sorted({m for m in traffic.month.execute() if m})
    if months:
        sd = ibis.memtable(school_days_frame(est, months))
        t = traffic.join(est_t, "uai").join(sd, ["uai", "month"])
        out.append(_out(t, "traffic_bytes_per_pupil_day", "", t.b, t.pupils * t.school_days))
    return out


# --- public API ---------------------------------------------------------------------------------

def compute_indicators(source, backend: str = "duckdb", month: str | None = None, *,
                       referential: bool = True, params: Parameters = Parameters(),
                       spark=None) -> pd.DataFrame:
    """All indicators in long form: ``uai, month, indicator, profile, value`` (+ ``numerator``,
    ``denominator``, ``departement`` and, with ``referential``, the comparison columns).

    ``source`` is a warehouse folder or an Ibis connection with tables named after the kinds.
    Rows whose denominator is zero are left out (the ratio does not exist).
    """
    con = connect(source, backend, spark=spark) if isinstance(source, (str, Path)) else source
    if not _has(con, "establishments"):
        raise ValueError("l'entrepôt ne contient pas de référentiel des établissements "
                         "(ingérez d'abord establishments.csv)")
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
    df = df[df["denominator"].fillna(0) > 0].copy()
    df["value"] = df["numerator"] / df["denominator"]
    df["profile"] = df["profile"].fillna("")
    df = df.merge(est[["uai", "departement"]], on="uai", how="left")
    df = df[OUTPUT_COLUMNS + ["departement"]].sort_values(
        ["uai", "month", "indicator", "profile"]).reset_index(drop=True)
    if referential:
        from numeduc.usage.referential import add_referential

        df = add_referential(df, est)
    return df


def departement_summary(indicators: pd.DataFrame) -> pd.DataFrame:
    """Per département, month, indicator and profile: the pooled ratio Σnumerator/Σdenominator
    (e.g. all active pupils over all pupils), the median collège and the number of collèges."""
    g = indicators.groupby(["departement", "month", "indicator", "profile"], dropna=False)
    out = g.agg(numerator=("numerator", "sum"), denominator=("denominator", "sum"),
                median_college=("value", "median"), n_colleges=("uai", "nunique")).reset_index()
    out["value"] = out["numerator"] / out["denominator"]
    return out[["departement", "month", "indicator", "profile", "value", "median_college",
                "n_colleges", "numerator", "denominator"]]
