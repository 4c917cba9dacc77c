"""Coordination actions that cannot be undone ask first: a page says what will happen and how
many targets answered; only a POST carrying the confirmation does it."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.core import mail
from django.test import Client

from numeduc.web.surveys import services
from numeduc.web.surveys.campaign_presenters import LOW_RESPONSE_RATE, confirmation, response_rate
from numeduc.web.surveys.models import Campaign, Reminder
from numeduc.web.territories.models import Departement

pytestmark = pytest.mark.django_db

CONFIRM = {"confirm": "oui"}
ACTIONS = ["open", "close", "publish", "make_public", "make_private", "remind"]


def submit_for(campaign, codes, users, full_answers):
    for code in codes:
        response = services.response_for(campaign, departement=Departement.objects.get(code=code))
        for item, value in full_answers().items():
            services.save_answer(response, item, value, None, users["loiret_editor"])
        services.submit(response, users["loiret_editor"])


def text(page) -> str:
    """The page's words without tags, spaces joined (no-break spaces too)."""
    words = html_lib.unescape(re.sub(r"<[^>]+>", " ", page.content.decode()))
    return re.sub(r"\s+", " ", words.replace("\u00a0", " "))


@pytest.mark.parametrize(
    ("action", "status", "public"),
    [
        ("open", Campaign.Status.DRAFT, False),
        ("close", Campaign.Status.OPEN, False),
        ("publish", Campaign.Status.CLOSED, False),
        ("make_public", Campaign.Status.DRAFT, False),
        ("make_private", Campaign.Status.OPEN, True),
        ("remind", Campaign.Status.OPEN, False),
    ],
)
def test_a_post_without_confirmation_changes_nothing_and_leads_to_the_confirmation_page(
    client, login, users, campaign_factory, action, status, public
):
    campaign = campaign_factory(2019, status, public=public)
    login(users["coordinator"])
    mail.outbox.clear()
    before = Campaign.objects.filter(pk=campaign.pk).values().get()
    answer = client.post(f"/campagnes/{campaign.pk}/{action}/", {"confirm": "peut-être"})
    assert answer.status_code == 302 and answer["Location"] == f"/campagnes/{campaign.pk}/{action}/"
    assert Campaign.objects.filter(pk=campaign.pk).values().get() == before
    assert mail.outbox == [] and not Reminder.objects.filter(campaign=campaign).exists()
    page = client.get(answer["Location"])
    assert page.status_code == 200
    assert "Rien n'a encore été fait" in text(page)
    assert 'name="confirm" value="oui"' in page.content.decode()


def test_the_follow_up_page_links_to_confirmation_pages_not_to_immediate_actions(
    client, login, users, campaign
):
    login(users["coordinator"])
    html = client.get(f"/campagnes/{campaign.pk}/").content.decode()
    assert f'href="/campagnes/{campaign.pk}/close/"' in html
    assert f'action="/campagnes/{campaign.pk}/close/"' not in html
    assert f'href="/campagnes/{campaign.pk}/remind/"' in html


def test_close_confirmation_says_it_is_final_with_the_response_rate_and_a_low_rate_warning(
    client, login, users, campaign, full_answers
):
    submit_for(campaign, ["45", "59"], users, full_answers)
    login(users["coordinator"])
    page = client.get(f"/campagnes/{campaign.pk}/close/")
    words = text(page)
    assert page.status_code == 200
    assert "2 réponses transmises sur 101 départements ciblés (2 %)" in words
    assert "ne peut pas être rouverte" in words
    assert "Attention" in words and "Moins de la moitié" in words and "50 %" in words
    assert "Moins de 5 réponses transmises" in words
    campaign.refresh_from_db()
    assert campaign.is_open  # the page itself changes nothing

    done = client.post(f"/campagnes/{campaign.pk}/close/", CONFIRM, follow=True)
    campaign.refresh_from_db()
    assert campaign.is_closed
    assert "Campagne clôturée" in text(done)


def test_zero_answers_gets_its_own_warning_before_closing_and_publishing(client, login, users, campaign):
    login(users["coordinator"])
    words = text(client.get(f"/campagnes/{campaign.pk}/close/"))
    assert "0 réponse transmise sur 101 départements ciblés (0 %)" in words
    assert "Aucune réponse transmise : la campagne serait clôturée sans aucun résultat." in words
    client.post(f"/campagnes/{campaign.pk}/close/", CONFIRM)
    words = text(client.get(f"/campagnes/{campaign.pk}/publish/"))
    assert "Aucune réponse transmise : les résultats nationaux publiés seraient vides." in words
    assert "Tous les comptes connectés" in words and "définitive" in words
    client.post(f"/campagnes/{campaign.pk}/publish/", CONFIRM)
    campaign.refresh_from_db()
    assert campaign.published


def test_no_warning_when_most_targets_answered(territories, campaign_factory):
    campaign = campaign_factory(2019, Campaign.Status.OPEN)
    counts = {"targets": 101, "submitted": 80, "draft": 0, "not_started": 21}
    page = confirmation(campaign, "close", counts)
    assert page.warnings == [] and page.irreversible
    assert page.rate == "80 réponses transmises sur 101 départements ciblés (79\u00a0%)"
    # At the threshold exactly: no warning; just under it: one.
    assert (
        confirmation(campaign, "close", {**counts, "targets": 100, "submitted": LOW_RESPONSE_RATE}).warnings
        == []
    )
    below = {**counts, "targets": 100, "submitted": LOW_RESPONSE_RATE - 1}
    assert len(confirmation(campaign, "close", below).warnings) == 1


def test_drafts_left_behind_are_named_before_closing(territories, campaign_factory):
    campaign = campaign_factory(2019, Campaign.Status.OPEN)
    counts = {"targets": 10, "submitted": 9, "draft": 1, "not_started": 0}
    (warning,) = confirmation(campaign, "close", counts).warnings
    assert warning.startswith("1 réponse commencée mais non transmise ne pourra plus l'être")


def test_the_dan_questionnaire_counts_academies(territories, campaign_factory):
    campaign = campaign_factory(2019, Campaign.Status.OPEN, slug="dan")
    counts = {"targets": 30, "submitted": 1, "draft": 0, "not_started": 29}
    assert response_rate(campaign, counts) == "1 réponse transmise sur 30 académies ciblées (3\u00a0%)"


def test_withdrawing_public_after_answers_says_it_is_final(
    client, login, users, campaign_factory, full_answers
):
    campaign = campaign_factory(2019, Campaign.Status.OPEN, public=True)
    login(users["coordinator"])
    assert "pourra redevenir publique" in text(client.get(f"/campagnes/{campaign.pk}/make_private/"))
    submit_for(campaign, ["45"], users, full_answers)
    words = text(client.get(f"/campagnes/{campaign.pk}/make_private/"))
    assert (
        "ne pourra plus redevenir publique" in words
        and "même pour les départements qui l'avaient accepté" in words
    )
    client.post(f"/campagnes/{campaign.pk}/make_private/", CONFIRM)
    campaign.refresh_from_db()
    assert campaign.public is False


def test_remind_says_how_many_accounts_will_get_a_message(client, login, users, campaign):
    login(users["coordinator"])
    words = text(client.get(f"/campagnes/{campaign.pk}/remind/"))
    assert "vers 2 comptes dont la réponse n'est pas encore transmise" in words  # the two editors
    mail.outbox.clear()
    client.post(f"/campagnes/{campaign.pk}/remind/", CONFIRM)
    assert {m.to[0] for m in mail.outbox} == {"editeur45@test.fr", "editeur59@test.fr"}


@pytest.mark.parametrize("action", ACTIONS)
def test_only_the_coordinator_sees_or_confirms_an_action(client, login, users, campaign, action):
    login(users["loiret_editor"])
    assert client.get(f"/campagnes/{campaign.pk}/{action}/").status_code == 403
    assert client.post(f"/campagnes/{campaign.pk}/{action}/", CONFIRM).status_code == 403
    login(users["coordinator"])
    assert client.get(f"/campagnes/999999/{action}/").status_code == 404


def test_two_coordinators_confirming_close_at_once_close_it_once(client, login, users, campaign):
    """The second confirmation, sent from a page opened before the first one was carried out,
    is told the campaign was already closed: no error page, the first closing time kept."""
    first = login(users["coordinator"], Client())
    second = login(users["coordinator"], Client())
    assert first.get(f"/campagnes/{campaign.pk}/close/").status_code == 200
    assert second.get(f"/campagnes/{campaign.pk}/close/").status_code == 200
    done = first.post(f"/campagnes/{campaign.pk}/close/", CONFIRM, follow=True)
    campaign.refresh_from_db()
    closed_at = campaign.closed_at
    again = second.post(f"/campagnes/{campaign.pk}/close/", CONFIRM, follow=True)
    assert done.status_code == again.status_code == 200
    assert "Campagne clôturée" in text(done) and "La campagne était déjà clôturée." in text(again)
    campaign.refresh_from_db()
    assert campaign.closed_at == closed_at
