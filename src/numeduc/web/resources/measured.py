"""Measured use of a resource's ENT module, from the départements' usage warehouses
(numeduc.usage.modules on each warehouse, pooled). Each warehouse's frame, for every module, is
computed once per warehouse state (the manifest's signature, as ``store.load``) and kept beside
the dashboard's cache (``_web_cache/modules-<signature>-<code>.parquet``) and in memory."""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from importlib.util import find_spec
from pathlib import Path

import pandas as pd

from numeduc.usage.modules import COLUMNS, pooled, trend
from numeduc.web.usage_dashboard import store

_memo: dict[tuple[str, str], pd.DataFrame] = {}
_lock = threading.Lock()


@functools.cache
def _code_signature() -> str:
    spec = find_spec("numeduc.usage.modules")
    assert spec is not None and spec.origin is not None
    return hashlib.sha256(Path(spec.origin).read_bytes()).hexdigest()[:8]


def clear_memo() -> None:
    with _lock:
        _memo.clear()


def warehouse_codes() -> list[str]:
    root = store.warehouse_root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and store.has_warehouse(p.name))


def warehouse_use(code: str) -> pd.DataFrame:
    """``module_use`` of the département's warehouse, every module (cached per state)."""
    path = store.warehouse_path(code)
    signature = store.manifest_signature(path) if path.is_dir() else None
    if signature is None:
        return pd.DataFrame(columns=COLUMNS)
    key = (str(path), signature)
    with _lock:
        if key in _memo:
            return _memo[key]
    cache = path / store.CACHE_DIR
    target = cache / f"modules-{signature}-{_code_signature()}.parquet"
    if target.exists():
        frame = pd.read_parquet(target)
    else:
        from numeduc.usage.modules import module_use

        frame = module_use(path)
        cache.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".tmp{os.getpid()}.{threading.get_ident()}")
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, target)
        for old in cache.glob("modules-*.parquet"):
            if old != target:
                old.unlink(missing_ok=True)
    with _lock:
        _memo[key] = frame
    return frame


def resource_use(module: str) -> dict | None:
    """The module's pooled use over every département with a warehouse: per month rows, the
    trend, the départements measured and whether any is a demo warehouse. None without a
    module name or without any warehouse."""
    module = (module or "").strip()
    if not module:
        return None
    codes = warehouse_codes()
    if not codes:
        return None
    frames, measured, demo = [], [], False
    for code in codes:
        frame = warehouse_use(code)
        if frame.empty:
            continue
        own = frame[frame["module"] == module]
        if own.empty:
            # Not used there: zeros, and its collèges and pupils still count in the shares.
            own = frame.drop_duplicates("month").assign(module=module, colleges=0, pupils=0)
            own = own.assign(colleges_share=0.0, pupils_share=0.0)
        else:
            measured.append(code)
        frames.append(own)
        demo = demo or store.is_demo_folder(code)
    frames = [f for f in frames if not f.empty]
    if not frames:
        return {"module": module, "rows": [], "trend": None, "departements": [], "demo": demo}
    both = pooled(frames)
    rows = [
        {
            "month": r.month,
            "colleges": int(r.colleges),
            "colleges_total": int(r.colleges_total),
            "colleges_share": float(r.colleges_share),
            "pupils": int(r.pupils),
            "pupils_total": int(r.pupils_total),
            "pupils_share": None if pd.isna(r.pupils_share) else float(r.pupils_share),
            "warehouses": int(r.warehouses),
        }
        for r in both.itertuples(index=False)
    ]
    return {
        "module": module,
        "rows": rows,
        "trend": trend(both, module),
        "departements": measured,
        "demo": demo,
    }
