"""Where each département's usage warehouse lives, and its cached indicators.

Layout (documented in docs/usage-dashboard.md)::

    <USAGE_WAREHOUSE_ROOT>/<code>/          the département's warehouse (numeduc.usage layout)
    <USAGE_WAREHOUSE_ROOT>/<code>/_web_cache/
        indicators-<signature>.parquet      compute_indicators(...) of that warehouse state
        establishments-<signature>.parquet  names, communes, pupils of its collèges

``USAGE_WAREHOUSE_ROOT`` defaults to ``VAR_DIR / "warehouse"``. The signature is a hash of the
warehouse manifest (one ``_source.json`` per ingested file): a new ingestion changes it, and the
indicators are recomputed once, at the next page view (or by ``refresh``), never at every view.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from django.conf import settings

from numeduc.usage import warehouse as wh

CACHE_DIR = "_web_cache"
# Written by the demo loader: the warehouse holds synthetic logs, whatever the database says
# (a demo database can be recreated while the warehouse folder stays).
DEMO_MARKER = "_numeduc_demo.json"
EST_COLUMNS = ["uai", "name", "commune_name", "pupils", "density_grid3", "ep"]
_memo: dict[tuple[str, str], WarehouseData] = {}
_memo_lock = threading.Lock()


def warehouse_root() -> Path:
    return Path(settings.USAGE_WAREHOUSE_ROOT)


def warehouse_path(code: str) -> Path:
    return warehouse_root() / code


@functools.cache
def _code_signature() -> str:
    """Hash of the core modules that compute the indicators: a new version of the formulas
    invalidates the cache as a new ingestion does."""
    from importlib.util import find_spec

    h = hashlib.sha256()
    for name in ("numeduc.usage.indicators", "numeduc.usage.referential"):
        h.update(Path(find_spec(name).origin).read_bytes())  # located, not imported (Ibis is slow to load)
    return h.hexdigest()


def manifest_signature(path: Path) -> str | None:
    """Hash of the ingested files (kind, ingestion id, content hash) and of the indicator code;
    None when nothing is there or when the collèges' referential (establishments) was never
    ingested."""
    entries = wh.manifest(path)
    if not any(e.get("kind") == "establishments" for e in entries):
        return None
    keys = sorted((e.get("kind", ""), e.get("ingest_id", ""), e.get("sha256", "")) for e in entries)
    return hashlib.sha256(json.dumps([_code_signature(), keys]).encode()).hexdigest()[:20]


def is_demo_folder(code: str) -> bool:
    return (warehouse_path(code) / DEMO_MARKER).is_file()


def warehouse_state(code: str) -> tuple:
    """What a page built on the département's warehouse depends on beyond the database (part of
    its whole-page cache key, numeduc.web.caching.page_cached): the ingested files and the demo
    marker."""
    code = code.strip().upper()
    path = warehouse_path(code)
    return (manifest_signature(path) if path.is_dir() else None, is_demo_folder(code))


def has_warehouse(code: str) -> bool:
    path = warehouse_path(code)
    return path.is_dir() and manifest_signature(path) is not None


@dataclass
class WarehouseData:
    code: str
    signature: str
    indicators: pd.DataFrame
    establishments: pd.DataFrame
    computed_at: float
    # Derived frames, computed once per cached state (see services.summary).
    derived: dict = field(default_factory=dict, repr=False)

    @property
    def months(self) -> list[str]:
        # Read several times per page: computed once per warehouse state (a copy is returned,
        # so a caller sorting or trimming it never changes what the next one reads).
        if "months" not in self.derived:
            self.derived["months"] = sorted(m for m in self.indicators["month"].dropna().unique())
        return list(self.derived["months"])


def _compute(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    from numeduc.usage.engines import connect
    from numeduc.usage.indicators import compute_indicators, establishments_frame

    con = connect(path)
    est = establishments_frame(con)
    indicators = compute_indicators(con)
    est = est[[c for c in EST_COLUMNS if c in est.columns]].copy()
    return indicators, est


@contextlib.contextmanager
def _locked(cache: Path):
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # one computation at a time per warehouse
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def load(code: str, *, force: bool = False) -> WarehouseData | None:
    """The département's indicators, from the cache when the manifest has not changed."""
    path = warehouse_path(code)
    if not path.is_dir():
        return None
    signature = manifest_signature(path)
    if signature is None:
        return None
    key = (str(path), signature)
    if not force:
        with _memo_lock:
            if key in _memo:
                return _memo[key]
    cache = path / CACHE_DIR
    ind_file = cache / f"indicators-{signature}.parquet"
    est_file = cache / f"establishments-{signature}.parquet"
    try:
        with _locked(cache):
            if force or not (ind_file.exists() and est_file.exists()):
                indicators, est = _compute(path)
                for frame, target in ((indicators, ind_file), (est, est_file)):
                    tmp = target.with_suffix(f".tmp{os.getpid()}")
                    frame.to_parquet(tmp, index=False)
                    os.replace(tmp, target)
                for old in cache.glob("*.parquet"):
                    if signature not in old.name:
                        old.unlink(missing_ok=True)
            data = WarehouseData(
                code,
                signature,
                pd.read_parquet(ind_file),
                pd.read_parquet(est_file),
                ind_file.stat().st_mtime,
            )
    except PermissionError:
        # A warehouse the web server may read but not write: computed here, kept in memory only.
        indicators, est = _compute(path)
        data = WarehouseData(code, signature, indicators, est, time.time())
    with _memo_lock:
        for k in [k for k in _memo if k[0] == str(path)]:
            del _memo[k]
        _memo[key] = data
    return data


def refresh(code: str) -> WarehouseData | None:
    """Recompute the cache now (after an ingestion, or from the demo loader)."""
    return load(code, force=True)


def clear_memo() -> None:
    with _memo_lock:
        _memo.clear()
