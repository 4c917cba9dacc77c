"""Changing responses: every write goes through here, in a transaction, with its history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from numeduc.questionnaires import AnswerError, clean_comment

from .models import Answer, Campaign, CampaignNotice, Reminder, Response, ResponseEvent


class ResponseLocked(Exception):
    """The response cannot be changed (submitted, or campaign not open)."""


@dataclass(frozen=True)
class SaveResult:
    item_id: str
    value: object
    comment: str
    changed: bool


def response_for(campaign: Campaign, *, departement=None, academie=None) -> Response:
    response, _ = Response.objects.get_or_create(
        campaign=campaign, departement=departement, academie=academie
    )
    return response


def _check_writable(response: Response) -> None:
    if not response.campaign.is_open:
        raise ResponseLocked("La campagne n'est pas ouverte : la réponse ne peut plus être modifiée.")
    if response.is_submitted:
        raise ResponseLocked("La réponse a été transmise : rouvrez-la pour la modifier.")


@transaction.atomic
def save_answer(
    response: Response, item_id: str, raw_value: str | None, raw_comment: str | None, user
) -> SaveResult:
    """Validate and store one answer; record what changed. ``None`` leaves a part untouched.

    Raises ``AnswerError`` (French message) for a bad value, ``KeyError`` for an unknown item
    and ``ResponseLocked`` when the response cannot be changed. Nothing is written on error.
    """
    response = Response.objects.select_for_update().select_related("campaign").get(pk=response.pk)
    _check_writable(response)
    item = response.campaign.questionnaire.item(item_id)
    answer = Answer.objects.filter(response=response, item_id=item_id).first()
    old_value = answer.value if answer else None
    old_comment = answer.comment if answer else ""

    new_value = item.parse(raw_value) if raw_value is not None else old_value
    new_comment = old_comment
    if raw_comment is not None:
        if not item.allow_comment and raw_comment.strip():
            raise AnswerError("Cette question n'accepte pas de commentaire.")
        new_comment = clean_comment(raw_comment)

    events = []
    if new_value != old_value:
        events.append(
            ResponseEvent(
                response=response,
                item_id=item_id,
                field=ResponseEvent.Field.VALUE,
                old_value=old_value,
                new_value=new_value,
                changed_by=user,
            )
        )
    if new_comment != old_comment:
        events.append(
            ResponseEvent(
                response=response,
                item_id=item_id,
                field=ResponseEvent.Field.COMMENT,
                old_value=old_comment or None,
                new_value=new_comment or None,
                changed_by=user,
            )
        )
    if events:
        # The response's row lock (taken above) serialises every writer of this response, so the
        # answer read above is still the stored one: update it or create it directly.
        fields = {
            "value": new_value,
            "comment": new_comment,
            "updated_at": timezone.now(),
            "updated_by": user,
        }
        if answer is None:
            Answer.objects.create(response=response, item_id=item_id, **fields)
        else:
            Answer.objects.filter(pk=answer.pk).update(**fields)
        ResponseEvent.objects.bulk_create(events)
        Response.objects.filter(pk=response.pk).update(updated_at=timezone.now())
    return SaveResult(item_id=item_id, value=new_value, comment=new_comment, changed=bool(events))


def missing_required(response: Response) -> list:
    values = response.values()
    return [
        item
        for item in response.campaign.questionnaire.items
        if item.required and values.get(item.id) is None
    ]


@transaction.atomic
def submit(response: Response, user) -> None:
    response = Response.objects.select_for_update().get(pk=response.pk)
    _check_writable(response)
    missing = missing_required(response)
    if missing:
        # Every one of them: the page lists them as links (surveys.views), the API says this.
        raise AnswerError(
            "Questions obligatoires sans réponse : " + " ; ".join(item.label for item in missing)
        )
    _set_status(response, Response.Status.SUBMITTED, user)


@transaction.atomic
def reopen(response: Response, user) -> None:
    response = Response.objects.select_for_update().get(pk=response.pk)
    if not response.campaign.is_open:
        raise ResponseLocked("La campagne est clôturée : la réponse ne peut plus être rouverte.")
    if not response.is_submitted:
        return
    _set_status(response, Response.Status.DRAFT, user)


def _set_status(response: Response, status: str, user) -> None:
    old = response.status
    response.status = status
    if status == Response.Status.SUBMITTED:
        response.submitted_at = timezone.now()
        response.submitted_by = user
    response.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    ResponseEvent.objects.create(
        response=response, field=ResponseEvent.Field.STATUS, old_value=old, new_value=status, changed_by=user
    )


# -- sharing with the other départements (docs/visibility.md) -------------------------------


class SharingRefused(Exception):
    """The campaign's « publique » flag or a response's agreement cannot change this way."""


@transaction.atomic
def set_share_consent(response: Response, consent: bool, user, *, when=None) -> bool:
    """Give (``True``) or withdraw (``False``) the département's agreement to share its results.

    Giving it needs a public campaign and a département's response; withdrawing is always
    possible. Every change is one ``ResponseEvent`` (field ``consent``) with who and when; the
    caller checks that ``user`` may do it (``can_change_share_consent``). Returns whether
    anything changed. ``when`` dates the change (the demo loader's fixed dates); default: now.
    """
    response = Response.objects.select_for_update().select_related("campaign").get(pk=response.pk)
    if consent and response.departement_id is None:
        raise SharingRefused("Seules les réponses des départements peuvent être partagées.")
    if consent and not response.campaign.public:
        raise SharingRefused(
            "Cette campagne n'est pas publique : les réponses ne peuvent pas être partagées."
        )
    if response.share_consent == consent:
        return False
    now = when or timezone.now()
    old = response.share_consent
    Response.objects.filter(pk=response.pk).update(
        share_consent=consent, share_consent_at=now, share_consent_by=user
    )
    ResponseEvent.objects.create(
        response=response,
        field=ResponseEvent.Field.CONSENT,
        old_value=old,
        new_value=consent,
        changed_by=user,
        changed_at=now,
    )
    return True


@transaction.atomic
def set_campaign_public(campaign: Campaign, public: bool) -> bool:
    """Declare the campaign public, or not. Returns whether anything changed.

    A campaign becomes public only before anyone started answering, so that every respondent
    knew it when answering; it can stop being public at any time, which hides every shared
    result at once (the agreements stay recorded but no longer open anything).
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.public == public:
        return False
    if public and campaign.responses.exists():
        raise SharingRefused(
            "Des réponses existent déjà : la campagne ne peut plus devenir publique. "
            "Elle peut seulement cesser de l'être."
        )
    Campaign.objects.filter(pk=campaign.pk).update(public=public)
    return True


# -- campaign states: each change under the campaign's row lock, so that two coordinators
# clicking at once cannot reopen a closed campaign or publish an open one -------------------


class CampaignRefused(Exception):
    """The campaign cannot go to that state from the one it is in now."""


@transaction.atomic
def open_campaign(campaign: Campaign) -> bool:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.is_closed:
        raise CampaignRefused("Une campagne clôturée ne peut pas être rouverte.")
    if campaign.is_open:
        return False
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.OPEN)
    return True


@transaction.atomic
def close_campaign(campaign: Campaign) -> bool:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.is_closed:
        return False
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED, closed_at=timezone.now())
    return True


@transaction.atomic
def publish_campaign(campaign: Campaign) -> bool:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_closed:
        raise CampaignRefused("Clôturez la campagne avant d'en publier les résultats nationaux.")
    if campaign.published:
        return False
    Campaign.objects.filter(pk=campaign.pk).update(published=True)
    return True


def record_reminder(campaign: Campaign, user, recipients: int) -> Reminder:
    """The trace of a reminder sent by ``user`` to ``recipients`` people."""
    return Reminder.objects.create(campaign=campaign, sent_by=user, recipients=recipients)


# -- telling the targets' accounts that a campaign awaits them --------------------------------


@transaction.atomic
def notify_once(campaign: Campaign, users: list, sent_by, send: Callable[[list], int]) -> list:
    """Send ``send(accounts)`` to the ``users`` not yet told of this campaign, and record each one
    (``CampaignNotice``). Returns the accounts told now: sending the same list twice, or two
    coordinators sending it at once, tells nobody twice. The campaign's row is locked first, so
    the second sender waits and then finds the notices of the first; if sending fails, nothing
    is recorded and the next try sends again."""
    Campaign.objects.select_for_update().get(pk=campaign.pk)
    told = set(
        CampaignNotice.objects.filter(campaign=campaign, user__in=users).values_list("user_id", flat=True)
    )
    fresh = [user for user in users if user.pk not in told]
    if fresh:
        send(fresh)
        CampaignNotice.objects.bulk_create(
            [CampaignNotice(campaign=campaign, user=user, sent_by=sent_by) for user in fresh]
        )
    return fresh
