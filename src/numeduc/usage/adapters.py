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

- ``ent-stats``: the CSV exports of Open ENT NG's « Statistiques » application (aggregated counts
  per structure × period × profile [× application | × device]), expanded into synthetic events;
  layout checked on OPEN-ENT-NG/statistics (see the section below and docs/usage.md).

An adapter returns the raw stream plus a SQL SELECT (over ``{raw}``) producing the
``ent_events`` columns; the normal validation then runs on that SELECT, so bad rows still go
to the quarantine with their line number.
"""

from __future__ import annotations

import re
from pathlib import Path

from numeduc.usage.readers import UnreadableFileError, open_batches
from numeduc.usage.schemas import Column, Kind

ADAPTERS = ("ent-one", "ent-stats", "moodle", "moodle-journaux", "xapi")


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
    if name == "moodle-journaux":
        from numeduc.usage import calendar as cal

        if not uai:
            raise UnreadableFileError(
                f"{path} : l'adaptateur moodle-journaux demande l'UAI du collège (--uai)"
            )
        headers = [h for hs in MOODLE_REPORT_HEADERS.values() for h in hs]
        stream = open_batches(path, _kind("moodle-journaux", headers), progress, dialect=dialect)
        names = set(stream.schema.names)
        missing = [
            " / ".join(MOODLE_REPORT_HEADERS[k])
            for k in MOODLE_REPORT_REQUIRED
            if not any(h in names for h in MOODLE_REPORT_HEADERS[k])
        ]
        if missing:
            raise UnreadableFileError(
                f"{path} : rapport « Journaux » de Moodle sans les colonnes : {', '.join(missing)}"
            )
        tz = str(cal.timezone_for(departement or ""))
        return stream, _moodle_report_sql(names, uai, tz)
    if name == "xapi":
        from numeduc.usage.dialects import detect

        encoding = (dialect or {}).get("encoding") or detect(path).encoding
        return _xapi_stream(path, encoding), _xapi_sql(uai)
    if name == "ent-stats":
        return _ent_stats_open(path, progress, uai, dialect)
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


# --- Moodle « Journaux » report, as downloaded (report/log) -----------------------------------
#
# Columns of report_log_table_log (define_headers), French and English strings; a site-level
# report starts with the course column.  The time is the user's local time written by
# userdate(): read as the département's legal time.  No user id column: the user is taken from
# the (English, untranslated) description « The user with id 'N' … », else the full name; both are
# pseudonymised like any user_id, and neither the name, the affected user nor the IP is kept.
MOODLE_REPORT_HEADERS = {
    "course": ("Cours", "Course"),
    "time": ("Heure", "Time"),
    "user": ("Nom complet de l'utilisateur", "User full name"),
    "affected": ("Utilisateur concerné", "Affected user"),
    "context": ("Contexte de l'événement", "Event context"),
    "component": ("Composant", "Component"),
    "eventname": ("Nom de l'événement", "Event name"),
    "description": ("Description",),
    "origin": ("Origine", "Origin"),
    "ip": ("Adresse IP", "IP address"),
}
MOODLE_REPORT_REQUIRED = ("time", "user", "component", "eventname")
# userdate() formats seen in downloads: strftimedatetimeshort (« 04/12/24, 14:05 »), with
# seconds, a four-digit year, or ISO.
MOODLE_TIME_FORMATS = (
    "%d/%m/%y, %H:%M",
    "%d/%m/%y %H:%M",
    "%d/%m/%Y, %H:%M",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y, %H:%M:%S",
    "%d/%m/%Y, %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
)
_CREATING_EVENT = "created|créé|submitted|soumis|remis|added|ajouté|posted|publié|uploaded|déposé|envoyé"
_TEACHING_EVENT = r"(graded|noté|notée|note attribuée|course module created|module de cours créé|grade)"


def _moodle_report_sql(names: set[str], uai: str, tz: str) -> str:
    def c(key: str) -> str:
        for header in MOODLE_REPORT_HEADERS[key]:
            if header in names:
                return f"NULLIF(NULLIF(trim(CAST(\"{header}\" AS VARCHAR)), ''), '-')"
        return "CAST(NULL AS VARCHAR)"

    fmts = "[" + ", ".join(_lit(f) for f in MOODLE_TIME_FORMATS) + "]"
    parsed = f"try_strptime({c('time')}, {fmts})"
    ts = (
        f"COALESCE(strftime(timezone('UTC', timezone({_lit(tz)}, {parsed})), '%Y-%m-%dT%H:%M:%SZ'), "
        f"{c('time')})"
    )
    desc = c("description")
    uid = f"NULLIF(regexp_extract({desc}, 'user with id ''([0-9]+)''', 1), '')"
    user = f"COALESCE('moodle:' || {uid}, 'nom:' || {c('user')})"
    course = f"NULLIF(regexp_extract({desc}, 'course with id ''([0-9]+)''', 1), '')"
    ev = f"lower({c('eventname')})"
    event_type = (
        f"CASE WHEN regexp_matches({ev}, 'logged out|déconnecté|deconnecte') THEN 'LOGOUT' "
        f"WHEN regexp_matches({ev}, 'logged in|connecté|connecte') THEN 'LOGIN' "
        f"WHEN regexp_matches({ev}, {_lit(_CREATING_EVENT)}) THEN 'CREATE' "
        f"WHEN regexp_matches({ev}, 'viewed|consulté|vu') THEN 'VIEW' ELSE 'ACCESS' END"
    )
    teacher = (
        f"max(CASE WHEN regexp_matches({ev}, {_lit(_TEACHING_EVENT)}) THEN 1 ELSE 0 END) "
        f"OVER (PARTITION BY {user})"
    )
    ident = (
        f"'moodle-j-' || left(md5(concat_ws('|', {c('time')}, {user}, {c('eventname')}, {desc}, "
        f"{c('context')}, {c('course')})), 20)"
    )
    return (
        "SELECT "
        f"{ident} AS event_id, {ts} AS ts, {_lit(uai)} AS uai, {user} AS user_id, "
        f"CASE WHEN {teacher} = 1 THEN 'ENSEIGNANT' ELSE 'ELEVE' END AS profile, "
        f"{event_type} AS event_type, {c('component')} AS module, "
        "CAST(NULL AS VARCHAR) AS service_category, CAST(NULL AS VARCHAR) AS session_id, "
        "CAST(NULL AS VARCHAR) AS device_type, "
        f"COALESCE({course}, {c('course')}) AS class_id, 'moodle' AS source, _line FROM {{raw}}"
    )


# --- xAPI statements (JSON array or JSON Lines) -----------------------------------------------
XAPI_COLUMNS = ["id", "actor", "verb", "object", "timestamp", "platform", "uai", "role", "registration"]
_XAPI_VERBS = {
    "LOGIN": ("logged-in", "loggedin", "login", "initialized"),
    "LOGOUT": ("logged-out", "loggedout", "logout", "terminated", "exited"),
    "CREATE": ("created", "authored", "submitted", "posted", "uploaded", "shared", "commented", "answered"),
    "VIEW": ("viewed", "read", "experienced", "watched", "launched", "opened"),
}
_TEACHER_ROLES = ("teacher", "instructor", "enseignant", "professeur", "prof")


def _xapi_actor(actor) -> str | None:
    if not isinstance(actor, dict):
        return None
    account = actor.get("account")
    if isinstance(account, dict) and account.get("name"):
        return f"account:{account.get('homePage', '')}:{account['name']}"
    for key in ("mbox", "mbox_sha1sum", "openid"):
        if actor.get(key):
            return f"{key}:{actor[key]}"
    return None


def _obj(value) -> dict:
    return value if isinstance(value, dict) else {}


def _xapi_row(st: dict) -> dict:
    ctx: dict = _obj(st.get("context"))
    ext: dict = _obj(ctx.get("extensions"))
    uai = role = None
    for k, v in ext.items():
        low = str(k).lower().rstrip("/")
        if low.endswith("uai") and v:
            uai = str(v)
        elif "role" in low.rsplit("/", 1)[-1] and v:
            role = str(v)
    verb: dict = _obj(st.get("verb"))
    obj: dict = _obj(st.get("object"))
    return {
        "id": st.get("id"),
        "actor": _xapi_actor(st.get("actor")),
        "verb": verb.get("id"),
        "object": obj.get("id"),
        "timestamp": st.get("timestamp"),
        "platform": ctx.get("platform") or ext.get("platform"),
        "uai": uai,
        "role": role,
        "registration": ctx.get("registration"),
    }


def _xapi_stream(path: Path, encoding: str = "utf-8"):
    """Statements of a JSON array or of JSON Lines, each with the line where it starts."""
    import json

    import pyarrow as pa

    from numeduc.usage.readers import BatchStream, RejectedLine

    text = path.read_text(encoding="utf-8-sig" if encoding.startswith("utf-8") else encoding)
    rows: list[dict] = []
    lines: list[int] = []
    rejected: list[RejectedLine] = []
    stripped = text.lstrip()
    if not stripped:
        raise UnreadableFileError(f"{path} : fichier xAPI vide")
    if stripped.startswith("["):
        dec = json.JSONDecoder()
        pos = text.index("[") + 1
        while True:
            while pos < len(text) and text[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(text) or text[pos] == "]":
                break
            line = text.count("\n", 0, pos) + 1
            try:
                obj, pos = dec.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                raise UnreadableFileError(
                    f"{path} : ligne {exc.lineno} : JSON invalide ({exc.msg}) dans le tableau de déclarations xAPI"
                ) from exc
            if isinstance(obj, dict):
                rows.append(_xapi_row(obj))
                lines.append(line)
            else:
                rejected.append(
                    RejectedLine(line, "déclaration xAPI : un objet JSON est attendu", str(obj)[:200])
                )
    else:
        for no, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                rejected.append(RejectedLine(no, f"JSON invalide ({exc.msg})", raw[:200]))
                continue
            if not isinstance(obj, dict):
                rejected.append(RejectedLine(no, "déclaration xAPI : un objet JSON est attendu", raw[:200]))
                continue
            rows.append(_xapi_row(obj))
            lines.append(no)
    if not rows and rejected and rejected[0].line == 1:
        raise UnreadableFileError(f"{path} : ligne 1 : {rejected[0].reason} (fichier xAPI attendu)")
    arrays = [
        pa.array([r[c] if r[c] is None else str(r[c]) for r in rows], pa.string()) for c in XAPI_COLUMNS
    ]
    table = pa.Table.from_arrays([*arrays, pa.array(lines, pa.int64())], names=[*XAPI_COLUMNS, "_line"])
    return BatchStream(path, table.schema, iter(table.to_batches()), rejected)


def _xapi_sql(uai: str | None) -> str:
    verb = "lower(regexp_extract(verb, '([^/#]+)/?$', 1))"
    cases = " ".join(
        f"WHEN {verb} IN ({', '.join(_lit(v) for v in verbs)}) THEN '{t}'" for t, verbs in _XAPI_VERBS.items()
    )
    role = "lower(trim(role))"
    profile = (
        f"CASE WHEN role IS NULL THEN 'ELEVE' WHEN {role} IN ({', '.join(_lit(r) for r in _TEACHER_ROLES)}) "
        f"THEN 'ENSEIGNANT' WHEN {role} IN ('parent', 'relative') THEN 'PARENT' "
        f"WHEN {role} IN ('learner', 'student', 'eleve', 'élève') THEN 'ELEVE' "
        f"WHEN {role} IN ('staff', 'personnel') THEN 'PERSONNEL' ELSE upper(trim(role)) END"
    )
    host = "NULLIF(regexp_extract(object, '^[a-z]+://([^/]+)', 1), '')"
    return (
        "SELECT "
        "COALESCE(id, 'xapi-' || left(md5(concat_ws('|', actor, verb, object, timestamp)), 20)) AS event_id, "
        f"timestamp AS ts, {_lit(uai) if uai else 'uai'} AS uai, actor AS user_id, {profile} AS profile, "
        f"CASE WHEN verb IS NULL THEN NULL {cases} ELSE 'ACCESS' END AS event_type, "
        f"COALESCE(platform, {host}, 'xapi') AS module, CAST(NULL AS VARCHAR) AS service_category, "
        "registration AS session_id, CAST(NULL AS VARCHAR) AS device_type, CAST(NULL AS VARCHAR) AS class_id, "
        "'xapi' AS source, _line FROM {raw}"
    )


# --- Open ENT NG « Statistiques » CSV export ---------------------------------------------------
#
# As written by the statistics application (checked on OPEN-ENT-NG/statistics, commit
# 3d256cd016fea41db2b333c0058b6cda0ede82dd): StatsController.export renders the Mustache
# templates src/main/resources/view-src/text/export-*.template.csv with the rows of
# PGStatsService.listStatsExport and sends UTF-8 with a BOM.  Every field is quoted, the
# separator is « ; », lines end with LF.  Headers are the i18n strings of fr.json (an English
# export writes the untranslated keys, en.json not having them).  Values are HTML-escaped
# (JMustache: & ' " < > ` = become &amp; &#39; &quot; &lt; &gt; &#x60; &#x3D;).  « Date » is
# LocalDateTime.toString() of the period's start (« 2024-09-01T00:00 »; month by default).
# One row per entity × period × profile with:
# - accounts: « Connexions, Visiteurs uniques, Comptes chargés, Comptes activés »;
# - access (type ACCESS / CONNECTOR): « Application » or « Connecteur », « Nombre d'accès »;
# - accounts with device=true: « Support », « Connexions ».
# « UAI » is filled at structure level only (empty in the per-class export, whose first column
# is then the class).  The older assumed layout (« Date;UAI;Profil;Application;Connexions;
# Visiteurs uniques », dates JJ/MM/AAAA) uses the same names and is still read.
# Each row becomes « Connexions » LOGIN events (or « Nombre d'accès » ACCESS events) shared among
# « Visiteurs uniques » synthetic users (one per event when the file has no such column),
# pseudonymised like any id.
ENT_STATS_HEADERS = {
    "entity": ("Établissement", "stats.etabs"),
    "uai": ("UAI", "stats.uai"),
    "date": ("Date", "stats.date"),
    "profile": ("Profil", "stats.profile"),
    "module": ("Application", "Connecteur", "stats.module", "stats.module.connector"),
    "device": ("Support", "stats.support"),
    "connections": ("Connexions", "stats.authentications"),
    "visitors": ("Visiteurs uniques", "stats.unique.visitors"),
    "accesses": ("Nombre d'accès", "stats.access.nb"),
}
ENT_STATS_REQUIRED = ("date", "profile")
ENT_STATS_COUNTS = ("accesses", "connections")
ENT_STATS_DATE_FORMATS = (
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
)
_ENT_STATS_PROFILES = {
    "ELEVE": ("eleve", "eleves", "student", "students", "pupil", "pupils"),
    "PARENT": ("parent", "parents", "relative", "relatives"),
    "ENSEIGNANT": ("enseignant", "enseignants", "teacher", "teachers"),
    "PERSONNEL": ("personnel", "personnels", "staff"),
    "AUTRE": ("invite", "invites", "guest", "guests"),
}
# Device types of the export (raw values of stats.*_device_*), and the labels of the UI.
_ENT_STATS_DEVICES = {
    "desktop": ("desktop", "ordinateur"),
    "mobile_app": ("mobile_app", "app mobile"),
    "tablet": ("tablet", "tablette - web", "tablette"),
    "smartphone": ("smartphone", "phablet", "mobile - web"),
}
_HTML_ENTITIES = (
    ("&#39;", "'"),
    ("&quot;", '"'),
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&#x60;", "`"),
    ("&#x3D;", "="),
)


def _ent_stats_header(key: str, names: set[str]) -> str | None:
    return next((h for h in ENT_STATS_HEADERS[key] if h in names), None)


def _ent_stats_open(path: Path, progress, uai: str | None, dialect: dict | None):
    headers = [h for hs in ENT_STATS_HEADERS.values() for h in hs]
    stream = open_batches(path, _kind("ent-stats", headers), progress, dialect=dialect)
    names = set(stream.schema.names)
    missing = [
        " / ".join(ENT_STATS_HEADERS[k]) for k in ENT_STATS_REQUIRED if not _ent_stats_header(k, names)
    ]
    counts = [h for k in ENT_STATS_COUNTS if (h := _ent_stats_header(k, names))]
    if not counts:
        missing.append(" ou ".join(ENT_STATS_HEADERS["accesses"][:1] + ENT_STATS_HEADERS["connections"][:1]))
    if not uai and not _ent_stats_header("uai", names):
        missing.append("UAI (ou --uai)")
    if missing:
        raise UnreadableFileError(
            f"{path} : export de statistiques Open ENT NG sans les colonnes : {', '.join(missing)} "
            f"(colonnes trouvées : {', '.join(h for h in stream.schema.names if h != '_line') or 'aucune'})"
        )
    visitors = _ent_stats_header("visitors", names)
    return _ent_stats_checked(stream, counts, visitors), _ent_stats_sql(names, uai)


def _ent_stats_checked(stream, counts: list[str], visitors: str | None):
    """The stream without the rows whose counts are not whole numbers ≥ 0 (or whose count is
    empty): those lines go to the quarantine, naming the column, instead of being expanded."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from numeduc.usage.readers import BatchStream, RejectedLine

    number = r"^\s*[0-9]+\s*$"
    whole = re.compile(number)

    def gen():
        for batch in stream.batches:
            table = pa.Table.from_batches([batch])
            bad = pa.array([False] * batch.num_rows, pa.bool_())
            any_count = pa.array([False] * batch.num_rows, pa.bool_())
            for h in [*counts, *([visitors] if visitors else [])]:
                col = table.column(h)
                wrong = pc.fill_null(pc.invert(pc.match_substring_regex(col, number)), False)
                bad = pc.or_(bad, wrong)
                if h in counts:
                    any_count = pc.or_(any_count, pc.is_valid(col))
            bad = pc.or_(bad, pc.invert(any_count))
            if not pc.any(bad).as_py():
                yield batch
                continue
            rows = table.filter(bad).to_pylist()
            for row in rows:
                problems = [
                    f"« {h} » : nombre invalide (entier positif ou nul attendu) « {str(row[h])[:40]} »"
                    for h in [*counts, *([visitors] if visitors else [])]
                    if row[h] is not None and not whole.match(row[h])
                ]
                if all(row[h] is None for h in counts):
                    problems.append(f"« {' / '.join(counts)} » : champ obligatoire vide")
                text = ";".join("" if v is None else str(v) for k, v in row.items() if k != "_line")
                stream.rejected.append(RejectedLine(int(row["_line"]), "; ".join(problems), text[:200]))
            kept = table.filter(pc.invert(bad))
            yield from kept.to_batches()

    return BatchStream(stream.path, stream.schema, gen(), stream.rejected, stream.dialect)


def _unescape_html(expr: str) -> str:
    for entity, char in _HTML_ENTITIES:
        expr = f"replace({expr}, {_lit(entity)}, {_lit(char)})"
    return f"replace({expr}, '&amp;', '&')"


def _ent_stats_sql(names: set[str], uai: str | None) -> str:
    from numeduc.usage.schemas import DEVICE_TYPES, PROFILES, UAI_PATTERN

    def c(key: str) -> str:
        header = _ent_stats_header(key, names)
        if header is None:
            return "CAST(NULL AS VARCHAR)"
        quoted = '"' + header.replace('"', '""') + '"'
        return f"NULLIF(trim(CAST({quoted} AS VARCHAR)), '')"

    fmts = "[" + ", ".join(_lit(f) for f in ENT_STATS_DATE_FORMATS) + "]"
    day = f"strftime(try_strptime({c('date')}, {fmts}), '%Y-%m-%dT12:00:00Z')"
    n = f"TRY_CAST(COALESCE({c('accesses')}, {c('connections')}) AS BIGINT)"
    v = f"greatest(1, COALESCE(TRY_CAST({c('visitors')} AS BIGINT), {n}))"
    profile_key = f"regexp_replace(lower(strip_accents({_unescape_html(c('profile'))})), '\\s+', ' ', 'g')"
    profile = (
        "CASE "
        + " ".join(
            f"WHEN {profile_key} IN ({', '.join(_lit(a) for a in aliases)}) THEN {_lit(p)}"
            for p, aliases in _ENT_STATS_PROFILES.items()
        )
        + f" ELSE upper({c('profile')}) END"
    )
    device_raw = f"lower({c('device')})"
    device = (
        f"CASE WHEN {c('device')} IS NULL THEN NULL "
        + " ".join(
            f"WHEN {device_raw} IN ({', '.join(_lit(a) for a in aliases)}) THEN {_lit(d)}"
            for d, aliases in _ENT_STATS_DEVICES.items()
        )
        + " ELSE 'other' END"
    )
    uai_cell = c("uai")
    the_uai = f"COALESCE({uai_cell}, {_lit(uai)})" if uai else uai_cell
    entity = _unescape_html(c("entity"))
    # Per-class export: no UAI, the first column is the class.
    class_id = f"CASE WHEN {uai_cell} IS NULL THEN {entity} END"
    module = _unescape_html(c("module"))
    ok = (
        f"_ts IS NOT NULL AND _profile IN ({', '.join(_lit(p) for p in PROFILES)}) "
        f"AND _uai IS NOT NULL AND regexp_full_match(_uai, {_lit(UAI_PATTERN)}) "
        f"AND (_device IS NULL OR _device IN ({', '.join(_lit(d) for d in DEVICE_TYPES)}))"
    )
    inner = (
        f"SELECT _line, {day} AS _ts, {c('date')} AS _date, {the_uai} AS _uai, {profile} AS _profile, "
        f"{module} AS _module, {device} AS _device, {class_id} AS _class, {n} AS _n, {v} AS _v, "
        f"{c('entity')} AS _entity, {c('profile')} AS _profile_raw, {uai_cell} AS _uai_cell FROM {{raw}}"
    )
    group = (
        "concat_ws('|', COALESCE(_uai, ''), COALESCE(_uai_cell, 'classe:' || _entity, ''), "
        "COALESCE(_date, ''), COALESCE(_profile_raw, ''))"
    )
    return (
        "SELECT "
        f"'stats-' || left(md5(concat_ws('|', {group}, COALESCE(_module, ''), COALESCE(_device, ''))), 16) "
        "|| '-' || CAST(k AS VARCHAR) AS event_id, COALESCE(_ts, _date) AS ts, _uai AS uai, "
        f"'stats:' || {group} || ':' || CAST(k % _v AS VARCHAR) AS user_id, _profile AS profile, "
        "CASE WHEN _module IS NULL THEN 'LOGIN' ELSE 'ACCESS' END AS event_type, "
        "COALESCE(_module, 'Auth') AS module, CAST(NULL AS VARCHAR) AS service_category, "
        "CAST(NULL AS VARCHAR) AS session_id, _device AS device_type, _class AS class_id, "
        f"'one-stats' AS source, _line FROM ({inner}) r, "
        f"LATERAL (SELECT unnest(range(CASE WHEN {ok} THEN COALESCE(_n, 0) ELSE 1 END)) AS k)"
    )
