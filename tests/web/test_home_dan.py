"""The DAN's home page: its own questionnaires linked as they can be used today, and only the
results that exist and that it may read; every link it shows opens for it."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from numeduc.web.surveys.models import Answer, Campaign, Response
from numeduc.web.territories.models import Academie, Departement

from .conftest import make_campaign

pytestmark = pytest.mark.django_db

ORLEANS_TOURS = ["18", "28", "36", "37", "41", "45"]


def submit(
    campaign, full_answers, *, departement=None, academie=None, status=Response.Status.SUBMITTED, level=2
):
    response = Response.objects.create(
        campaign=campaign,
        departement=departement,
        academie=academie,
        status=status,
        submitted_at=timezone.now() if status == Response.Status.SUBMITTED else None,
    )
    if campaign.questionnaire_slug == "autodiagnostic":
        Answer.objects.bulk_create(
            Answer(response=response, item_id=k, value=int(v) if v.isdigit() else v)
            for k, v in full_answers(level).items()
        )
    return response


@pytest.fixture
def dan_world(users, full_answers):
    """A published 2017 self-diagnosis answered by 45 and 36 of the DAN's académie (37 left a
    draft) and by eight départements elsewhere; a published survey without factors (it has no
    results page); an open 2018 self-diagnosis; a closed DAN questionnaire the académie answered
    and an open one it has not started."""
    selfdiag = make_campaign(2017, Campaign.Status.CLOSED, published=True)
    for i, code in enumerate(["45", "36", "59", "50", "54", "64", "71", "90", "93", "33"]):
        submit(selfdiag, full_answers, departement=Departement.objects.get(code=code), level=1 + i % 4)
    submit(
        selfdiag, full_answers, departement=Departement.objects.get(code="37"), status=Response.Status.DRAFT
    )
    survey = make_campaign(2016, Campaign.Status.CLOSED, slug="enquete-trois-questions", published=True)
    for code in ORLEANS_TOURS:
        submit(survey, full_answers, departement=Departement.objects.get(code=code))
    open_2018 = make_campaign(2018, Campaign.Status.OPEN)
    academie = users["dan_loiret"].academie
    dan_2017 = make_campaign(2017, Campaign.Status.CLOSED, slug="dan")
    answered = submit(dan_2017, full_answers, academie=academie)
    dan_2018 = make_campaign(2018, Campaign.Status.OPEN, slug="dan")
    return {
        "selfdiag": selfdiag,
        "survey": survey,
        "open_2018": open_2018,
        "dan_2017": dan_2017,
        "dan_answer": answered,
        "dan_2018": dan_2018,
    }


def main_links(html: str) -> list[str]:
    main = html.split('<main id="contenu">', 1)[1].split("</main>", 1)[0]
    return re.findall(r'href="([^"#]+)"', main)


def test_every_link_on_the_dan_home_page_opens_for_the_dan(client, login, users, dan_world):
    login(users["dan_loiret"])
    links = main_links(client.get("/").content.decode())
    selfdiag = dan_world["selfdiag"]
    assert sorted(links) == sorted(
        [
            f"/reponses/{dan_world['dan_answer'].pk}/",  # the académie's answer, readable
            f"/campagnes/{dan_world['dan_2018'].pk}/repondre/",  # the open questionnaire
            f"/resultats/{selfdiag.pk}/departements/36/",
            f"/resultats/{selfdiag.pk}/departements/45/",
            f"/national/{selfdiag.pk}/",
        ]
    )
    for link in links:
        response = client.get(link, follow=True)
        assert response.status_code == 200, link
    # Following « Répondre » created the académie's answer: the home page now offers to go on.
    page = client.get("/").content.decode()
    started = Response.objects.get(campaign=dan_world["dan_2018"], academie=users["dan_loiret"].academie)
    assert f'href="/reponses/{started.pk}/">Continuer la saisie' in page


def test_dan_home_says_who_has_not_answered_and_never_links_the_survey(client, login, users, dan_world):
    login(users["dan_loiret"])
    page = client.get("/").content.decode()
    assert (
        "Sans réponse transmise à cette campagne : Cher, Eure-et-Loir, Indre-et-Loire et Loir-et-Cher."
        in page
    )
    assert f"/resultats/{dan_world['survey'].pk}/" not in page  # no per-département results page
    assert f"/resultats/{dan_world['open_2018'].pk}/" not in page  # not published
    assert "Voir la réponse de votre académie" in page and "Répondre au questionnaire" in page


def test_dan_home_empty_state_when_no_departement_of_the_academie_answered(client, login, users, dan_world):
    Response.objects.filter(
        campaign=dan_world["selfdiag"], departement__academie=users["dan_loiret"].academie
    ).delete()
    login(users["dan_loiret"])
    page = client.get("/").content.decode()
    assert "Aucun département de l'académie n'a transmis sa réponse à cette campagne" in page
    assert "/resultats/" not in page


def test_other_academie_dan_sees_only_its_own_departements(client, login, users, dan_world):
    login(users["dan_other"])  # Lille: Nord (59) answered, Pas-de-Calais did not
    links = main_links(client.get("/").content.decode())
    results = [link for link in links if link.startswith("/resultats/")]
    assert results == [f"/resultats/{dan_world['selfdiag'].pk}/departements/59/"]
    assert f"/reponses/{dan_world['dan_answer'].pk}/" not in links
    for link in links:
        assert client.get(link, follow=True).status_code == 200, link


def test_dan_without_academie_gets_a_page_not_an_error(client, login, users, dan_world):
    dan = users["dan_loiret"]
    dan.academie = None
    dan.save()
    login(dan)
    response = client.get("/")
    assert response.status_code == 200
    assert "Aucun questionnaire ne s'adresse à votre académie" in response.content.decode()
    assert Academie.objects.exists()
