"""The public answer pages (no account: anyone with the link or the class code) and the page of
the head of the collège. Nothing of the respondent is read or stored: no account, no address,
no user agent; the answer keeps its day only (models.py)."""

from __future__ import annotations

import secrets

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from . import data, services
from .models import CollegeSurvey

ANSWERED_COOKIE = "numeduc-enquete-{pk}"


def _link(token: str) -> CollegeSurvey:
    if not token or len(token) > 40:
        raise Http404("Enquête introuvable.")
    # The answer pages show the survey and the collège's name: no join to the département (one
    # join less to build on every request of a class answering at once, bench/bench_surveys.py).
    return get_object_or_404(CollegeSurvey.objects.select_related("survey", "college"), token=token)


# The questions of an empty form, rendered once per questionnaire version and process: a class
# opening the form at the same moment costs one rendering, not thirty (bench/bench_surveys.py).
_EMPTY_QUESTIONS: dict[tuple[str, str], str] = {}


def _questions_html(questionnaire, values) -> str:
    key = (questionnaire.slug, questionnaire.version)
    if not values and key in _EMPTY_QUESTIONS:
        return _EMPTY_QUESTIONS[key]
    sections = [
        {
            "section": section,
            "items": [
                {"item": item, "value": (values or {}).get(f"item-{item.id}", "")} for item in section.items
            ],
        }
        for section in questionnaire.sections
    ]
    # Autoescaped by the template engine when rendered: safe to insert as HTML.
    rendered = mark_safe(render_to_string("school_surveys/_questions.html", {"sections": sections}))
    if not values:
        _EMPTY_QUESTIONS[key] = rendered
    return rendered


def _form_page(request, link, *, values=None, error="", status=200):
    questionnaire = link.survey.questionnaire
    return render(
        request,
        "school_surveys/answer.html",
        {
            "link": link,
            "survey": link.survey,
            "questionnaire": questionnaire,
            "questions_html": _questions_html(questionnaire, values),
            "nonce": (values or {}).get("nonce") or secrets.token_urlsafe(16),
            "error": error,
            "demo": link.survey.is_demo,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def answer(request, token: str):
    link = _link(token)
    if not link.is_open():
        return render(
            request, "school_surveys/closed.html", {"link": link, "demo": link.survey.is_demo}, status=410
        )
    cookie = ANSWERED_COOKIE.format(pk=link.pk)
    if request.method == "GET":
        if request.get_signed_cookie(cookie, default=None) and "nouveau" not in request.GET:
            return render(
                request,
                "school_surveys/thanks.html",
                {"link": link, "again": True, "demo": link.survey.is_demo},
            )
        return _form_page(request, link)
    raw = {k: v for k, v in request.POST.items() if k.startswith("item-")}
    try:
        _, created = services.submit(link, raw, request.POST.get("nonce", ""))
    except services.SurveyRefused as exc:
        return _form_page(request, link, values=request.POST, error=str(exc), status=400)
    response = render(
        request,
        "school_surveys/thanks.html",
        {"link": link, "again": not created, "demo": link.survey.is_demo},
    )
    # Only "this device has answered": what stops an accidental second answer, nothing about who.
    response.set_signed_cookie(cookie, "1", max_age=60 * 60 * 24 * 30, httponly=True, samesite="Lax")
    return response


@require_http_methods(["GET", "POST"])
def class_code(request):
    """The short code written on the board for a class session."""
    error = ""
    if request.method == "POST":
        link = services.link_for_code(request.POST.get("code", ""))
        if link is not None:
            return redirect("school_surveys:answer", token=link.token)
        error = "Code inconnu ou expiré : vérifiez les lettres et les chiffres du tableau."
    return render(request, "school_surveys/code.html", {"error": error}, status=400 if error else 200)


def _public_url(request, link) -> str:
    return request.build_absolute_uri(reverse("school_surveys:answer", args=[link.token]))


@login_required
def college_page(request, pk: int):
    """What the head of the collège sees: the link, its QR code, the answers as they arrive."""
    link = data.get_link_for(request.user, pk)
    url = _public_url(request, link)
    qr = segno.make(url, error="m")
    return render(
        request,
        "school_surveys/college.html",
        {
            "link": link,
            "survey": link.survey,
            "url": url,
            "qr_svg": qr.svg_inline(scale=6, dark="#000", light="#fff", omitsize=False),
            "answers": link.submissions.count(),
            "open": link.is_open(),
            "demo": link.survey.is_demo,
        },
    )


@login_required
def college_sheet(request, pk: int):
    """The printable sheet: the QR code and the link in large print."""
    link = data.get_link_for(request.user, pk)
    url = _public_url(request, link)
    svg = segno.make(url, error="m").svg_inline(scale=10, omitsize=False)
    return render(
        request,
        "school_surveys/sheet.html",
        {"link": link, "url": url, "qr_svg": svg, "demo": link.survey.is_demo},
    )


@login_required
@require_POST
def college_close(request, pk: int):
    link = data.get_link_for(request.user, pk)
    if services.close_link(link, request.user):
        messages.success(request, "Enquête close pour ce collège : plus aucune réponse n'est enregistrée.")
    return redirect("school_surveys:college", pk=link.pk)


@login_required
@require_POST
def college_code(request, pk: int):
    link = data.get_link_for(request.user, pk)
    try:
        link = services.new_class_code(link)
    except services.SurveyRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Code de séance : {link.class_code} (valable {services.CLASS_CODE_MINUTES} minutes)."
        )
    return redirect("school_surveys:college", pk=link.pk)
