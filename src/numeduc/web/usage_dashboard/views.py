"""Usage dashboards: a département's collèges, one collège's page, CSV exports."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from numeduc.web import downloads
from numeduc.web.accounts.permissions import (
    can_edit_scenario,
    can_view_scenario,
    can_view_usage_departement,
    home_departement,
    is_school_head,
    require,
    sees_every_departement,
)
from numeduc.web.caching import page_cached
from numeduc.web.territories.models import Departement

from . import presenters, store
from .data import (
    demo_note,
    get_college_for,
    get_departement_for,
    is_demo,
    reference_college,
    reference_colleges,
)
from .labels import INDICATOR_LABELS, KEY_INDICATORS, full_label, key_of, label_for, month_label, parse_key
from .models import UsageWarehouse


def _params(request, data):
    indicator, profile = parse_key(request.GET.get("indicateur", ""))
    return presenters.resolve(data, request.GET.get("mois"), indicator or None, profile)


def _months(data):
    return [{"value": m, "label": month_label(m)} for m in data.months]


def _csv_response(request, table, frame, stem: str, demo: bool) -> HttpResponse:
    name = downloads.dated_filename(stem, "csv", demo=demo)
    return downloads.table_response(request, name, table, frame, demo=demo)


@login_required
def index(request):
    user = request.user
    if is_school_head(user):
        require(user.college_id is not None, "Aucun collège n'est rattaché à votre compte.")
        return redirect("usage_dashboard:college", uai=user.college.uai)
    if (own := home_departement(user)) is not None:
        return redirect("usage_dashboard:departement", code=own.code)
    require(sees_every_departement(user), "Les tableaux de bord des usages ne vous sont pas accessibles.")
    root = store.warehouse_root()
    codes = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    departements = Departement.objects.filter(code__in=[c for c in codes if store.has_warehouse(c)])
    demo_codes = set(UsageWarehouse.objects.filter(is_demo=True).values_list("departement__code", flat=True))
    demo_codes |= {d.code for d in departements if store.is_demo_folder(d.code)}
    return render(
        request,
        "usage_dashboard/index.html",
        {
            "rows": [{"d": d, "demo": d.code in demo_codes} for d in departements],
            "root": root,
        },
    )


def _departement_data(request, code: str):
    """The département (after the permission check), its cached indicators and its demo flag."""
    dep = get_departement_for(request.user, code)
    return dep, store.load(dep.code), is_demo(dep)


@page_cached(lambda request, code: store.warehouse_state(code))
@login_required
def departement(request, code: str):
    dep, data, demo = _departement_data(request, code)
    if data is None or not data.months:
        return render(
            request,
            "usage_dashboard/empty.html",
            {"departement": dep, "demo": demo, "path": store.warehouse_path(dep.code)},
        )
    month, indicator, profile = _params(request, data)
    refs = reference_colleges(dep)
    loaded = presenters.loaded_pupils(data)
    rows = presenters.with_reference_pupils(
        presenters.college_rows(data, month, indicator, profile), refs, loaded
    )
    watch_rows, other_rows = presenters.watch_first(rows)
    college_map = presenters.college_map(
        data, rows, refs, indicator, profile, month, departement_code=dep.code, demo=demo
    )
    chart_html = presenters.memo(
        data,
        ("departement-chart", indicator, profile, dep.name, demo),
        lambda: (
            # beside the overview table: readable down to 400 px before it scrolls sideways
            chart.figure_html(min_width=400)
            if (
                chart := presenters.series_chart(
                    data, indicator, profile, departement_name=dep.name, departement_of=dep.name_of, demo=demo
                )
            )
            else ""
        ),
    )
    fallbacks = sorted({r["fallback_reason"] for r in rows if r["fallback"]})
    cost = presenters.with_reference_cost_pupils(
        presenters.cost_section(data, presenters.cost_basis(dep, request.user)), refs, loaded
    )
    return render(
        request,
        "usage_dashboard/departement.html",
        {
            "departement": dep,
            "demo": demo,
            "demo_note": demo_note(dep),
            "month": month,
            "month_label": month_label(month),
            "months": _months(data),
            "choices": presenters.choices(data),
            "selected": key_of(indicator, profile),
            "indicator_label": full_label(indicator, profile),
            "info": label_for(indicator),
            "rows": rows,
            "watch_rows": watch_rows,
            "other_rows": other_rows,
            "pupils_heading": presenters.pupils_heading(refs),
            "map_svg": mark_safe(college_map.svg),
            "map_table": mark_safe(college_map.table.to_html(css_class="nc-chart-table usage-map-table")),
            "overview": presenters.overview(data, month),
            "chart": mark_safe(chart_html),
            "fallbacks": fallbacks,
            "computed_at": dt.datetime.fromtimestamp(data.computed_at),
            "definitions": [
                (label_for(i).label, label_for(i).explanation)
                for i in dict.fromkeys(i for i, _ in KEY_INDICATORS)
            ],
            "all_definitions": sorted((v.label, v.explanation) for v in INDICATOR_LABELS.values()),
            "cost": cost,
            "cost_scenario_visible": cost["basis"].planning_scenario is not None
            and can_view_scenario(request.user, cost["basis"].planning_scenario),
            "cost_problem_editable": cost["basis"].problem_scenario is not None
            and can_edit_scenario(request.user, cost["basis"].problem_scenario),
        },
    )


def _no_logs() -> HttpResponse:
    return HttpResponse(
        "Aucun journal d'usage chargé pour ce département.",
        status=404,
        content_type="text/plain; charset=utf-8",
    )


@login_required
def departement_cost_export(request, code: str):
    """The « Coût par élève actif » table as CSV (same permission and data as the page)."""
    dep, data, demo = _departement_data(request, code)
    if data is None or not data.months:
        return _no_logs()
    basis = presenters.cost_basis(dep, request.user)
    frame = presenters.cost_export_frame(data, basis)
    return _csv_response(
        request, presenters.COST_EXPORT_TABLE, frame, f"cout-par-eleve-actif-{dep.code}", demo
    )


@login_required
def departement_export(request, code: str):
    dep, data, demo = _departement_data(request, code)
    if data is None or not data.months:
        return _no_logs()
    month, indicator, profile = _params(request, data)
    frame = presenters.export_frame(data, month, indicator=indicator, profile=profile)
    stem = f"usages-{dep.code}-{month}-{indicator}-{profile}"
    return _csv_response(request, presenters.DASHBOARD_TABLE, frame, stem, demo)


@login_required
def college(request, uai: str):
    college = get_college_for(request.user, uai)
    dep = college.departement
    data = store.load(dep.code)
    demo = is_demo(dep)
    if data is None or not data.months or uai not in set(data.indicators["uai"]):
        return render(
            request,
            "usage_dashboard/empty.html",
            {"departement": dep, "college": college, "demo": demo, "path": store.warehouse_path(dep.code)},
        )
    month, indicator, profile = _params(request, data)
    key_rows, other_rows = presenters.college_indicator_rows(data, month, uai)
    chart = presenters.series_chart(data, indicator, profile, uai=uai, college_name=college.name, demo=demo)
    pupils = presenters.pupils_view(reference_college(college), presenters.loaded_pupils(data).get(uai))
    group = next((r for r in key_rows + other_rows), None)
    return render(
        request,
        "usage_dashboard/college.html",
        {
            "college": college,
            "departement": dep,
            "demo": demo,
            "demo_note": demo_note(dep),
            "month": month,
            "month_label": month_label(month),
            "months": _months(data),
            "choices": presenters.choices(data),
            "selected": key_of(indicator, profile),
            "indicator_label": full_label(indicator, profile),
            "info": label_for(indicator),
            "key_rows": key_rows,
            "other_rows": other_rows,
            "chart": mark_safe(chart.figure_html()) if chart else "",
            "pupils": pupils,
            "group_row": group,
            "can_see_departement": can_view_usage_departement(request.user, dep),
            "fleet_rows": presenters.fleet_rows(data, uai),
            "bandwidth_rows": presenters.bandwidth_rows(data, uai),
        },
    )


@login_required
def college_export(request, uai: str):
    college = get_college_for(request.user, uai)
    dep = college.departement
    data = store.load(dep.code)
    demo = is_demo(dep)
    if data is None or not data.months or uai not in set(data.indicators["uai"]):
        return HttpResponse(
            "Aucun journal d'usage chargé pour ce collège.",
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    month, _, _ = _params(request, data)
    frame = presenters.export_frame(data, month, uai=uai)
    return _csv_response(request, presenters.DASHBOARD_TABLE, frame, f"usages-{uai}-{month}", demo)


# --- fleet and bandwidth (docs/fleet.md) ---------------------------------------------------------


def _empty(request, dep, demo):
    return render(
        request,
        "usage_dashboard/empty.html",
        {"departement": dep, "demo": demo, "path": store.warehouse_path(dep.code)},
    )


@login_required
def fleet(request, code: str):
    dep, data, demo = _departement_data(request, code)
    if data is None or not data.months:
        return _empty(request, dep, demo)
    f = presenters.fleet_data(data)
    age = presenters.age_chart(data, title_who=dep.name, demo=demo)
    renewal = presenters.renewal_chart(data, demo=demo)
    rows = presenters.fleet_rows(data)
    snaps = [s for s in f.table["snapshot_date"] if s is not None]
    return render(
        request,
        "usage_dashboard/fleet.html",
        {
            "departement": dep,
            "demo": demo,
            "demo_note": demo_note(dep),
            "has_devices": bool(len(f.devices)),
            "rows": [r for r in rows if not r["total"]],
            "total": next((r for r in rows if r["total"]), None),
            "age_chart": mark_safe(age.figure_html()) if age else "",
            "renewal_chart": mark_safe(renewal.figure_html()) if renewal else "",
            "plan_rows": presenters.plan_rows(data),
            "plan": f.plan,
            "carried_devices": f.plan.attrs.get("carried_devices", 0),
            "carried_eur": presenters.fr_value(f.plan.attrs.get("carried_eur", 0), 0, " €"),
            "smoothing_years": f.plan.attrs.get("smoothing_years"),
            "unknown_age": f.unknown_age,
            "snapshot_date": max(snaps) if snaps else None,
            "lifetimes": presenters.fleet_parameters(),
            "computed_at": dt.datetime.fromtimestamp(data.computed_at),
        },
    )


@login_required
def fleet_export(request, code: str):
    dep, data, demo = _departement_data(request, code)
    if data is None or not data.months:
        return _no_logs()
    frame = presenters.fleet_export_frame(data)
    return _csv_response(request, presenters.FLEET_TABLE, frame, f"parc-{dep.code}", demo)


@login_required
def bandwidth(request, code: str):
    dep, data, demo = _departement_data(request, code)
    if data is None or not data.months:
        return _empty(request, dep, demo)
    rows = presenters.bandwidth_rows(data)
    bw_map = presenters.bandwidth_map(data, reference_colleges(dep), departement_code=dep.code, demo=demo)
    from numeduc.usage.bandwidth import LADDER, ladder_counts

    return render(
        request,
        "usage_dashboard/bandwidth.html",
        {
            "departement": dep,
            "demo": demo,
            "demo_note": demo_note(dep),
            "rows": rows,
            "upgrade_rows": [r for r in rows if r["to_upgrade"]],
            "ladder": ladder_counts(presenters.bandwidth_data(data)),
            "ladder_size": len(LADDER),
            "map_svg": mark_safe(bw_map.svg),
            "map_table": mark_safe(bw_map.table.to_html(css_class="nc-chart-table usage-map-table")),
            "computed_at": dt.datetime.fromtimestamp(data.computed_at),
        },
    )


@login_required
def bandwidth_export(request, code: str):
    dep, data, demo = _departement_data(request, code)
    if data is None or not data.months:
        return _no_logs()
    frame = presenters.bandwidth_export_frame(data)
    return _csv_response(request, presenters.BANDWIDTH_TABLE, frame, f"debit-{dep.code}", demo)
