"""Django's cache as every page uses it: one key scheme, one timeout (see « Caching » in
docs/architecture.md). What an entry is computed from is part of its key (a data version), so a
changed row is never served stale; the timeout only bounds how long an entry nobody asks for any
more stays in memory (LocMemCache also culls beyond its MAX_ENTRIES)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from django.core.cache import cache

from numeduc import __version__

CACHE_TIMEOUT = 3600
# The code version is part of every key: a cache shared between processes (Redis, memcached)
# must not hand a new release what an older one computed or rendered.
CACHE_PREFIX = f"numeduc-{__version__}"
_MISSING = object()

__all__ = [
    "CACHE_PREFIX",
    "CACHE_TIMEOUT",
    "bump_data_version",
    "cache",
    "cache_key",
    "cached",
    "data_version",
    "page_cache",
    "page_cached",
    "track_writes",
]


def cache_key(kind: str, *parts) -> str:
    """A short key (memcached takes 250 characters at most) naming the kind of entry and hashing
    every value it depends on (``repr`` of ids, version tuples, flags, strings)."""
    return f"{CACHE_PREFIX}:{kind}:{hashlib.sha256(repr(parts).encode()).hexdigest()[:40]}"


def cached(kind: str, parts: tuple, compute: Callable[[], object]):
    """``compute()``, kept in Django's cache under ``cache_key(kind, *parts)``."""
    key = cache_key(kind, *parts)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, CACHE_TIMEOUT)
    return value


# --- the data version: one number that changes with every write to the database -------------
#
# Whole pages are cached under keys holding it (PageCacheMiddleware), so it must change whenever
# anything a page shows may have changed, and be cheap enough to read at every request. It is
# the identity and size of a file under VAR_DIR to which every write appends one byte: shared by
# every process of the machine (gunicorn workers, the CLI), read with one stat(). Every SQL
# statement that is not a read, through any Django connection (ORM, QuerySet.update(), raw
# cursors), appends at once and again after its transaction commits: a page rendered in between,
# from data not yet committed, is cached under the intermediate version and never read again.
# A rolled-back transaction leaves an extra, harmless step. Writes that bypass Django (a
# database tool) are not seen: restart the server after one (docs/architecture.md).

DATA_VERSION_FILE = "data-version"
_READ_ONLY_SQL = (
    "SELECT",
    "PRAGMA",
    "SAVEPOINT",
    "RELEASE",
    "ROLLBACK",
    "BEGIN",
    "COMMIT",
    "SHOW",
    "EXPLAIN",
)


def _version_path() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / DATA_VERSION_FILE


def data_version() -> tuple[int, int]:
    """(inode, size) of the version file: changes with every write, never goes back (the file
    only grows; a new file is a new inode)."""
    try:
        st = os.stat(_version_path())
    except FileNotFoundError:
        return (0, 0)
    return (st.st_ino, st.st_size)


def bump_data_version() -> None:
    # O_APPEND: concurrent writers from several processes never overwrite each other's byte.
    path = _version_path()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except FileNotFoundError:  # VAR_DIR not made yet (a CLI command on a fresh directory)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, b".")
    finally:
        os.close(fd)


def is_write(sql: str) -> bool:
    return not sql.lstrip()[:10].upper().startswith(_READ_ONLY_SQL)


def _after_commit() -> None:
    bump_data_version()


def _track_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and is_write(sql):
        bump_data_version()
        connection = context["connection"]
        if connection.in_atomic_block and not any(f is _after_commit for _, f, _ in connection.run_on_commit):
            connection.on_commit(_after_commit)
    return result


def _install(sender, connection, **kwargs) -> None:
    if _track_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_track_writes)


def track_writes() -> None:
    """Make every Django database connection bump the data version when it writes (called once,
    from the lowest app's ``ready()``, so that the web server and the CLI both do)."""
    from django.db import connections
    from django.db.backends.signals import connection_created

    connection_created.connect(_install, dispatch_uid="numeduc-data-version")
    for connection in connections.all(initialized_only=True):
        _install(None, connection)


# --- whole pages, per signed-in session and data version --------------------------------------

PAGE_CACHE_ATTRIBUTE = "numeduc_page_cache"


def page_cache():
    """The cache of whole pages (``CACHES["pages"]``): apart from the data, which pages never
    push out."""
    from django.core.cache import caches

    return caches["pages"]


def page_cached(extra: Callable[..., tuple] | None = None):
    """Mark a view whose page PageCacheMiddleware may keep (GET, signed-in user, answer 200).
    ``extra(request, **view_kwargs)`` adds what the page depends on beyond the database (a usage
    warehouse's state, for instance)."""

    def mark(view):
        setattr(view, PAGE_CACHE_ATTRIBUTE, extra or (lambda request, **kwargs: ()))
        return view

    return mark
