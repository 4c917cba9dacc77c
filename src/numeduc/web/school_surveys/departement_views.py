"""The département's side of the school surveys: its surveys and the form to open one, a survey's
results (roll-ups that may be shown, declared beside measured) and its export, and the joint
evaluation group with the académie (the DAN let in, the indicators followed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from numeduc.web.accounts.permissions import (
    can_edit_shared_indicators,
    can_grant_evaluation_access,
    can_manage_college_survey,
    can_open_school_survey,
    home_departement,
    is_dan,
    sees_every_departement,
)
from numeduc.web.downloads import dated_filename, table_response
from numeduc.web.territories.models import Departement

from . import data, evaluation, presenters, services
from .forms import GrantForm, IndicatorForm, OpenSurveyForm
from .models import EvaluationAccess, SchoolSurvey


@login_required
def index(request):
    """Where each role finds the surveys: a département's staff go to theirs; the coordinator and
    the DAN see the départements they may read."""
    user = request.user
    home = home_departement(user)
    if home is not None:
        return redirect("school_surveys:departement", code=home.code)
    if sees_every_departement(user):
        departements = Departement.objects.all()
    elif is_dan(user):
        departements = Departement.objects.filter(
            evaluation_group__accesses__user=user, evaluation_group__accesses__revoked_at__isnull=True
        )
    else:
        raise PermissionDenied(data.REFUSED_VIEW)
    rows = list(
        departements.annotate(surveys_count=Count("school_surveys", distinct=True))
        .order_by("code")
        .distinct()
    )
    return render(
        request,
        "school_surveys/index.html",
        {"departements": rows, "coordinator": sees_every_departement(user)},
    )


def _surveys(departement):
    return list(
        SchoolSurvey.objects.filter(departement=departement)
        .annotate(colleges_count=Count("colleges", distinct=True), answers=Count("colleges__submissions"))
        .order_by("-opens_on", "-pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def departement(request, code: str):
    """The département's surveys, and (for its editors and the coordinator) the form to open one."""
    dep = data.get_departement_for(request.user, code)
    can_open = can_open_school_survey(request.user, dep)
    form = OpenSurveyForm(dep, request.POST if request.method == "POST" else None) if can_open else None
    if request.method == "POST":
        data.get_departement_for(request.user, code, "open")
        assert form is not None
        if form.is_valid():
            try:
                survey = services.open_survey(
                    form.cleaned_data["questionnaire"],
                    dep,
                    request.user,
                    uais=[c.uai for c in form.cleaned_data["colleges"]] or None,
                    opens_on=form.cleaned_data["opens_on"],
                    closes_on=form.cleaned_data["closes_on"],
                    title=form.cleaned_data["title"].strip(),
                )
            except services.SurveyRefused as exc:
                form.add_error(None, str(exc))
            else:
                n = survey.colleges.count()
                messages.success(
                    request,
                    f"Enquête ouverte pour {n} collège{'s' if n > 1 else ''} : chaque chef d'établissement "
                    "trouve son lien et son affiche sur sa page d'accueil.",
                )
                return redirect("school_surveys:survey", pk=survey.pk)
    surveys = _surveys(dep)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "school_surveys/departement.html",
        {
            "departement": dep,
            "surveys": [{"survey": s, "audience": presenters.audience_label(s.audience)} for s in surveys],
            "form": form,
            "demo": any(s.is_demo for s in surveys),
            "can_grant": can_grant_evaluation_access(request.user, dep),
        },
        status=status,
    )


@login_required
def survey(request, pk: int):
    """One survey's results: what may be shown at each level, the département's distribution,
    declared beside measured for the département and each collège."""
    school_survey = data.get_survey_for(request.user, pk)
    page = presenters.survey_page(school_survey, request.GET.get("comparaison"))
    for row in page["colleges"]:
        row["manageable"] = can_manage_college_survey(request.user, row["link"])
    return render(
        request,
        "school_surveys/survey.html",
        {
            "survey": school_survey,
            "departement": school_survey.departement,
            "audience": presenters.audience_label(school_survey.audience),
            **page,
        },
    )


@login_required
def survey_export(request, pk: int):
    school_survey = data.get_survey_for(request.user, pk)
    frame = presenters.results_frame(school_survey)
    name = dated_filename(
        f"enquete-{school_survey.pk}-{school_survey.departement.code}", "csv", demo=school_survey.is_demo
    )
    return table_response(request, name, presenters.RESULTS_TABLE, frame, demo=school_survey.is_demo)


def _evaluation_page(request, dep, *, grant_form=None, indicator_form=None, status=200):
    rows, years = evaluation.followed_rows(dep)
    accesses = EvaluationAccess.objects.filter(group__departement=dep).select_related(
        "user", "granted_by", "revoked_by"
    )
    can_grant = can_grant_evaluation_access(request.user, dep)
    can_edit = can_edit_shared_indicators(request.user, dep)
    surveys = _surveys(dep)
    return render(
        request,
        "school_surveys/evaluation.html",
        {
            "departement": dep,
            "rows": rows,
            "years": years,
            "accesses": accesses,
            "open_accesses": [a for a in accesses if a.revoked_at is None],
            "can_grant": can_grant,
            "can_edit": can_edit,
            "grant_form": grant_form or (GrantForm(dep) if can_grant else None),
            "indicator_form": indicator_form
            or (IndicatorForm(initial={"year": evaluation.current_school_year()}) if can_edit else None),
            "surveys": [{"survey": s, "audience": presenters.audience_label(s.audience)} for s in surveys],
            "demo": any(s.is_demo for s in surveys),
        },
        status=status,
    )


@login_required
def evaluation_page(request, code: str):
    dep = data.get_departement_for(request.user, code)
    return _evaluation_page(request, dep)


def _evaluation_url(dep) -> str:
    return reverse("school_surveys:evaluation", args=[dep.code])


@login_required
@require_POST
def evaluation_grant(request, code: str):
    dep = data.get_departement_for(request.user, code, "grant")
    form = GrantForm(dep, request.POST)
    if not form.is_valid():
        return _evaluation_page(request, dep, grant_form=form, status=400)
    try:
        access = evaluation.grant_access(dep, form.cleaned_data["dan"], request.user)
    except services.SurveyRefused as exc:
        form.add_error("dan", str(exc))
        return _evaluation_page(request, dep, grant_form=form, status=400)
    messages.success(
        request,
        f"{access.user.email} fait désormais partie du groupe d'évaluation : il lit les enquêtes et les "
        "usages des collèges du département. L'accès est inscrit dans l'historique ci-dessous.",
    )
    return redirect(_evaluation_url(dep))


@login_required
@require_POST
def evaluation_revoke(request, code: str, pk: int):
    dep = data.get_departement_for(request.user, code, "grant")
    access = EvaluationAccess.objects.filter(group__departement=dep, pk=pk).select_related("user").first()
    if access is None:
        messages.error(request, "Cet accès n'existe pas dans le groupe de ce département.")
    elif evaluation.revoke_access(access, request.user):
        messages.success(
            request, f"Accès de {access.user.email} retiré ; il reste inscrit dans l'historique."
        )
    else:
        messages.info(request, f"L'accès de {access.user.email} était déjà retiré.")
    return redirect(_evaluation_url(dep))


@login_required
@require_POST
def indicator_add(request, code: str):
    dep = data.get_departement_for(request.user, code, "indicators")
    form = IndicatorForm(request.POST)
    if not form.is_valid():
        return _evaluation_page(request, dep, indicator_form=form, status=400)
    try:
        shared = evaluation.add_indicator(
            dep,
            form.cleaned_data["key"],
            form.cleaned_data["target"],
            form.cleaned_data["year"],
            request.user,
        )
    except services.SurveyRefused as exc:
        message = str(exc)
        field = "target" if "Cible" in message else "year" if "Année" in message else "key"
        form.add_error(field, message)
        return _evaluation_page(request, dep, indicator_form=form, status=400)
    label = evaluation.catalogue()[shared.key].label
    messages.success(request, f"Indicateur suivi : {label}.")
    return redirect(_evaluation_url(dep))


@login_required
@require_POST
def indicator_remove(request, code: str, pk: int):
    dep = data.get_departement_for(request.user, code, "indicators")
    if evaluation.remove_indicator(dep, pk):
        messages.success(request, "Indicateur retiré de la liste suivie.")
    else:
        messages.info(request, "Cet indicateur n'était plus suivi.")
    return redirect(_evaluation_url(dep))
