"""The sheet pages: find and filter, read a département's or a country's sheet, compare two to
four, « qui a progressé sur ce facteur ? », and the département's form, versions and the
coordinator's review."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from numeduc.actions import load_catalogue
from numeduc.actions.suggest import factor_labels
from numeduc.experiences import STRATEGIES, THEMES
from numeduc.web.accounts.permissions import (
    can_edit_experience_sheet,
    can_review_experience_sheets,
    reads_experience_drafts,
)

from . import data, services
from .forms import HistoryFormSet, ObjectiveFormSet, ProjectFormSet, SheetForm, rows_of
from .models import DepartementSheet, SheetVersion

MAX_COMPARED = 4

FACTORS = range(1, 14)


def _factor_label(factor: int) -> str:
    return factor_labels().get(f"f{factor:02d}", f"facteur {factor}")


def _int(raw: str | None, low: int, high: int) -> int:
    try:
        value = int(raw or 0)
    except ValueError:
        return 0
    return value if low <= value <= high else 0


@login_required
def index(request):
    cards = data.cards()
    g = request.GET
    factor = _int(g.get("facteur"), 1, 13)
    chosen = {
        "kind": g.get("type", "") if g.get("type") in ("departement", "pays") else "",
        "group": g.get("groupe", "")[:3],
        "strategy": g.get("strategie", "") if g.get("strategie") in STRATEGIES else "",
        "theme": g.get("theme", "") if g.get("theme") in THEMES else "",
        "factor": factor,
        "level": _int(g.get("niveau"), 1, 4) if factor else 0,
        "action": g.get("action", "")[:80],
    }
    shown = data.filter_cards(cards, **chosen)
    groups = sorted({(c.group, c.group_label) for c in cards if c.group is not None})
    return render(
        request,
        "experiences/index.html",
        {
            "cards": shown,
            "total": len(cards),
            "chosen": chosen,
            "groups": groups,
            "strategies": STRATEGIES.items(),
            "themes": THEMES.items(),
            "factors": [(f, _factor_label(f)) for f in FACTORS],
            "actions": [(a.id, a.title) for a in load_catalogue()],
            "filtered": any(chosen.values()),
            "demo": any(c.demo for c in shown),
        },
    )


def figure_rows(figures) -> list[dict]:
    return [
        {
            "key": f.key,
            "label": f.label,
            "unit": f.unit,
            "value_text": f.shown(f.value),
            "year": f.year,
            "source": f.source,
            "paper": f.paper,
            "paper_text": f.shown(f.paper.value) if f.paper else "—",
            "difference": f.difference,
        }
        for f in figures
    ]


def _content_rows(card, version: SheetVersion | None) -> dict:
    from numeduc.formatting import fr_euro, fr_percent
    from numeduc.web.usage_dashboard.labels import month_label

    content = dict(version.content) if version else {}
    figures = dict(content.get("figures") or {})
    if figures.get("budget_per_pupil"):
        figures["budget_per_pupil_text"] = fr_euro(float(Decimal(figures["budget_per_pupil"])))
    if figures.get("active_pupils_share"):
        figures["active_share_text"] = fr_percent(float(figures["active_pupils_share"]), 1)
    if figures.get("usage_month"):
        figures["usage_month_label"] = month_label(figures["usage_month"])
    titles = {a.id: a.title for a in load_catalogue()}
    content["projects"] = [
        {**p, "action_title": titles.get(p.get("action", ""), p.get("action", ""))}
        for p in content.get("projects", [])
    ]
    return {
        "content": content,
        "numeduc_figures": figures,
        "strategies": [STRATEGIES[s] for s in content.get("strategies", []) if s in STRATEGIES],
        "themes": [THEMES[t] for t in content.get("themes", []) if t in THEMES],
    }


def _levels_table(card) -> tuple[list[int], list[dict]]:
    years = sorted(card.levels)
    rows = []
    for factor in FACTORS:
        values = [card.levels[y].get(factor) for y in years]
        if any(v is not None for v in values):
            rows.append({"factor": factor, "label": _factor_label(factor), "values": values})
    return years, rows


@login_required
def departement(request, code: str):
    dep = data.get_departement_for(request.user, code)
    card = data.card_for(dep.code) if _has_sheet(dep) else None
    version = card.version if card else None
    drafts = reads_experience_drafts(request.user, dep)
    wanted = request.GET.get("version")
    if wanted:
        data.get_departement_for(request.user, code, "drafts")
        version = SheetVersion.objects.filter(sheet__departement=dep, number=_int(wanted, 1, 10**6)).first()
        if version is None:
            raise Http404(data.NOT_FOUND)
    if card is None and version is None:
        if not drafts:
            raise Http404("Ce département n'a pas encore publié de fiche.")
    paper = card.paper if card else data.paper_sheets().departements.get(dep.code)
    figures = data.figures_of(dep.code, paper)
    group, group_label = data.peer_group_of(dep.code)
    years, levels = _levels_table(card) if card else ([], [])
    sheet = DepartementSheet.objects.filter(departement=dep).first()
    # Through the reverse relations: the catalogue and the stories are read, not imported (the
    # stories app sits above this one, tests/web/test_app_boundaries.py).
    resources = list(dep.catalogue_resources.filter(published=True).order_by("title"))
    resources += [
        f.resource
        for f in dep.resource_feedbacks.filter(resource__published=True).select_related("resource")
        if f.resource not in resources
    ]
    stories = list(dep.stories.filter(status="publiee").order_by("-told_on", "-pk")[:5])
    return render(
        request,
        "experiences/departement.html",
        {
            "departement": dep,
            "card": card,
            "version": version,
            "paper": paper,
            "figures": figure_rows(figures),
            "differences": [f for f in figures if f.difference],
            "group_label": group_label,
            "level_years": years,
            "levels": levels,
            "can_edit": can_edit_experience_sheet(request.user, dep),
            "reads_drafts": drafts,
            "sheet": sheet,
            "actions": {a.id: a.title for a in load_catalogue()},
            "demo": bool(version and version.is_demo),
            "resources": resources,
            "stories": stories,
            **_content_rows(card, version),
        },
    )


def _has_sheet(dep) -> bool:
    return (
        dep.code in data.paper_sheets().departements
        or SheetVersion.objects.filter(sheet__departement=dep, status=SheetVersion.Status.PUBLISHED).exists()
    )


@login_required
def country(request, slug: str):
    sheet = data.paper_sheets().countries.get(slug)
    if sheet is None:
        raise Http404(data.NOT_FOUND)
    sections = [
        ("Organisation", sheet.organisation),
        ("Programmes", sheet.programmes),
        ("Ce qui a marché", sheet.lessons),
        ("Risques et échecs", sheet.risks),
    ]
    return render(request, "experiences/country.html", {"sheet": sheet, "sections": sections})


def _initial(dep, latest: SheetVersion | None) -> tuple[dict, dict]:
    """The form's first values: the latest version, or the paper's sheet and numeduc's figures."""
    prefill = data.prefill_figures(dep)
    if latest is not None:
        content = latest.content
        figures = content.get("figures") or {}
        initial = {
            "title": content.get("title", ""),
            "introduction": content.get("introduction", ""),
            "strategies": content.get("strategies", []),
            "themes": content.get("themes", []),
            "budget_per_pupil": figures.get("budget_per_pupil") or "",
            "active_pupils_share": figures.get("active_pupils_share") or "",
            "include_diagnosis": bool(figures.get("diagnosis")),
        }
        lists = {k: content.get(k, []) for k in ("history", "objectives", "projects")}
        return initial, lists
    paper = data.paper_sheets().departements.get(dep.code)
    share = prefill.get("active_pupils_share")
    initial = {
        "title": paper.title if paper else f"{dep.name} : ",
        "introduction": paper.introduction if paper else "",
        "strategies": list(paper.strategies) if paper else [],
        "themes": list(paper.themes) if paper else [],
        "budget_per_pupil": prefill.get("budget_per_pupil") or "",
        "active_pupils_share": "" if share is None else str(share).replace(".", ","),
        "include_diagnosis": False,
    }
    lists = {
        "history": [{"year": f.year, "title": f.title, "text": f.text} for f in paper.history]
        if paper
        else [],
        "objectives": [{"text": f.text} for f in paper.objectives] if paper else [],
        "projects": (
            [{"title": paper.focus.title, "text": paper.focus.text, "result": "", "action": ""}]
            if paper and paper.focus
            else []
        ),
    }
    return initial, lists


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, code: str):
    dep = data.get_departement_for(request.user, code, "edit")
    sheet = DepartementSheet.objects.filter(departement=dep).first()
    latest = sheet.latest() if sheet else None
    prefill = data.prefill_figures(dep)
    if request.method == "POST":
        form = SheetForm(request.POST)
        history = HistoryFormSet(request.POST, prefix="history")
        objectives = ObjectiveFormSet(request.POST, prefix="objectives")
        projects = ProjectFormSet(request.POST, prefix="projects")
        if all(f.is_valid() for f in (form, history, objectives, projects)):
            cleaned = form.cleaned_data
            content = {
                "title": cleaned["title"].strip(),
                "introduction": cleaned["introduction"].strip(),
                "strategies": cleaned["strategies"],
                "themes": cleaned["themes"],
                "history": sorted(
                    rows_of(history, ("year", "title", "text")), key=lambda r: -int(r["year"] or 0)
                ),
                "objectives": rows_of(objectives, ("text",)),
                "projects": rows_of(projects, ("title", "text", "result", "action")),
                "figures": {
                    "budget_per_pupil": cleaned["budget_per_pupil"],
                    "budget_scenario": prefill.get("budget_scenario", "")
                    if cleaned["budget_per_pupil"]
                    else "",
                    "active_pupils_share": cleaned["active_pupils_share"],
                    "usage_month": prefill.get("usage_month", "") if cleaned["active_pupils_share"] else "",
                    "diagnosis": prefill.get("diagnosis") if cleaned["include_diagnosis"] else None,
                },
            }
            try:
                version = services.save_version(dep, content, request.user)
            except services.SheetRefused as exc:
                form.add_error(None, str(exc))
            else:
                if request.POST.get("submit_for_review"):
                    services.submit(version)
                    messages.success(
                        request,
                        f"Version {version.number} enregistrée et envoyée à la coordination pour relecture.",
                    )
                else:
                    messages.success(request, f"Version {version.number} enregistrée (brouillon).")
                return redirect("experiences:versions", code=dep.code)
        status = 400
    else:
        initial, lists = _initial(dep, latest)
        form = SheetForm(initial=initial)
        history = HistoryFormSet(initial=lists["history"], prefix="history")
        objectives = ObjectiveFormSet(initial=lists["objectives"], prefix="objectives")
        projects = ProjectFormSet(initial=lists["projects"], prefix="projects")
        status = 200
    errors = list(form.error_summary)
    for formset in (history, objectives, projects):
        for sub in formset.forms:
            errors.extend(sub.error_summary if sub.is_bound and sub.errors else [])
    return render(
        request,
        "experiences/edit.html",
        {
            "departement": dep,
            "form": form,
            "history": history,
            "objectives": objectives,
            "projects": projects,
            "prefill": prefill,
            "latest": latest,
            "errors": errors,
        },
        status=status,
    )


@login_required
def versions(request, code: str):
    dep = data.get_departement_for(request.user, code, "drafts")
    sheet = DepartementSheet.objects.filter(departement=dep).first()
    rows = list(sheet.versions.select_related("created_by", "reviewed_by")) if sheet else []
    return render(
        request,
        "experiences/versions.html",
        {
            "departement": dep,
            "sheet": sheet,
            "versions": rows,
            "can_edit": can_edit_experience_sheet(request.user, dep),
            "can_review": can_review_experience_sheets(request.user),
        },
    )


def _version_of(dep, pk: int) -> SheetVersion:
    version = SheetVersion.objects.filter(sheet__departement=dep, pk=pk).first() if 1 <= pk <= 2**62 else None
    if version is None:
        raise Http404("Version introuvable.")
    return version


@login_required
@require_POST
def submit(request, code: str, pk: int):
    dep = data.get_departement_for(request.user, code, "edit")
    version = _version_of(dep, pk)
    if services.submit(version):
        messages.success(request, f"Version {version.number} envoyée à la coordination pour relecture.")
    else:
        messages.info(request, f"La version {version.number} n'est plus un brouillon.")
    return redirect("experiences:versions", code=dep.code)


@login_required
@require_POST
def review(request, code: str, pk: int):
    dep = data.get_departement_for(request.user, code, "review")
    version = _version_of(dep, pk)
    publish = request.POST.get("decision") == "publier"
    try:
        done = services.review(
            version, request.user, publish=publish, note=request.POST.get("note", "")[:2000]
        )
    except services.SheetRefused as exc:
        messages.error(request, str(exc))
    else:
        if done:
            messages.success(
                request,
                f"Version {version.number} publiée : tous les utilisateurs la lisent."
                if publish
                else f"Version {version.number} renvoyée au département avec votre note.",
            )
        else:
            messages.info(request, f"La version {version.number} n'attendait plus de relecture.")
    if request.POST.get("next") == "relecture":
        return redirect("experiences:review_queue")
    return redirect("experiences:versions", code=dep.code)


@login_required
def review_queue(request):
    if not can_review_experience_sheets(request.user):
        raise PermissionDenied("Seule la coordination relit et publie les fiches.")
    waiting = SheetVersion.objects.filter(status=SheetVersion.Status.SUBMITTED).select_related(
        "sheet__departement", "created_by"
    )
    return render(request, "experiences/review_queue.html", {"waiting": waiting})


@login_required
@require_POST
def open_data(request, code: str):
    dep = data.get_departement_for(request.user, code, "edit")
    consent = request.POST.get("consent") == "oui"
    services.set_open_data(dep, consent)
    messages.success(
        request,
        "Votre fiche publiée fait désormais partie des données ouvertes."
        if consent
        else "Votre fiche ne fait plus partie des données ouvertes.",
    )
    return redirect("experiences:versions", code=dep.code)


@login_required
def compare(request):
    codes = list(dict.fromkeys(c for c in request.GET.getlist("d") if c))[:MAX_COMPARED]
    cards = {c.code: c for c in data.cards() if c.kind == "departement"}
    chosen = [cards[c] for c in codes if c in cards]
    if len(chosen) < 2:
        messages.info(request, "Choisissez de deux à quatre fiches de départements à comparer.")
        return redirect("experiences:index")
    columns = []
    for card in chosen:
        figures = {f["key"]: f for f in figure_rows(data.figures_of(card.code, card.paper))}
        columns.append({"card": card, "figures": figures})
    keys = [f.key for f in data.figures_of(chosen[0].code, None) if f.value is not None]
    compared = [
        {
            "label": columns[0]["figures"][k]["label"],
            "unit": columns[0]["figures"][k]["unit"],
            "values": [c["figures"].get(k) for c in columns],
        }
        for k in keys
    ]
    level_rows = []
    for factor in FACTORS:
        values = [data.latest_level(c["card"], factor) for c in columns]
        if any(v is not None for v in values):
            level_rows.append({"label": _factor_label(factor), "values": values})
    return render(
        request,
        "experiences/compare.html",
        {
            "columns": columns,
            "figure_rows": compared,
            "level_rows": level_rows,
            "demo": any(c["card"].demo for c in columns),
        },
    )


@login_required
def progress(request, factor: int):
    if factor not in FACTORS:
        raise Http404("Facteur inconnu.")
    rows, sentence = data.progress(factor)
    return render(
        request,
        "experiences/progress.html",
        {
            "factor": factor,
            "label": _factor_label(factor),
            "rows": rows,
            "sentence": sentence,
            "demo": any(r["card"].demo for r in rows),
        },
    )
