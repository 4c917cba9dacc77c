"""Budget scenarios of a département: list, build, edit, compare, export (numeduc.budget)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from numeduc import budget
from numeduc.analysis.profile import MIN_GROUP
from numeduc.formatting import fr_date, fr_euro, fr_number, fr_percent
from numeduc.web import downloads
from numeduc.web.accounts.permissions import (
    can_edit_departement_budget,
    can_edit_scenario,
    check_rules,
    home_departement,
    require,
    sees_every_departement,
)
from numeduc.web.caching import cached, page_cached
from numeduc.web.demo_mark import built_on_demo
from numeduc.web.territories.models import Departement

from . import charts as planning_charts
from . import data, presenters
from .data import get_scenario_for
from .forms import ScenarioForm
from .models import Scenario

MIN_COMPARED = 2  # one scenario alone is its own page
MAX_COMPARED = 4


def fr_value(value: Decimal) -> str:
    """A parameter value in French, with as many decimals as it has (at most 4)."""
    exponent = value.normalize().as_tuple().exponent
    decimals = min(4, max(0, -exponent)) if isinstance(exponent, int) else 0
    return fr_number(float(value), decimals)


def _money_rows(result: data.ScenarioResult) -> list[dict]:
    """Mean yearly amount of each budget family, with its share of the total."""
    means = result.mean_by_family()
    total = float(result.total_per_year) or 1.0
    return [
        {
            "label": budget.FAMILIES[f],
            "amount": fr_euro(float(means[f])),
            "per_pupil": fr_euro(float(means[f]) / result.pupils) if result.pupils else "—",
            "share": fr_percent(100 * float(means[f]) / total),
        }
        for f in budget.FAMILIES
        if f in means and means[f] != 0
    ]


def _summary(result: data.ScenarioResult, index: int = 0) -> dict:
    s = result.scenario
    return {
        "scenario": s,
        "letter": chr(65 + index),
        "result": result,
        "total": fr_euro(float(result.total_per_year)),
        "per_pupil": fr_euro(float(result.per_pupil_per_year)),
        "tco": fr_euro(float(result.tco)),
        "pupils": fr_number(result.pupils),
        "n_colleges": fr_number(result.n_colleges),
        "strategy": budget.STRATEGIES[result.engine.strategy],
        "mode": budget.MODES[result.engine.mode],
        "horizon": result.engine.horizon,
        "families": _money_rows(result),
    }


def _bandwidth_context(result: data.ScenarioResult) -> dict:
    table = result.bandwidth()
    below = data.below_target(result)
    known = result.scenario.current_mbps is not None
    rows = [
        {
            "name": r["name"],
            "uai": r["uai"],
            "pupils": fr_number(r["pupils"]),
            "users": fr_number(r["users"]),
            "baseline": fr_number(r["baseline_mbps"], 0),
            "target": fr_number(r["target_mbps"], 0),
            "current": fr_number(r["current_mbps"], 0) if known else "—",
            "gap": fr_number(r["gap_target_mbps"], 0) if known else "—",
            "gap_baseline": fr_number(r["gap_baseline_mbps"], 0) if known else "—",
            "access_points": fr_number(r["access_points"]),
        }
        for _, r in below.iterrows()
    ]
    return {
        "known": known,
        "n_total": len(table),
        "n_below": len(below),
        "rows": rows,
        "n_below_baseline": int((table["gap_baseline_mbps"] > 0).sum()) if known and len(table) else 0,
        "current": fr_number(result.scenario.current_mbps, 0) if known else None,
        "total_gap": fr_number(float(below["gap_target_mbps"].sum()), 0) if len(below) else "0",
    }


def _tornado(result: data.ScenarioResult, demo: bool) -> dict:
    # tornado_bars answers no bar (never raises) when the mean collège leaves the bounds.
    bars, pupils = data.tornado_bars(result)
    if not bars:
        return {}
    return {
        "chart": planning_charts.tornado_chart(result, bars, pupils, demo=demo),
        "pupils": fr_number(pupils) if pupils else None,
    }


@login_required
def index(request):
    user = request.user
    if (own := home_departement(user)) is not None:
        return redirect("planning:departement", code=own.code)
    require(sees_every_departement(user), data.REFUSED_ALL)
    code = request.GET.get("code", "")
    if code:
        # « Ouvrir la page budget d'un département » (a plain GET form: no script needed).
        return redirect("planning:departement", code=get_object_or_404(Departement, code=code).code)
    scenarios = Scenario.objects.select_related("departement").order_by("departement__code", "name")
    by_departement: dict = {}
    for s in scenarios:
        by_departement.setdefault(s.departement, []).append(s)
    return render(
        request,
        "planning/index.html",
        {
            "by_departement": by_departement,
            "departements": Departement.objects.all(),
        },
    )


# The measured fleet's section comes from the département's usage warehouse.
@page_cached(lambda request, code: data.fleet_version(code.strip().upper()))
@login_required
def departement(request, code: str):
    dep = data.get_departement_budget_for(request.user, code)
    scenarios = list(Scenario.objects.filter(departement=dep).order_by("-updated_at", "pk"))
    # The figures are cached under what they are computed from (data.cached_totals,
    # data.cached_positioning): a saved or edited scenario, a new answer show at once.
    colleges = data.colleges_version(dep) if any(s.is_departement_scope for s in scenarios) else None
    rows, results = [], []
    for s in scenarios:
        totals, problem = data.cached_totals(s, colleges)
        if problem is not None:
            rows.append({"scenario": s, "problem": problem})
            continue
        total, per_pupil = totals
        results.append((s, per_pupil))
        rows.append(
            {
                "scenario": s,
                "total": fr_euro(float(total)),
                "per_pupil": fr_euro(float(per_pupil)),
                "scope": s.get_scope_display(),
                "strategy": budget.STRATEGIES[s.strategy],
                "updated": fr_date(s.updated_at),
            }
        )
    paper = budget.simulate(budget.load_preset(budget.WHITE_PAPER_PRESET))
    pos, pos_version = data.cached_positioning(dep)
    markers = []
    if pos.own_value is not None:
        markers.append((f"{dep.name}, budget déclaré ({pos.own_campaign.year})", pos.own_value))
    if pos.peer_median is not None:
        markers.append(
            (
                f"Médiane des départements comparables ({pos.peer_n} ayant déclaré leur budget)",
                pos.peer_median,
            )
        )
    for scenario, per_pupil in results[:2]:
        markers.append((f"Scénario « {scenario.name} »", float(per_pupil)))
    demo = built_on_demo(*scenarios, pos.campaign)
    fleet = _fleet_cash(request, dep)
    if (fleet_section := fleet["section"]) is not None:
        fleet["demo"] = built_on_demo(fleet["demo"], fleet_section.scenario)
        fleet["chart"] = planning_charts.fleet_renewal_bars(
            fleet_section, demo=fleet["demo"], name_of=dep.name_of
        )
        if fleet_section.scenario is not None:
            fleet["scenario_chart"] = planning_charts.fleet_scenario_bars(fleet_section, demo=fleet["demo"])
    position_chart = None
    if pos.campaign is not None:
        position_chart = mark_safe(
            cached(
                "budget-positioning-chart",
                (pos_version, markers, demo, dep.name),
                lambda: str(planning_charts.positioning_chart(pos, markers, demo=demo, name_of=dep.name_of)),
            )
        )
    bands = [
        {
            "label": label,
            "share": fr_percent(pos.shares[label]) if pos.campaign else "—",
            "paper": fr_percent(data.WHITE_PAPER_BUCKET_SHARES[label]),
        }
        for label, _, _ in data.BANDS
    ]
    return render(
        request,
        "planning/departement.html",
        {
            "departement": dep,
            "rows": rows,
            "can_edit": can_edit_departement_budget(request.user, dep),
            "presets": _preset_list(),
            "scopes": Scenario.Scope.choices,
            "min_compared": MIN_COMPARED,
            "max_compared": MAX_COMPARED,
            "paper_total": fr_euro(float(paper.total_per_year)),
            "paper_per_pupil": fr_euro(float(paper.per_pupil_per_year)),
            "paper_pupils": fr_number(int(paper.pupils)),
            "positioning": pos,
            "position_chart": position_chart,
            "bands": bands,
            "min_group": MIN_GROUP,
            "own_value": fr_euro(pos.own_value) if pos.own_value is not None else None,
            "own_band": data.band_of(pos.own_value) if pos.own_value is not None else None,
            "peer_median": fr_euro(pos.peer_median) if pos.peer_median is not None else None,
            "demo": demo or fleet["demo"],
            "fleet": fleet,
        },
    )


# -- the measured fleet's renewals in the cash view (docs/planning.md, docs/fleet.md) --------


def _choice(raw: str, allowed: list[int], default: int) -> int:
    """A whole number the plain GET form sends, if it is one of ``allowed``; else ``default``."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return value if value in allowed else default


def _fleet_cash(request, dep: Departement) -> dict:
    """The section « Renouvellement du parc mesuré (vue trésorerie) »: the measured fleet's
    forecast (cached per warehouse state), smoothed over ``?lissage=`` years, beside the cash
    scenario ``?scenario=`` (default: the latest updated) when the département has one."""
    from numeduc.usage import fleet as usage_fleet

    smoothing_choices = list(range(1, usage_fleet.MAX_SMOOTHING_YEARS + 1))
    smoothing = _choice(
        request.GET.get("lissage", ""), smoothing_choices, usage_fleet.DEFAULT_SMOOTHING_YEARS
    )
    cash = data.cash_scenarios(dep)
    usable = []
    for s in cash:
        engine, problem = data.engine_of(s)
        if problem is None:
            usable.append((s, engine))
    chosen_pk = _choice(
        request.GET.get("scenario", ""), [s.pk for s, _ in usable], usable[0][0].pk if usable else 0
    )
    scenario, engine = next(((s, e) for s, e in usable if s.pk == chosen_pk), (None, None))
    horizon = (
        min(int(engine.horizon), data.MAX_FLEET_HORIZON)
        if engine is not None
        else usage_fleet.DEFAULT_HORIZON
    )
    lifetimes, prices = data.fleet_parameters(engine)
    view = data.cached_cash_view(
        dep.code, smoothing_years=smoothing, horizon=horizon, lifetimes=lifetimes, prices=prices
    )
    amounts = data.cached_mobile_years(scenario) if scenario is not None and view is not None else None
    section = None
    if view is not None:
        section = presenters.fleet_cash_section(
            view,
            smoothing_years=smoothing,
            scenario=scenario if amounts is not None else None,
            scenario_amounts=amounts,
        )
    return {
        "section": section,
        "demo": view is not None and data.fleet_is_demo(dep.code),
        "smoothing_choices": smoothing_choices,
        "smoothing": smoothing,
        "cash_scenarios": [s for s, _ in usable],
        "college_cash": Scenario.objects.filter(
            departement=dep, mode="cash", scope=Scenario.Scope.COLLEGE
        ).exists(),
        "parameters": [
            {
                "label": usage_fleet.CLASS_LABELS[cls],
                "life": f"{fr_number(lifetimes[cls])} ans",
                "price": fr_euro(float(prices[cls]), 0),
            }
            for cls in usage_fleet.LIFETIME_PARAMETERS
        ],
        "from_scenario": scenario is not None,
        "warehouse": data.fleet_warehouse(dep.code),
    }


@login_required
def fleet_export(request, code: str):
    """CSV of the section « Renouvellement du parc mesuré » (same GET choices as the page)."""
    dep = data.get_departement_budget_for(request.user, code)
    fleet = _fleet_cash(request, dep)
    if fleet["section"] is None:
        return HttpResponse(
            "Aucun inventaire des équipements (MDM) n'est chargé pour ce département : rien à exporter.",
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    demo = built_on_demo(fleet["demo"], fleet["section"].scenario)
    name = downloads.dated_filename(f"renouvellement-parc-{dep.code}", "csv", demo=demo)
    frame = presenters.fleet_renewal_frame(fleet["section"])
    return downloads.table_response(request, name, presenters.FLEET_RENEWAL_TABLE, frame, demo=demo)


def _preset_list() -> list[dict]:
    out = []
    for name in budget.list_presets():
        preset = budget.load_preset(name)
        out.append({"name": name, "label": preset.label or name, "description": preset.description})
    return out


def _college_pupils(dep: Departement) -> tuple[int, ...]:
    """The pupils of the département's public collèges, for the form's scaled-equipment check."""
    pupils = data.colleges_frame(dep)["pupils"].dropna()
    return tuple(int(p) for p in pupils)


def version_of(scenario: Scenario) -> str:
    """What the edit form sends back to say which stored version it started from."""
    return scenario.updated_at.isoformat()


def _form_page(
    request,
    dep: Departement,
    form: ScenarioForm,
    scenario: Scenario | None,
    status: int = 200,
    problem: data.ScenarioProblem | None = None,
    conflict: bool = False,
):
    return render(
        request,
        "planning/form.html",
        {
            "departement": dep,
            "form": form,
            "scenario": scenario,
            "presets": _preset_list(),
            "problem": problem,
            "version": version_of(scenario) if scenario is not None else "",
            "conflict": conflict,
            "scopes": Scenario.Scope.choices,
            "n_colleges": dep.colleges.filter(public=True).count() or len(data.colleges_frame(dep)),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request, code: str):
    dep = data.get_departement_budget_for(request.user, code, "edit")
    base_name = request.POST.get("base_preset") or request.GET.get("base") or budget.WHITE_PAPER_PRESET
    if base_name not in budget.list_presets():
        base_name = budget.WHITE_PAPER_PRESET
    base = budget.load_preset(base_name)
    if request.method == "POST":
        form = ScenarioForm(request.POST, base=base, college_pupils=_college_pupils(dep))
        if form.is_valid():
            scenario = form.save(Scenario(departement=dep, created_by=request.user))
            scenario.save()
            messages.success(request, f"Scénario « {scenario.name} » enregistré.")
            return redirect("planning:scenario", pk=scenario.pk)
        return _form_page(request, dep, form, None, status=400)
    scope = request.GET.get("perimetre")
    scope = scope if scope in Scenario.Scope.values else Scenario.Scope.COLLEGE
    form = ScenarioForm(
        base=base,
        initial=ScenarioForm.initial_from(
            base, name=base.label or base_name, base_preset=base_name, scope=scope
        ),
    )
    return _form_page(request, dep, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    scenario = get_scenario_for(request.user, pk, "edit")
    engine, problem = data.engine_of(scenario)
    if request.method == "POST":
        base_name = (
            request.POST.get("base_preset")
            if request.POST.get("base_preset") in budget.list_presets()
            else scenario.base_preset
        )
        form = ScenarioForm(
            request.POST,
            base=budget.load_preset(base_name),
            college_pupils=_college_pupils(scenario.departement),
        )
        if form.is_valid():
            with transaction.atomic():
                # Two tabs (or two people) editing one scenario: the form carries the version it
                # was opened on; if the scenario changed since, nothing is overwritten and the
                # person gets the values typed back, to check and send again.
                # (A client that sends no version, e.g. a script, is not checked.)
                current = Scenario.objects.select_for_update().get(pk=scenario.pk)
                sent = request.POST.get("version")
                if sent is not None and sent != version_of(current):
                    return _form_page(request, scenario.departement, form, current, status=409, conflict=True)
                form.save(current).save()
            messages.success(request, f"Scénario « {current.name} » enregistré.")
            return redirect("planning:scenario", pk=current.pk)
        return _form_page(request, scenario.departement, form, scenario, status=400)
    if problem is not None:
        # A stored value a rule now refuses: the form is bound to the stored values so that it
        # points at every field to correct, with its bound.
        base_name = (
            scenario.base_preset
            if scenario.base_preset in budget.list_presets()
            else budget.WHITE_PAPER_PRESET
        )
        base = budget.load_preset(base_name)
        form = ScenarioForm(
            ScenarioForm.data_from_stored(scenario, base, base_name),
            base=base,
            college_pupils=_college_pupils(scenario.departement),
        )
        form.is_valid()
        return _form_page(request, scenario.departement, form, scenario, problem=problem)
    form = ScenarioForm(base=engine, initial=ScenarioForm.initial_from(engine, scenario))
    return _form_page(request, scenario.departement, form, scenario)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, pk: int):
    scenario = get_scenario_for(request.user, pk, "edit")
    if request.method == "POST":
        code, name = scenario.departement.code, scenario.name
        scenario.delete()
        messages.success(request, f"Scénario « {name} » supprimé.")
        return redirect("planning:departement", code=code)
    return render(request, "planning/delete.html", {"scenario": scenario})


@login_required
def detail(request, pk: int):
    scenario = get_scenario_for(request.user, pk)
    result, problem = data.try_run(scenario)
    if problem is not None:
        return _problem_page(request, [problem])
    demo = scenario.is_demo
    parameters = []
    for p in result.engine.parameters():
        changed = p.name in (scenario.parameters or {})
        parameters.append({"p": p, "value": fr_value(p.value), "changed": changed})
    lines = []
    if result.simulation is not None:
        lines = [
            {
                "label": line.label_fr,
                "family": budget.FAMILIES[line.family],
                "amount": fr_euro(float(line.amount)),
                "source": line.source,
            }
            for line in result.simulation.lines
        ]
    colleges = []
    buckets = []
    if result.departement is not None:
        frame = result.colleges.sort_values("per_pupil_per_year", ascending=False)
        colleges = [
            {
                "name": r["name"],
                "uai": r["uai"],
                "commune": r.get("commune_name", ""),
                "pupils": fr_number(r["pupils"]) + (" (estimé)" if r["pupils_estimated"] else ""),
                "total": fr_euro(r["total_per_year"]),
                "per_pupil": fr_euro(r["per_pupil_per_year"]),
                "bucket": r["bucket"],
            }
            for _, r in frame.iterrows()
        ]
        shares = result.departement.buckets()
        buckets = [
            {
                "label": label,
                "share": fr_percent(shares[label]),
                "paper": fr_percent(data.WHITE_PAPER_BUCKET_SHARES[label]),
            }
            for label, _, _ in data.BANDS
        ]
    return render(
        request,
        "planning/scenario.html",
        {
            "scenario": scenario,
            "s": _summary(result),
            "lines": lines,
            "parameters": parameters,
            "colleges": colleges,
            "buckets": buckets,
            "demo": demo,
            "bars": planning_charts.family_bars([result], per_pupil=False, demo=demo),
            "cumulative": planning_charts.cumulative_lines([result], demo=demo),
            "bandwidth": _bandwidth_context(result),
            "tornado": _tornado(result, demo),
            "can_edit": can_edit_scenario(request.user, scenario),
            "departement": scenario.departement,
        },
    )


def _problem_page(request, problems: list[data.ScenarioProblem], status: int = 200):
    """The scenarios that cannot be computed, why, and a link to correct them (no figure)."""
    rows = [{"problem": p, "can_edit": can_edit_scenario(request.user, p.scenario)} for p in problems]
    departements = {p.scenario.departement for p in problems}
    return render(
        request,
        "planning/invalid.html",
        {
            "rows": rows,
            "departement": departements.pop() if len(departements) == 1 else None,
        },
        status=status,
    )


def _bad_comparison(request, message: str, *, status: int = 400, scenarios=()):
    """A comparison that cannot be made, in the site's layout: why, how to choose, and the way
    back to the pages where scenarios are chosen (or to the scenarios named)."""
    own = home_departement(request.user)
    departements = {s.departement for s in scenarios}
    back = own or (departements.pop() if len(departements) == 1 else None)
    return render(
        request,
        "planning/bad_request.html",
        {
            "message": message,
            "back": back,
            "scenarios": scenarios,
            "min_compared": MIN_COMPARED,
            "max_compared": MAX_COMPARED,
        },
        status=status,
    )


@login_required
def export(request, pk: int, fmt: str):
    scenario = get_scenario_for(request.user, pk)
    result, problem = data.try_run(scenario)
    if problem is not None:
        # 409: the export exists but its scenario must be corrected first; the page says how.
        return _problem_page(request, [problem], status=409)
    stem = f"budget-{scenario.departement.code}-{scenario.name}"
    name = downloads.dated_filename(stem, fmt, demo=scenario.is_demo, fallback="scenario")
    if fmt == "csv":
        table, frame = presenters.scenario_csv(result)
        return downloads.table_response(request, name, table, frame, demo=scenario.is_demo)
    return downloads.workbook_response(name, presenters.scenario_sheets(result), demo=scenario.is_demo)


def _compared(request) -> list[Scenario] | HttpResponse:
    """The 2 to 4 scenarios named in the query (``?s=1&s=2``), each one the user may see; else
    the French page that says what is wrong (400, 404 for an id that names no scenario)."""
    raw_ids = request.GET.getlist("s")
    if len(raw_ids) > 10 * MAX_COMPARED:
        return _bad_comparison(
            request, f"On compare au plus {MAX_COMPARED} scénarios à la fois ({len(raw_ids)} demandés)."
        )
    ids = []
    for raw in raw_ids:
        text = raw.strip()
        # ASCII digits only: int() would also read « ١٢ », « 1_2 » or « +1 ».
        if not (text.isascii() and text.isdigit()):
            shown = raw if len(raw) <= 30 else raw[:29] + "…"
            return _bad_comparison(
                request,
                f"Identifiant de scénario invalide : « {shown} » (un nombre entier positif est attendu).",
            )
        digits = text.lstrip("0") or "0"
        if len(digits) > 19 or not 1 <= int(digits) <= data.MAX_ID:
            return _unknown_scenario(request, digits)
        ids.append(int(digits))
    ids = list(dict.fromkeys(ids))
    if not ids:
        return _bad_comparison(request, "Aucun scénario n'est coché : cochez ceux à comparer.")
    if len(ids) > MAX_COMPARED:
        return _bad_comparison(
            request, f"On compare au plus {MAX_COMPARED} scénarios à la fois ({len(ids)} cochés)."
        )
    found = {s.pk: s for s in Scenario.objects.select_related("departement").filter(pk__in=ids)}
    scenarios = []
    for pk in ids:
        if pk not in found:
            return _unknown_scenario(request, str(pk))
        check_rules(data.SCENARIO_RULES["view"], request.user, found[pk])
        scenarios.append(found[pk])
    if len(scenarios) < MIN_COMPARED:
        return _bad_comparison(
            request,
            f"Un seul scénario est coché : une comparaison en demande au moins {MIN_COMPARED}.",
            scenarios=scenarios,
        )
    return scenarios


def _unknown_scenario(request, shown: str) -> HttpResponse:
    shown = shown if len(shown) <= 30 else shown[:29] + "…"
    return _bad_comparison(
        request,
        f"Scénario introuvable : aucun scénario n'a le numéro {shown} (il a peut-être été supprimé).",
        status=404,
    )


@login_required
def compare(request):
    scenarios = _compared(request)
    if isinstance(scenarios, HttpResponse):
        return scenarios
    results, problems = _results(scenarios)
    if not results:
        return _problem_page(request, problems)
    scenarios = [r.scenario for r in results]
    demo = built_on_demo(*scenarios)
    # One collège next to a whole département: only amounts per pupil are comparable.
    mixed = len({s.scope for s in scenarios}) > 1
    summaries = [_summary(r, i) for i, r in enumerate(results)]
    families = [f for f in budget.FAMILIES if any(f in r.mean_by_family() for r in results)]
    family_rows = [
        {
            "label": budget.FAMILIES[f],
            "values": [fr_euro(float(r.mean_by_family().get(f, Decimal(0)))) for r in results],
        }
        for f in families
    ]
    query = "&".join(f"s={s.pk}" for s in scenarios)
    first = results[0]
    departements = sorted({s.departement for s in scenarios}, key=lambda d: d.code)
    return render(
        request,
        "planning/compare.html",
        {
            "summaries": summaries,
            "family_rows": family_rows,
            "demo": demo,
            "mixed": mixed,
            "query": query,
            "bars": planning_charts.family_bars(results, per_pupil=mixed, demo=demo),
            "per_pupil_chart": planning_charts.per_pupil_bars(results, demo=demo),
            "cumulative": planning_charts.cumulative_lines(results, demo=demo, per_pupil=mixed),
            "bandwidths": [{"s": summ, "b": _bandwidth_context(r)} for summ, r in zip(summaries, results)],
            "tornado": _tornado(first, demo),
            "first": summaries[0],
            "departement": departements[0] if len(departements) == 1 else None,
            "problems": [
                {"problem": p, "can_edit": can_edit_scenario(request.user, p.scenario)} for p in problems
            ],
        },
    )


def _results(
    scenarios: list[Scenario],
) -> tuple[list[data.ScenarioResult], list[data.ScenarioProblem]]:
    results, problems = [], []
    for s in scenarios:
        result, problem = data.try_run(s)
        if problem is not None:
            problems.append(problem)
        else:
            results.append(result)
    return results, problems


@login_required
def compare_export(request, fmt: str):
    scenarios = _compared(request)
    if isinstance(scenarios, HttpResponse):
        return scenarios
    results, problems = _results(scenarios)
    if problems:
        # An export without one of the chosen scenarios would look complete: refuse it and say why.
        return _problem_page(request, problems, status=409)
    demo = built_on_demo(*scenarios)
    name = downloads.dated_filename("comparaison-budgets", fmt, demo=demo, fallback="scenario")
    if fmt == "csv":
        frame = presenters.comparison_frame(results)
        return downloads.table_response(request, name, presenters.COMPARISON_TABLE, frame, demo=demo)
    return downloads.workbook_response(name, presenters.comparison_sheets(results), demo=demo)
