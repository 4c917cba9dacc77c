"""The results page of a département, from the database to the rendered radar and tables."""

from __future__ import annotations

import pytest
from django.utils import timezone

from numeduc.questionnaires import load_questionnaire
from numeduc.web.surveys import data
from numeduc.web.surveys.models import Answer, Campaign, Response
from numeduc.web.territories.models import Departement

pytestmark = pytest.mark.django_db

FACTOR_ITEMS = [item.id for item in load_questionnaire("autodiagnostic").factor_items()]


def submitted(campaign, code: str, level: int, full_answers) -> Response:
    response = Response.objects.create(
        campaign=campaign,
        departement=Departement.objects.get(code=code),
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    answers = full_answers(level)
    Answer.objects.bulk_create(
        Answer(response=response, item_id=k, value=int(v) if v.isdigit() else v) for k, v in answers.items()
    )
    return response


@pytest.fixture
def closed_2017(territories, full_answers, campaign_factory):
    campaign = campaign_factory(2017, Campaign.Status.CLOSED)
    codes = ["45", "59", "50", "54", "64", "71", "90", "93", "33", "69"]
    for i, code in enumerate(codes):
        submitted(campaign, code, 1 + i % 4, full_answers)
    return campaign


def test_closed_campaign_levels_frame(closed_2017):
    levels = data.campaign_levels(closed_2017)
    assert levels.shape == (10, 13)
    assert levels.loc["45", 1] == 1 and levels.loc["59", 13] == 2


def test_results_page_shows_radar_medians_peers_and_sources(client, login, users, closed_2017):
    login(users["loiret_viewer"])
    page = client.get(f"/resultats/{closed_2017.pk}/departements/45/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "Médiane nationale (10 départements)" in html
    assert "Vos points forts" in html and "Vos points à renforcer" in html
    assert "Score par axe" in html and "moyenne de vos niveaux" in html
    assert "Insee, Filosofi, revenus 2013" in html  # every figure with its source and year
    assert "Le département du Loiret appartient au" in html
    # 10 respondents cannot make every peer group reach 5: the page says what it did instead.
    assert ("élargit" in html) or ("Médiane des départements comparables" in html) or ("Trop peu" in html)


def test_open_campaign_is_compared_with_the_last_closed_one_and_shows_change(
    client, login, users, closed_2017, full_answers, campaign_factory
):
    open_2018 = campaign_factory(2018, Campaign.Status.OPEN)
    submitted(open_2018, "45", 2, full_answers)  # 2017: level 1 everywhere for the Loiret
    login(users["loiret_editor"])
    html = client.get(f"/resultats/{open_2018.pk}/departements/45/").content.decode()
    assert "dernière campagne clôturée" in html
    assert "évolution depuis 2017" in html, html[html.find("<main") : html.find("</main>")][:3000]
    assert "en progrès (+1)" in html


def test_few_respondents_hide_the_national_median(
    client, login, users, territories, full_answers, campaign_factory
):
    campaign = campaign_factory(2017, Campaign.Status.CLOSED)
    for code in ["45", "59", "50"]:
        submitted(campaign, code, 3, full_answers)
    login(users["loiret_viewer"])
    html = client.get(f"/resultats/{campaign.pk}/departements/45/").content.decode()
    assert "Médiane nationale (" not in html
    assert "aucune médiane nationale" in html


def test_no_submitted_response_gives_a_clear_page(client, login, users, campaign):
    login(users["loiret_editor"])
    page = client.get(f"/resultats/{campaign.pk}/departements/45/")
    assert page.status_code == 404 and "Aucune réponse transmise" in page.content.decode()


def test_profile_csv_export_and_its_refusal(client, login, users, closed_2017, export_reader):
    import csv
    import io

    login(users["loiret_viewer"])
    export = client.get(f"/resultats/{closed_2017.pk}/departements/45/export.csv")
    assert export.status_code == 200
    # French spreadsheet conventions (numeduc.web.downloads): BOM, ';', decimal comma.
    assert export.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 13
    assert rows[0]["Niveau du département"] == "1,0" and rows[0]["Départements répondants"] == "10"
    assert rows[0]["Avertissement"] == ""
    page = client.get(f"/resultats/{closed_2017.pk}/departements/45/").content.decode()
    assert f'href="/resultats/{closed_2017.pk}/departements/45/export.csv?format=schema"' in page
    export_reader.web_variants(client, f"/resultats/{closed_2017.pk}/departements/45/export.csv")
    machine = client.get(f"/resultats/{closed_2017.pk}/departements/45/export.csv?format=csv-machine")
    assert machine["Content-Disposition"] == 'attachment; filename="autodiagnostic-45-2017-machine.csv"'
    parsed = list(csv.DictReader(io.StringIO(machine.content.decode("utf-8"))))
    assert parsed[0]["level"] == "1.0" and parsed[0]["national_respondents"] == "10"
    client.logout()
    login(users["nord_editor"])
    assert client.get(f"/resultats/{closed_2017.pk}/departements/45/export.csv").status_code == 403
