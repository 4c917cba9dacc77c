"""The catalogue's pages: the list with its filters, a resource's page (description, cost, where
used, feedback, measured use), the curators' form and a département's feedback form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from numeduc.web.accounts.permissions import can_curate_resources, can_give_feedback, home_departement
from numeduc.web.demo_mark import built_on_demo
from numeduc.web.territories.models import Departement

from . import data, presenters
from .forms import FeedbackForm, ResourceForm
from .models import Feedback, Resource


@login_required
def index(request):
    queryset = data.visible_resources(request.user)
    kind = request.GET.get("type", "")
    code = request.GET.get("departement", "")[:3]
    recommended = request.GET.get("recommande", "") == "1"
    if kind in Resource.Kind.values:
        queryset = queryset.filter(kind=kind)
    else:
        kind = ""
    departement = Departement.objects.filter(code=code).first() if code else None
    if departement is not None:
        used = Resource.objects.filter(Q(departements=departement) | Q(feedbacks__departement=departement))
        queryset = queryset.filter(pk__in=used.values("pk"))
    queryset = data.with_aggregates(queryset)
    if recommended:
        queryset = queryset.filter(recommend_yes__gt=0)
    resources = list(queryset.order_by("title", "pk"))
    return render(
        request,
        "resources/index.html",
        {
            "resources": resources,
            "kinds": Resource.Kind.choices,
            "kind": kind,
            "departements": Departement.objects.order_by("code"),
            "departement": departement,
            "recommended": recommended,
            "can_curate": can_curate_resources(request.user),
            "demo": built_on_demo(*resources),
        },
    )


@login_required
def detail(request, pk: int):
    resource = data.get_resource_for(request.user, pk)
    feedbacks = list(resource.feedbacks.select_related("departement").order_by("departement__code"))
    home = home_departement(request.user)
    use = presenters.use_page(resource)
    return render(
        request,
        "resources/detail.html",
        {
            "resource": resource,
            "departements": resource.departements.order_by("code"),
            "colleges": resource.colleges.select_related("departement").order_by("departement__code", "name"),
            "feedbacks": feedbacks,
            "use": use,
            "can_curate": can_curate_resources(request.user),
            "can_feedback": home is not None and can_give_feedback(request.user, home),
            "own_feedback": next(
                (f for f in feedbacks if home is not None and f.departement_id == home.pk), None
            ),
            "demo": built_on_demo(resource, *feedbacks, bool(use and use["demo"])),
            "linked_actions": _action_titles(resource.actions),
        },
    )


def _action_titles(ids) -> list[str]:
    from numeduc.actions import load_catalogue

    titles = {a.id: a.title for a in load_catalogue()}
    return [titles.get(i, i) for i in ids or []]


def _save_resource(resource: Resource, form: ResourceForm, user) -> Resource:
    values = form.cleaned_data
    with transaction.atomic():
        for name in (
            "kind",
            "title",
            "description",
            "cost_model",
            "yearly_cost_per_pupil",
            "url",
            "ent_module",
        ):
            value = values[name]
            setattr(resource, name, value.strip() if isinstance(value, str) else value)
        resource.published = values["published"]
        resource.actions = list(values.get("actions") or [])
        resource.curated_by = user
        resource.updated_at = timezone.now()
        if resource.pk is None:
            resource.created_by = user
        resource.save()
        resource.departements.set(values["departements"])
        resource.colleges.set(values["colleges"])
    return resource


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    if not can_curate_resources(request.user):
        raise PermissionDenied(data.REFUSED_CURATE)
    form = ResourceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        resource = _save_resource(Resource(), form, request.user)
        messages.success(request, "Fiche enregistrée dans le catalogue.")
        return redirect("resources:detail", pk=resource.pk)
    return render(
        request,
        "resources/resource_form.html",
        {"form": form, "resource": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    resource = data.get_resource_for(request.user, pk, "edit")
    form = ResourceForm(
        request.POST if request.method == "POST" else None,
        initial=None if request.method == "POST" else ResourceForm.initial_for(resource),
    )
    if request.method == "POST" and form.is_valid():
        _save_resource(resource, form, request.user)
        messages.success(request, "Fiche mise à jour.")
        return redirect("resources:detail", pk=resource.pk)
    return render(
        request,
        "resources/resource_form.html",
        {"form": form, "resource": resource, "demo": resource.is_demo},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request, pk: int):
    resource = data.get_resource_for(request.user, pk)
    home = home_departement(request.user)
    if home is None:
        raise PermissionDenied(data.REFUSED_FEEDBACK)
    departement = data.get_departement_for(request.user, home.code)
    existing = Feedback.objects.filter(resource=resource, departement=departement).first()
    initial = None
    if existing is not None and request.method != "POST":
        initial = {name: getattr(existing, name) for name in data.FEEDBACK_FIELDS}
    form = FeedbackForm(
        data.max_colleges(departement), request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data.save_feedback(resource, departement, form.cleaned_data, request.user)
        messages.success(request, f"Retour d'expérience {departement.name_of} enregistré.")
        return redirect("resources:detail", pk=resource.pk)
    return render(
        request,
        "resources/feedback_form.html",
        {
            "form": form,
            "resource": resource,
            "departement": departement,
            "existing": existing,
            "demo": built_on_demo(resource, existing),
        },
        status=400 if request.method == "POST" else 200,
    )
