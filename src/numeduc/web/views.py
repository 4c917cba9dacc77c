"""Home page (one dashboard per role), the « Sources et méthodes » page and the help pages."""

from __future__ import annotations

from django.http import HttpResponseServerError
from django.shortcuts import render

from numeduc import glossary, reference
from numeduc.analysis.profile import MIN_GROUP
from numeduc.text import fr_join
from numeduc.web.accounts.permissions import (
    can_answer_campaign,
    can_view_departement_results,
    can_view_national_results,
    can_view_response,
    is_dan,
    is_departement_user,
    sees_every_departement,
)
from numeduc.web.caching import page_cached
from numeduc.web.surveys.data import completion
from numeduc.web.surveys.models import Campaign, Response


@page_cached()
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
        context.update(_dan_home(user))
    elif user.college_id:
        from numeduc.web.school_surveys.models import CollegeSurvey

        context["school_surveys"] = list(
            CollegeSurvey.objects.filter(college_id=user.college_id)
            .select_related("survey")
            .order_by("-survey__opens_on")
        )
    return render(request, "home.html", context)


def _dan_home(user) -> dict:
    """The DAN's home: its académie's own questionnaires (with the link that works today: answer,
    continue, or read the answer sent) and, per published self-diagnosis campaign, the results
    of its académie's départements that exist and that it may open.

    Each link is checked with the rule of the page it opens (``can_answer_campaign``,
    ``can_view_response``, ``can_view_departement_results``, ``can_view_national_results``), and
    a département is linked only once its response is submitted: the results page has nothing
    to show before (and nothing at all for a questionnaire without factors)."""
    campaigns = list(Campaign.objects.exclude(status=Campaign.Status.DRAFT).order_by("-year", "title"))
    own = (
        {r.campaign_id: r for r in Response.objects.filter(academie_id=user.academie_id)}
        if user.academie_id
        else {}
    )
    questionnaires = []
    for campaign in campaigns:
        if campaign.audience != "dan" or not campaign.target_academies.filter(pk=user.academie_id).exists():
            continue
        response = own.get(campaign.pk)
        questionnaires.append(
            {
                "campaign": campaign,
                "response": response if response is not None and can_view_response(user, response) else None,
                "can_start": response is None and can_answer_campaign(user, campaign),
                "can_continue": response is not None and campaign.is_open and not response.is_submitted,
            }
        )
    departements = list(user.academie.departements.order_by("code")) if user.academie_id else []
    results = []
    for campaign in campaigns:
        if not (campaign.published and campaign.audience == "departement"):
            continue
        if not campaign.questionnaire.factor_items():
            continue  # no per-département results page for this questionnaire
        submitted = set(
            Response.objects.filter(
                campaign=campaign, departement__in=departements, status=Response.Status.SUBMITTED
            ).values_list("departement_id", flat=True)
        )
        readable = [
            d for d in departements if d.pk in submitted and can_view_departement_results(user, d, campaign)
        ]
        missing = [d.name for d in departements if d.pk not in submitted]
        results.append(
            {
                "campaign": campaign,
                "departements": readable,
                "missing": fr_join(missing),
                "missing_count": len(missing),
                "national": can_view_national_results(user, campaign),
            }
        )
    return {"dan_questionnaires": questionnaires, "dan_results": results}


def sources(request):
    """« Sources et méthodes »: each figure in plain French with its publisher, year and
    licence; the data dictionary of the reference files stays below, folded, for analysts."""
    datasets = {name: reference.column_info(name) for name in ("departements", "academies", "colleges")}
    return render(request, "sources.html", {"datasets": datasets, "min_group": MIN_GROUP})


def help_index(request):
    """« Aide »: what each role does here, and where to read the words and the sources."""
    return render(request, "help/index.html", {"min_group": MIN_GROUP})


def glossary_page(request):
    """« Glossaire »: every term the ``{% terme %}`` tag explains, by theme."""
    entries = glossary.glossary()
    categories = [
        (label, [{"entry": e, "see": [entries[key] for key in e.see]} for e in category_entries])
        for label, category_entries in glossary.by_category()
    ]
    return render(request, "help/glossary.html", {"categories": categories})


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
