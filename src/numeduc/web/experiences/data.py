"""What the sheet pages read: the paper's sheets (content) and the départements' own (database),
their key figures from the reference data, the figures numeduc pre-fills (budget per pupil of a
saved scenario, pupils active in the month, the latest self-diagnosis levels), the filters, the
comparison and « qui a progressé sur ce facteur ? »."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.http import Http404

from numeduc import reference
from numeduc.experiences import KeyFigure, Sheet, key_figures, load_sheets
from numeduc.web.accounts.permissions import (
    can_edit_experience_sheet,
    can_read_experience_sheets,
    can_review_experience_sheets,
    departement_shares_results,
    fetch_for,
    reads_experience_drafts,
)
from numeduc.web.territories.models import Departement

from .models import SheetVersion

NOT_FOUND = "Fiche introuvable."
DEPARTEMENT_RULES = {
    "view": [(lambda user, dep: can_read_experience_sheets(user), "Connectez-vous pour lire les fiches.")],
    "edit": [
        (
            can_edit_experience_sheet,
            "Seuls les éditeurs du département tiennent sa fiche ; la coordination la relit et la publie.",
        )
    ],
    "drafts": [
        (reads_experience_drafts, "Les versions non publiées se lisent au département et à la coordination.")
    ],
    "review": [
        (lambda user, dep: can_review_experience_sheets(user), "Seule la coordination publie les fiches.")
    ],
}


def get_departement_for(user, code: str, action: str = "view") -> Departement:
    return fetch_for(
        user, Departement.objects.select_related("academie"), DEPARTEMENT_RULES, action, NOT_FOUND, code=code
    )


def paper_sheets():
    return load_sheets()


@lru_cache(maxsize=1)
def _reference():
    return reference.departements(), reference.colleges()


def figures_of(code: str, paper: Sheet | None) -> list[KeyFigure]:
    deps, colleges = _reference()
    return key_figures(code, deps, colleges, paper)


def peer_group_of(code: str) -> tuple[int | None, str]:
    """(group number, « groupe 3 : peu dense, … ») of the Ward peer groups on INSEE indicators."""
    from numeduc.web.surveys.data import reference_peer_groups

    groups = reference_peer_groups()
    if code not in groups.groups.index:
        return None, ""
    number = int(groups.groups.loc[code])
    return (
        number,
        f"{groups.group_names.get(number, f'groupe {number}')} : {groups.portraits.get(number, '')}",
    )


def prefill_figures(departement) -> dict:
    """What numeduc knows of the département, offered in the form (the editor keeps, changes or
    removes it before it is published): budget per pupil of its latest saved scenario, the share
    of pupils active in the latest month of its usage logs, its latest submitted self-diagnosis."""
    out: dict = {
        "budget_per_pupil": None,
        "budget_scenario": "",
        "active_pupils_share": None,
        "usage_month": "",
    }
    from numeduc.web.planning.data import cached_totals, colleges_version
    from numeduc.web.planning.models import Scenario

    scenario = Scenario.objects.filter(departement=departement).order_by("-pk").first()
    if scenario is not None:
        totals, problem = cached_totals(scenario, colleges_version(departement))
        if totals is not None:
            out["budget_per_pupil"] = str(totals[1])
            out["budget_scenario"] = scenario.name
    from numeduc.web.usage_dashboard import store

    try:
        loaded = store.load(departement.code)
    except Exception:  # noqa: BLE001 - a broken warehouse leaves the field empty
        loaded = None
    if loaded is not None and loaded.months:
        month = loaded.months[-1]
        rows = loaded.indicators[
            (loaded.indicators["indicator"] == "monthly_active_rate")
            & (loaded.indicators["profile"] == "ELEVE")
            & (loaded.indicators["month"] == month)
        ]
        if rows["denominator"].sum() > 0:
            out["active_pupils_share"] = round(
                float(rows["numerator"].sum() / rows["denominator"].sum()) * 100, 1
            )
            out["usage_month"] = month
    out["diagnosis"] = latest_diagnosis(departement)
    return out


def latest_diagnosis(departement) -> dict | None:
    """The département's latest submitted self-diagnosis: campaign, year and the 13 levels."""
    from numeduc.web.surveys.data import response_levels
    from numeduc.web.surveys.models import Response

    response = (
        Response.objects.filter(
            departement=departement,
            status=Response.Status.SUBMITTED,
            campaign__questionnaire_slug="autodiagnostic",
        )
        .select_related("campaign")
        .order_by("-campaign__year")
        .first()
    )
    if response is None:
        return None
    levels = response_levels(response)
    return {
        "campaign": response.campaign.pk,
        "year": response.campaign.year,
        "levels": {str(k): float(v) for k, v in levels.items() if v == v},
    }


@dataclass
class Card:
    """One sheet in the list and the comparison: the paper's, the département's, or both."""

    kind: str
    code: str
    title: str
    name: str
    paper: Sheet | None = None
    version: SheetVersion | None = None
    strategies: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    group: int | None = None
    group_label: str = ""
    levels: dict[int, dict[int, float]] = field(default_factory=dict)  # year → factor → level
    actions: tuple[str, ...] = ()
    demo: bool = False

    @property
    def url_code(self) -> str:
        return self.code


def published_versions() -> dict[str, SheetVersion]:
    out: dict[str, SheetVersion] = {}
    for version in (
        SheetVersion.objects.filter(status=SheetVersion.Status.PUBLISHED)
        .select_related("sheet__departement")
        .order_by("sheet_id", "-number")
    ):
        out.setdefault(version.sheet.departement.code, version)
    return out


def _levels(version: SheetVersion | None, departement, campaigns) -> dict[int, dict[int, float]]:
    """Levels by campaign year that may be shown beside a published sheet: those the département
    published in its sheet's versions, and those it shares through a public campaign."""
    out: dict[int, dict[int, float]] = {}
    if version is not None:
        for v in version.sheet.versions.filter(status=SheetVersion.Status.PUBLISHED).order_by("number"):
            diagnosis = (v.content.get("figures") or {}).get("diagnosis")
            if diagnosis:
                out[int(diagnosis["year"])] = {int(k): float(x) for k, x in diagnosis["levels"].items()}
    from numeduc.web.surveys.data import campaign_levels

    for campaign in campaigns:
        if departement is not None and departement_shares_results(departement, campaign):
            levels = campaign_levels(campaign)
            if departement.code in levels.index:
                row = levels.loc[departement.code]
                out.setdefault(campaign.year, {int(k): float(v) for k, v in row.items() if v == v})
    return out


def _shared_campaigns():
    from numeduc.web.surveys.models import Campaign

    return [
        c
        for c in Campaign.objects.filter(questionnaire_slug="autodiagnostic", public=True, published=True)
        if c.is_closed
    ]


_cards: dict[tuple, tuple[Card, ...]] = {}  # per process: the cards of the latest data state


def cards() -> list[Card]:
    """Every published sheet: the paper's fourteen and the départements' own. Built once per
    data state (the database's data version, numeduc.web.caching, and the day: a campaign's
    dates), not at every page; the cards are read, never changed, by their callers."""
    import datetime as dt

    from numeduc.web.caching import data_version

    state = (data_version(), dt.date.today().isoformat())
    kept = _cards.get(state)
    if kept is None:
        kept = tuple(_build_cards())
        _cards.clear()
        _cards[state] = kept
    return list(kept)


def _build_cards() -> list[Card]:
    sheets = paper_sheets()
    versions = published_versions()
    deps = {d.code: d for d in Departement.objects.filter(code__in=set(sheets.departements) | set(versions))}
    campaigns = _shared_campaigns()
    out = []
    from numeduc.web.action_plans.models import Plan

    plan_actions: dict[str, set[str]] = {}
    for plan in Plan.objects.filter(departement__code__in=list(deps), share_consent=True).prefetch_related(
        "actions"
    ):
        plan_actions.setdefault(plan.departement.code, set()).update(
            a.catalogue_id for a in plan.actions.all() if a.catalogue_id
        )
    for code in sorted(deps):
        dep = deps[code]
        paper, version = sheets.departements.get(code), versions.get(code)
        content = version.content if version else {}
        group, label = peer_group_of(code)
        actions = set(plan_actions.get(code, set())) | {
            p.get("action") for p in content.get("projects", []) if p.get("action")
        }
        out.append(
            Card(
                "departement",
                code,
                content.get("title") or (paper.title if paper else dep.name),
                dep.name,
                paper,
                version,
                tuple(content.get("strategies") or (paper.strategies if paper else ())),
                tuple(content.get("themes") or (paper.themes if paper else ())),
                group,
                label,
                _levels(version, dep, campaigns),
                tuple(sorted(a for a in actions if a)),
                bool(version and version.is_demo),
            )
        )
    for code, sheet in sorted(sheets.countries.items()):
        out.append(Card("pays", code, sheet.title, sheet.title, sheet, themes=sheet.themes))
    return out


def latest_level(card: Card, factor: int) -> float | None:
    for year in sorted(card.levels, reverse=True):
        if factor in card.levels[year]:
            return card.levels[year][factor]
    return None


def filter_cards(
    items: list[Card], *, kind="", group="", strategy="", theme="", factor=0, level=0, action=""
) -> list[Card]:
    out = []
    for card in items:
        if kind and card.kind != kind:
            continue
        if group and (card.group is None or str(card.group) != group):
            continue
        if strategy and strategy not in card.strategies:
            continue
        if theme and theme not in card.themes:
            continue
        if factor:
            value = latest_level(card, factor)
            if value is None or value < level:
                continue
        if action and action not in card.actions:
            continue
        out.append(card)
    return out


def progress(factor: int) -> tuple[list[dict], str]:
    """The départements with a published sheet whose level on ``factor`` rose between their two
    latest known campaigns (levels they published or share), and a sentence on the others,
    aggregated — only from 5 départements, as everywhere in numeduc."""
    rows: list[dict[str, Any]] = []
    for card in cards():
        if card.kind != "departement":
            continue
        years = sorted(y for y in card.levels if factor in card.levels[y])
        if len(years) < 2:
            continue
        before, after = card.levels[years[-2]][factor], card.levels[years[-1]][factor]
        if after > before:
            rows.append({"card": card, "before": before, "after": after, "from": years[-2], "to": years[-1]})
    rows.sort(key=lambda r: (-(r["after"] - r["before"]), r["card"].code))
    return rows, _aggregate_sentence(factor)


def _aggregate_sentence(factor: int) -> str:
    """Across all départements (none named): how many rose between the two latest campaigns."""
    from numeduc.web.surveys.data import campaign_levels
    from numeduc.web.surveys.models import Campaign

    closed = [
        c
        for c in Campaign.objects.filter(questionnaire_slug="autodiagnostic", published=True).order_by(
            "-year"
        )
        if c.is_closed
    ][:2]
    if len(closed) < 2:
        return (
            "Il faut deux campagnes d'autodiagnostic closes et publiées pour compter les progrès de "
            "l'ensemble des départements."
        )
    after, before = campaign_levels(closed[0]), campaign_levels(closed[1])
    both = after.index.intersection(before.index)
    if factor not in after.columns or factor not in before.columns:
        return ""
    pairs = [(before.loc[c, factor], after.loc[c, factor]) for c in both]
    pairs = [(b, a) for b, a in pairs if b == b and a == a]
    if len(pairs) < 5:
        return (
            f"Moins de 5 départements ont répondu aux campagnes {closed[1].year} et {closed[0].year} : "
            "aucun total n'est affiché."
        )
    rose = sum(1 for b, a in pairs if a > b)
    return (
        f"Sur les {len(pairs)} départements qui ont répondu aux campagnes {closed[1].year} et {closed[0].year}, "
        f"{rose} ont progressé sur ce facteur (sans les nommer : seuls les départements qui publient ou partagent "
        "leurs niveaux sont cités)."
    )


def card_for(code: str) -> Card:
    for card in cards():
        if card.kind == "departement" and card.code == code:
            return card
    raise Http404(NOT_FOUND)


def sheet_rows(sheets=None, *, database: bool = True, open_data_only: bool = False) -> list[dict]:
    """Every published sheet as a plain dict (``numeduc.experiences.serialise.sheet_dict``; the
    CLI's JSON and the API): the shipped ones (``source`` « livre-blanc-2017 ») with, where the
    département has published its own, ``departement_version``; then the départements that only
    have their own (``source`` « departement »). ``open_data_only``: a département's own version
    only where it agreed to open data (the shipped sheets are always open)."""
    from numeduc.experiences.serialise import sheet_dict

    sheets = sheets or paper_sheets()
    deps, colleges = _reference()
    versions: dict[str, SheetVersion] = published_versions() if database else {}
    if open_data_only:
        versions = {code: v for code, v in versions.items() if v.sheet.share_open_data}

    def version_dict(v: SheetVersion) -> dict:
        return {
            "number": v.number,
            "published_at": v.reviewed_at.isoformat() if v.reviewed_at else None,
            "content": v.content,
            "demo": v.is_demo,
        }

    out = []
    for sheet in sheets.all():
        figures = key_figures(sheet.code, deps, colleges, sheet) if sheet.kind == "departement" else None
        row = sheet_dict(sheet, figures)
        row["source"] = "livre-blanc-2017"
        version = versions.pop(sheet.code, None) if sheet.kind == "departement" else None
        if version is not None:
            row["title"] = version.content.get("title") or row["title"]
            row["departement_version"] = version_dict(version)
        out.append(row)
    for code, version in sorted(versions.items()):
        if code not in deps.index:
            continue
        out.append(
            {
                "kind": "departement",
                "code": code,
                "title": version.content.get("title", ""),
                "source": "departement",
                "key_figures": {
                    f.key: {
                        "label": f.label,
                        "unit": f.unit,
                        "value": f.value,
                        "year": f.year,
                        "source": f.source,
                    }
                    for f in key_figures(code, deps, colleges)
                },
                "departement_version": version_dict(version),
            }
        )
    return out
