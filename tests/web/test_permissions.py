"""Refusals: nobody reads or changes what their role does not allow, whatever the URL or ID."""

from __future__ import annotations

import json

import pytest

from numeduc.web.surveys import services
from numeduc.web.surveys.models import Answer, Campaign, Response, ResponseEvent
from numeduc.web.territories.models import Departement

pytestmark = pytest.mark.django_db


@pytest.fixture
def loiret_response(users, campaign, full_answers):
    response = services.response_for(campaign, departement=Departement.objects.get(code="45"))
    services.save_answer(
        response, "f01_maturite_equipes", "3", "Commentaire confidentiel du Loiret", users["loiret_editor"]
    )
    return response


def urls_of(response):
    return {
        "detail": f"/reponses/{response.pk}/",
        "history": f"/reponses/{response.pk}/historique/",
    }


@pytest.mark.parametrize("who", ["nord_editor", "dan_loiret", "dan_other"])
def test_other_users_cannot_read_a_departement_response_or_its_history(
    client, login, users, loiret_response, who
):
    login(users[who])
    for url in urls_of(loiret_response).values():
        page = client.get(url)
        assert page.status_code == 403, url
        html = page.content.decode()
        assert "Commentaire confidentiel" not in html
        assert "Accès refusé" in html and "Cette réponse ne vous est pas accessible." in html


@pytest.mark.parametrize("who", ["nord_editor", "loiret_viewer", "coordinator", "dan_loiret"])
def test_only_the_departement_editor_can_change_the_response(client, login, users, loiret_response, who):
    login(users[who])
    before = (Answer.objects.get(response=loiret_response).value, ResponseEvent.objects.count())
    save = client.post(
        f"/reponses/{loiret_response.pk}/enregistrer/",
        data=json.dumps({"item": "f01_maturite_equipes", "value": "1"}),
        content_type="application/json",
    )
    assert save.status_code == 403
    form = client.post(f"/reponses/{loiret_response.pk}/", {"item-f01_maturite_equipes": "1"})
    assert form.status_code == 403
    assert client.post(f"/reponses/{loiret_response.pk}/transmettre/").status_code == 403
    assert client.post(f"/reponses/{loiret_response.pk}/rouvrir/").status_code == 403
    after = (Answer.objects.get(response=loiret_response).value, ResponseEvent.objects.count())
    assert before == after
    loiret_response.refresh_from_db()
    assert loiret_response.status == Response.Status.DRAFT


def test_viewer_and_coordinator_can_read_but_see_no_editing_controls(client, login, users, loiret_response):
    for who in ("loiret_viewer", "coordinator"):
        login(users[who])
        page = client.get(f"/reponses/{loiret_response.pk}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "Commentaire confidentiel du Loiret" in html
        assert "Transmettre la réponse" not in html and 'type="radio"' not in html
        client.logout()


def test_editor_of_another_departement_cannot_create_a_response_for_loiret(client, login, users, campaign):
    login(users["nord_editor"])
    page = client.get(f"/campagnes/{campaign.pk}/repondre/")
    response = Response.objects.get(pk=int(page.url.strip("/").split("/")[-1]))
    assert response.departement.code == "59"  # its own, never the Loiret's


def test_results_of_another_departement_are_refused(client, login, users, loiret_response, full_answers):
    for item, value in full_answers().items():
        services.save_answer(loiret_response, item, value, None, users["loiret_editor"])
    services.submit(loiret_response, users["loiret_editor"])
    url = f"/resultats/{loiret_response.campaign_id}/departements/45/"
    for who in ("nord_editor", "dan_other", "dan_loiret"):  # DAN: only once the campaign is published
        login(users[who])
        assert client.get(url).status_code == 403, who
        client.logout()
    login(users["loiret_viewer"])
    assert client.get(url).status_code == 200


def test_dan_reads_its_departements_results_once_published(
    client, login, users, loiret_response, full_answers
):
    for item, value in full_answers().items():
        services.save_answer(loiret_response, item, value, None, users["loiret_editor"])
    services.submit(loiret_response, users["loiret_editor"])
    Campaign.objects.filter(pk=loiret_response.campaign_id).update(
        status=Campaign.Status.CLOSED, published=True
    )
    url = f"/resultats/{loiret_response.campaign_id}/departements/45/"
    login(users["dan_loiret"])
    assert client.get(url).status_code == 200
    client.logout()
    login(users["dan_other"])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("who", ["loiret_editor", "loiret_viewer", "dan_loiret"])
def test_campaign_management_is_for_the_coordinator_only(client, login, users, campaign, who):
    login(users[who])
    assert client.get("/campagnes/").status_code == 403
    assert client.get("/campagnes/nouvelle/").status_code == 403
    assert client.get(f"/campagnes/{campaign.pk}/").status_code == 403
    assert client.post(f"/campagnes/{campaign.pk}/close/").status_code == 403
    campaign.refresh_from_db()
    assert campaign.is_open


def test_anonymous_visitors_are_sent_to_the_login_page(client, loiret_response):
    for url in [
        *urls_of(loiret_response).values(),
        "/campagnes/",
        f"/resultats/{loiret_response.campaign_id}/departements/45/",
    ]:
        page = client.get(url)
        assert page.status_code == 302 and page.url.startswith("/compte/connexion/"), url
    save = client.post(
        f"/reponses/{loiret_response.pk}/enregistrer/", data="{}", content_type="application/json"
    )
    assert save.status_code == 302


def test_dan_cannot_answer_a_departement_questionnaire(client, login, users, campaign):
    login(users["dan_loiret"])
    assert client.get(f"/campagnes/{campaign.pk}/repondre/").status_code == 403
    assert not Response.objects.exists()
