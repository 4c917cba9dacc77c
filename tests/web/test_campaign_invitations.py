"""« Inviter (et prévenir les comptes existants) » does what it says: new accounts are created
and invited, existing accounts of the targets are told (not reported as errors), and sending
the list twice tells nobody twice."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.core import mail

from numeduc.web.accounts.models import User
from numeduc.web.surveys.models import Campaign, CampaignNotice

pytestmark = pytest.mark.django_db


def messages_of(page) -> str:
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", page.content.decode()))
    return re.sub(r"\s+", " ", text)


def campaign_mails() -> dict[str, int]:
    told: dict[str, int] = {}
    for message in mail.outbox:
        if message.subject == "numeduc : une campagne vous attend":
            told[message.to[0]] = told.get(message.to[0], 0) + 1
    return told


def invite(client, campaign, lines: str):
    return client.post(f"/campagnes/{campaign.pk}/invite/", {"lines": lines}, follow=True)


def test_existing_accounts_are_told_not_refused(client, login, users, campaign):
    login(users["coordinator"])
    mail.outbox.clear()
    page = invite(
        client, campaign, "45;editeur45@test.fr\n59;EDITEUR59@test.fr\n33;numerique@gironde.example"
    )
    words = messages_of(page)
    assert "1 compte créé et invité ; 2 comptes existants prévenus." in words
    assert "existe déjà" not in words and "msg-error" not in page.content.decode()
    assert campaign_mails() == {
        "editeur45@test.fr": 1,
        "editeur59@test.fr": 1,
        "numerique@gironde.example": 1,
    }
    assert any(
        m.subject == "Votre accès à numeduc" and m.to == ["numerique@gironde.example"] for m in mail.outbox
    )


def test_a_second_identical_submit_creates_and_sends_nothing(client, login, users, campaign):
    login(users["coordinator"])
    lines = "45;editeur45@test.fr\n33;numerique@gironde.example"
    invite(client, campaign, lines)
    mail.outbox.clear()
    page = invite(client, campaign, lines)
    assert "3 comptes déjà prévenus pour cette campagne, sans nouveau message." in messages_of(page)
    assert mail.outbox == []
    assert User.objects.filter(email="numerique@gironde.example").count() == 1
    assert CampaignNotice.objects.filter(campaign=campaign).count() == 3
    assert "(3 comptes déjà prévenus)" in messages_of(client.get(f"/campagnes/{campaign.pk}/"))


def test_a_new_target_account_later_is_told_alone(client, login, users, campaign):
    login(users["coordinator"])
    invite(client, campaign, "")
    mail.outbox.clear()
    page = invite(client, campaign, "33;numerique@gironde.example")
    assert "1 compte créé et invité ; 2 comptes déjà prévenus" in messages_of(page)
    assert campaign_mails() == {"numerique@gironde.example": 1}


def test_an_existing_account_of_another_territory_is_refused_and_unchanged(client, login, users, campaign):
    login(users["coordinator"])
    page = invite(client, campaign, "33;editeur45@test.fr")
    words = messages_of(page)
    assert "ligne 1 : un compte existe déjà pour editeur45@test.fr" in words
    assert "il ne correspond pas au code 33 : rien n'est changé." in words
    assert User.objects.get(email="editeur45@test.fr").departement.code == "45"


def test_a_departement_outside_the_targets_gets_no_account(client, login, users, campaign_factory):
    campaign = campaign_factory(2019, Campaign.Status.OPEN)
    campaign.target_departements.set(campaign.target_departements.filter(code__in=["45"]))
    login(users["coordinator"])
    mail.outbox.clear()
    page = invite(client, campaign, "59;autre@nord.example")
    assert "ligne 1 : 59 n'est pas ciblé par cette campagne : aucun compte créé." in messages_of(page)
    assert not User.objects.filter(email="autre@nord.example").exists()
    assert campaign_mails() == {"editeur45@test.fr": 1}  # the one target's account is still told


def test_a_draft_campaign_message_says_when_it_opens(client, login, users, campaign_factory):
    campaign = campaign_factory(2099, Campaign.Status.DRAFT)
    login(users["coordinator"])
    mail.outbox.clear()
    invite(client, campaign, "")
    body = next(m.body for m in mail.outbox if m.to == ["editeur45@test.fr"])
    assert "ouvrira le 1er mars 2099 et fermera le 30 juin 2099" in body
