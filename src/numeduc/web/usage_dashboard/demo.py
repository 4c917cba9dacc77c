"""Synthetic usage logs for the demonstration instance (« données de démonstration »)."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

from django.db import transaction

from numeduc.demo.usage import generate, load_reference_colleges
from numeduc.formatting import fr_number
from numeduc.usage.ingest import ingest

from . import store
from .models import UsageWarehouse

DEMO_USAGE_SEED = 2017
# Pupils are scaled down so that the demo loads in well under 30 s on a small machine; every
# indicator is a ratio, so the scale changes volumes, not rates.
DEMO_PUPIL_SHARE = 0.4
DEMO_EVENTS_PER_SESSION = 3.0
KIND_FILES = {
    "establishments": "establishments.csv",
    "service_catalog": "service_catalog.csv",
    "ent_accounts_snapshot": "ent_accounts_snapshot.csv",
    "ent_events": "ent_events.parquet",
    "mdm_devices": "mdm_devices.csv",
    "mdm_checkins": "mdm_checkins.parquet",
    "wifi_sessions": "wifi_sessions.parquet",
}


class RealWarehouseError(Exception):
    """The département already has a warehouse that is not demonstration data."""


def build_warehouse(generated_dir, warehouse, departement_code: str) -> None:
    """Ingest the generator's seven files into ``warehouse`` (each file is one commit)."""
    for kind, name in KIND_FILES.items():
        for result in ingest(kind, [generated_dir / name], warehouse, departement_code):
            if result.status == "refusé":
                raise RuntimeError(result.message)


def load_demo_usage(
    departement_code: str = "45",
    months: int = 3,
    seed: int = DEMO_USAGE_SEED,
    *,
    pupils: int | None = None,
    start_month: str = "2024-09",
    max_colleges: int | None = None,
) -> dict:
    """Generate and ingest synthetic logs for the département's public collèges into its
    warehouse (``store.warehouse_path(code)``), mark it as demo and compute its indicators.

    Replaces a previous demo warehouse of the same département; refuses to touch a warehouse
    holding real data (``RealWarehouseError``). Returns a summary (counts, seconds).
    """
    from numeduc.web.territories.models import Departement

    started = time.perf_counter()
    departement = Departement.objects.get(code=departement_code)
    path = store.warehouse_path(departement_code)
    registry = UsageWarehouse.objects.filter(departement=departement).first()
    if path.exists() and any(path.iterdir()):
        if not store.is_demo_folder(departement_code) and (registry is None or not registry.is_demo):
            raise RealWarehouseError(
                f"{path} : cet entrepôt contient des journaux réels ; il n'est pas remplacé par des "
                "données de démonstration"
            )
        shutil.rmtree(path)
    if pupils is None:
        ref = load_reference_colleges(departement_code)
        if max_colleges:
            ref = ref.sort_values("uai").iloc[:max_colleges]
        real = int(ref["pupils"].astype(int).sum()) if len(ref) else 5000
        pupils = max(200, round(real * DEMO_PUPIL_SHARE))
    store.warehouse_root().mkdir(parents=True, exist_ok=True)
    note = (
        f"journaux synthétiques (graine {seed}, {months} mois à partir de {start_month}, "
        f"effectifs ramenés à environ {fr_number(pupils)} élèves pour le département)"
    )
    # Registered before ingesting: a run that fails half-way leaves a demo warehouse that the
    # next run may replace, never one that looks real.
    with transaction.atomic():
        UsageWarehouse.objects.update_or_create(
            departement=departement, defaults={"is_demo": True, "note": note}
        )
    with tempfile.TemporaryDirectory(prefix=".demo-usage-", dir=store.warehouse_root()) as tmp:
        generated = Path(tmp)
        summary = generate(
            departement_code,
            pupils,
            months,
            generated,
            seed=seed,
            start_month=start_month,
            max_colleges=max_colleges,
            events_per_session=DEMO_EVENTS_PER_SESSION,
        )
        try:
            path.mkdir(parents=True, exist_ok=True)
            (path / store.DEMO_MARKER).write_text(
                json.dumps(
                    {
                        "note": note,
                        "seed": seed,
                        "months": months,
                        "start_month": start_month,
                        "pupils": pupils,
                    },
                    ensure_ascii=False,
                ),
                encoding="utf-8",
            )
            build_warehouse(generated, path, departement_code)
        except Exception:
            shutil.rmtree(path, ignore_errors=True)
            raise
    data = store.refresh(departement_code)
    return {
        "departement": departement_code,
        "warehouse": str(path),
        "colleges": summary.colleges,
        "pupils": summary.pupils,
        "events": summary.events,
        "wifi_sessions": summary.wifi_sessions,
        "devices": summary.devices,
        "indicator_rows": len(data.indicators) if data else 0,
        "months": data.months if data else [],
        "seconds": round(time.perf_counter() - started, 1),
    }
