"""Warehouse layout on disk, salts and the manifest of ingested files.

```
WAREHOUSE/
  _salts/<departement>.salt          one random salt per département, created once (0600)
  _tmp/                              work area of running ingestions (same file system)
  <kind>/ingest=<id>/                one folder per ingested file, renamed into place at once
      _source.json                   manifest entry: file name, content hash, counts
      _quarantine.csv                rejected rows with line number and reason (if any)
      departement=<code>/month=<YYYY-MM>/data_0.parquet   (month only for event streams)
```
The rename of the ``ingest=<id>`` folder is the commit point: a file is either fully in the
warehouse or not at all, and the manifest is simply the set of ``_source.json`` files.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path

from numeduc.usage.schemas import KINDS

# --- DuckDB resource settings (shared by ingestion, indicators and the benchmark baseline) -----

DUCKDB_MEMORY_FRACTION = 0.5  # of physical RAM: leaves room for the OS and other processes


def duckdb_memory_limit() -> str:
    """DuckDB ``memory_limit``: ``NUMEDUC_DUCKDB_MEMORY`` if set (e.g. ``4GB``), else half of
    the machine's physical RAM. Beyond it DuckDB spills to disk, which is much slower."""
    configured = os.environ.get("NUMEDUC_DUCKDB_MEMORY", "").strip()
    if configured:
        return configured
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not POSIX: a safe fixed value
        return "4GB"
    return f"{max(1024, int(total * DUCKDB_MEMORY_FRACTION) // 2**20)}MiB"


def duckdb_threads() -> int:
    """DuckDB ``threads``: ``NUMEDUC_DUCKDB_THREADS`` if set, else the cores this process may use."""
    configured = os.environ.get("NUMEDUC_DUCKDB_THREADS", "").strip()
    if configured:
        return max(1, int(configured))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


class SaltMismatchError(Exception):
    pass


def kind_dir(warehouse: Path, kind: str) -> Path:
    return Path(warehouse) / kind


def data_files(warehouse: str | Path, kind: str) -> list[str]:
    return sorted(str(p) for p in kind_dir(Path(warehouse), kind).glob("ingest=*/**/*.parquet"))


def manifest(warehouse: str | Path, kind: str | None = None) -> list[dict]:
    kinds = [kind] if kind else list(KINDS)
    out = []
    for k in kinds:
        for src in sorted(kind_dir(Path(warehouse), k).glob("ingest=*/_source.json")):
            out.append(json.loads(src.read_text(encoding="utf-8")))
    return out


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def get_salt(warehouse: str | Path, departement: str, salt_file: str | Path | None = None) -> str:
    """The département's salt: created once and kept in the warehouse.

    ``salt_file`` lets several warehouses share one salt; it must then agree with the salt
    already stored, otherwise pseudonyms would no longer match across ingestions.
    """
    salts = Path(warehouse) / "_salts"
    salts.mkdir(parents=True, exist_ok=True)
    path = salts / f"{departement}.salt"
    given = Path(salt_file).read_text(encoding="utf-8").strip() if salt_file else None
    if given is not None and not given:
        raise SaltMismatchError(f"{salt_file} : fichier de sel vide")
    if path.exists():
        stored = path.read_text(encoding="utf-8").strip()
        if given is not None and given != stored:
            raise SaltMismatchError(
                f"{salt_file} : ce sel diffère de celui déjà utilisé pour le département "
                f"{departement} dans l'entrepôt ; les pseudonymes ne correspondraient plus"
            )
        return stored
    salt = given or secrets.token_hex(32)
    tmp = salts / f".{departement}.salt.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(salt + "\n")
    try:
        os.link(tmp, path)  # fails if another process created it meanwhile
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text(encoding="utf-8").strip()
