"""Answering a questionnaire: the form, autosave, submission, re-opening, history."""

from __future__ import annotations

import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import OperationalError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from numeduc.questionnaires import AnswerError
from numeduc.web.accounts.permissions import (
    answers_for_academie,
    can_answer_campaign,
    can_change_share_consent,
    can_edit_response,
    can_view_response,
    require,
)
from numeduc.web.caching import page_cached

from . import presenters, services
from .data import college_counts, get_response_for
from .models import Campaign, Response

logger = logging.getLogger(__name__)


@login_required
def start_response(request, campaign_id: int):
    """The signed-in editor's response to a campaign (created on first visit)."""
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    user = request.user
    existing = Response.objects.filter(
        campaign=campaign,
        departement=user.departement if not answers_for_academie(user) else None,
        academie=user.academie if answers_for_academie(user) else None,
    ).first()
    if existing is None:
        require(can_answer_campaign(user, campaign), "Vous ne pouvez pas répondre à cette campagne.")
        if answers_for_academie(user):
            existing = services.response_for(campaign, academie=user.academie)
        else:
            existing = services.response_for(campaign, departement=user.departement)
    require(can_view_response(user, existing))
    return redirect("surveys:response", response_id=existing.pk)


def _sections(
    response: Response,
    errors: dict[str, str] | None = None,
    posted=None,
    prefills: dict[str, presenters.Prefill] | None = None,
) -> list[dict]:
    answers = {a.item_id: a for a in response.answers.all()}
    errors, prefills = errors or {}, prefills or {}
    sections = []
    for section in response.campaign.questionnaire.sections:
        items = []
        for item in section.items:
            answer = answers.get(item.id)
            value = answer.value if answer else None
            comment = answer.comment if answer else ""
            if posted is not None and item.id in errors:
                value, comment = posted.get(f"item-{item.id}", ""), posted.get(f"comment-{item.id}", comment)
            prefill = prefills.get(item.id) if value is None and item.id not in errors else None
            shown = prefill.value if prefill else value
            items.append(
                {
                    "item": item,
                    "value": value,
                    "value_str": ""
                    if shown is None
                    else str(shown).replace(".", ",")
                    if item.type == "number"
                    else str(shown),
                    "comment": comment,
                    "error": errors.get(item.id),
                    "display": item.display(value) if value is not None and item.id not in errors else "",
                    "bounds": presenters.bounds_text(item) if item.type == "number" else "",
                    "prefill_note": prefill.note if prefill else "",
                }
            )
        sections.append({"section": section, "items": items})
    return sections


def _prefills(response: Response) -> dict[str, presenters.Prefill]:
    """What the collèges referential says of the respondent's département (not for an académie)."""
    if response.departement_id is None:
        return {}
    return presenters.reference_prefills(
        response.campaign.questionnaire, college_counts(response.departement)
    )


def _response_page(
    request,
    response: Response,
    *,
    errors: dict[str, str] | None = None,
    missing: list | None = None,
    status: int = 200,
):
    """The questionnaire page: answers (or the values typed, for the refused ones), the values
    pre-filled from the reference data, the questions still missing, the factor 7 warning."""
    editable = can_edit_response(request.user, response) and not response.is_submitted
    questionnaire = response.campaign.questionnaire
    answered = sum(1 for a in response.answers.all() if a.value is not None)
    return render(
        request,
        "surveys/response.html",
        {
            "response": response,
            "campaign": response.campaign,
            "questionnaire": questionnaire,
            "sections": _sections(
                response,
                errors,
                request.POST if errors else None,
                _prefills(response) if editable else None,
            ),
            "editable": editable,
            "can_reopen": can_edit_response(request.user, response) and response.is_submitted,
            "answered": answered,
            "total": len(questionnaire.items),
            "is_demo": response.campaign.is_demo,
            "can_change_consent": can_change_share_consent(request.user, response),
            "missing": presenters.missing_entries(missing or []),
            "budget_warning": presenters.budget_band_warning(questionnaire, response.values()),
        },
        status=status,
    )


@page_cached()
@login_required
def response_detail(request, response_id: int):
    response = get_response_for(request.user, response_id)
    editable = can_edit_response(request.user, response) and not response.is_submitted
    errors: dict[str, str] = {}
    if request.method == "POST":
        require(editable, "Cette réponse ne peut pas être modifiée.")
        # The no-JavaScript path: save every field of the form at once.
        for item in response.campaign.questionnaire.items:
            raw = request.POST.get(f"item-{item.id}")
            comment = request.POST.get(f"comment-{item.id}") if item.allow_comment else None
            try:
                services.save_answer(response, item.id, raw, comment, request.user)
            except AnswerError as exc:
                errors[item.id] = str(exc)
        if not errors:
            messages.success(request, "Brouillon enregistré.")
            return redirect("surveys:response", response_id=response.pk)
        messages.error(
            request, f"{len(errors)} réponse(s) refusée(s) : voyez les messages sous les questions."
        )
    return _response_page(request, response, errors=errors, status=400 if errors else 200)


@login_required
@require_POST
def autosave(request, response_id: int):
    """Save one answer as the user types (JSON in, JSON out)."""
    response = get_response_for(request.user, response_id)
    if not can_edit_response(request.user, response):
        return JsonResponse({"ok": False, "error": "Cette réponse ne peut pas être modifiée."}, status=403)
    try:
        payload = json.loads(request.body or b"{}")
        item_id = str(payload["item"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"ok": False, "error": "Requête illisible : champ « item » attendu."}, status=400)
    value = payload.get("value")
    comment = payload.get("comment")
    try:
        result = services.save_answer(
            response,
            item_id,
            None if value is None else str(value),
            None if comment is None else str(comment),
            request.user,
        )
    except KeyError:
        return JsonResponse({"ok": False, "error": f"Question inconnue : {item_id}."}, status=400)
    except AnswerError as exc:
        return JsonResponse({"ok": False, "item": item_id, "error": str(exc)}, status=400)
    except services.ResponseLocked as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=409)
    except OperationalError:
        # The database could not take the write in time (busy timeout spent, connection lost):
        # nothing was stored; say so, and the page sends the answer again.
        logger.exception(
            "autosave: la base n'a pas pu enregistrer la réponse %s (question %s)", response.pk, item_id
        )
        return JsonResponse(
            {
                "ok": False,
                "retry": True,
                "error": "Le serveur n'a pas pu enregistrer cette réponse pour l'instant.",
            },
            status=503,
        )
    return JsonResponse({"ok": True, "item": item_id, "value": result.value, "changed": result.changed})


@login_required
@require_POST
def submit_response(request, response_id: int):
    response = get_response_for(request.user, response_id)
    require(can_edit_response(request.user, response), "Cette réponse ne peut pas être transmise.")
    try:
        # The values shown pre-filled from the reference data are sent as the person saw them.
        values = response.values()
        for item_id, prefill in _prefills(response).items():
            if values.get(item_id) is None:
                services.save_answer(response, item_id, str(prefill.value), None, request.user)
        missing = services.missing_required(response)
        if missing:
            # Every question still to answer, each a link to its field (not a redirect: the
            # list is built for this page).
            return _response_page(request, response, missing=missing, status=400)
        services.submit(response, request.user)
    except (AnswerError, services.ResponseLocked) as exc:
        messages.error(request, str(exc))
        return redirect("surveys:response", response_id=response.pk)
    warning = presenters.budget_band_warning(response.campaign.questionnaire, response.values())
    if warning:
        messages.warning(request, warning)
    messages.success(request, "Réponse transmise. Merci ! Voici vos résultats.")
    if response.departement_id:
        return redirect(
            "results:departement", campaign_id=response.campaign_id, code=response.departement.code
        )
    return redirect("surveys:response", response_id=response.pk)


@login_required
@require_POST
def reopen_response(request, response_id: int):
    response = get_response_for(request.user, response_id)
    require(can_edit_response(request.user, response), "Cette réponse ne peut pas être rouverte.")
    try:
        services.reopen(response, request.user)
    except services.ResponseLocked as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, "Réponse rouverte : vous pouvez la modifier puis la transmettre à nouveau.")
    return redirect("surveys:response", response_id=response.pk)


@login_required
@require_POST
def share_consent(request, response_id: int):
    """Give or withdraw the département's agreement to share its results (its editors only)."""
    response = get_response_for(request.user, response_id)
    require(
        can_change_share_consent(request.user, response),
        "Seuls les comptes de saisie du département peuvent donner ou retirer cet accord.",
    )
    consent = request.POST.get("consent") == "1"
    try:
        changed = services.set_share_consent(response, consent, request.user)
    except services.SharingRefused as exc:
        messages.error(request, str(exc))
        return redirect("surveys:response", response_id=response.pk)
    if changed and consent:
        campaign = response.campaign
        if campaign.is_closed and campaign.published and response.is_submitted:
            messages.success(
                request,
                "Accord enregistré : vos résultats sont dès maintenant consultables par les "
                "autres départements.",
            )
        else:
            messages.success(
                request,
                "Accord enregistré : les autres départements pourront consulter vos résultats "
                "une fois votre réponse transmise, la campagne clôturée et ses résultats publiés.",
            )
    elif changed:
        messages.success(
            request, "Accord retiré : vos résultats ne sont plus consultables par les autres départements."
        )
    return redirect("surveys:response", response_id=response.pk)


CONSENT_LABELS = {True: "accord donné", False: "accord retiré"}


@login_required
def response_history(request, response_id: int):
    response = get_response_for(request.user, response_id)
    questionnaire = response.campaign.questionnaire
    labels = {item.id: item.label for item in questionnaire.items}
    events = response.events.select_related("changed_by").all()
    rows = []
    for event in events:
        item = questionnaire.item(event.item_id) if event.item_id in labels else None

        def show(value, item=item, field=event.field):
            if value in (None, ""):
                return "—"
            if field == "status":
                return dict(Response.Status.choices).get(value, value)
            if field == "consent":
                return CONSENT_LABELS.get(bool(value))
            if field == "value" and item is not None:
                return item.display(value)
            return str(value)

        rows.append(
            {
                "event": event,
                "label": labels.get(
                    event.item_id,
                    {"status": "Statut de la réponse", "consent": "Partage avec les autres départements"}.get(
                        event.field, event.item_id
                    ),
                ),
                "old": show(event.old_value),
                "new": show(event.new_value),
            }
        )
    return render(
        request,
        "surveys/history.html",
        {
            "response": response,
            "campaign": response.campaign,
            "rows": rows,
            "is_demo": response.campaign.is_demo,
        },
    )
