"""Idempotent loading of the reference territories from the package data."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import transaction

from numeduc import names, reference

from .models import Academie, College, Departement


@dataclass
class LoadReport:
    academies: tuple[int, int]  # created, updated
    departements: tuple[int, int]
    colleges: tuple[int, int]


def _clean(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if value is pd.NA:
            return None
    except ImportError:  # pragma: no cover
        pass
    return value


def _sync(model, key: str, rows: list[dict]) -> tuple[int, int]:
    """Create missing rows and update changed ones; never deletes (other rows may point to them)."""
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    to_create, to_update, fields = [], [], set()
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            to_create.append(model(**row))
            continue
        changed = [f for f, v in row.items() if getattr(obj, f if not f.endswith("_id") else f) != v]
        if changed:
            for f in changed:
                setattr(obj, f, row[f])
            fields.update(changed)
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields), batch_size=500)
    return len(to_create), len(to_update)


@transaction.atomic
def load_reference(*, colleges: bool = True) -> LoadReport:
    """Load académies and départements, and the collèges unless ``colleges=False`` (fast test set-up)."""
    academies_frame = reference.academies()
    academy_rows = {}
    for _, row in academies_frame.iterrows():
        academy_rows[row["academie_code"]] = {
            "code": row["academie_code"],
            # The official accented name (« Orléans-Tours »), not the source's « ORLEANS-TOURS »; same code.
            "name": names.academie_name(row["academie_code"]).name,
            "region_academique_code": _clean(row["region_academique_code"]) or "",
            "region_academique": _clean(row["region_academique"]) or "",
        }
    academies = _sync(Academie, "code", list(academy_rows.values()))
    academy_ids = dict(Academie.objects.values_list("code", "id"))
    academy_of = dict(zip(academies_frame["departement_code"], academies_frame["academie_code"]))

    dep_rows = []
    for code, row in reference.departements().iterrows():
        dep_rows.append(
            {
                "code": code,
                "name": row["name"],
                "region_code": row["region_code"],
                "region_name": row["region_name"],
                "academie_id": academy_ids.get(academy_of.get(code)),
                "population": None if _clean(row["population"]) is None else int(row["population"]),
                **{
                    c: _clean(float(row[c]))
                    for c in ("area_km2", "density", "poverty_rate", "share_0_19", "population_growth")
                },
            }
        )
    departements = _sync(Departement, "code", dep_rows)
    dep_ids = dict(Departement.objects.values_list("code", "id"))

    college_rows = []
    frame = reference.colleges() if colleges else reference.colleges().iloc[0:0]
    for row in frame.itertuples(index=False):
        college_rows.append(
            {
                "uai": row.uai,
                "name": _clean(row.name) or f"Collège {row.uai} (nom non publié)",
                "departement_id": dep_ids[row.departement_code],
                "public": row.public_private == "public",
                "commune_name": _clean(row.commune_name) or "",
                "density_code": _clean(row.density_code) or "",
                "density_label": _clean(row.density_label) or "",
                "pupils": None if _clean(row.pupils) is None else int(row.pupils),
                "pupils_school_year": _clean(row.pupils_school_year) or "",
                "priority_education": _clean(row.priority_education) or "",
                "latitude": _clean(row.latitude),
                "longitude": _clean(row.longitude),
            }
        )
    college_counts = _sync(College, "uai", college_rows)
    return LoadReport(academies, departements, college_counts)
