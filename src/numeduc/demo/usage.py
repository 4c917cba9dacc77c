"""Seeded synthetic usage data in exactly the input schemas, with its ground truth.

The generator builds one collège at a time (users, sessions, events, devices, wifi), writes it
in chunks (Parquet for the event streams, so 50 million events fit in bounded memory) and keeps
the counts needed to compute every indicator's true value from what it generated: because all
users of a collège are generated in the same chunk, those counts simply add up across chunks.
The result is ``ground_truth.json``: records ``uai, month, indicator, profile, value`` like the
output of :func:`numeduc.usage.indicators.compute_indicators`.

Everything it produces is "données de démonstration".
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from numeduc.demo.mark import DEMO_MARK
from numeduc.usage import calendar as cal
from numeduc.usage.referential import density_grid3
from numeduc.usage.schemas import KINDS, PROFILES, SERVICE_CATEGORIES

# --- parameters [P]: plausible defaults, documented in docs/usage.md ----------------------------
ACTIVATION = {"ELEVE": 0.9, "PARENT": 0.65, "ENSEIGNANT": 0.97, "PERSONNEL": 0.9, "AUTRE": 0.5}
MONTHLY_ACTIVE = {"ELEVE": 0.8, "PARENT": 0.55, "ENSEIGNANT": 0.95, "PERSONNEL": 0.85, "AUTRE": 0.3}
SESSIONS_MEAN = {"ELEVE": 7.0, "PARENT": 4.0, "ENSEIGNANT": 15.0, "PERSONNEL": 12.0, "AUTRE": 2.0}
WEEKEND_WEIGHT = {"ELEVE": 0.3, "PARENT": 0.6, "ENSEIGNANT": 0.4, "PERSONNEL": 0.05, "AUTRE": 0.2}
MODULE_MIX = {
    "ELEVE": {
        "Homeworks": 30,
        "Competences": 10,
        "Pronote": 10,
        "Mediacentre": 10,
        "GAR": 8,
        "Workspace": 10,
        "Conversation": 10,
        "Blog": 5,
        "Moodle": 5,
        "Actualites": 2,
    },
    "PARENT": {
        "Pronote": 30,
        "Competences": 10,
        "Viescolaire": 20,
        "Conversation": 15,
        "Homeworks": 15,
        "Actualites": 10,
    },
    "ENSEIGNANT": {
        "Homeworks": 25,
        "Competences": 15,
        "Pronote": 10,
        "Conversation": 15,
        "Workspace": 10,
        "Mediacentre": 10,
        "Presences": 10,
        "Moodle": 5,
    },
    "PERSONNEL": {"Conversation": 30, "Viescolaire": 25, "Admin": 25, "Actualites": 10, "Agenda": 10},
    "AUTRE": {"Conversation": 50, "Actualites": 50},
}
# Share of parents who do not look at grades at all (on top of the module mix above).
PARENTS_IGNORING_GRADES = 0.3
# source, module, service_category, is_connector
CATALOG = [
    ("one", "Auth", "autre", False),
    ("one", "Conversation", "messagerie", False),
    ("one", "Homeworks", "cahier_de_textes", False),
    ("one", "Competences", "notes_competences", False),
    ("one", "Pronote", "notes_competences", True),
    ("one", "Viescolaire", "absences_vie_scolaire", False),
    ("one", "Presences", "absences_vie_scolaire", False),
    ("one", "Mediacentre", "ressources", False),
    ("one", "GAR", "ressources", True),
    ("one", "Moodle", "ressources", True),
    ("one", "Workspace", "espace_documentaire", False),
    ("one", "Blog", "collaboratif", False),
    ("one", "Wiki", "collaboratif", False),
    ("one", "Actualites", "information", False),
    ("one", "Agenda", "information", False),
    ("one", "Admin", "administration", False),
    ("moodle", "core", "ressources", False),
    ("moodle", "mod_forum", "collaboratif", False),
    ("moodle", "mod_assign", "cahier_de_textes", False),
    ("moodle", "mod_resource", "ressources", False),
    ("moodle", "mod_quiz", "notes_competences", False),
]
MEAN_EVENTS_PER_SESSION = 12.0
MAX_EVENTS_PER_SESSION = 40
MAX_GAP_S = 120  # within a session; sessions of one user are > 30 min apart by construction
REGULAR_THRESHOLD = 8
WIFI_ACTIVE_OVER_ASSOC = 0.4 / 0.5  # f_active / f_assoc (budget.md A.5)
R_CLIENT_MBPS = 1.0

EVENT_TYPE_CHOICES = np.array(["ACCESS", "VIEW", "CREATE"])
EVENT_TYPE_P = np.array([0.7, 0.2, 0.1])
DEVICE_TYPES_BY_PROFILE = {
    "ELEVE": (["tablet", "smartphone", "desktop", "mobile_app"], [0.3, 0.3, 0.2, 0.2]),
    "PARENT": (["smartphone", "mobile_app", "desktop"], [0.4, 0.4, 0.2]),
    "ENSEIGNANT": (["desktop", "tablet", "mobile_app"], [0.7, 0.1, 0.2]),
    "PERSONNEL": (["desktop"], [1.0]),
    "AUTRE": (["desktop", "smartphone"], [0.5, 0.5]),
}
STRATEGY_WEIGHTS = {"eim": 0.3, "classe_mobile": 0.3, "hybride": 0.1, "byod": 0.15, "none": 0.15}
PROFILE_CODE = {"ELEVE": "E", "PARENT": "P", "ENSEIGNANT": "T", "PERSONNEL": "S", "AUTRE": "A"}

EVENT_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("ts", pa.timestamp("us")),
        ("uai", pa.string()),
        ("user_id", pa.string()),
        ("profile", pa.string()),
        ("event_type", pa.string()),
        ("module", pa.string()),
        ("service_category", pa.string()),
        ("session_id", pa.string()),
        ("device_type", pa.string()),
        ("class_id", pa.string()),
        ("source", pa.string()),
    ]
)
CHECKIN_SCHEMA = pa.schema(
    [
        ("device_id", pa.string()),
        ("ts", pa.timestamp("us")),
        ("source", pa.string()),
        ("on_site", pa.bool_()),
    ]
)
WIFI_SCHEMA = pa.schema(
    [
        ("session_id", pa.string()),
        ("uai", pa.string()),
        ("ap_id", pa.string()),
        ("ssid", pa.string()),
        ("client_id", pa.string()),
        ("device_id", pa.string()),
        ("start_ts", pa.timestamp("us")),
        ("end_ts", pa.timestamp("us")),
        ("duration_s", pa.int64()),
        ("rx_bytes", pa.int64()),
        ("tx_bytes", pa.int64()),
        ("band", pa.string()),
        ("end_cause", pa.string()),
    ]
)


@dataclass
class GenerationSummary:
    out_dir: Path
    colleges: int
    pupils: int
    events: int = 0
    sessions: int = 0
    devices: int = 0
    checkins: int = 0
    wifi_sessions: int = 0
    files: dict[str, str] = field(default_factory=dict)


def load_reference_colleges(departement: str) -> pd.DataFrame:
    path = resources.files("numeduc.data.reference") / "colleges.csv"
    with path.open(encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype=str)
    df = df[(df["departement_code"] == departement) & (df["public_private"] == "public")]
    df = df[df["pupils"].notna() & df["density_code"].notna()]
    return df.reset_index(drop=True)


def build_establishments(
    departement: str,
    pupils: int | None,
    rng: np.random.Generator,
    max_colleges: int | None,
    school_year: str,
) -> pd.DataFrame:
    """The collèges of the établissements file: the département's public collèges of the
    referential, or invented ones for a département it does not know. ``pupils`` is a total
    shared among them in proportion to the referential's counts; ``None`` keeps each collège's
    own count (DEPP, rentrée 2020), so that the file says what the budget pages say."""
    ref = load_reference_colleges(departement)
    if len(ref):
        ref = ref.assign(pupils_i=ref["pupils"].astype(int))
        ref = ref.sort_values("uai").reset_index(drop=True)
        if max_colleges:
            ref = ref.iloc[:max_colleges]
        uai = ref["uai"].tolist()
        names = ref["name"].fillna("").tolist()
        insee = ref["commune_code"].tolist()
        communes = ref["commune_name"].tolist()
        d7 = ref["density_code"].astype(int).to_numpy()
        ep = ref["priority_education"].fillna("none").tolist()
        base = ref["pupils_i"].to_numpy(float)
    else:  # unknown département: invented collèges
        n = max_colleges or max(1, (pupils or 5000) // 500)
        uai = [f"{int(departement[:2]) if departement[:2].isdigit() else 99:03d}{i:04d}X" for i in range(n)]
        names = [f"Collège fictif {i + 1}" for i in range(n)]
        insee = [None] * n
        communes = [None] * n
        d7 = rng.integers(1, 8, n)
        ep = list(rng.choice(["none", "none", "none", "REP", "REP+"], n))
        base = rng.uniform(150, 900, n)
    scaled = np.maximum(20, np.round(base * pupils / base.sum())).astype(int) if pupils else base.astype(int)
    n = len(uai)
    strategies = rng.choice(list(STRATEGY_WEIGHTS), n, p=list(STRATEGY_WEIGHTS.values()))
    n_classrooms = np.maximum(4, scaled // 25 + 4)
    wired_only = strategies == "none"
    n_aps = np.where(wired_only, np.maximum(1, n_classrooms // 4), n_classrooms)
    return pd.DataFrame(
        {
            "uai": uai,
            "name": names,
            "departement": departement,
            "commune_insee": insee,
            "commune_name": communes,
            "density_grid3": [density_grid3(int(c)) for c in d7],
            "density_grid7": d7.astype(int),
            "ep": ep,
            "depp_type": pd.array([None] * n, dtype="Int64"),
            "pupils": scaled,
            "teachers": np.maximum(5, np.round(scaled / 13)).astype(int),
            "staff": np.maximum(3, np.round(scaled / 40)).astype(int),
            "parent_accounts": np.round(scaled * 1.5).astype(int),
            "school_year": school_year,
            "holiday_zone": cal.holiday_zone_for(departement),
            "strategy": strategies,
            "bw_down_mbps": rng.choice([20.0, 50.0, 100.0, 200.0, 1000.0], n),
            "bw_up_mbps": rng.choice([5.0, 10.0, 50.0, 100.0], n),
            "n_classrooms": n_classrooms,
            "n_aps": n_aps,
        }
    )


class _Truth:
    """Counters from which every indicator's true value follows (additive across collèges)."""

    def __init__(self) -> None:
        self.c: dict[tuple, float] = defaultdict(float)
        self.weeks: dict[str, set[int]] = {}  # school weeks of each month
        # (uai, month, profile) -> {active school weeks: users}
        self.week_hist: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, name: str, key: tuple, value: float) -> None:
        self.c[(name, *key)] += value

    def get(self, name: str, *key) -> float:
        return self.c.get((name, *key), 0.0)


def _epoch_s(day: dt.date, local_seconds: np.ndarray, offset_min: int) -> np.ndarray:
    midnight = (day - dt.date(1970, 1, 1)).days * 86400
    return midnight + local_seconds - offset_min * 60


class _ChunkWriter:
    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self.schema = schema
        self.writer: pq.ParquetWriter | None = None
        self.rows = 0

    def write(self, table: pa.Table) -> None:
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        self.writer.write_table(table, row_group_size=1_000_000)
        self.rows += table.num_rows

    def close(self) -> None:
        if self.writer is None:  # still write an empty, valid file
            pq.write_table(self.schema.empty_table(), self.path)
        else:
            self.writer.close()


def generate(
    departement: str,
    pupils: int | None,
    months: int,
    out_dir: str | Path,
    *,
    seed: int = 0,
    start_month: str = "2024-09",
    max_colleges: int | None = None,
    events_per_session: float = MEAN_EVENTS_PER_SESSION,
    devices: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> GenerationSummary:
    """Write the seven input files and ``ground_truth.json`` into ``out_dir``. ``pupils``: the
    département's total (spread over its collèges), or ``None`` for the referential's own
    counts (``build_establishments``)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    month_list = cal.months_between(start_month, months)
    school_year = cal.school_year_of(dt.date(int(start_month[:4]), int(start_month[5:]), 1))
    est = build_establishments(departement, pupils, rng, max_colleges, school_year)
    tz = cal.timezone_for(departement)
    zone = est["holiday_zone"].iloc[0]
    days = [d for m in month_list for d in cal.month_days(m)]
    day_school = np.array([cal.is_school_day(d, zone) for d in days])
    day_offset = np.array([cal.utc_offset_minutes(d, tz) for d in days])
    day_month = np.array([month_list.index(f"{d.year:04d}-{d.month:02d}") for d in days])
    school_days = {m: cal.school_days_in_month(m, zone) for m in month_list}
    truth = _Truth()
    # Weekly regularity: local weeks (standard time) with a school day in each month.
    std_offset_s = cal.standard_offset_s(departement, int(month_list[0][:4]))
    for mi, m in enumerate(month_list):
        weeks = {
            cal.week_number((d - dt.date(1970, 1, 1)).days)
            for d, school, dm in zip(days, day_school, day_month)
            if school and dm == mi
        }
        truth.c[("school_weeks", m)] = float(len(weeks))
        truth.weeks[m] = weeks
    summary = GenerationSummary(out, len(est), int(est["pupils"].sum()))

    est.to_csv(out / "establishments.csv", index=False)
    pd.DataFrame(CATALOG, columns=["source", "module", "service_category", "is_connector"]).to_csv(
        out / "service_catalog.csv", index=False
    )

    modules_all = sorted({m for mix in MODULE_MIX.values() for m in mix} | {"Auth"})
    cat_of = {m: c for s, m, c, _ in CATALOG if s == "one"}
    cat_index = {c: i for i, c in enumerate(SERVICE_CATEGORIES)}
    module_cat = np.array([cat_index[cat_of[m]] for m in modules_all])

    ev_writer = _ChunkWriter(out / "ent_events.parquet", EVENT_SCHEMA)
    ck_writer = _ChunkWriter(out / "mdm_checkins.parquet", CHECKIN_SCHEMA)
    wf_writer = _ChunkWriter(out / "wifi_sessions.parquet", WIFI_SCHEMA)
    account_rows: list[dict] = []
    device_frames: list[pd.DataFrame] = []

    for ci, row in enumerate(est.itertuples(index=False)):
        uai = row.uai
        with_session_ids = ci % 4 != 3  # one collège in four exports no session ids
        populations = {
            "ELEVE": row.pupils,
            "PARENT": row.parent_accounts,
            "ENSEIGNANT": row.teachers,
            "PERSONNEL": row.staff,
            "AUTRE": 2,
        }
        college_factor = rng.uniform(0.85, 1.05)
        tables = []
        for profile in PROFILES:
            loaded = int(populations[profile])
            activated = int(rng.binomial(loaded, min(1.0, ACTIVATION[profile] * college_factor)))
            for m in month_list:
                last = cal.month_days(m)[-1]
                account_rows.append(
                    {
                        "snapshot_date": last.isoformat(),
                        "uai": uai,
                        "profile": profile,
                        "loaded": loaded,
                        "activated": activated,
                    }
                )
                truth.add("accounts", (uai, m, profile), 0)
                truth.c[("loaded", uai, m, profile)] = loaded
                truth.c[("activated", uai, m, profile)] = activated
            tables.extend(
                _user_events(
                    rng,
                    uai,
                    profile,
                    activated,
                    college_factor,
                    month_list,
                    days,
                    day_school,
                    day_offset,
                    day_month,
                    modules_all,
                    module_cat,
                    events_per_session,
                    with_session_ids,
                    truth,
                    summary,
                    std_offset_s,
                )
            )
        if tables:
            events = pa.concat_tables(tables)
            # Event ids are assigned once the collège's events are known.
            start = summary.events
            ids = pa.array([f"{uai}-{i}" for i in range(start, start + events.num_rows)])
            events = events.set_column(0, "event_id", ids)
            ev_writer.write(events)
            summary.events += events.num_rows
        if devices:
            dev = _devices(
                rng,
                row,
                month_list,
                days,
                day_school,
                day_offset,
                day_month,
                school_days,
                truth,
                ck_writer,
                wf_writer,
                summary,
            )
            device_frames.append(dev)
        if progress:
            progress(ci + 1, len(est))

    for w in (ev_writer, ck_writer, wf_writer):
        w.close()
    pd.DataFrame(account_rows).to_csv(out / "ent_accounts_snapshot.csv", index=False)
    mdm_cols = KINDS["mdm_devices"].column_names
    dev_all = pd.concat(device_frames) if device_frames else pd.DataFrame(columns=mdm_cols)
    dev_all[mdm_cols].to_csv(out / "mdm_devices.csv", index=False)
    summary.devices = int(dev_all["device_id"].nunique()) if len(dev_all) else 0
    records = _ground_truth_records(est, month_list, school_days, truth)
    meta = {
        "departement": departement,
        "pupils": summary.pupils,
        "months": month_list,
        "seed": seed,
        "colleges": summary.colleges,
        "events": summary.events,
        "sessions": summary.sessions,
        "note": f"{DEMO_MARK} (synthétiques)",
    }
    with open(out / "ground_truth.json", "w", encoding="utf-8") as fh:
        json.dump({"meta": meta, "indicators": records}, fh, ensure_ascii=False)
    summary.files = {
        k: str(p)
        for k, p in {
            "establishments": out / "establishments.csv",
            "service_catalog": out / "service_catalog.csv",
            "ent_accounts_snapshot": out / "ent_accounts_snapshot.csv",
            "ent_events": out / "ent_events.parquet",
            "mdm_devices": out / "mdm_devices.csv",
            "mdm_checkins": out / "mdm_checkins.parquet",
            "wifi_sessions": out / "wifi_sessions.parquet",
        }.items()
    }
    return summary


def _user_events(
    rng,
    uai,
    profile,
    activated,
    college_factor,
    month_list,
    days,
    day_school,
    day_offset,
    day_month,
    modules_all,
    module_cat,
    events_per_session,
    with_session_ids,
    truth: _Truth,
    summary: GenerationSummary,
    std_offset_s: int,
) -> list[pa.Table]:
    """Sessions and events of the activated users of one profile of one collège."""
    n_users = activated
    if n_users == 0:
        return []
    code = PROFILE_CODE[profile]
    propensity = rng.beta(2.0, 2.0, n_users) * 2 * college_factor
    mix = MODULE_MIX[profile]
    mix_modules = np.array([modules_all.index(m) for m in mix])
    mix_p = np.array(list(mix.values()), float)
    mix_p /= mix_p.sum()
    ignores_grades = (
        (rng.random(n_users) < PARENTS_IGNORING_GRADES) if profile == "PARENT" else np.zeros(n_users, bool)
    )
    dev_choices, dev_p = DEVICE_TYPES_BY_PROFILE[profile]
    user_device = rng.choice(dev_choices, n_users, p=dev_p)
    n_days = len(days)
    out = []
    for mi, month in enumerate(month_list):
        day_idx = np.flatnonzero(day_month == mi)
        weights = np.where(day_school[day_idx], 1.0, WEEKEND_WEIGHT[profile])
        if weights.sum() == 0:
            continue
        school_share = day_school[day_idx].sum() / 20.0
        active = rng.random(n_users) < np.minimum(1.0, MONTHLY_ACTIVE[profile] * propensity / 1.0)
        lam = SESSIONS_MEAN[profile] * propensity * max(school_share, 0.1)
        k = np.where(active, 1 + rng.poisson(np.maximum(lam - 1, 0)), 0)
        users = np.repeat(np.arange(n_users), k)
        if len(users) == 0:
            continue
        # Two slots a day (morning, afternoon/evening); duplicates collapse into one session.
        slot_p = np.repeat(weights, 2) / (2 * weights.sum())
        slot = rng.choice(len(day_idx) * 2, len(users), p=slot_p)
        pairs = np.unique(users.astype(np.int64) * (2 * n_days) + slot)
        s_user = (pairs // (2 * n_days)).astype(np.int64)
        s_slot = pairs % (2 * n_days)
        s_day = day_idx[s_slot // 2]
        s_pm = (s_slot % 2).astype(bool)
        n_s = len(s_user)
        start_local = np.where(
            s_pm, rng.uniform(13.5 * 3600, 21.5 * 3600, n_s), rng.uniform(7.5 * 3600, 11 * 3600, n_s)
        ).astype(np.int64)
        n_ev = np.minimum(
            MAX_EVENTS_PER_SESSION, 1 + rng.geometric(1.0 / max(events_per_session - 1, 1.0), n_s)
        )
        n_ev = np.maximum(n_ev, 2)  # LOGIN + at least one usage event
        total = int(n_ev.sum())
        e_sess = np.repeat(np.arange(n_s), n_ev)
        first = np.zeros(total, bool)
        first[np.concatenate([[0], np.cumsum(n_ev)[:-1]])] = True
        gaps = rng.integers(5, MAX_GAP_S + 1, total)
        gaps[first] = 0
        csum = np.cumsum(gaps)
        sess_base = csum[first]
        offset_in_session = csum - np.repeat(sess_base, n_ev)
        local_s = np.repeat(start_local, n_ev) + offset_in_session
        e_day = np.repeat(s_day, n_ev)
        midnight = np.array([(days[d] - dt.date(1970, 1, 1)).days * 86400 for d in range(n_days)])
        ts = midnight[e_day] + local_s - day_offset[e_day] * 60
        e_user = s_user[e_sess]
        module = mix_modules[rng.choice(len(mix_modules), total, p=mix_p)]
        # Parents who never look at grades: swap grade modules for the school-life module.
        if profile == "PARENT":
            grade_mods = np.isin(module, [modules_all.index("Pronote"), modules_all.index("Competences")])
            swap = grade_mods & ignores_grades[e_user]
            module[swap] = modules_all.index("Viescolaire")
        module[first] = modules_all.index("Auth")
        etype = EVENT_TYPE_CHOICES[rng.choice(3, total, p=EVENT_TYPE_P)].astype(object)
        etype[first] = "LOGIN"
        usage = ~first
        # --- ground truth counters (event month for users/events, start month for sessions)
        e_month = _month_index(ts, month_list)
        s_month = e_month[first]
        in_school = (
            day_school[e_day] & (local_s >= cal.SCHOOL_START_MIN * 60) & (local_s < cal.SCHOOL_END_MIN * 60)
        )
        _count_truth(
            truth,
            uai,
            profile,
            month_list,
            e_user,
            e_month,
            e_sess,
            s_month,
            s_user,
            module_cat[module],
            usage,
            in_school,
        )
        # Active school weeks of each user active in the (UTC) month of the events.
        e_week = cal.week_number((ts + std_offset_s) // 86400)
        for m in np.unique(e_month):
            if not 0 <= m < len(month_list):
                continue
            label = month_list[m]
            sel = e_month == m
            users_m = np.unique(e_user[sel])
            in_school_week = sel & np.isin(e_week, sorted(truth.weeks[label]))
            user_weeks = np.unique(np.stack([e_user[in_school_week], e_week[in_school_week]]), axis=1)
            with_weeks, n_weeks = np.unique(user_weeks[0], return_counts=True)
            k = np.zeros(len(users_m), np.int64)  # users active only outside school weeks: 0
            k[np.searchsorted(users_m, with_weeks)] = n_weeks
            hist = truth.week_hist[(uai, label, profile)]
            for weeks, users in zip(*np.unique(k, return_counts=True)):
                hist[int(weeks)] += int(users)
        summary.sessions += n_s
        uid = np.array([f"{uai}-{code}{u}" for u in range(n_users)], dtype=object)
        if with_session_ids:
            sid_vals = np.array([f"{uai}-{month}-{code}{i}" for i in range(n_s)], dtype=object)[e_sess]
        else:
            sid_vals = np.full(total, None, dtype=object)
        class_ids = (
            np.array([f"{uai}-C{u % 16}" for u in range(n_users)], dtype=object)[e_user]
            if profile == "ELEVE"
            else np.full(total, None, dtype=object)
        )
        out.append(
            pa.table(
                {
                    "event_id": pa.array(np.full(total, "", dtype=object), pa.string()),
                    "ts": pa.array(ts.astype("datetime64[s]").astype("datetime64[us]")),
                    "uai": pa.array(np.full(total, uai, dtype=object), pa.string()),
                    "user_id": pa.array(uid[e_user], pa.string()),
                    "profile": pa.array(np.full(total, profile, dtype=object), pa.string()),
                    "event_type": pa.array(etype, pa.string()),
                    "module": pa.array(np.array(modules_all, dtype=object)[module], pa.string()),
                    "service_category": pa.nulls(total, pa.string()),
                    "session_id": pa.array(sid_vals, pa.string()),
                    "device_type": pa.array(user_device[e_user].astype(object), pa.string()),
                    "class_id": pa.array(class_ids, pa.string()),
                    "source": pa.array(np.full(total, "one", dtype=object), pa.string()),
                },
                schema=EVENT_SCHEMA,
            )
        )
    return out


def _month_index(epoch_s: np.ndarray, month_list: list[str]) -> np.ndarray:
    months = epoch_s.astype("datetime64[s]").astype("datetime64[M]")
    first = np.datetime64(month_list[0], "M")
    return (months - first).astype(np.int64)


def _count_truth(
    truth, uai, profile, month_list, e_user, e_month, e_sess, s_month, s_user, e_cat, usage, in_school
) -> None:
    n_m = len(month_list) + 2  # events may spill into the next month (UTC)
    n_cat = len(SERVICE_CATEGORIES)
    em = np.clip(e_month, 0, n_m - 1)
    sm = np.clip(s_month, 0, n_m - 1)
    # active users per event month
    for m, cnt in zip(*np.unique(np.unique(em * 10_000_000 + e_user) // 10_000_000, return_counts=True)):
        truth.add("active", (uai, _mlabel(month_list, m), profile), cnt)
    for m, cnt in zip(*np.unique(sm, return_counts=True)):
        truth.add("sessions", (uai, _mlabel(month_list, m), profile), cnt)
    # regular users: >= 8 sessions started in the month
    um, per_user = np.unique(sm * 10_000_000 + s_user, return_counts=True)
    for m, cnt in zip(*np.unique(um[per_user >= REGULAR_THRESHOLD] // 10_000_000, return_counts=True)):
        truth.add("regular", (uai, _mlabel(month_list, m), profile), cnt)
    # sessions with >= 1 usage event in category c (session start month)
    sc = np.unique(e_sess[usage].astype(np.int64) * n_cat + e_cat[usage])
    sess_of, cat_of = sc // n_cat, sc % n_cat
    key = sm[sess_of] * n_cat + cat_of
    for k, cnt in zip(*np.unique(key, return_counts=True)):
        truth.add("sessions_cat", (uai, _mlabel(month_list, k // n_cat), profile, int(k % n_cat)), cnt)
    # users reaching category c (event month)
    uc = np.unique((em[usage].astype(np.int64) * 10_000_000 + e_user[usage]) * n_cat + e_cat[usage])
    key = (uc // n_cat) // 10_000_000 * n_cat + uc % n_cat
    for k, cnt in zip(*np.unique(key, return_counts=True)):
        truth.add("reach", (uai, _mlabel(month_list, k // n_cat), profile, int(k % n_cat)), cnt)
    for m, cnt in zip(*np.unique(em, return_counts=True)):
        truth.add("events", (uai, _mlabel(month_list, m)), cnt)
    for m, cnt in zip(*np.unique(em[~in_school], return_counts=True)):
        truth.add("events_out", (uai, _mlabel(month_list, m)), cnt)


def _mlabel(month_list: list[str], idx) -> str:
    idx = int(idx)
    if idx < len(month_list):
        return month_list[idx]
    return cal.months_between(month_list[0], idx + 1)[-1]


def _devices(
    rng,
    row,
    month_list,
    days,
    day_school,
    day_offset,
    day_month,
    school_days,
    truth: _Truth,
    ck_writer: _ChunkWriter,
    wf_writer: _ChunkWriter,
    summary: GenerationSummary,
) -> pd.DataFrame:
    """Devices by strategy, their daily activity, MDM check-ins and wifi sessions."""
    uai, strategy = row.uai, row.strategy
    classes, owners, assigns, carts = [], [], [], []

    def add(n, cls, own, assign, cart=None):
        classes.extend([cls] * n)
        owners.extend([own] * n)
        assigns.extend([assign] * n)
        carts.extend([cart] * n if not callable(cart) else [cart(i) for i in range(n)])

    if strategy in ("eim", "hybride"):
        n_ind = row.pupils if strategy == "eim" else row.pupils // 2
        add(int(n_ind), "tablet", "departement", "individual")
    if strategy in ("classe_mobile", "hybride"):
        n_carts = max(1, row.n_classrooms // 4)
        add(n_carts * 16, "tablet", "departement", "cart", lambda i: f"{uai}-K{i // 16}")
    add(int(row.teachers), "laptop", "departement", "staff")
    add(15, "desktop", "departement", "room")
    n_dev = len(classes)
    status = rng.choice(["in_service", "spare", "repair", "lost"], n_dev, p=[0.9, 0.05, 0.03, 0.02])
    dormant = rng.random(n_dev) < 0.15
    q = np.where(dormant | (status != "in_service"), 0.0, rng.uniform(0.3, 0.95, n_dev))
    n_days = len(days)
    # activity[d, i]: device i used on day d (home use on non-school days for individual ones)
    home = np.array([a == "individual" for a in assigns])
    day_w = np.where(day_school[:, None], 1.0, np.where(home[None, :], 0.1, 0.0))
    activity = rng.random((n_days, n_dev)) < (q[None, :] * day_w)
    # Dormant devices keep an old check-in (before the period) in the MDM inventory.
    first_day = days[0]
    midnight = np.array([(d - dt.date(1970, 1, 1)).days * 86400 for d in days])
    dev_ids = np.array([f"{uai}-D{i}" for i in range(n_dev)], dtype=object)
    d_idx, i_idx = np.nonzero(activity)
    ck_local = rng.integers(8 * 3600, 17 * 3600, len(d_idx))
    ck_ts = midnight[d_idx] + ck_local - day_offset[d_idx] * 60
    on_site = day_school[d_idx]
    ck_writer.write(
        pa.table(
            {
                "device_id": pa.array(dev_ids[i_idx], pa.string()),
                "ts": pa.array(ck_ts.astype("datetime64[s]").astype("datetime64[us]")),
                "source": pa.array(np.full(len(d_idx), "mdm", dtype=object), pa.string()),
                "on_site": pa.array(on_site),
            },
            schema=CHECKIN_SCHEMA,
        )
    )
    summary.checkins += len(d_idx)
    # wifi: on-site days of devices with wifi (not wired desktops) + BYOD personal devices
    wifi_capable = np.array([c != "desktop" for c in classes])
    w_mask = on_site & wifi_capable[i_idx]
    w_day, w_dev = d_idx[w_mask], i_idx[w_mask]
    n_byod = int(row.pupils * (0.5 if strategy == "byod" else 0.2 if strategy == "hybride" else 0))
    b_days, b_cli = [], []
    if n_byod:
        school_idx = np.flatnonzero(day_school)
        b_act = rng.random((len(school_idx), n_byod)) < 0.5
        bd, bc = np.nonzero(b_act)
        b_days, b_cli = school_idx[bd], bc
    sess_day = np.concatenate([w_day, np.asarray(b_days, dtype=np.int64)]).astype(np.int64)
    sess_client = np.concatenate([w_dev, n_dev + np.asarray(b_cli, dtype=np.int64)]).astype(np.int64)
    reps = rng.integers(1, 3, len(sess_day))  # 1 or 2 sessions that day
    sess_day = np.repeat(sess_day, reps)
    sess_client = np.repeat(sess_client, reps)
    second = np.zeros(len(sess_day), bool)
    if len(reps):
        starts = np.concatenate([[0], np.cumsum(reps)[:-1]])
        second[starts[reps == 2] + 1] = True
    n_w = len(sess_day)
    st_local = np.where(
        second, rng.integers(13 * 3600, 16 * 3600, n_w), rng.integers(8 * 3600, 11 * 3600, n_w)
    )
    dur = rng.integers(600, 5400, n_w)
    st = midnight[sess_day] + st_local - day_offset[sess_day] * 60
    en = st + dur
    n_aps = max(1, int(row.n_aps))
    rate = rng.uniform(2e3, 5e4, n_w)
    rx = (dur * rate).astype(np.int64)
    tx = (rx * 0.2).astype(np.int64)
    client_ids = np.array([f"{uai}-M{c}" for c in range(n_dev + n_byod)], dtype=object)
    wf_dev = np.where(sess_client < n_dev, dev_ids[np.minimum(sess_client, n_dev - 1)], None)
    wf_writer.write(
        pa.table(
            {
                "session_id": pa.array([f"{uai}-W{i}" for i in range(n_w)], pa.string()),
                "uai": pa.array(np.full(n_w, uai, dtype=object), pa.string()),
                "ap_id": pa.array([f"{uai}-AP{a}" for a in rng.integers(0, n_aps, n_w)], pa.string()),
                "ssid": pa.array(np.full(n_w, "college", dtype=object), pa.string()),
                "client_id": pa.array(client_ids[sess_client], pa.string()),
                "device_id": pa.array(wf_dev, pa.string()),
                "start_ts": pa.array(st.astype("datetime64[s]").astype("datetime64[us]")),
                "end_ts": pa.array(en.astype("datetime64[s]").astype("datetime64[us]")),
                "duration_s": pa.array(dur.astype(np.int64)),
                "rx_bytes": pa.array(rx),
                "tx_bytes": pa.array(tx),
                "band": pa.array(rng.choice(["2.4", "5"], n_w, p=[0.3, 0.7]).astype(object), pa.string()),
                "end_cause": pa.array(np.full(n_w, "User-Request", dtype=object), pa.string()),
            },
            schema=WIFI_SCHEMA,
        )
    )
    summary.wifi_sessions += n_w
    # --- ground truth: PCC by 5-minute bins (distinct clients), traffic, device activity
    if n_w:
        b0, b1 = st // 300, (en - 1) // 300
        nb = (b1 - b0 + 1).astype(np.int64)
        bins = np.repeat(b0, nb) + (np.arange(nb.sum()) - np.repeat(np.cumsum(nb) - nb, nb))
        cl = np.repeat(sess_client, nb)
        ub = np.unique(bins * 10_000_000 + cl) // 10_000_000
        b_vals, b_counts = np.unique(ub, return_counts=True)
        b_month = _month_index(b_vals * 300, month_list)
        for mi in np.unique(b_month):
            truth.c[("pcc", uai, _mlabel(month_list, mi))] = float(b_counts[b_month == mi].max())
        s_month = _month_index(st, month_list)
        for mi in np.unique(s_month):
            truth.add("traffic", (uai, _mlabel(month_list, mi)), float((rx + tx)[s_month == mi].sum()))
    # device-days with wifi (distinct), by month, for in-service devices
    wifi_days = np.zeros((n_days, n_dev), bool)
    wifi_days[w_day, w_dev] = True
    rows = []
    never = rng.random(n_dev) < 0.5  # half the dormant devices never checked in
    old_checkin = midnight[0] - rng.integers(40, 200, n_dev) * 86400
    enrolled = midnight[0] - rng.integers(200, 1500, n_dev) * 86400
    purchase = (enrolled - 30 * 86400).astype("datetime64[s]").astype("datetime64[D]")
    for mi, month in enumerate(month_list):
        mdays = np.flatnonzero(day_month == mi)
        end_idx = mdays[-1]
        t_end = midnight[end_idx] + 86400  # end of the snapshot day (UTC midnight)
        seen = activity[: end_idx + 1]
        any_seen = seen.any(axis=0)
        last_day = np.where(any_seen, end_idx - np.argmax(seen[::-1], axis=0), -1)
        # last check-in time: the check-in of the last active day
        last_ts = np.full(n_dev, -1, dtype=np.int64)
        if len(d_idx):
            ck_order = np.lexsort((ck_ts, i_idx))
            for_dev = {}
            sel = d_idx <= end_idx
            last_ck = pd.Series(ck_ts[sel]).groupby(i_idx[sel]).max()
            last_ts[last_ck.index.to_numpy()] = last_ck.to_numpy()
            del ck_order, for_dev
        last_ts = np.where(last_ts < 0, np.where(never, -1, old_checkin), last_ts)
        wifi_last = pd.Series(en * 0 + st)  # start times of wifi sessions of devices
        if n_w:
            dsel = (sess_client < n_dev) & (st < t_end)
            wl = pd.Series(st[dsel]).groupby(sess_client[dsel]).max()
            seen_ts = last_ts.copy()
            idx = wl.index.to_numpy()
            seen_ts[idx] = np.maximum(seen_ts[idx], wl.to_numpy())
        else:
            seen_ts = last_ts
        del wifi_last, last_day
        in_service = status == "in_service"
        for window, name in ((30, "dar30"), (7, "dar7")):
            ok = in_service & (seen_ts >= t_end - window * 86400) & (seen_ts < t_end) & (seen_ts >= 0)
            truth.c[(name + "_num", uai, month)] = float(ok.sum())
        truth.c[("devices_in_service", uai, month)] = float(in_service.sum())
        truth.c[("device_wifi_days", uai, month)] = float(wifi_days[mdays][:, in_service].sum())
        snap_date = days[end_idx].isoformat()
        rows.append(
            pd.DataFrame(
                {
                    "snapshot_date": snap_date,
                    "device_id": dev_ids,
                    "uai": uai,
                    "device_class": classes,
                    "os": ["iPadOS" if c == "tablet" else "Windows" for c in classes],
                    "os_version": "17",
                    "model": ["iPad 9" if c == "tablet" else "PC" for c in classes],
                    "ownership": owners,
                    "assignment": assigns,
                    "cart_id": carts,
                    "enrolled_at": pd.to_datetime(enrolled, unit="s").strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "last_checkin_at": [
                        None
                        if t < 0
                        else dt.datetime.fromtimestamp(int(t), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                        for t in last_ts
                    ],
                    "compliance": "compliant",
                    "status": status,
                    "purchase_date": purchase.astype(str),
                    "purchase_price_eur": 350.0,
                }
            )
        )
    del first_day
    return pd.concat(rows)


def _ground_truth_records(est: pd.DataFrame, month_list, school_days, truth: _Truth) -> list[dict]:
    recs: list[dict] = []

    def put(uai, month, indicator, profile, num, den):
        if den and den > 0:
            recs.append(
                {
                    "uai": uai,
                    "month": month,
                    "indicator": indicator,
                    "profile": profile,
                    "value": num / den,
                    "numerator": num,
                    "denominator": den,
                }
            )

    for r in est.itertuples(index=False):
        pops = {
            "ELEVE": r.pupils,
            "PARENT": r.parent_accounts,
            "ENSEIGNANT": r.teachers,
            "PERSONNEL": r.staff,
        }
        for m in month_list:
            sd = school_days[m]
            for p in PROFILES:
                put(
                    r.uai,
                    m,
                    "account_activation_rate",
                    p,
                    truth.get("activated", r.uai, m, p),
                    truth.get("loaded", r.uai, m, p),
                )
            for p, pop in pops.items():
                active = truth.get("active", r.uai, m, p)
                sessions = truth.get("sessions", r.uai, m, p)
                put(r.uai, m, "monthly_active_rate", p, active, pop)
                put(r.uai, m, "sessions_per_user", p, sessions, pop)
                put(r.uai, m, "sessions_per_active_user", p, sessions, active)
                for ci, c in enumerate(SERVICE_CATEGORIES):
                    put(
                        r.uai,
                        m,
                        f"service_mix_share_{c}",
                        p,
                        truth.get("sessions_cat", r.uai, m, p, ci),
                        sessions,
                    )
                    put(r.uai, m, f"service_reach_{c}", p, truth.get("reach", r.uai, m, p, ci), pop)
            for p in pops:
                hist = truth.week_hist.get((r.uai, m, p))
                if hist:
                    weeks_of_users = np.repeat(list(hist), list(hist.values()))
                    put(
                        r.uai,
                        m,
                        "weekly_regularity",
                        p,
                        float(np.median(weeks_of_users)),
                        truth.get("school_weeks", m),
                    )
            put(r.uai, m, "regular_use_share", "ELEVE", truth.get("regular", r.uai, m, "ELEVE"), r.pupils)
            ci = SERVICE_CATEGORIES.index("notes_competences")
            put(
                r.uai,
                m,
                "parents_never_grades_share",
                "PARENT",
                r.parent_accounts - truth.get("reach", r.uai, m, "PARENT", ci),
                r.parent_accounts,
            )
            put(
                r.uai,
                m,
                "out_of_school_share",
                "",
                truth.get("events_out", r.uai, m),
                truth.get("events", r.uai, m),
            )
            n_dev = truth.get("devices_in_service", r.uai, m)
            put(r.uai, m, "device_activity_rate_30d", "", truth.get("dar30_num", r.uai, m), n_dev)
            put(r.uai, m, "device_activity_rate_7d", "", truth.get("dar7_num", r.uai, m), n_dev)
            put(r.uai, m, "device_utilisation", "", truth.get("device_wifi_days", r.uai, m), n_dev * sd)
            if ("pcc", r.uai, m) in truth.c:
                pcc = truth.c[("pcc", r.uai, m)]
                put(r.uai, m, "peak_concurrent_clients", "", pcc, 1)
                put(r.uai, m, "peak_concurrent_clients_per_ap", "", pcc, r.n_aps)
                put(
                    r.uai,
                    m,
                    "bandwidth_pressure",
                    "",
                    pcc * WIFI_ACTIVE_OVER_ASSOC * R_CLIENT_MBPS,
                    r.bw_down_mbps,
                )
                put(
                    r.uai, m, "traffic_bytes_per_pupil_day", "", truth.get("traffic", r.uai, m), r.pupils * sd
                )
            put(r.uai, m, "bandwidth_kbps_per_user", "", r.bw_down_mbps * 1000, r.pupils + r.staff)
    return recs
