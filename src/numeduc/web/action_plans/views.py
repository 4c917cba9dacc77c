"""The plan pages: request → permission (data.get_*_for) → forms → services → redirect, or
presenters → template. Every write is a POST through ``services.py``; a refused value comes
back as a French message next to its field, with what was typed kept."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from numeduc.formatting import fr_number
from numeduc.web.accounts.permissions import (
    can_change_plan_consent,
    can_comment_action,
    can_create_plan,
    can_edit_plan,
    can_view_plans_overview,
    require,
    views_plan_as_shared,
)
from numeduc.web.demo_mark import built_on_demo

from . import data, followup, presenters, services
from .forms import ActionForm, CommentForm, PlanForm, StatusForm
from .models import Plan, PlannedAction

# The school years a new plan may be for: the current one, the last one (written late) and the
# next two (prepared ahead).
YEARS_BEFORE, YEARS_AFTER = 1, 2


@login_required
def departement(request, code: str):
    dep = data.get_departement_plans_for(request.user, code)
    plans = list(
        Plan.objects.filter(departement=dep).annotate(action_count=Count("actions")).order_by("-year")
    )
    return render(
        request,
        "action_plans/departement.html",
        {
            "departement": dep,
            "plans": plans,
            "can_create": can_create_plan(request.user, dep),
            "demo": built_on_demo(*plans),
        },
    )


def _plan_url(plan_or_pk, action: PlannedAction | None = None) -> str:
    pk = plan_or_pk.pk if isinstance(plan_or_pk, Plan) else plan_or_pk
    url = reverse("action_plans:plan", args=[pk])
    return f"{url}#action-{action.pk}" if action is not None else url


@login_required
def detail(request, pk: int):
    plan = data.get_plan_for(request.user, pk)
    pupils = data.plan_pupils(plan)
    rows = presenters.action_rows(plan)
    editable = can_edit_plan(request.user, plan)
    for row in rows:
        row["can_comment"] = can_comment_action(request.user, row["action"])
    measured = followup.plan_followup(plan, request.user)
    presenters.attach_followup(rows, measured)
    return render(
        request,
        "action_plans/plan.html",
        {
            "plan": plan,
            "departement": plan.departement,
            "rows": rows,
            "variants": presenters.variant_rows(plan, pupils),
            "pupils": fr_number(pupils) if pupils else None,
            "history": presenters.history_rows(plan),
            "shared_view": views_plan_as_shared(request.user, plan),
            "can_edit": editable,
            "can_share": can_change_plan_consent(request.user, plan),
            "catalogue": presenters.catalogue_choices(plan) if editable else [],
            "followup": measured,
            "followup_summary": presenters.followup_summary(measured),
            "caveat": followup.CAVEAT,
            "demo": built_on_demo(plan),
        },
    )


# -- a new plan ----------------------------------------------------------------------------


def _school_year_start(today: dt.date) -> int:
    return today.year if today.month >= 9 else today.year - 1


def _school_year_span(year: int) -> dict:
    """Where an action of the plan for ``year`` starts and ends unless told otherwise."""
    return {"starts_on": dt.date(year, 9, 1), "ends_on": dt.date(year + 1, 6, 30)}


@login_required
@require_http_methods(["GET", "POST"])
def create(request, code: str):
    dep = data.get_departement_plans_for(request.user, code, "edit")
    current = _school_year_start(timezone.localdate())
    taken = set(Plan.objects.filter(departement=dep).values_list("year", flat=True))
    years = [y for y in range(current - YEARS_BEFORE, current + YEARS_AFTER + 1) if y not in taken]
    campaigns = data.answered_campaigns(dep)
    # The suggestions come from the latest answered campaign, the default starting point.
    suggestions = data.suggestions_for(request.user, dep, campaigns[0] if campaigns else None)
    if request.method == "POST":
        form = PlanForm(request.POST, years=years, campaigns=campaigns, suggestions=suggestions)
        if form.is_valid():
            try:
                plan = _create_plan(request.user, dep, form.cleaned_data, campaigns)
            except services.PlanRefused as refusal:
                form.attach_refusal(refusal)
            else:
                chosen = len(form.cleaned_data["suggestions"])
                messages.success(
                    request,
                    f"Plan « {plan.title} » créé"
                    + (f" avec {chosen} action{'s' if chosen > 1 else ''} du catalogue." if chosen else "."),
                )
                return redirect(_plan_url(plan))
        status = 400
    else:
        default = current if current in years else (years or [current])[0]
        form = PlanForm(
            initial={
                "year": default,
                "title": f"Plan d'actions numérique {default}-{default + 1}",
                "baseline_campaign": str(campaigns[0].pk) if campaigns else "",
                "suggestions": [s.action.id for s in suggestions[:5]],
            },
            years=years,
            campaigns=campaigns,
            suggestions=suggestions,
        )
        status = 200
    return render(
        request,
        "action_plans/plan_form.html",
        {
            "departement": dep,
            "form": form,
            "years": years,
            "suggestions": [presenters.suggestion_row(s) for s in suggestions],
            "suggestions_campaign": campaigns[0] if campaigns else None,
        },
        status=status,
    )


def _create_plan(user, dep, values: dict, campaigns: list) -> Plan:
    """The plan and the chosen suggestions, in one transaction: a refused action leaves no plan."""
    baseline = next((c for c in campaigns if str(c.pk) == values["baseline_campaign"]), None)
    year = values["year"]
    with transaction.atomic():
        plan = services.create_plan(dep, year, values["title"], user, baseline_campaign=baseline)
        levels = data.baseline_levels(plan)
        for action_id in values["suggestions"]:
            fields = {
                **services.catalogue_defaults(action_id),
                "owner": values["owner"],
                **_school_year_span(year),
            }
            services.add_action(
                plan, fields, user, catalogue_id=action_id, baseline_level=levels.get(fields["factor"])
            )
    return plan


# -- actions -------------------------------------------------------------------------------


def _action_page(
    request, plan: Plan, form: ActionForm, action=None, *, status=200, conflict=False, catalogue_id=""
):
    return render(
        request,
        "action_plans/action_form.html",
        {
            "plan": plan,
            "departement": plan.departement,
            "form": form,
            "action": action,
            "conflict": conflict,
            "catalogue_id": catalogue_id,
            "catalogue_action": presenters.catalogue_summary(catalogue_id) if catalogue_id else None,
            "demo": built_on_demo(plan),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_action(request, pk: int):
    plan = data.get_plan_for(request.user, pk, "edit")
    catalogue_id = request.POST.get("catalogue_id") or request.GET.get("catalogue") or ""
    if catalogue_id and not presenters.in_catalogue(catalogue_id):
        messages.error(request, f"L'action « {catalogue_id[:40]} » n'est pas dans le catalogue.")
        return redirect(_plan_url(plan))
    if request.method == "POST":
        form = ActionForm(request.POST, plan=plan)
        fields = form.service_fields()
        if fields is not None:
            try:
                action = services.add_action(
                    plan,
                    fields,
                    request.user,
                    catalogue_id=catalogue_id,
                    baseline_level=data.baseline_levels(plan).get(fields["factor"]),
                )
            except services.PlanRefused as refusal:
                form.attach_refusal(refusal)
            else:
                messages.success(request, f"Action « {action.title} » ajoutée au plan.")
                return redirect(_plan_url(plan, action))
        return _action_page(request, plan, form, status=400, catalogue_id=catalogue_id)
    initial = {**_school_year_span(plan.year), "variant": "median"}
    if catalogue_id:
        initial.update(services.catalogue_defaults(catalogue_id))
    return _action_page(
        request,
        plan,
        ActionForm(initial=ActionForm.initial_from(initial), plan=plan),
        catalogue_id=catalogue_id,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_action(request, pk: int):
    action = data.get_action_for(request.user, pk, "edit")
    plan = action.plan
    if request.method == "POST":
        form = ActionForm(request.POST, plan=plan)
        fields = form.service_fields()
        if fields is not None:
            try:
                changed = services.update_action(
                    action, fields, request.user, version=form.cleaned_data.get("version")
                )
            except services.StaleVersion:
                # Two tabs (or two people) on one action: nothing is overwritten; the person
                # gets the values typed back beside a link to the stored version, and sends
                # them again on the current version if they are still right.
                current = PlannedAction.objects.get(pk=action.pk)
                data_again = request.POST.copy()
                data_again["version"] = current.version
                form = ActionForm(data_again, plan=plan)
                form.is_valid()
                return _action_page(request, plan, form, current, status=409, conflict=True)
            except services.PlanRefused as refusal:
                form.attach_refusal(refusal)
            else:
                if changed:
                    messages.success(request, f"Action « {fields['title']} » enregistrée.")
                else:
                    messages.info(request, "Aucune modification : l'action est inchangée.")
                return redirect(_plan_url(plan, action))
        return _action_page(request, plan, form, action, status=400)
    form = ActionForm(initial=ActionForm.initial_from(ActionForm.stored_values(action)), plan=plan)
    return _action_page(request, plan, form, action)


def _small_form_page(request, template: str, action: PlannedAction, form, status=200):
    return render(
        request,
        template,
        {
            "action": action,
            "plan": action.plan,
            "departement": action.plan.departement,
            "form": form,
            "demo": built_on_demo(action.plan),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_status(request, pk: int):
    action = data.get_action_for(request.user, pk, "edit")
    if request.method == "POST":
        form = StatusForm(request.POST)
        values = form.values()
        if values is not None:
            try:
                changed = services.set_status(
                    action, values["status"], values["note"], request.user, noted_on=values["noted_on"]
                )
            except services.PlanRefused as refusal:
                form.attach_refusal(refusal)
            else:
                if changed:
                    messages.success(
                        request,
                        f"Statut de « {action.title} » : {dict(PlannedAction.Status.choices)[values['status']]}.",
                    )
                elif values["note"]:
                    messages.success(request, f"Note ajoutée à « {action.title} ».")
                else:
                    messages.info(request, "Rien à enregistrer : même statut et pas de note.")
                return redirect(_plan_url(action.plan, action))
        return _small_form_page(request, "action_plans/status_form.html", action, form, status=400)
    form = StatusForm(initial={"status": action.status, "noted_on": timezone.localdate().isoformat()})
    return _small_form_page(request, "action_plans/status_form.html", action, form)


@login_required
@require_http_methods(["GET", "POST"])
def comment_action(request, pk: int):
    action = data.get_action_for(request.user, pk, "comment")
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.add_comment(action, form.cleaned_data["text"], request.user)
            except services.PlanRefused as refusal:
                form.attach_refusal(refusal)
            else:
                messages.success(request, f"Commentaire ajouté à « {action.title} ».")
                return redirect(_plan_url(action.plan, action))
        return _small_form_page(request, "action_plans/comment_form.html", action, form, status=400)
    return _small_form_page(request, "action_plans/comment_form.html", action, CommentForm())


@login_required
@require_http_methods(["GET", "POST"])
def delete_action(request, pk: int):
    action = data.get_action_for(request.user, pk, "edit")
    if request.method == "POST":
        services.delete_action(action, request.user)
        messages.success(request, f"Action « {action.title} » supprimée (l'historique la garde).")
        return redirect(_plan_url(action.plan))
    return _small_form_page(request, "action_plans/delete_action.html", action, None)


@login_required
@require_POST
def move_action(request, pk: int):
    action = data.get_action_for(request.user, pk, "edit")
    offset = {"haut": -1, "bas": 1}.get(request.POST.get("sens", ""))
    if offset is None:
        messages.error(request, "Sens de déplacement inconnu : « haut » ou « bas » attendu.")
    elif not services.move_action(action, offset, request.user):
        messages.info(request, "L'action est déjà à cette extrémité du plan.")
    return redirect(_plan_url(action.plan, action))


@login_required
@require_POST
def plan_consent(request, pk: int):
    plan = data.get_plan_for(request.user, pk, "consent")
    consent = request.POST.get("partage") == "oui"
    if services.set_plan_consent(plan, consent, request.user):
        messages.success(
            request,
            "Le plan est partagé avec les autres départements."
            if consent
            else "Le plan n'est plus partagé avec les autres départements.",
        )
    return redirect(_plan_url(plan))


# -- the coordinator's national view -------------------------------------------------------


@login_required
def national(request):
    """Which catalogue actions the départements plan and complete, and how the factors of those
    that completed them moved against the others (figures over fewer than five départements
    hidden); real and demonstration plans are never counted together."""
    require(
        can_view_plans_overview(request.user),
        "La vue nationale des plans d'actions est réservée à la coordination nationale.",
    )
    real_choices = followup.baseline_choices(demo=False)
    demo_choices = followup.baseline_choices(demo=True)
    asked = request.GET.get("donnees")
    demo = asked == "demo" if asked in ("demo", "reelles") else not real_choices and bool(demo_choices)
    choices = demo_choices if demo else real_choices
    baseline = None
    wanted = request.GET.get("campagne", "")
    if wanted.isdigit():
        baseline = next((c for c, _ in choices if str(c.pk) == wanted), None)
    if baseline is None and choices:
        baseline = choices[0][0]
    rows, plans = [], 0
    if baseline is not None:
        national_rows = followup.national_rows(baseline, demo=demo)
        plans = national_rows.plans
        rows = presenters.overview_rows(followup.overview(national_rows))
    return render(
        request,
        "action_plans/national.html",
        {
            "demo": demo,
            "has_real": bool(real_choices),
            "has_demo": bool(demo_choices),
            "choices": [{"campaign": c, "plans": n, "selected": c == baseline} for c, n in choices],
            "baseline": baseline,
            "plans": plans,
            "rows": rows,
            "shown": sum(1 for r in rows if not r["hidden"]),
            "caveat": followup.CAVEAT,
        },
    )
