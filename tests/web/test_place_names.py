"""Pages name départements and académies with their article and elision, and académies with their accents."""

from __future__ import annotations

import html as html_module

import pytest
from django.template import Context, Template

from numeduc.names import PlaceName
from numeduc.web.planning.models import Scenario
from numeduc.web.surveys.models import Campaign
from numeduc.web.territories.models import Academie, Departement

pytestmark = pytest.mark.django_db

# code -> the « de » form every page must use (never « de Calvados », « de Indre-et-Loire »).
OF = {
    "14": "du Calvados",
    "45": "du Loiret",
    "37": "de l'Indre-et-Loire",
    "78": "des Yvelines",
    "75": "de Paris",
}
WRONG = [
    "de Calvados",
    "de Loiret",
    "de Indre-et-Loire",
    "d'Indre-et-Loire",  # the COG's form; numeduc writes « de l'Indre-et-Loire » (usage, issue 11)
    "de Yvelines",
    "de les Yvelines",
]


def text_of(response) -> str:
    """The page's text with entities decoded (Django escapes the apostrophe as &#x27;)."""
    assert response.status_code == 200
    return html_module.unescape(response.content.decode())


def assert_names_right(page: str, code: str) -> None:
    assert OF[code] in page
    for wrong in WRONG:
        assert wrong not in page, wrong


# -- models and filters ------------------------------------------------------------------------


def test_models_give_every_form(territories):
    loiret, indre_et_loire = Departement.objects.get(code="45"), Departement.objects.get(code="37")
    assert (loiret.name_with_article, loiret.name_of, loiret.name_to) == (
        "le Loiret",
        "du Loiret",
        "au Loiret",
    )
    assert indre_et_loire.name_of == "de l'Indre-et-Loire"
    assert Departement.objects.get(code="50").name_of == "de la Manche"
    orleans_tours = Academie.objects.get(code="18")
    assert orleans_tours.name == "Orléans-Tours"  # the loader stores the official accented name
    assert str(orleans_tours) == "Académie d'Orléans-Tours"
    assert str(Academie.objects.get(code="32")) == "Académie de la Guadeloupe"
    assert orleans_tours.name_of == "d'Orléans-Tours"


def test_every_loaded_academie_has_its_accented_name(territories):
    names = dict(Academie.objects.values_list("code", "name"))
    assert len(names) == 31
    assert names["03"] == "Besançon" and names["24"] == "Créteil" and names["28"] == "La Réunion"
    assert all(not name.isupper() for name in names.values())


def test_rows_outside_the_reference_still_read_right():
    # Only tests build such rows; no article, « d' » before a vowel.
    assert Departement(code="99", name="Essai").name_of == "d'Essai"
    assert Departement(code="99", name="Test").name_of == "de Test"
    assert str(Academie(code="99", name="Autre")) == "Académie d'Autre"


def test_template_filters(territories):
    template = Template(
        "{% load place_names %}{{ d|de_nom }} · {{ d|le_nom|capfirst }} · {{ d|au_nom }} · {{ a|de_nom }}"
        " · {{ p|de_nom }}"
    )
    rendered = template.render(
        Context(
            {
                "d": Departement.objects.get(code="78"),
                "a": Academie.objects.get(code="02"),
                "p": PlaceName("Indre", 5),
            }
        )
    )
    assert (
        html_module.unescape(rendered)
        == "des Yvelines · Les Yvelines · aux Yvelines · d'Aix-Marseille · de l'Indre"
    )


# -- pages ---------------------------------------------------------------------------------------


def test_results_page_without_an_answer_says_whose_results(client, login, users, campaign_factory):
    campaign = campaign_factory(2017, Campaign.Status.CLOSED)
    login(users["coordinator"])
    response = client.get(f"/resultats/{campaign.pk}/departements/93/")
    assert response.status_code == 404  # the page says there is nothing yet, with a 404
    assert "Résultats de la Seine-Saint-Denis" in html_module.unescape(response.content.decode())


@pytest.mark.parametrize("code", sorted(OF))
def test_scenario_page_links_back_to_the_budget_with_the_article(client, login, users, code):
    scenario = Scenario.objects.create(
        departement=Departement.objects.get(code=code),
        name="Livre blanc",
        base_preset="livre-blanc-2017",
        strategy="classe_mobile",
    )
    login(users["coordinator"])
    page = text_of(client.get(f"/budget/scenarios/{scenario.pk}/"))
    assert f"← Budget {OF[code]}" in page
    assert f"— budget {OF[code]} · numeduc</title>" in page
    assert_names_right(page, code)


@pytest.mark.parametrize("code", ["14", "37", "78", "75"])
def test_usage_page_without_logs_names_the_departement_with_its_article(client, login, users, code):
    login(users["coordinator"])
    page = text_of(client.get(f"/usages/departements/{code}/"))
    assert f"Usages du numérique dans les collèges {OF[code]} ({code})" in page
    assert f"Le département {OF[code]} n'a pas encore chargé" in page
    assert_names_right(page, code)


def test_dan_pages_name_the_academie_with_its_accents_and_elision(client, login, users):
    login(users["dan_loiret"])
    page = text_of(client.get("/"))
    assert "Académie d'Orléans-Tours" in page
    assert "ORLEANS" not in page and "Orleans" not in page and "Académie de Orl" not in page


def test_api_gives_the_accented_academie_name(client, login, users):
    login(users["coordinator"])
    rows = {row["code"]: row for row in client.get("/api/v1/departements").json()}
    assert rows["45"]["academie"] == "Orléans-Tours"
    assert rows["974"]["academie"] == "La Réunion"


def test_demo_accounts_name_the_dan_academie():
    from numeduc.web.demo import demo_accounts

    dan = next(account for account in demo_accounts() if account.role == "dan")
    assert dan.what == "DAN de l'académie d'Orléans-Tours (celle du Loiret)"


def test_every_departement_row_renders_its_forms_from_the_data(territories):
    # All 101 rows, as loaded: the template filter, the model and numeduc.names agree, and no form is
    # « de le … », « de les … » or « de » before a vowel.
    from numeduc.names import departement_name, starts_with_vowel

    template = Template("{% load place_names %}{{ d|de_nom }}|{{ d|le_nom }}|{{ d|au_nom }}")
    for departement in Departement.objects.all():
        expected = departement_name(departement.code)
        rendered = html_module.unescape(template.render(Context({"d": departement})))
        assert rendered == f"{expected.of}|{expected.with_article}|{expected.to}"
        assert departement.name_of == expected.of
        assert not departement.name_of.startswith(("de le ", "de les "))
        assert not (departement.name_of.startswith("de ") and starts_with_vowel(departement.name_of[3:]))
