"""Django's cache as every page uses it: one key scheme, one timeout (see « Caching » in
docs/architecture.md). What an entry is computed from is part of its key (a data version), so a
changed row is never served stale; the timeout only bounds how long an entry nobody asks for any
more stays in memory (LocMemCache also culls beyond its MAX_ENTRIES)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache

from numeduc import __version__

CACHE_TIMEOUT = 3600
# The code version is part of every key: a cache shared between processes (Redis, memcached)
# must not hand a new release what an older one computed or rendered.
CACHE_PREFIX = f"numeduc-{__version__}"
_MISSING = object()

__all__ = ["CACHE_PREFIX", "CACHE_TIMEOUT", "cache", "cache_key", "cached"]


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
