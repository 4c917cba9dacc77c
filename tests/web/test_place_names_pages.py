"""The results, budget and usage pages of a département name it with its article (« du Calvados »)."""

from __future__ import annotations

import pytest

from numeduc.web.planning.models import Scenario
from numeduc.web.surveys.models import Campaign
from numeduc.web.territories.models import Departement

from .conftest import submit_response
from .test_place_names import OF, assert_names_right, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_campaign(territories, full_answers, campaign_factory):
    campaign = campaign_factory(2017, Campaign.Status.CLOSED)
    for code in OF:
        submit_response(campaign, code, full_answers(3))
    return campaign


@pytest.mark.parametrize("code", sorted(OF))
def test_results_page_names_the_departement_with_its_article(client, login, users, closed_campaign, code):
    login(users["coordinator"])
    page = text_of(client.get(f"/resultats/{closed_campaign.pk}/departements/{code}/"))
    assert f"Autodiagnostic {OF[code]} ({code})" in page
    assert_names_right(page, code)


def test_results_page_sentence_agrees_whatever_the_article(client, login, users, closed_campaign):
    # « Le département des Yvelines appartient » : a singular subject for every name (« les Yvelines »
    # would need « appartiennent »).
    login(users["coordinator"])
    page = text_of(client.get(f"/resultats/{closed_campaign.pk}/departements/78/"))
    assert "Le département des Yvelines appartient au" in page


@pytest.mark.parametrize("code", sorted(OF))
def test_budget_pages_name_the_departement_with_its_article(client, login, users, code):
    Scenario.objects.create(
        departement=Departement.objects.get(code=code),
        name="Livre blanc",
        base_preset="livre-blanc-2017",
        strategy="classe_mobile",
    )
    login(users["coordinator"])
    page = text_of(client.get(f"/budget/departements/{code}/"))
    assert f"Budget du numérique éducatif {OF[code]} ({code})" in page
    assert f"Scénarios budgétaires {OF[code]}" in page
    assert_names_right(page, code)


def test_budget_page_without_a_declared_budget_says_whose(client, login, users):
    login(users["coordinator"])
    page = text_of(client.get("/budget/departements/37/"))
    assert "Le département de l'Indre-et-Loire n'a pas encore déclaré son budget" in page
    page = text_of(client.get("/budget/departements/78/"))
    assert "Le département des Yvelines n'a pas encore déclaré son budget" in page


def test_budget_positioning_chart_names_the_departement_with_its_article(
    client, login, users, closed_campaign
):
    login(users["coordinator"])
    page = text_of(client.get("/budget/departements/78/"))
    assert "Budget par élève des Yvelines dans la distribution nationale" in page
    assert "— Yvelines dans la distribution" not in page


def test_usage_chart_names_the_departement_with_its_article(client, login, world):
    login(world["coordinator"])
    page = text_of(client.get("/usages/departements/45/"))
    assert "Ensemble du département du Loiret" in page
    assert "Ensemble du département Loiret" not in page


def test_usage_page_with_logs_names_the_departement_with_its_article(client, login, world):
    login(world["coordinator"])
    page = text_of(client.get("/usages/departements/45/"))
    assert "Usages du numérique dans les collèges du Loiret (45)" in page
    assert_names_right(page, "45")
