"""The demonstration instance: seeded, labelled on every page, re-loadable without duplicates."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from numeduc.web.demo import DEMO_PASSWORD, load_demo
from numeduc.web.surveys.models import Campaign, Response

pytestmark = pytest.mark.django_db

PAPER_SAMPLE = {"45", "50", "54", "59", "64", "71", "90", "93"}


def test_demo_campaigns_accounts_and_banner(client, territories, campaign_factory):
    real = campaign_factory(2019, Campaign.Status.OPEN)  # a real campaign must survive a demo reload
    report = load_demo()
    load_demo()  # twice: nothing doubles
    c2017 = Campaign.objects.get(is_demo=True, year=2017, questionnaire_slug="autodiagnostic")
    assert c2017.is_closed and c2017.published
    submitted = Response.objects.filter(campaign=c2017, status=Response.Status.SUBMITTED)
    assert submitted.count() == 39 == report["campaigns"][2017]
    assert PAPER_SAMPLE <= set(submitted.values_list("departement__code", flat=True))
    assert Campaign.objects.filter(is_demo=True).count() == 5
    assert Campaign.objects.filter(pk=real.pk).exists()
    dan = Campaign.objects.get(is_demo=True, questionnaire_slug="dan", year=2017)
    assert dan.responses.filter(academie__isnull=False).count() == 25
    # The 2018 DAN questionnaire stays open and empty for the demo's DAN to answer.
    dan_2018 = Campaign.objects.get(is_demo=True, questionnaire_slug="dan", year=2018)
    assert dan_2018.is_open and not dan_2018.responses.exists()

    assert client.login(
        request=RequestFactory().post("/compte/connexion/"),
        email="loiret@demo.numeduc.fr",
        password=DEMO_PASSWORD,
    )
    for url in ("/", f"/resultats/{c2017.pk}/departements/45/", "/sources/"):
        html = client.get(url).content.decode()
        assert "Données de démonstration" in html, url
    results = client.get(f"/resultats/{c2017.pk}/departements/45/").content.decode()
    assert "données de démonstration" in results  # on the chart itself too
    export = client.get(f"/resultats/{c2017.pk}/departements/45/export.csv")
    assert "demonstration" in export["Content-Disposition"]
    assert "données de démonstration" in export.content.decode("utf-8-sig")


def test_dan_answers_its_own_questionnaire(client, login, users, campaign_factory):
    dan_campaign = campaign_factory(2017, Campaign.Status.OPEN, slug="dan")
    login(users["dan_loiret"])
    page = client.get(f"/campagnes/{dan_campaign.pk}/repondre/")
    response = Response.objects.get(pk=int(page.url.strip("/").split("/")[-1]))
    assert response.academie == users["dan_loiret"].academie and response.departement is None
    form = client.get(page.url).content.decode()
    assert "Transmettre la réponse" in form
    client.logout()
    login(users["dan_other"])
    assert client.get(page.url).status_code == 403
