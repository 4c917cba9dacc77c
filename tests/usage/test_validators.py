"""Property tests of the row validators: the SQL validation agrees with a plain Python oracle."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from numeduc.usage.ingest import validation_sql
from numeduc.usage.schemas import ENT_ACCOUNTS_SNAPSHOT, ENT_EVENTS, EVENT_TYPES, PROFILES, UAI_PATTERN

SALT = "sel-de-test"

text_or_blank = st.one_of(st.none(), st.just(""), st.just("  "), st.text(min_size=1, max_size=8))
timestamps = st.one_of(
    st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0).isoformat() + "Z"
    ),
    st.sampled_from(["2024-13-01T00:00:00Z", "hier", "2024-10-01 08:00:00", "", None]),
)
uais = st.one_of(
    st.from_regex(UAI_PATTERN, fullmatch=True), st.sampled_from(["048001R", "0480001r", "", None])
)
profiles = st.one_of(st.sampled_from(PROFILES), st.sampled_from(["eleve", "PROF", "", None]))
event_types = st.one_of(st.sampled_from(EVENT_TYPES), st.sampled_from(["login", "CLICK", None]))


def run(kind, rows: list[dict]) -> list[str]:
    names = kind.column_names
    table = pa.table(
        {n: pa.array([r.get(n) for r in rows], pa.string()) for n in names}
        | {"_line": pa.array(range(1, len(rows) + 1), pa.int64())}
    )
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.register("src", table)
    out = con.execute(validation_sql(kind, table.schema, SALT) + " ORDER BY _line").fetchall()
    return [row[names.index(names[-1]) + 2] for row in out]  # _reason


WS = " \t\r\n"  # what the validator trims around values


def blank(v):
    return v is None or not str(v).strip(WS)


def valid_ts(v) -> bool:
    if blank(v):
        return False
    try:
        dt.datetime.fromisoformat(v.strip(WS).replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "event_id": text_or_blank,
                "ts": timestamps,
                "uai": uais,
                "user_id": text_or_blank,
                "profile": profiles,
                "event_type": event_types,
                "module": text_or_blank,
                "source": st.sampled_from(["one", "moodle"]),
            }
        ),
        min_size=1,
        max_size=12,
    )
)
def test_event_validation_matches_oracle(rows):
    reasons = run(ENT_EVENTS, rows)
    for row, reason in zip(rows, reasons):
        problems = {
            "event_id": blank(row["event_id"]),
            "ts": not valid_ts(row["ts"]),
            "uai": blank(row["uai"]) or not re.fullmatch(UAI_PATTERN, row["uai"].strip(WS)),
            "user_id": blank(row["user_id"]),
            "profile": blank(row["profile"]) or row["profile"].strip(WS) not in PROFILES,
            "event_type": blank(row["event_type"]) or row["event_type"].strip(WS) not in EVENT_TYPES,
            "module": blank(row["module"]),
        }
        flagged = {f for f in problems if f"« {f} »" in reason}
        assert flagged == {f for f, bad in problems.items() if bad}, (row, reason)
        assert (reason == "") == (not any(problems.values()))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.integers(-5, 10**6).map(str), st.sampled_from(["1.5", "dix", "", None])),
            st.one_of(st.integers(-5, 10**6).map(str), st.sampled_from(["2,0", None])),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_account_counts_validation_matches_oracle(pairs):
    rows = [
        {"snapshot_date": "2024-10-31", "uai": "0480001R", "profile": "ELEVE", "loaded": a, "activated": b}
        for a, b in pairs
    ]
    reasons = run(ENT_ACCOUNTS_SNAPSHOT, rows)

    def as_int(v):
        return int(v) if v is not None and re.fullmatch(r"-?[0-9]+", v.strip(WS)) else None

    for (a, b), reason in zip(pairs, reasons):
        la, lb = as_int(a), as_int(b)
        ok = la is not None and lb is not None and la >= 0 and lb >= 0 and lb <= la
        assert (reason == "") == ok, (a, b, reason)
        if la is not None and lb is not None and lb > la:
            assert "supérieur à « loaded »" in reason


@given(st.text(min_size=1, max_size=20).filter(lambda s: s.strip() == s and s))
@settings(max_examples=40, deadline=None)
def test_identifiers_are_hashed_deterministically(user):
    rows = [
        {
            "event_id": "e",
            "ts": "2024-10-01T08:00:00Z",
            "uai": "0480001R",
            "user_id": user,
            "profile": "ELEVE",
            "event_type": "LOGIN",
            "module": "Auth",
            "source": "one",
        }
    ] * 2
    names = ENT_EVENTS.column_names
    table = pa.table(
        {n: pa.array([r.get(n) for r in rows], pa.string()) for n in names}
        | {"_line": pa.array([1, 2], pa.int64())}
    )
    con = duckdb.connect()
    con.register("src", table)
    got = con.execute(f"SELECT user_id FROM ({validation_sql(ENT_EVENTS, table.schema, SALT)})").fetchall()
    assert got[0] == got[1]
    assert got[0][0] != user and re.fullmatch(r"[0-9a-f]{32}", got[0][0])
