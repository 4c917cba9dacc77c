"""Home page (one dashboard per role) and the sources page."""

from __future__ import annotations

from django.http import HttpResponseServerError
from django.shortcuts import render

from numeduc import reference
from numeduc.web.accounts.permissions import is_dan, is_departement_user, sees_every_departement
from numeduc.web.surveys.data import completion
from numeduc.web.surveys.models import Campaign, Response


def home(request):
    user = request.user
    context: dict = {}
    if not user.is_authenticated:
        return render(request, "home.html", context)
    if sees_every_departement(user):
        context["campaigns"] = [(c, completion(c)[0]) for c in Campaign.objects.all()]
    elif is_departement_user(user):
        campaigns = Campaign.objects.filter(target_departements=user.departement).exclude(
            status=Campaign.Status.DRAFT
        )
        responses = {r.campaign_id: r for r in Response.objects.filter(departement=user.departement)}
        context["rows"] = [(c, responses.get(c.pk)) for c in campaigns]
    elif is_dan(user):
        campaigns = Campaign.objects.exclude(status=Campaign.Status.DRAFT)
        context["dan_campaigns"] = [
            c
            for c in campaigns
            if c.audience == "dan" and c.target_academies.filter(pk=user.academie_id).exists()
        ]
        context["published"] = [c for c in campaigns if c.published and c.audience == "departement"]
        context["departements"] = user.academie.departements.all() if user.academie_id else []
    return render(request, "home.html", context)


def sources(request):
    datasets = {name: reference.column_info(name) for name in ("departements", "academies", "colleges")}
    return render(request, "sources.html", {"datasets": datasets})


def server_error(request):
    """French 500 page with the request's id (the same id as in the log), rendered without the
    context processors or the database, which may be what failed."""
    from django.template import loader

    from .middleware import current_request_id

    request_id = getattr(request, "request_id", None) or current_request_id()
    html = loader.get_template("500.html").render({"request_id": request_id})
    return HttpResponseServerError(html)


def csrf_failure(request, reason: str = ""):
    """French page for a form sent without a valid CSRF token (expired page, cookies refused)."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
