"""Coordinator: create, open, invite, follow, remind, close, publish."""

from __future__ import annotations

import pytest
from django.core import mail

from numeduc.web.accounts.models import User
from numeduc.web.surveys import services
from numeduc.web.surveys.models import Campaign, Reminder
from numeduc.web.territories.models import Departement

pytestmark = pytest.mark.django_db


def test_coordinator_creates_a_campaign_for_chosen_departements(client, login, users):
    login(users["coordinator"])
    targets = Departement.objects.filter(code__in=["45", "59"])
    page = client.post(
        "/campagnes/nouvelle/",
        {
            "title": "Autodiagnostic 2019",
            "questionnaire": "autodiagnostic@2017",
            "year": 2019,
            "opens_on": "01/03/2019",
            "closes_on": "30/06/2019",
            "target_departements": [d.code for d in targets],
        },
    )
    assert page.status_code == 302
    campaign = Campaign.objects.get(title="Autodiagnostic 2019")
    assert campaign.status == Campaign.Status.DRAFT
    assert set(campaign.target_departements.values_list("code", flat=True)) == {"45", "59"}


def test_campaign_form_refuses_inverted_dates(client, login, users):
    login(users["coordinator"])
    page = client.post(
        "/campagnes/nouvelle/",
        {
            "title": "Mauvaises dates",
            "questionnaire": "autodiagnostic@2017",
            "year": 2019,
            "opens_on": "2019-06-30",
            "closes_on": "2019-03-01",
            "all_targets": "on",
        },
    )
    assert page.status_code == 400 and "doit suivre" in page.content.decode()
    assert not Campaign.objects.filter(title="Mauvaises dates").exists()


def test_every_shipped_questionnaire_can_back_a_campaign(client, login, users):
    login(users["coordinator"])
    html = client.get("/campagnes/nouvelle/").content.decode()
    for slug in ("autodiagnostic@2017", "enquete-trois-questions@2016", "dan@2017"):
        assert f'value="{slug}"' in html


def test_follow_remind_close_publish(client, login, users, campaign, full_answers):
    loiret = Departement.objects.get(code="45")
    response = services.response_for(campaign, departement=loiret)
    for item, value in full_answers().items():
        services.save_answer(response, item, value, None, users["loiret_editor"])
    services.submit(response, users["loiret_editor"])
    services.save_answer(
        services.response_for(campaign, departement=Departement.objects.get(code="59")),
        "f01_maturite_equipes",
        "2",
        None,
        users["nord_editor"],
    )

    login(users["coordinator"])
    page = client.get(f"/campagnes/{campaign.pk}/").content.decode()
    assert "101" in page and "Transmises" in page
    from numeduc.web.surveys.data import completion

    counts, rows = completion(campaign)
    assert counts == {"targets": 101, "not_started": 99, "draft": 1, "submitted": 1, "rate": 1}

    mail.outbox.clear()
    client.post(f"/campagnes/{campaign.pk}/remind/", {"confirm": "oui"})
    recipients = {m.to[0] for m in mail.outbox}
    assert recipients == {"editeur59@test.fr"}  # Loiret has submitted; viewers are not reminded
    assert Reminder.objects.get(campaign=campaign).recipients == 1

    client.post(f"/campagnes/{campaign.pk}/publish/", {"confirm": "oui"})
    campaign.refresh_from_db()
    assert not campaign.published  # must be closed first
    client.post(f"/campagnes/{campaign.pk}/close/", {"confirm": "oui"})
    client.post(f"/campagnes/{campaign.pk}/publish/", {"confirm": "oui"})
    campaign.refresh_from_db()
    assert campaign.is_closed and campaign.published
    client.post(f"/campagnes/{campaign.pk}/open/", {"confirm": "oui"})
    campaign.refresh_from_db()
    assert campaign.is_closed  # a closed campaign stays closed


def test_invite_creates_editor_accounts_and_reports_bad_lines(client, login, users, campaign):
    login(users["coordinator"])
    mail.outbox.clear()
    page = client.post(
        f"/campagnes/{campaign.pk}/invite/",
        {"lines": "33;numerique@gironde.example\n99;perdu@nulle-part.example\npas-une-ligne"},
        follow=True,
    )
    html = page.content.decode()
    assert User.objects.get(email="numerique@gironde.example").departement.code == "33"
    assert "ligne 2" in html and "Département inconnu" in html
    assert "ligne 3" in html
    assert "1 compte créé et invité" in html
    assert any("numerique@gironde.example" in m.to for m in mail.outbox)


def test_an_invitation_list_with_a_control_character_is_refused_whole(
    client, users, campaign, login, mailoutbox
):
    from numeduc.web.accounts.models import User

    login(users["coordinator"])
    answer = client.post(
        f"/campagnes/{campaign.pk}/invite/",
        {"lines": "45;premier@loiret.example\n59;se\x00cond@nord.example"},
        follow=True,
    )
    page = answer.content.decode()
    assert "Liste des comptes à inviter refusée" in page and "U+0000" in page
    assert not User.objects.filter(email__in=["premier@loiret.example", "second@nord.example"]).exists()
    assert mailoutbox == []
