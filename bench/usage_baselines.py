"""Baselines for bench_usage.py: the same usage indicators hand-written in DuckDB SQL and in
pandas, from the same warehouse and the same small dimension tables (populations, school
calendar) as numeduc.usage.indicators.  Each returns uai, month, indicator, profile,
numerator, denominator (value = numerator / denominator is computed by the caller)."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from numeduc.usage import calendar as ucal
from numeduc.usage import warehouse as wh
from numeduc.usage.engines import DUCKDB_MEMORY_LIMIT, DUCKDB_THREADS
from numeduc.usage.indicators import (
    POPULATION_COLUMNS,
    calendar_frame,
    school_days_frame,
    school_weeks_frame,
)
from numeduc.usage.schemas import SERVICE_CATEGORIES

KINDS = [
    "establishments",
    "service_catalog",
    "ent_accounts_snapshot",
    "ent_events",
    "mdm_devices",
    "mdm_checkins",
    "wifi_sessions",
]


def _files(warehouse, kind):
    return "[" + ", ".join("'" + f + "'" for f in wh.data_files(warehouse, kind)) + "]"


def dimensions(warehouse, uais=None):
    est = duckdb.sql(
        f"SELECT * FROM read_parquet({_files(warehouse, 'establishments')}, hive_partitioning=false)"
    ).df()
    est = est.sort_values("school_year").drop_duplicates("uai", keep="last").reset_index(drop=True)
    if uais is not None:
        est = est[est["uai"].isin(uais)].reset_index(drop=True)
    months = sorted(
        duckdb.sql(
            f"SELECT DISTINCT strftime(ts, '%Y-%m') m FROM read_parquet({_files(warehouse, 'ent_events')}, "
            "hive_partitioning=false)"
        ).df()["m"]
    )
    pops = pd.DataFrame(
        [
            (r.uai, p, int(getattr(r, c)))
            for r in est.itertuples(index=False)
            for p, c in POPULATION_COLUMNS.items()
        ],
        columns=["uai", "profile", "population"],
    )
    return est, months, pops, calendar_frame(est, months), school_days_frame(est, months)


def week_dimensions(est, months):
    """School weeks per collège and month, and each collège's standard UTC offset (seconds)."""
    offsets = pd.DataFrame(
        {
            "uai": est["uai"],
            "off": [ucal.standard_offset_s(d, int(months[0][:4])) for d in est["departement"]],
        }
    )
    return school_weeks_frame(est, months), offsets


# The same algorithms as numeduc.usage.indicators, written by hand: a category bit mask per
# event (bit i = SERVICE_CATEGORIES[i]), months as integers YYYYMM, sessions keyed by
# (session_id, gap number), peak concurrency by a sweep over each client's merged sessions.
MASK = (
    "CASE coalesce(e.service_category, c.service_category, 'autre') "
    + " ".join(f"WHEN '{c}' THEN {1 << i}" for i, c in enumerate(SERVICE_CATEGORIES))
    + " ELSE 0 END"
)
BIT_SUMS = ", ".join(f"sum((mask >> {i}) & 1) AS b{i}" for i in range(len(SERVICE_CATEGORIES)))
BIT_PICK = (
    "CASE cats.ci " + " ".join(f"WHEN {i} THEN {{t}}{i}" for i in range(len(SERVICE_CATEGORIES))) + " END"
)

SQL = (
    """
WITH
ev AS MATERIALIZED (
  SELECT e.uai, e.user_id, e.profile, e.session_id,
         CASE WHEN e.event_type IN ('ACCESS', 'CREATE', 'VIEW') THEN """
    + MASK
    + """ ELSE 0 END AS mask,
         year(e.ts) * 100 + month(e.ts) AS ym, CAST(epoch(e.ts) AS BIGINT) AS t_s
  FROM ent_events e LEFT JOIN catalog c ON c.source = e.source AND c.module = e.module),
gap AS (
  SELECT *, CASE WHEN lag(t_s) OVER w IS NULL OR t_s - lag(t_s) OVER w > 1800 THEN 1 ELSE 0 END AS st
  FROM ev WHERE session_id IS NULL WINDOW w AS (PARTITION BY uai, user_id ORDER BY t_s)),
sess_ev AS (
  SELECT uai, user_id, profile, session_id, NULL::BIGINT AS gap_no, ym, mask FROM ev WHERE session_id IS NOT NULL
  UNION ALL
  SELECT uai, user_id, profile, session_id,
         sum(st) OVER (PARTITION BY uai, user_id ORDER BY t_s ROWS UNBOUNDED PRECEDING), ym, mask
  FROM gap),
sessions AS MATERIALIZED (
  SELECT uai, user_id, profile, min(ym) AS ym, bit_or(mask) AS mask
  FROM sess_ev GROUP BY uai, user_id, profile, session_id, gap_no),
um AS MATERIALIZED (
  SELECT e.uai, e.profile, e.ym, e.user_id, bit_or(e.mask) AS mask,
         bit_or(1::BIGINT << ((((e.t_s + o.off) // 86400 + 3) // 7) % 8)) AS weeks
  FROM ev e JOIN offs o USING (uai) GROUP BY ALL),
active AS (SELECT uai, profile, ym, count(*) AS active, """
    + BIT_SUMS
    + """ FROM um GROUP BY ALL),
regularity AS (
  SELECT u.uai, w.month, u.profile, median(bit_count(u.weeks & w.school_weeks_mask)) AS k, w.school_weeks
  FROM um u JOIN sw w ON w.uai = u.uai AND w.ym = u.ym
  WHERE u.profile IN ('ELEVE', 'PARENT', 'ENSEIGNANT', 'PERSONNEL') GROUP BY ALL),
nsess AS (SELECT uai, profile, ym, count(*) AS sessions, """
    + BIT_SUMS
    + """ FROM sessions GROUP BY ALL),
regular AS (SELECT uai, profile, ym, count(*) AS regular FROM (
  SELECT uai, profile, ym, user_id FROM sessions GROUP BY ALL HAVING count(*) >= 8) GROUP BY ALL),
j AS MATERIALIZED (
  SELECT p.uai, p.profile, p.population, m.month, coalesce(a.active, 0) AS active,
         coalesce(n.sessions, 0) AS sessions, coalesce(r.regular, 0) AS regular,
         """
    + ", ".join(
        f"coalesce(a.b{i}, 0) AS r{i}, coalesce(n.b{i}, 0) AS m{i}" for i in range(len(SERVICE_CATEGORIES))
    )
    + """
  FROM pops p CROSS JOIN months m
  LEFT JOIN active a ON a.uai = p.uai AND a.profile = p.profile AND a.ym = m.ym
  LEFT JOIN nsess n ON n.uai = p.uai AND n.profile = p.profile AND n.ym = m.ym
  LEFT JOIN regular r ON r.uai = p.uai AND r.profile = p.profile AND r.ym = m.ym),
jc AS (SELECT j.*, cats.category,
              coalesce("""
    + BIT_PICK.format(t="j.m")
    + """, 0) AS n_mix,
              coalesce("""
    + BIT_PICK.format(t="j.r")
    + """, 0) AS n_reach
       FROM j CROSS JOIN cats),
oos AS (
  SELECT e.uai, e.ym, count(*) AS n,
         count(*) FILTER (WHERE c.start_s IS NOT NULL AND e.t_s % 86400 >= c.start_s AND e.t_s % 86400 < c.end_s) AS ins
  FROM ev e LEFT JOIN cal c ON c.uai = e.uai AND c.day_no = e.t_s // 86400 GROUP BY ALL),
acc AS (
  SELECT uai, profile, strftime(snapshot_date, '%Y-%m') AS month, activated, loaded FROM ent_accounts_snapshot
  QUALIFY row_number() OVER (PARTITION BY uai, profile, strftime(snapshot_date, '%Y-%m')
                             ORDER BY snapshot_date DESC) = 1),
dev AS MATERIALIZED (
  SELECT uai, device_id, strftime(snapshot_date, '%Y-%m') AS month,
         CAST(epoch(CAST(snapshot_date AS TIMESTAMP)) AS BIGINT) // 86400 + 1 AS t_day,
         CAST(epoch(last_checkin_at) AS BIGINT) // 86400 AS ck_day
  FROM mdm_devices
  WHERE status = 'in_service' AND snapshot_date = (SELECT max(snapshot_date) FROM mdm_devices d2
        WHERE d2.uai = mdm_devices.uai AND strftime(d2.snapshot_date, '%Y-%m') = strftime(mdm_devices.snapshot_date, '%Y-%m'))),
seen_days AS MATERIALIZED (
  SELECT DISTINCT device_id, CAST(epoch(ts) AS BIGINT) // 86400 AS day_no FROM mdm_checkins
  UNION
  SELECT DISTINCT device_id, CAST(epoch(start_ts) AS BIGINT) // 86400 FROM wifi_sessions WHERE device_id IS NOT NULL),
ndev AS (SELECT uai, month, count(*) AS n FROM dev GROUP BY ALL),
dar AS (
  SELECT d.uai, d.month,
         count(DISTINCT d.device_id) FILTER (WHERE (d.ck_day >= d.t_day - 30 AND d.ck_day < d.t_day) OR s30) AS k30,
         count(DISTINCT d.device_id) FILTER (WHERE (d.ck_day >= d.t_day - 7 AND d.ck_day < d.t_day) OR s7) AS k7
  FROM (SELECT d.*, EXISTS (SELECT 1 FROM seen_days s WHERE s.device_id = d.device_id AND s.day_no >= d.t_day - 30 AND s.day_no < d.t_day) AS s30,
               EXISTS (SELECT 1 FROM seen_days s WHERE s.device_id = d.device_id AND s.day_no >= d.t_day - 7 AND s.day_no < d.t_day) AS s7
        FROM dev d) d GROUP BY ALL),
used AS (
  SELECT d.uai, d.month, count(*) AS days FROM dev d JOIN (
    SELECT DISTINCT device_id, strftime(start_ts, '%Y-%m') AS month, CAST(epoch(start_ts) AS BIGINT) // 86400 AS day_no
    FROM wifi_sessions WHERE device_id IS NOT NULL) w ON w.device_id = d.device_id AND w.month = d.month GROUP BY ALL),
wf AS (
  SELECT uai, client_id, strftime(start_ts, '%Y-%m') AS month,
         CAST(epoch(start_ts) AS BIGINT) // 300 AS b0,
         CAST(epoch(start_ts) AS BIGINT) // 300 + least(greatest((CAST(epoch(end_ts) AS BIGINT) - 1) // 300
           - CAST(epoch(start_ts) AS BIGINT) // 300 + 1, 1), 288) - 1 AS b_end,
         coalesce(rx_bytes, 0) + coalesce(tx_bytes, 0) AS bytes
  FROM wifi_sessions),
parts AS (
  SELECT uai, month, CASE WHEN prev_end IS NULL THEN b0 ELSE greatest(b0, prev_end + 1) END AS b_start, b_end
  FROM (SELECT uai, month, b0, b_end, max(b_end) OVER (PARTITION BY uai, month, client_id ORDER BY b0, b_end
                                                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
        FROM wf)
  WHERE prev_end IS NULL OR b_end > prev_end),
pcc AS (
  SELECT uai, month, max(c) AS pcc FROM (
    SELECT uai, month, sum(step) OVER (PARTITION BY uai, month ORDER BY bin) AS c FROM (
      SELECT uai, month, bin, sum(step) AS step FROM (
        SELECT uai, month, b_start AS bin, 1 AS step FROM parts
        UNION ALL SELECT uai, month, b_end + 1, -1 FROM parts) GROUP BY ALL))
  GROUP BY ALL),
traffic AS (SELECT uai, month, sum(bytes) AS b FROM wf GROUP BY ALL)
SELECT uai, month, 'account_activation_rate' AS indicator, profile, activated::DOUBLE AS numerator, loaded::DOUBLE AS denominator FROM acc
UNION ALL SELECT uai, month, 'monthly_active_rate', profile, active, population FROM j
UNION ALL SELECT uai, month, 'sessions_per_user', profile, sessions, population FROM j
UNION ALL SELECT uai, month, 'sessions_per_active_user', profile, sessions, active FROM j
UNION ALL SELECT uai, month, 'regular_use_share', profile, regular, population FROM j WHERE profile = 'ELEVE'
UNION ALL SELECT uai, month, 'service_mix_share_' || category, profile, n_mix, sessions FROM jc
UNION ALL SELECT uai, month, 'service_reach_' || category, profile, n_reach, population FROM jc
UNION ALL SELECT uai, month, 'parents_never_grades_share', 'PARENT', population - n_reach, population
  FROM jc WHERE profile = 'PARENT' AND category = 'notes_competences'
UNION ALL SELECT uai, month, 'weekly_regularity', profile, k, school_weeks FROM regularity
UNION ALL SELECT uai, strftime(make_date(ym // 100, ym % 100, 1), '%Y-%m'), 'out_of_school_share', '', n - ins, n FROM oos
UNION ALL SELECT e.uai, m.month, 'bandwidth_kbps_per_user', '', e.bw_down_mbps * 1000, e.pupils + e.staff FROM est e CROSS JOIN months m
UNION ALL SELECT n.uai, n.month, 'device_activity_rate_30d', '', coalesce(k30, 0), n.n FROM ndev n LEFT JOIN dar USING (uai, month)
UNION ALL SELECT n.uai, n.month, 'device_activity_rate_7d', '', coalesce(k7, 0), n.n FROM ndev n LEFT JOIN dar USING (uai, month)
UNION ALL SELECT n.uai, n.month, 'device_utilisation', '', coalesce(u.days, 0), n.n * sd.school_days
  FROM ndev n LEFT JOIN used u USING (uai, month) JOIN sd USING (uai, month)
UNION ALL SELECT p.uai, p.month, 'peak_concurrent_clients', '', pcc, 1 FROM pcc p
UNION ALL SELECT p.uai, p.month, 'peak_concurrent_clients_per_ap', '', pcc, e.n_aps FROM pcc p JOIN est e USING (uai)
UNION ALL SELECT p.uai, p.month, 'bandwidth_pressure', '', pcc * 0.8 * 1.0, e.bw_down_mbps FROM pcc p JOIN est e USING (uai)
UNION ALL SELECT t.uai, t.month, 'traffic_bytes_per_pupil_day', '', b, e.pupils * sd.school_days
  FROM traffic t JOIN est e USING (uai) JOIN sd USING (uai, month)
"""
)


def duckdb_sql(warehouse) -> pd.DataFrame:
    est, months, pops, cal, sd = dimensions(warehouse)
    sw, offs = week_dimensions(est, months)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    # Same resource settings as ours, so that the comparison is fair.
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    con.execute(f"SET threads = {DUCKDB_THREADS}")
    for kind in KINDS:
        if kind != "establishments":
            con.execute(
                f"CREATE VIEW {kind} AS SELECT * FROM read_parquet({_files(warehouse, kind)}, "
                "hive_partitioning=false, union_by_name=true)"
            )
    con.execute("CREATE VIEW catalog AS SELECT source, module, service_category FROM service_catalog")
    est_small = est[["uai", "pupils", "staff", "n_aps", "bw_down_mbps"]]
    for name, df in (
        ("est", est_small),
        ("pops", pops),
        ("cal", cal),
        ("sd", sd),
        ("sw", sw),
        ("offs", offs),
        ("months", pd.DataFrame({"month": months, "ym": [int(m.replace("-", "")) for m in months]})),
        ("cats", pd.DataFrame({"category": list(SERVICE_CATEGORIES), "ci": range(len(SERVICE_CATEGORIES))})),
    ):
        con.register(name, df)
    out = con.sql(SQL).df()
    out = out[out["denominator"] > 0].reset_index(drop=True)
    return out


# --- pandas ---------------------------------------------------------------------------------------


def pandas_indicators(warehouse, uais=None) -> pd.DataFrame:
    """Same indicators with pandas (reads only the given collèges' rows when ``uais`` is set)."""
    est, months, pops, cal, sd = dimensions(warehouse, uais)
    filt = [("uai", "in", list(est["uai"]))] if uais is not None else None

    def read(kind, columns=None, filters=filt):
        files = wh.data_files(warehouse, kind)
        return pd.concat(
            [pd.read_parquet(f, columns=columns, filters=filters) for f in files], ignore_index=True
        )

    out = []

    def emit(df, indicator, profile, num, den):
        out.append(
            pd.DataFrame(
                {
                    "uai": df["uai"].to_numpy(),
                    "month": df["month"].to_numpy(),
                    "indicator": indicator if isinstance(indicator, str) else indicator.to_numpy(),
                    "profile": profile if isinstance(profile, str) else profile.to_numpy(),
                    "numerator": np.asarray(num, float),
                    "denominator": np.asarray(den, float),
                }
            )
        )

    cat = read("service_catalog", filters=None)[["source", "module", "service_category"]].rename(
        columns={"service_category": "cat"}
    )
    ev = read(
        "ent_events",
        [
            "event_id",
            "ts",
            "uai",
            "user_id",
            "profile",
            "event_type",
            "module",
            "service_category",
            "session_id",
            "source",
        ],
    )
    ev = ev.merge(cat, on=["source", "module"], how="left")
    ev["category"] = ev["service_category"].fillna(ev["cat"]).fillna("autre")
    ev = ev.drop(columns=["service_category", "cat", "module", "source"])
    ev["is_usage"] = ev["event_type"].isin(["ACCESS", "CREATE", "VIEW"])
    ev["t_s"] = ev["ts"].astype("datetime64[s]").astype("int64")
    ev["month"] = ev["ts"].dt.strftime("%Y-%m")
    # Sessions keyed by (session_id, gap number), as in ours: no string concatenation.
    sid = ev["session_id"].notna()
    ev["session_id"] = ev["session_id"].fillna("")
    ev["gap_no"] = np.int64(-1)
    g = ev.loc[~sid, ["uai", "user_id", "t_s"]].sort_values(["uai", "user_id", "t_s"], kind="stable")
    gap = g.groupby(["uai", "user_id"], sort=False)["t_s"].diff()
    start = (gap.isna() | (gap > 1800)).astype("int64")
    ev.loc[g.index, "gap_no"] = start.groupby([g["uai"], g["user_id"]], sort=False).cumsum()
    skey = ["uai", "user_id", "profile", "session_id", "gap_no"]
    sess = ev.groupby(skey, sort=False)["ts"].min().reset_index()
    sess["month"] = sess["ts"].dt.strftime("%Y-%m")
    keys = ["uai", "profile", "month"]
    active = ev.groupby(keys)["user_id"].nunique().rename("active")
    nsess = sess.groupby(keys).size().rename("sessions")
    per_user = sess.groupby(keys + ["user_id"]).size()
    regular = per_user[per_user >= 8].groupby(level=[0, 1, 2]).size().rename("regular")
    j = pops.merge(pd.DataFrame({"month": months}), how="cross")
    j = (
        j.join(active, on=keys)
        .join(nsess, on=keys)
        .join(regular, on=keys)
        .fillna({"active": 0, "sessions": 0, "regular": 0})
    )
    emit(j, "monthly_active_rate", j["profile"], j["active"], j["population"])
    emit(j, "sessions_per_user", j["profile"], j["sessions"], j["population"])
    emit(j, "sessions_per_active_user", j["profile"], j["sessions"], j["active"])
    je = j[j["profile"] == "ELEVE"]
    emit(je, "regular_use_share", "ELEVE", je["regular"], je["population"])
    usage = ev[ev["is_usage"]]
    sc = usage[skey + ["category"]].drop_duplicates()
    sc = sc.merge(sess[skey + ["month"]], on=skey)
    mix = sc.groupby(keys + ["category"]).size().rename("n")
    reach = usage.groupby(keys + ["category"])["user_id"].nunique().rename("n")
    jc = j.merge(pd.DataFrame({"category": list(SERVICE_CATEGORIES)}), how="cross")
    jm = jc.join(mix, on=keys + ["category"]).fillna({"n": 0})
    emit(jm, "service_mix_share_" + jm["category"], jm["profile"], jm["n"], jm["sessions"])
    jr = jc.join(reach, on=keys + ["category"]).fillna({"n": 0})
    emit(jr, "service_reach_" + jr["category"], jr["profile"], jr["n"], jr["population"])
    jn = jr[(jr["profile"] == "PARENT") & (jr["category"] == "notes_competences")]
    emit(jn, "parents_never_grades_share", "PARENT", jn["population"] - jn["n"], jn["population"])
    e2 = pd.DataFrame(
        {"uai": ev["uai"], "month": ev["month"], "day_no": ev["t_s"] // 86400, "sod": ev["t_s"] % 86400}
    )
    e2 = e2.merge(cal, on=["uai", "day_no"], how="left")
    e2["ins"] = (e2["sod"] >= e2["start_s"]) & (e2["sod"] < e2["end_s"])
    oos = e2.groupby(["uai", "month"]).agg(n=("ins", "size"), ins=("ins", "sum")).reset_index()
    emit(oos, "out_of_school_share", "", oos["n"] - oos["ins"], oos["n"])
    # Weekly regularity: distinct local weeks of each active user, those that are school weeks
    # counted, median per collège, month and profile.
    sw, offs = week_dimensions(est, months)
    off = ev["uai"].map(offs.set_index("uai")["off"]).to_numpy()
    uw = pd.DataFrame(
        {
            "uai": ev["uai"],
            "profile": ev["profile"],
            "month": ev["month"],
            "user_id": ev["user_id"],
            "week": ((ev["t_s"].to_numpy() + off) // 86400 + 3) // 7,
        }
    ).drop_duplicates()
    uw = uw.merge(sw[["uai", "month", "school_weeks_mask"]], on=["uai", "month"])
    uw["school"] = np.right_shift(uw["school_weeks_mask"].to_numpy(), uw["week"].to_numpy() % 8) & 1
    k = uw.groupby(["uai", "profile", "month", "user_id"])["school"].sum()
    reg = k.groupby(level=[0, 1, 2]).median().rename("k").reset_index()
    reg = reg[reg["profile"].isin(list(POPULATION_COLUMNS))].merge(
        sw[["uai", "month", "school_weeks"]], on=["uai", "month"]
    )
    emit(reg, "weekly_regularity", reg["profile"], reg["k"], reg["school_weeks"])
    del ev, e2, usage, sc, g, uw
    b = est.merge(pd.DataFrame({"month": months}), how="cross")
    emit(b, "bandwidth_kbps_per_user", "", b["bw_down_mbps"] * 1000, b["pupils"] + b["staff"])
    acc = read("ent_accounts_snapshot")
    acc["month"] = pd.to_datetime(acc["snapshot_date"]).dt.strftime("%Y-%m")
    acc = acc.sort_values("snapshot_date").drop_duplicates(["uai", "profile", "month"], keep="last")
    emit(acc, "account_activation_rate", acc["profile"], acc["activated"], acc["loaded"])
    # devices
    dev = read("mdm_devices")
    dev["month"] = pd.to_datetime(dev["snapshot_date"]).dt.strftime("%Y-%m")
    dev = dev[dev["snapshot_date"] == dev.groupby(["uai", "month"])["snapshot_date"].transform("max")]
    dev = dev[dev["status"] == "in_service"].copy()
    dev["t_day"] = pd.to_datetime(dev["snapshot_date"]).astype("datetime64[s]").astype("int64") // 86400 + 1
    dev["ck_day"] = dev["last_checkin_at"].astype("datetime64[s]").astype("int64") // 86400
    dev.loc[dev["last_checkin_at"].isna(), "ck_day"] = -(10**9)
    ids = dev["device_id"].unique().tolist()
    ck = read(
        "mdm_checkins", ["device_id", "ts"], filters=[("device_id", "in", ids)] if uais is not None else None
    )
    wf = read("wifi_sessions")
    seen = pd.concat(
        [
            pd.DataFrame(
                {
                    "device_id": ck["device_id"],
                    "day_no": ck["ts"].astype("datetime64[s]").astype("int64") // 86400,
                }
            ),
            pd.DataFrame(
                {
                    "device_id": wf["device_id"],
                    "day_no": wf["start_ts"].astype("datetime64[s]").astype("int64") // 86400,
                }
            ).dropna(),
        ]
    ).drop_duplicates()
    ndev = dev.groupby(["uai", "month"]).size().rename("n").reset_index()
    m = dev[["uai", "month", "device_id", "t_day", "ck_day"]].merge(seen, on="device_id", how="left")
    for window, name in ((30, "device_activity_rate_30d"), (7, "device_activity_rate_7d")):
        ok = ((m["day_no"] >= m["t_day"] - window) & (m["day_no"] < m["t_day"])) | (
            (m["ck_day"] >= m["t_day"] - window) & (m["ck_day"] < m["t_day"])
        )
        k = m[ok].groupby(["uai", "month"])["device_id"].nunique().rename("k")
        r = ndev.join(k, on=["uai", "month"]).fillna({"k": 0})
        emit(r, name, "", r["k"], r["n"])
    w = wf[wf["device_id"].notna()]
    wd = pd.DataFrame(
        {
            "device_id": w["device_id"],
            "month": w["start_ts"].dt.strftime("%Y-%m"),
            "day_no": w["start_ts"].astype("datetime64[s]").astype("int64") // 86400,
        }
    ).drop_duplicates()
    used = (
        dev[["uai", "month", "device_id"]]
        .merge(wd, on=["device_id", "month"])
        .groupby(["uai", "month"])
        .size()
        .rename("d")
    )
    u = ndev.join(used, on=["uai", "month"]).fillna({"d": 0}).merge(sd, on=["uai", "month"])
    emit(u, "device_utilisation", "", u["d"], u["n"] * u["school_days"])
    # wifi
    s0 = wf["start_ts"].astype("datetime64[s]").astype("int64")
    s1 = wf["end_ts"].astype("datetime64[s]").astype("int64")
    b0 = s0 // 300
    nb = np.minimum(np.maximum((s1 - 1) // 300 - b0 + 1, 1), 288).to_numpy()
    month = wf["start_ts"].dt.strftime("%Y-%m").to_numpy()
    # Peak concurrency by the same sweep as ours: each client's sessions merged, +1/-1 steps.
    sw = pd.DataFrame(
        {
            "uai": wf["uai"].to_numpy(),
            "month": month,
            "client_id": wf["client_id"].to_numpy(),
            "b0": b0.to_numpy(),
            "b_end": b0.to_numpy() + nb - 1,
        }
    )
    ckey = ["uai", "month", "client_id"]
    sw = sw.sort_values(ckey + ["b0", "b_end"], kind="stable")
    prev_end = (
        sw.groupby(ckey, sort=False, dropna=False)["b_end"]
        .cummax()
        .groupby([sw[k] for k in ckey], sort=False, dropna=False)
        .shift()
    )
    new = prev_end.isna() | (sw["b_end"] > prev_end)
    b_start = np.where(prev_end.isna(), sw["b0"], np.maximum(sw["b0"], prev_end.fillna(0) + 1))
    parts = sw[new]
    steps = pd.concat(
        [
            pd.DataFrame(
                {"uai": parts["uai"], "month": parts["month"], "bin": b_start[new.to_numpy()], "step": 1}
            ),
            pd.DataFrame(
                {"uai": parts["uai"], "month": parts["month"], "bin": parts["b_end"] + 1, "step": -1}
            ),
        ]
    )
    per_bin = steps.groupby(["uai", "month", "bin"])["step"].sum()  # sorted by bin within collège-month
    per_bin = per_bin.groupby(level=[0, 1]).cumsum()
    pcc = per_bin.groupby(level=[0, 1]).max().rename("pcc").reset_index().merge(est, on="uai")
    emit(pcc, "peak_concurrent_clients", "", pcc["pcc"], np.ones(len(pcc)))
    emit(pcc, "peak_concurrent_clients_per_ap", "", pcc["pcc"], pcc["n_aps"])
    emit(pcc, "bandwidth_pressure", "", pcc["pcc"] * 0.8 * 1.0, pcc["bw_down_mbps"])
    tr = (
        pd.DataFrame(
            {"uai": wf["uai"], "month": month, "b": wf["rx_bytes"].fillna(0) + wf["tx_bytes"].fillna(0)}
        )
        .groupby(["uai", "month"])["b"]
        .sum()
        .reset_index()
        .merge(est, on="uai")
        .merge(sd, on=["uai", "month"])
    )
    emit(tr, "traffic_bytes_per_pupil_day", "", tr["b"], tr["pupils"] * tr["school_days"])
    res = pd.concat(out, ignore_index=True)
    return res[res["denominator"] > 0].reset_index(drop=True)
