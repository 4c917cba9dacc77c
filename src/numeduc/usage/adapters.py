"""Adapters from platform exports to the ``ent_events`` schema.

- ``ent-one``: Open ENT NG / ONE / NEO (edificeio/entcore) events, as exported from the MongoDB
  ``events`` collection (JSON Lines: ``event-type, module, date`` in epoch milliseconds,
  ``userId, profil, structures[], classes[], sessionId, ua``) or from the PostgreSQL store
  (``id, event_type, date, user_id, profile, module, ua``; CSV, JSON Lines or Parquet).
  The collège is the first of ``structures`` (or ``--uai``).  Profiles: Student → ELEVE,
  Relative → PARENT, Teacher → ENSEIGNANT, Personnel → PERSONNEL, Guest → AUTRE.
- ``moodle``: Moodle's standard log (``logstore_standard_log`` columns; one Moodle per collège,
  so ``--uai`` is required).  Event type: user_loggedin → LOGIN, user_loggedout → LOGOUT,
  crud c → CREATE, r → VIEW, else ACCESS; module = ``component``; class = ``courseid``.
  The log has no role: a user with at least one teaching-level event (``edulevel`` = 1) in the
  file is ENSEIGNANT, every other user ELEVE (a heuristic, stated as such in docs/usage.md).

An adapter returns the raw stream plus a SQL SELECT (over ``{raw}``) producing the
``ent_events`` columns; the normal validation then runs on that SELECT, so bad rows still go
to the quarantine with their line number.
"""

from __future__ import annotations

from pathlib import Path

from numeduc.usage.readers import UnreadableFileError, open_batches
from numeduc.usage.schemas import Column, Kind

ADAPTERS = ("ent-one", "moodle")


def _kind(name: str, columns: list[str]) -> Kind:
    return Kind(name, tuple(Column(c, "VARCHAR", nullable=True) for c in columns))


ONE_COLUMNS = [
    "_id",
    "id",
    "event-type",
    "event_type",
    "module",
    "date",
    "userId",
    "user_id",
    "profil",
    "profile",
    "structures",
    "structure_id",
    "classes",
    "sessionId",
    "session_id",
    "ua",
    "resource-type",
    "resource_type",
]
ONE_GROUPS = [("event-type", "event_type"), ("date",), ("userId", "user_id"), ("profil", "profile")]
MOODLE_COLUMNS = [
    "id",
    "eventname",
    "component",
    "action",
    "target",
    "crud",
    "edulevel",
    "contextinstanceid",
    "userid",
    "courseid",
    "relateduserid",
    "timecreated",
    "origin",
]
MOODLE_REQUIRED = ["id", "eventname", "component", "crud", "edulevel", "userid", "timecreated"]


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _col(name: str, names: set[str]) -> str:
    return f'CAST("{name}" AS VARCHAR)' if name in names else "CAST(NULL AS VARCHAR)"


def _first(*exprs: str) -> str:
    return "COALESCE(" + ", ".join(exprs) + ")"


def _epoch_or_text(expr: str, unit_us: int) -> str:
    """Epoch numbers become a UTC timestamp text; anything else is passed on for validation."""
    return (
        f"CASE WHEN regexp_full_match(trim({expr}), '[0-9]{{9,14}}') THEN "
        f"CAST(make_timestamp(CAST(trim({expr}) AS BIGINT) * {unit_us}) AS VARCHAR) "
        f"ELSE {expr} END"
    )


def open_adapted(
    name: str,
    path: Path,
    progress=None,
    uai: str | None = None,
    *,
    dialect: dict | None = None,
    departement: str | None = None,
):
    if name == "ent-one":
        stream = open_batches(path, _kind("ent-one", ONE_COLUMNS), progress, dialect=dialect)
        names = set(stream.schema.names)
        missing = [" ou ".join(g) for g in ONE_GROUPS if not any(c in names for c in g)]
        if missing:
            raise UnreadableFileError(f"{path} : export Open ENT NG sans les colonnes : {', '.join(missing)}")
        return stream, _one_sql(names, uai)
    if name == "moodle":
        if not uai:
            raise UnreadableFileError(f"{path} : l'adaptateur moodle demande l'UAI du collège (--uai)")
        stream = open_batches(path, _kind("moodle", MOODLE_COLUMNS), progress, dialect=dialect)
        names = set(stream.schema.names)
        missing = [c for c in MOODLE_REQUIRED if c not in names]
        if missing:
            raise UnreadableFileError(
                f"{path} : journal Moodle (logstore_standard_log) sans les colonnes : {', '.join(missing)}"
            )
        return stream, _moodle_sql(names, uai)
    raise UnreadableFileError(f"adaptateur inconnu « {name} » (attendu : {', '.join(ADAPTERS)})")


def _one_sql(names: set[str], uai: str | None) -> str:
    c = lambda n: _col(n, names)  # noqa: E731
    date = c("date")
    # Mongo extended JSON {"$date": ...} or epoch milliseconds or ISO text.
    date = f"CASE WHEN {date} LIKE '{{%' THEN json_extract_string({date}, '$.\"$date\"') ELSE {date} END"
    structures = _first(c("structures"), c("structure_id"))
    first_structure = (
        f"CASE WHEN {structures} LIKE '[%' THEN json_extract_string({structures}, '$[0]') "
        f"ELSE {structures} END"
    )
    event_type = f"upper(trim({_first(c('event-type'), c('event_type'))}))"
    profile_raw = _first(c("profil"), c("profile"))
    profile = (
        f"CASE lower(trim({profile_raw})) WHEN 'student' THEN 'ELEVE' WHEN 'relative' THEN 'PARENT' "
        f"WHEN 'teacher' THEN 'ENSEIGNANT' WHEN 'personnel' THEN 'PERSONNEL' "
        f"WHEN 'guest' THEN 'AUTRE' ELSE upper(trim({profile_raw})) END"
    )
    ua = c("ua")
    device = (
        f"CASE WHEN {ua} IS NULL THEN NULL WHEN {ua} ILIKE '%ipad%' OR {ua} ILIKE '%tablet%' "
        f"THEN 'tablet' WHEN {ua} ILIKE '%iphone%' OR {ua} ILIKE '%android%' OR {ua} ILIKE '%mobile%' "
        f"THEN 'smartphone' ELSE 'desktop' END"
    )
    classes = c("classes")
    class_id = f"CASE WHEN {classes} LIKE '[%' THEN json_extract_string({classes}, '$[0]') ELSE {classes} END"
    ident = _first(c("_id"), c("id"), "'one-l' || CAST(_line AS VARCHAR)")
    return (
        "SELECT "
        f"{ident} AS event_id, {_epoch_or_text(date, 1000)} AS ts, "
        f"{_lit(uai) if uai else first_structure} AS uai, {_first(c('userId'), c('user_id'))} AS user_id, "
        f"{profile} AS profile, {event_type} AS event_type, "
        f"COALESCE({c('module')}, CASE WHEN {event_type} IN ('LOGIN', 'LOGOUT') THEN 'Auth' END) AS module, "
        "CAST(NULL AS VARCHAR) AS service_category, "
        f"{_first(c('sessionId'), c('session_id'))} AS session_id, {device} AS device_type, "
        f"{class_id} AS class_id, 'one' AS source, _line FROM {{raw}}"
    )


def _moodle_sql(names: set[str], uai: str) -> str:
    c = lambda n: _col(n, names)  # noqa: E731
    ev = c("eventname")
    event_type = (
        f"CASE WHEN {ev} LIKE '%user_loggedin' THEN 'LOGIN' WHEN {ev} LIKE '%user_loggedout' "
        f"THEN 'LOGOUT' WHEN lower({c('crud')}) = 'c' THEN 'CREATE' "
        f"WHEN lower({c('crud')}) = 'r' THEN 'VIEW' ELSE 'ACCESS' END"
    )
    teacher = (
        f"max(CASE WHEN trim({c('edulevel')}) = '1' THEN 1 ELSE 0 END) OVER (PARTITION BY {c('userid')})"
    )
    return (
        "SELECT "
        f"'moodle-' || {c('id')} AS event_id, {_epoch_or_text(c('timecreated'), 1_000_000)} AS ts, "
        f"{_lit(uai)} AS uai, {c('userid')} AS user_id, "
        f"CASE WHEN {teacher} = 1 THEN 'ENSEIGNANT' ELSE 'ELEVE' END AS profile, "
        f"{event_type} AS event_type, {c('component')} AS module, "
        "CAST(NULL AS VARCHAR) AS service_category, CAST(NULL AS VARCHAR) AS session_id, "
        "CAST(NULL AS VARCHAR) AS device_type, "
        f"{c('courseid')} AS class_id, 'moodle' AS source, _line FROM {{raw}}"
    )
