"""From the database and the usage warehouses to the open-data package (``numeduc.opendata``).

``parts()`` reads what may be public — published campaigns (closed and published), the consent
of each département (``permissions.departement_shares_results``), the budget model, the action
catalogue, the sheets open to open data, the usage warehouses, the published resources — and the
pure core applies the thresholds. ``package()`` writes the files once per state of that data,
into ``VAR_DIR / "opendata" / <signature>``, the signature being a hash of the files' content:
any change of the data gives another folder, so a stale file is never served.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from numeduc.opendata import tables as t
from numeduc.web.accounts.permissions import departement_shares_results
from numeduc.web.surveys.data import campaign_levels, reference_peer_groups
from numeduc.web.surveys.models import Campaign, Response
from numeduc.web.territories.models import Departement

CACHE_DIR = "opendata"
KEEP = 5  # older folders are removed beyond this many


def published_campaigns() -> list[Campaign]:
    return list(Campaign.objects.filter(published=True, status=Campaign.Status.CLOSED).order_by("year", "pk"))


def _campaign_data(campaign: Campaign) -> tuple[t.CampaignData, dict[int, str]] | None:
    items = campaign.questionnaire.factor_items()
    if not items:
        return None
    labels = {int(item.factor or 0): item.short_label or item.label for item in items}
    candidates = (
        Departement.objects.filter(
            responses__campaign=campaign,
            responses__status=Response.Status.SUBMITTED,
            responses__share_consent=True,
        )
        .distinct()
        .order_by("code")
    )
    sharing = frozenset(d.code for d in candidates if departement_shares_results(d, campaign))
    data = t.CampaignData(campaign.pk, campaign.year, campaign.title, campaign_levels(campaign), sharing)
    return data, labels


def _survey_parts(campaigns: list[Campaign]) -> list[t.Part]:
    read = [(c, _campaign_data(c)) for c in campaigns]
    kept = [(c, d) for c, d in read if d is not None]
    labels: dict[int, str] = {}
    for _, (_, lab) in kept:
        labels.update(lab)
    data = [d for _, (d, _) in kept]
    groups = reference_peer_groups().groups
    names = dict(Departement.objects.values_list("code", "name"))
    demo = any(c.is_demo for c, _ in kept)
    return [
        t.Part(t.FACTOR_AGGREGATES, t.factor_aggregates(data, groups, labels), demo),
        t.Part(t.SHARED_PROFILES, t.shared_profiles(data, groups, labels, names), demo),
    ]


def _usage_part() -> t.Part:
    from numeduc.web.usage_dashboard import store

    root = store.warehouse_root()
    warehouses, demo = [], False
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            code = folder.name
            if not store.has_warehouse(code):
                continue
            loaded = store.load(code)
            if loaded is None:
                continue
            warehouses.append((loaded.indicators, loaded.establishments))
            demo = demo or store.is_demo_folder(code)
    return t.Part(t.USAGE_AGGREGATES, t.usage_aggregates(warehouses), demo)


def _resources_part() -> t.Part:
    from numeduc.web.resources import data
    from numeduc.web.resources.models import Resource

    published = (
        data.with_aggregates(Resource.objects.filter(published=True))
        .prefetch_related("departements")
        .order_by("pk")
    )
    rows: list[dict[str, Any]] = [
        {
            "id": r.pk,
            "kind": r.kind,
            "title": r.title,
            "description": r.description,
            "cost_model": r.cost_model,
            "yearly_cost_per_pupil": r.yearly_cost_per_pupil,
            "url": r.url,
            "ent_module": r.ent_module,
            "departements": sorted(d.code for d in r.departements.all()),
            "feedback": {
                # annotations of data.with_aggregates
                "count": getattr(r, "feedback_count"),  # noqa: B009
                "recommend_yes": getattr(r, "recommend_yes"),  # noqa: B009
                "recommend_reserved": getattr(r, "recommend_reserved"),  # noqa: B009
                "recommend_no": getattr(r, "recommend_no"),  # noqa: B009
            },
        }
        for r in published
    ]
    return t.Part(t.RESOURCES, t.resources_frame(rows), any(r.is_demo for r in published))


def _sheet_parts() -> list[t.Part]:
    from numeduc.web.experiences.data import sheet_rows

    rows = sheet_rows(open_data_only=True)
    demo = any((r.get("departement_version") or {}).get("demo") for r in rows)
    sheets, figures = t.sheets_frames(rows)
    return [t.Part(t.EXPERIENCE_SHEETS, sheets, demo), t.Part(t.EXPERIENCE_FIGURES, figures, demo)]


def _action_part() -> t.Part:
    from numeduc.actions import load_catalogue
    from numeduc.actions.serialise import action_dict

    return t.Part(t.ACTIONS, t.actions_frame([action_dict(a) for a in load_catalogue()]))


STEPS = ("autodiagnostic", "budget", "actions", "fiches", "usages", "ressources")


def parts(progress=None) -> list[t.Part]:
    """Every table of the package, in the order of ``numeduc.opendata.tables.TABLES``.
    ``progress(step)`` is called after each of ``STEPS``."""

    def done(step: str) -> None:
        if progress is not None:
            progress(step)

    campaigns = published_campaigns()
    out = _survey_parts(campaigns)
    done("autodiagnostic")
    out += [t.Part(t.BUDGET_PRESETS, t.budget_presets()), t.Part(t.BUDGET_PARAMETERS, t.budget_parameters())]
    done("budget")
    out.append(_action_part())
    done("actions")
    out += _sheet_parts()
    done("fiches")
    out.append(_usage_part())
    done("usages")
    out.append(_resources_part())
    done("ressources")
    return out


def campaign_titles(campaigns: list[Campaign] | None = None) -> list[str]:
    return [f"{c.title} ({c.year})" for c in (published_campaigns() if campaigns is None else campaigns)]


def signature(built: list[t.Part], titles: list[str]) -> str:
    h = hashlib.sha256(json.dumps(titles).encode())
    for part in built:
        h.update(part.table.name.encode())
        h.update(t.csv_file(part))
    return h.hexdigest()[:24]


def now_iso() -> str:
    return timezone.now().replace(microsecond=0).isoformat()


def export(directory: Path, progress=None) -> dict:
    """Write the package into ``directory`` (the command line)."""
    built = parts(progress)
    return t.write_package(built, directory, created=now_iso(), campaigns=campaign_titles())


@dataclass(frozen=True)
class Package:
    directory: Path
    descriptor: dict

    @property
    def demo(self) -> bool:
        return bool(self.descriptor.get(t.DEMO_FLAG))


def cache_root() -> Path:
    return Path(settings.VAR_DIR) / CACHE_DIR


_packages: dict[tuple, Package] = {}  # per process: the package of the latest data state seen


def data_state() -> tuple:
    """What the package is built from, cheap to read at every request: the database's data
    version (every write changes it, numeduc.web.caching), each usage warehouse's ingested files
    and demo marker, and the day (a campaign's dates)."""
    import datetime as dt

    from numeduc.web.caching import data_version
    from numeduc.web.usage_dashboard import store

    root = store.warehouse_root()
    warehouses = (
        tuple((p.name, store.warehouse_state(p.name)) for p in sorted(root.iterdir()) if p.is_dir())
        if root.is_dir()
        else ()
    )
    return (data_version(), warehouses, dt.date.today().isoformat())


def package() -> Package:
    """The package of the data as it is now, written once per state (see the module's doc).
    Built again only when ``data_state()`` changed: a page view costs a few ``stat()`` calls,
    not the tables (1.8 s on the demo)."""
    state = data_state()
    kept = _packages.get(state)
    if kept is not None and (kept.directory / "datapackage.json").is_file():
        return kept
    result = _build_package()
    _packages.clear()
    _packages[state] = result
    return result


def _build_package() -> Package:
    built = parts()
    titles = campaign_titles()
    root = cache_root()
    folder = root / signature(built, titles)
    if not (folder / "datapackage.json").is_file():
        root.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=root, prefix=".building-"))
        try:
            t.write_package(built, work, created=now_iso(), campaigns=titles)
            try:
                os.replace(work, folder)
            except OSError:  # written meanwhile by another request
                shutil.rmtree(work, ignore_errors=True)
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
        _prune(root, keep=folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return Package(folder, descriptor)


def _prune(root: Path, keep: Path) -> None:
    folders = sorted(
        (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in folders[KEEP - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


def file_names() -> dict[str, tuple[t.Table, str]]:
    """``{"factor-aggregates.csv": (table, "csv"), …}``: the files that can be served."""
    return {name: (table, fmt) for table in t.TABLES for fmt, name in t.file_names(table).items()}
