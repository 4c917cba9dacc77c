"""The plan pages: request → permission (data.get_*_for) → presenters → template."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from numeduc.formatting import fr_number
from numeduc.web.accounts.permissions import views_plan_as_shared
from numeduc.web.demo_mark import built_on_demo

from . import data, presenters
from .models import Plan


@login_required
def departement(request, code: str):
    dep = data.get_departement_plans_for(request.user, code)
    plans = list(
        Plan.objects.filter(departement=dep).annotate(action_count=Count("actions")).order_by("-year")
    )
    return render(
        request,
        "action_plans/departement.html",
        {"departement": dep, "plans": plans, "demo": built_on_demo(*plans)},
    )


@login_required
def detail(request, pk: int):
    plan = data.get_plan_for(request.user, pk)
    pupils = data.plan_pupils(plan)
    return render(
        request,
        "action_plans/plan.html",
        {
            "plan": plan,
            "departement": plan.departement,
            "rows": presenters.action_rows(plan),
            "variants": presenters.variant_rows(plan, pupils),
            "pupils": fr_number(pupils) if pupils else None,
            "history": presenters.history_rows(plan),
            "shared_view": views_plan_as_shared(request.user, plan),
            "demo": built_on_demo(plan),
        },
    )
