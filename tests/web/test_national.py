"""National analysis pages: who sees them, what they show, the map parameter, the minimum-group rule."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.utils import timezone

from numeduc import reference
from numeduc.demo.dataset import split_answers
from numeduc.demo.selfdiag import generate_selfdiag_campaign
from numeduc.web.surveys.models import Answer, Campaign, Response
from numeduc.web.territories.models import Departement

pytestmark = pytest.mark.django_db

DEMO_ROWS = generate_selfdiag_campaign(reference.departements(), 2017, seed=2017)


def fill(campaign, codes) -> None:
    for code in codes:
        response = Response.objects.create(
            campaign=campaign,
            departement=Departement.objects.get(code=code),
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        answers, _ = split_answers(DEMO_ROWS.loc[code])
        Answer.objects.bulk_create(Answer(response=response, item_id=k, value=v) for k, v in answers.items())


@pytest.fixture
def closed_campaign(campaign_factory):
    campaign = campaign_factory(2017, Campaign.Status.CLOSED, is_demo=True)
    fill(campaign, list(DEMO_ROWS.index))
    return campaign


def url(campaign, query: str = "") -> str:
    return f"/national/{campaign.pk}/{query}"


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', html, re.S)
    assert match, section_id
    return match.group(1)


def test_coordinator_sees_every_chart_before_publication(closed_campaign, users, login):
    client = login(users["coordinator"])
    response = client.get(url(closed_campaign))
    assert response.status_code == 200
    html = response.content.decode()
    n = len(DEMO_ROWS)
    assert f"{n} départements ont transmis leur réponse" in html
    for title in [
        "Éboulis des valeurs propres",
        "Cercle des corrélations",
        "Carte factorielle des départements",
        "Corrélations de Spearman entre les 13 facteurs",
        "Facteurs et indicateurs de l'Insee",
        "Utilisation des équipements selon l'homogénéité du parc",
        "Utilisation des équipements selon le budget par élève",
        "Utilisation des équipements selon l'accompagnement des utilisateurs",
        "Maturité perçue selon l'effort d'évaluation et de suivi",
        "Classification des départements en groupes de pairs",
        "Groupes de pairs des départements",
    ]:
        assert title in html_lib.unescape(html), title
    # Every chart: SVG, a data table, one reading sentence; demo data say so.
    assert html.count("<svg") == html.count("<summary>Voir les données du graphique") == 11
    assert html.count("<strong>Lecture :</strong>") == 11 + 1  # plus the peer-group test
    assert "données de démonstration" in section(html, "croisements")
    assert "non publiée" in html
    # Cross-tab sentences carry n and the p-value.
    assert f"n = {n}" in section(html, "croisements")


def test_editor_refused_before_publication_and_allowed_after(closed_campaign, users, login):
    client = login(users["loiret_editor"])
    assert client.get(url(closed_campaign)).status_code == 403
    assert closed_campaign.title not in client.get("/national/").content.decode()
    closed_campaign.published = True
    closed_campaign.save()
    response = client.get(url(closed_campaign))
    assert response.status_code == 200
    html = response.content.decode()
    # Positions of départements identify their answers: not for a département.
    assert "Carte factorielle des départements" not in html
    assert "réservée à la coordination" in html
    assert html.count("<svg") == 10
    assert closed_campaign.title in client.get("/national/").content.decode()


def test_published_but_open_campaign_stays_refused(campaign_factory, users, login):
    campaign = campaign_factory(2018, Campaign.Status.OPEN, published=True)
    fill(campaign, list(DEMO_ROWS.index[:10]))
    assert login(users["loiret_viewer"]).get(url(campaign)).status_code == 403


def test_anonymous_is_sent_to_login(closed_campaign, client):
    response = client.get(url(closed_campaign))
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_factor_map_shows_levels_to_the_coordinator_and_group_medians_to_others(
    closed_campaign, users, login
):
    html = login(users["coordinator"]).get(url(closed_campaign, "?carte=facteur-10")).content.decode()
    carte = section(html, "carte-france")
    assert "niveau de chaque département répondant" in carte
    n_missing = 101 - len(DEMO_ROWS)
    assert f"non renseigné ({n_missing})" in carte  # départements without an answer shown as missing

    closed_campaign.published = True
    closed_campaign.save()
    from django.test import Client

    other = login(users["nord_editor"], Client())
    carte = section(other.get(url(closed_campaign, "?carte=facteur-10")).content.decode(), "carte-france")
    assert "médiane par groupe de pairs" in carte
    assert "niveau de chaque département" not in carte
    assert "Utilisation des équipements : niveau" not in carte


@pytest.mark.parametrize(
    "query, message",
    [
        ("?carte=facteur-14", "Facteur inconnu : « 14 »"),
        ("?carte=facteur-x", "Facteur inconnu : « x »"),
        ("?carte=revenu", "Carte inconnue : « revenu »"),
    ],
)
def test_unknown_map_choice_is_a_clear_400(closed_campaign, users, login, query, message):
    response = login(users["coordinator"]).get(url(closed_campaign, query))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Choix possibles" in html or "numérotés de 1 à 13" in html


def test_indicator_map(closed_campaign, users, login):
    response = login(users["coordinator"]).get(url(closed_campaign, "?carte=pauvrete"))
    assert response.status_code == 200
    carte = section(response.content.decode(), "carte-france")
    assert "Taux de pauvreté par département" in carte
    assert '<option value="pauvrete" selected>' in carte


def test_fewer_than_five_respondents_show_no_analysis(campaign_factory, users, login):
    campaign = campaign_factory(2016, Campaign.Status.CLOSED)
    fill(campaign, list(DEMO_ROWS.index[:4]))
    response = login(users["coordinator"]).get(url(campaign))
    assert response.status_code == 200
    html = response.content.decode()
    assert "il en faut au moins 5" in html
    assert "Éboulis" not in html and "Carte factorielle" not in html


def test_peer_group_comparison_is_shown(closed_campaign, users, login):
    html = login(users["coordinator"]).get(url(closed_campaign)).content.decode()
    groupes = section(html, "groupes")
    assert "Test de Kruskal-Wallis entre les groupes d" in groupes
    assert groupes.count('<tr><th scope="row">F') == 13


def test_questionnaire_without_factors_has_no_national_analysis(campaign_factory, users, login):
    survey = campaign_factory(2016, Campaign.Status.CLOSED, slug="enquete-trois-questions", published=True)
    assert login(users["coordinator"]).get(url(survey)).status_code == 404


def test_real_campaign_charts_carry_no_demo_mark(campaign_factory, users, login):
    campaign = campaign_factory(2019, Campaign.Status.CLOSED)
    fill(campaign, list(DEMO_ROWS.index[:12]))
    html = login(users["coordinator"]).get(url(campaign)).content.decode()
    assert "12 départements ont transmis leur réponse" in html
    assert html.count("<svg") == 11
    assert "démonstration" not in html.lower()


def test_analysis_is_cached_until_a_response_changes(campaign_factory):
    from numeduc.web.surveys import data

    campaign = campaign_factory(2017, Campaign.Status.CLOSED, is_demo=True)
    codes = list(DEMO_ROWS.index)
    fill(campaign, codes[:-1])
    first = data.campaign_analysis(campaign)
    assert data.campaign_analysis(campaign) is first  # served from the cache
    fill(campaign, codes[-1:])  # one more respondent: a new key, a new analysis
    second = data.campaign_analysis(campaign)
    assert second is not first
    assert len(second.levels) == len(first.levels) + 1


def test_answers_varying_along_one_axis_give_a_page_without_circle(
    campaign_factory, users, login, full_answers
):
    """Every département gives one level to all 13 factors (levels differ between départements):
    the PCA keeps a single axis; the page says why the circle and the map are missing."""
    campaign = campaign_factory(2017, Campaign.Status.CLOSED, published=True)
    for i, code in enumerate(["59", "50", "54", "64", "71", "90", "93", "33"]):
        response = Response.objects.create(
            campaign=campaign,
            departement=Departement.objects.get(code=code),
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        Answer.objects.bulk_create(
            Answer(response=response, item_id=k, value=int(v) if v.isdigit() else v)
            for k, v in full_answers(1 + i % 4).items()
        )
    page = login(users["coordinator"]).get(f"/national/{campaign.pk}/")
    assert page.status_code == 200
    text = html_lib.unescape(page.content.decode())
    assert "un seul axe a de l'inertie" in text
    assert "Éboulis des valeurs propres" in text


def test_page_opens_with_what_to_remember_written_from_the_figures(closed_campaign, users, login):
    closed_campaign.target_departements.set(Departement.objects.all())
    html = html_lib.unescape(login(users["coordinator"]).get(url(closed_campaign)).content.decode())
    start = html.index("Ce qu'il faut retenir")
    assert start < html.index("1. Les grands axes")
    block = html[start : html.index("</section>", start)]
    n = len(DEMO_ROWS)
    assert f"{n} départements sur les 101 interrogés ont transmis leur réponse" in block
    assert "les plus avancés en" in block and "les moins avancés en" in block
    assert "La principale différence entre les réponses" in block
    assert "groupes de pairs" in block
    assert 3 <= block.count("<li>") <= 5
    assert "données de démonstration" in block  # written from the demo campaign's synthetic answers
