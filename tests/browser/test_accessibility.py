"""Accessibility: axe-core finds no serious or critical violation on the main pages."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe

from numeduc.questionnaires import load_questionnaire
from numeduc.web.accounts.models import Role, User
from numeduc.web.surveys.models import Answer, Campaign, Response
from numeduc.web.territories.loading import load_reference
from numeduc.web.territories.models import Departement

from .conftest import serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTIONNAIRE = load_questionnaire("autodiagnostic")


def test_login_questionnaire_and_results_pages_pass_axe(page, live_server):
    load_reference(colleges=False)
    user = User(
        email="a11y@test.fr",
        username="a11y@test.fr",
        role=Role.DEPARTEMENT_EDITOR,
        departement=Departement.objects.get(code="45"),
    )
    user.set_password("mot-de-passe-a11y")
    user.save()
    campaign = Campaign.objects.create(
        title="Autodiagnostic 2017",
        questionnaire_slug=QUESTIONNAIRE.slug,
        questionnaire_version=QUESTIONNAIRE.version,
        year=2017,
        opens_on=dt.date(2017, 3, 1),
        closes_on=dt.date(2017, 6, 30),
        status=Campaign.Status.OPEN,
    )
    campaign.target_departements.set(Departement.objects.all())
    response = Response.objects.create(
        campaign=campaign, departement=user.departement, status=Response.Status.SUBMITTED
    )
    Answer.objects.bulk_create(
        Answer(response=response, item_id=i.id, value=2) for i in QUESTIONNAIRE.factor_items()
    )
    draft_campaign = Campaign.objects.create(
        title="Autodiagnostic 2018",
        questionnaire_slug=QUESTIONNAIRE.slug,
        questionnaire_version=QUESTIONNAIRE.version,
        year=2018,
        opens_on=dt.date(2018, 3, 1),
        closes_on=dt.date(2018, 6, 30),
        status=Campaign.Status.OPEN,
    )
    draft_campaign.target_departements.set(Departement.objects.all())
    draft = Response.objects.create(campaign=draft_campaign, departement=user.departement)

    axe = Axe()
    page.goto(f"{live_server.url}/compte/connexion/")
    assert serious(axe.run(page)) == []
    page.get_by_label("Adresse e-mail").fill("a11y@test.fr")
    page.get_by_label("Mot de passe").fill("mot-de-passe-a11y")
    page.get_by_role("button", name="Se connecter").click()
    for path in (
        "/",
        f"/reponses/{draft.pk}/",
        f"/resultats/{campaign.pk}/departements/45/",
        f"/reponses/{response.pk}/historique/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert serious(axe.run(page)) == [], path
