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
# Every collège keeps its pupils of the referential (the budget pages show the same figure; the
# demo used to scale them down to 40 %, and a collège read 338 pupils here and 845 there). The
# logs are kept light by fewer events per session instead: the indicators count users, sessions
# and devices, so this changes volumes, not rates (generation of the Loiret: about 11 s, as the
# scaled-down one with 3 events per session).
DEMO_EVENTS_PER_SESSION = 1.5
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
    store.warehouse_root().mkdir(parents=True, exist_ok=True)
    if pupils is None:
        ref = load_reference_colleges(departement_code)
        if max_colleges:
            ref = ref.sort_values("uai").iloc[:max_colleges]
        real = int(ref["pupils"].astype(int).sum())
        who = f"effectifs réels des collèges ({fr_number(real)} élèves, DEPP, rentrée 2020)"
    else:
        who = f"effectifs ramenés à environ {fr_number(pupils)} élèves pour le département"
    note = f"journaux synthétiques (graine {seed}, {months} mois à partir de {start_month}, {who})"
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
