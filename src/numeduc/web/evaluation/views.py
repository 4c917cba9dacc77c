"""« Quelle stratégie pour quels usages ? » (per département and national) and the pilots."""

from __future__ import annotations

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from numeduc.evaluation.pilot import Pilot as PilotSpec
from numeduc.evaluation.pilot import evaluate, month_words
from numeduc.evaluation.strategies import METHOD, REFERENCE, SHORT_LABELS, WARNING, compare_strategies
from numeduc.experiences.model import STRATEGIES
from numeduc.web.accounts.permissions import (
    can_edit_evaluation,
    can_view_college_evaluation,
    can_view_national_strategies,
    is_school_head,
    require,
)
from numeduc.web.territories.models import College, Departement
from numeduc.web.usage_dashboard import store
from numeduc.web.usage_dashboard.labels import full_label

from . import data, presenters, services
from .forms import PilotForm, StrategyForm
from .models import CollegeStrategy

DEFAULT_INDICATOR = ("monthly_active_rate", "ELEVE")
NO_LOGS = (
    "Aucun journal d'usage n'est chargé pour ce département : sans les connexions des collèges, il n'y a "
    "rien à comparer. Les stratégies déclarées sont gardées et serviront dès le premier chargement."
)


def _choices(request) -> tuple[tuple[str, str], str]:
    chosen = data.parse_indicator(request.GET.get("indicateur")) or DEFAULT_INDICATOR
    reference = request.GET.get("reference")
    return chosen, reference if reference in STRATEGIES else REFERENCE


def _comparison_context(indicators, establishments, strategies, chosen, reference) -> dict:
    comparison = compare_strategies(
        indicators, establishments, strategies, chosen[0], chosen[1], reference=reference
    )
    return {
        "pooled_rows": presenters.comparison_rows(comparison, pooled=True),
        "group_rows": presenters.comparison_rows(comparison, pooled=False),
        "cells": presenters.cell_rows(comparison),
        "sentences": comparison.sentences(),
    }


def _base_context(request, chosen, reference) -> dict:
    return {
        "indicator_choices": [
            (data.indicator_key(i, p), full_label(i, p)) for i, p in data.INDICATOR_CHOICES
        ],
        "indicator_key": data.indicator_key(*chosen),
        "indicator_label": full_label(*chosen),
        "reference_choices": [(k, SHORT_LABELS[k]) for k in STRATEGIES],
        "reference": reference,
        "reference_label": SHORT_LABELS[reference],
        "warning": WARNING,
        "method": METHOD,
    }


@login_required
@require_http_methods(["GET", "POST"])
def strategies(request, code: str):
    departement = data.get_departement_for(request.user, code)
    can_edit = can_edit_evaluation(request.user, departement)
    form = None
    status = 200
    if can_edit:
        form = StrategyForm(departement, request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if form.is_valid():
                college = form.cleaned_data["college"]
                services.declare_strategy(
                    college, form.cleaned_data["strategy"], form.cleaned_data["since"], request.user
                )
                messages.success(request, f"Stratégie de « {college.name} » enregistrée.")
                return redirect("evaluation:strategies", code=departement.code)
            status = 400
    elif request.method == "POST":
        require(False, data.REFUSED_EDIT)
    chosen, reference = _choices(request)
    rows = data.declarations(departement)
    visible = [d for d in rows if can_view_college_evaluation(request.user, d.college)]
    wh = data.warehouse(departement.code)
    context = {
        "departement": departement,
        "form": form,
        "can_edit": can_edit,
        "declarations": visible,
        "n_declared": len(rows),
        "own_only": is_school_head(request.user),
        "no_logs": wh is None,
        "no_logs_text": NO_LOGS,
        "demo": (wh is not None and store.is_demo_folder(departement.code)) or any(d.is_demo for d in rows),
        **_base_context(request, chosen, reference),
    }
    if wh is not None:
        context.update(
            _comparison_context(
                wh.indicators, wh.establishments, data.strategies_map(rows), chosen, reference
            )
        )
    return render(request, "evaluation/strategies.html", context, status=status)


@login_required
def national_strategies(request):
    require(
        can_view_national_strategies(request.user),
        "La comparaison nationale des stratégies est réservée à la coordination nationale.",
    )
    chosen, reference = _choices(request)
    rows = list(CollegeStrategy.objects.select_related("college__departement"))
    codes = sorted({d.college.departement.code for d in rows})
    frames, ests, missing, demo = [], [], [], any(d.is_demo for d in rows)
    for code in codes:
        wh = data.warehouse(code)
        if wh is None:
            missing.append(code)
            continue
        demo = demo or store.is_demo_folder(code)
        frames.append(wh.indicators)
        ests.append(wh.establishments)
    context = {
        "departements": Departement.objects.filter(code__in=codes).order_by("code"),
        "missing": Departement.objects.filter(code__in=missing).order_by("code"),
        "n_declared": len(rows),
        "no_logs": not frames,
        "demo": demo,
        **_base_context(request, chosen, reference),
    }
    if frames:
        context.update(
            _comparison_context(
                pd.concat(frames, ignore_index=True),
                pd.concat(ests, ignore_index=True),
                data.strategies_map(rows),
                chosen,
                reference,
            )
        )
    return render(request, "evaluation/national.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def pilots(request, code: str):
    departement = data.get_departement_for(request.user, code)
    can_edit = can_edit_evaluation(request.user, departement)
    form = None
    status = 200
    if can_edit:
        form = PilotForm(departement, request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if form.is_valid():
                pilot = services.create_pilot(departement, form.cleaned_data, request.user)
                messages.success(
                    request, "Pilote enregistré : voici sa comparaison avec des collèges semblables."
                )
                return redirect("evaluation:pilot", pk=pilot.pk)
            status = 400
    elif request.method == "POST":
        require(False, data.REFUSED_EDIT)
    items = data.visible_pilots(request.user, departement)
    return render(
        request,
        "evaluation/pilots.html",
        {
            "departement": departement,
            "pilots": [{"pilot": p, "start": month_words(p.start_month)} for p in items],
            "form": form,
            "can_edit": can_edit,
            "demo": any(p.is_demo for p in items),
        },
        status=status,
    )


@login_required
def pilot(request, pk: int):
    item = data.get_pilot_for(request.user, pk)
    departement = item.departement
    colleges = list(item.colleges.all().order_by("name"))
    wh = data.warehouse(departement.code)
    demo = item.is_demo or (wh is not None and store.is_demo_folder(departement.code))
    context = {
        "pilot": item,
        "departement": departement,
        "start": month_words(item.start_month),
        "colleges": [c for c in colleges if can_view_college_evaluation(request.user, c)],
        "n_colleges": len(colleges),
        "own_only": is_school_head(request.user),
        "no_logs": wh is None,
        "no_logs_text": NO_LOGS,
        "demo": demo,
        "action": item.action if item.action and _reads_plan(request.user, item.action) else None,
    }
    if wh is not None:
        spec = PilotSpec(tuple(c.uai for c in colleges), item.start_month, tuple(item.indicator_pairs))
        matching, results = evaluate(wh.indicators, wh.establishments, spec)
        by_uai = {c.uai: c for c in College.objects.filter(departement=departement)}
        names = {u: c.name for u, c in by_uai.items()}

        def visible(uai: str) -> bool:
            college = by_uai.get(uai)
            return college is not None and can_view_college_evaluation(request.user, college)

        context.update(
            {
                "method": matching.method,
                "pairs": presenters.matching_rows(matching, names, visible),
                "reused": matching.reused,
                "unmatched": [(names.get(u, u), why) for u, why in matching.unmatched.items() if visible(u)],
                "results": [
                    {
                        "label": full_label(r.indicator, r.profile),
                        "sentences": r.sentences,
                        "charts": presenters.did_charts(r, demo=demo, prefix=f"p{item.pk}-{n}"),
                        "months": presenters.month_rows(r),
                        "overall": presenters.interval_text(r.indicator, r.overall),
                        "gap_before": presenters.interval_text(r.indicator, r.gap_before),
                        "placebo": presenters.interval_text(r.indicator, r.placebo),
                        "placebo_ok": r.placebo is None or r.placebo.covers_zero,
                        "n_pilots": r.n_pilots,
                        "n_matched": r.n_matched,
                    }
                    for n, r in enumerate(results)
                ],
            }
        )
    return render(request, "evaluation/pilot.html", context)


def _reads_plan(user, action) -> bool:
    from numeduc.web.accounts.permissions import can_view_plan

    return can_view_plan(user, action.plan)
