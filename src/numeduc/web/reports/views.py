"""The département report and « L'essentiel », as a page and as a tagged PDF, for whoever may
read the département's results for that campaign (``data.get_subject_for``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from . import data, national, rendering

DEPARTEMENT_TEMPLATE = "reports/departement.html"
ESSENTIEL_TEMPLATE = "reports/essentiel.html"


def filename(code: str, year: int, what: str, demo: bool, extension: str) -> str:
    return f"{what}-{code}-{year}{'-demonstration' if demo else ''}.{extension}"


def _page(request, context: dict) -> HttpResponse:
    return HttpResponse(rendering.render_html(context["template"], context))


def _pdf(request, context: dict, name: str) -> HttpResponse:
    pdf = rendering.render_pdf(context["template"], context, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _report(request, code: str, year: int) -> dict:
    subject = data.get_subject_for(request.user, code, year)
    return {**data.departement_report(request.user, subject), "template": DEPARTEMENT_TEMPLATE}


def _essentiel(request, code: str, year: int) -> dict:
    subject = data.get_subject_for(request.user, code, year)
    return {**data.essentiel(request.user, subject), "template": ESSENTIEL_TEMPLATE}


@login_required
def departement(request, code: str, year: int):
    return _page(request, _report(request, code, year))


@login_required
def departement_pdf(request, code: str, year: int):
    context = _report(request, code, year)
    return _pdf(request, context, filename(code, year, "rapport", context["demo"], "pdf"))


@login_required
def essentiel(request, code: str, year: int):
    return _page(request, _essentiel(request, code, year))


@login_required
def essentiel_pdf(request, code: str, year: int):
    context = _essentiel(request, code, year)
    return _pdf(request, context, filename(code, year, "essentiel", context["demo"], "pdf"))


# -- the national report (issue 15, item 2): whoever may read the campaign's national analysis --


def _national(request, year: int) -> dict:
    campaign = national.get_campaign_for(request.user, year)
    return {**national.national_report(campaign), "template": national.TEMPLATE}


@login_required
def national_report(request, year: int):
    return _page(request, _national(request, year))


@login_required
def national_report_pdf(request, year: int):
    context = _national(request, year)
    pdf = national.html_to_pdf(rendering.render_html(national.TEMPLATE, context, pdf=True))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"rapport-national-{year}{'-demonstration' if context['demo'] else ''}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
