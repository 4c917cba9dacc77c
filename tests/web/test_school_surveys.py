"""Anonymous school surveys: opening, answering without an account, what is (not) stored, the
class code, the head of the collège's page, the results' threshold, and every refusal."""

from __future__ import annotations

import datetime as dt
import html
import json

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from typer.testing import CliRunner

from numeduc.questionnaires import load_questionnaire
from numeduc.web.accounts.models import Role, User
from numeduc.web.school_surveys import data, services
from numeduc.web.school_surveys.models import CollegeSurvey, Submission
from numeduc.web.territories.models import College, Departement

from .conftest import PASSWORD

SLUG = "college-eleves"


def _raw(questionnaire, pick: int = 0) -> dict[str, str]:
    """A complete answer: the ``pick``-th choice of every choice item (within range)."""
    raw = {}
    for item in questionnaire.items:
        if item.type == "choice":
            raw[f"item-{item.id}"] = item.choices[min(pick, len(item.choices) - 1)].value
        elif item.type == "level":
            raw[f"item-{item.id}"] = "2"
        elif item.type == "number" and item.required:
            raw[f"item-{item.id}"] = str(int(item.min or 0))
    return raw


@pytest.fixture
def world(users):
    loiret = Departement.objects.get(code="45")
    colleges = [
        College.objects.create(
            uai=f"045000{i}A", name=f"Collège {i}", departement=loiret, density_code="5", pupils=400
        )
        for i in range(1, 4)
    ]
    College.objects.create(
        uai="0590001X", name="Collège du Nord", departement=Departement.objects.get(code="59")
    )
    head = User(
        email="principal@test.fr", username="principal@test.fr", role=Role.SCHOOL, college=colleges[0]
    )
    head.set_password(PASSWORD)
    head.save()
    survey = services.open_survey(SLUG, loiret, users["loiret_editor"])
    links = {link.college.uai: link for link in survey.colleges.select_related("college")}
    return {"survey": survey, "links": links, "head": head, "colleges": colleges, **users}


def test_opening_gives_every_public_collège_its_own_unguessable_link(world):
    links = world["links"]
    assert sorted(links) == ["0450001A", "0450002A", "0450003A"]
    tokens = [link.token for link in links.values()]
    assert len(set(tokens)) == 3 and all(len(t) >= 24 for t in tokens)
    assert world["survey"].audience == "eleve"


@pytest.mark.parametrize(
    ("slug", "uais", "message"),
    [
        ("autodiagnostic", None, "n'est pas un questionnaire des collèges"),
        ("inconnu", None, "introuvable"),
        (SLUG, ["0590001X"], "inconnu parmi les collèges publics du Loiret : 0590001X"),
    ],
)
def test_opening_refusals_are_french(world, slug, uais, message):
    with pytest.raises(services.SurveyRefused, match=message):
        services.open_survey(slug, Departement.objects.get(code="45"), None, uais=uais)


def test_an_answer_without_account_stores_the_day_and_nothing_of_the_person(client, world):
    link = world["links"]["0450001A"]
    url = reverse("school_surveys:answer", args=[link.token])
    page = client.get(url)
    assert page.status_code == 200 and "anonyme" in page.content.decode()
    questionnaire = link.survey.questionnaire
    assert page.content.decode().count('class="item"') == len(questionnaire.items)  # every question
    nonce = page.context["nonce"]
    response = client.post(
        url,
        {**_raw(link.survey.questionnaire), "nonce": nonce},
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="TabletteDeTest/1.0",
    )
    assert response.status_code == 200 and "Vos réponses sont enregistrées" in response.content.decode()
    (submission,) = Submission.objects.all()
    assert submission.answered_on == timezone.localdate()
    columns = {f.name for f in Submission._meta.get_fields()}
    assert columns == {"id", "link", "answered_on", "nonce", "answers", "is_demo"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM school_surveys_submission")
        stored = repr(cursor.fetchall())
    assert "203.0.113.7" not in stored and "TabletteDeTest" not in stored
    assert str(timezone.now().hour) + ":" not in stored


def test_the_same_form_sent_twice_is_stored_once_and_the_next_pupil_can_answer(client, world):
    link = world["links"]["0450001A"]
    url = reverse("school_surveys:answer", args=[link.token])
    raw = {**_raw(link.survey.questionnaire), "nonce": "abc123"}
    client.post(url, raw)
    again = client.post(url, raw)
    assert Submission.objects.count() == 1 and "déjà été envoyée" in html.unescape(again.content.decode())
    # The device's cookie shows « thanks » rather than the form, and offers a fresh one.
    assert "Nouveau questionnaire" in client.get(url).content.decode()
    fresh = client.get(url + "?nouveau=1")
    client.post(url, {**_raw(link.survey.questionnaire, 1), "nonce": fresh.context["nonce"]})
    assert Submission.objects.count() == 2


def test_a_missing_required_question_keeps_what_was_typed(client, world):
    link = world["links"]["0450001A"]
    url = reverse("school_surveys:answer", args=[link.token])
    questionnaire = link.survey.questionnaire
    required = next(i for i in questionnaire.items if i.required)
    raw = _raw(questionnaire)
    raw.pop(f"item-{required.id}")
    response = client.post(url, {**raw, "nonce": "n1"})
    assert response.status_code == 400
    typed = html.unescape(response.content.decode())
    assert required.label in typed
    # What was typed is still ticked (the form is rendered with the values, not the cached empty one).
    kept = next(k for k in raw if k != f"item-{required.id}")
    assert f'name="{kept}" value="{raw[kept]}" checked' in typed
    assert Submission.objects.count() == 0


def test_a_closed_link_and_an_unknown_token_refuse(client, world):
    link = world["links"]["0450002A"]
    services.close_link(link, world["head"])
    response = client.post(
        reverse("school_surveys:answer", args=[link.token]), _raw(link.survey.questionnaire)
    )
    assert response.status_code == 410 and Submission.objects.count() == 0
    assert client.get(reverse("school_surveys:answer", args=["x" * 30])).status_code == 404


def test_the_class_code_leads_to_the_form_until_it_expires(client, world):
    link = services.new_class_code(world["links"]["0450001A"])
    assert len(link.class_code) == 6 and "0" not in link.class_code and "O" not in link.class_code
    response = client.post(reverse("school_surveys:class_code"), {"code": link.class_code.lower()})
    assert response.status_code == 302 and link.token in response.url
    later = timezone.now() + dt.timedelta(minutes=31)
    assert services.link_for_code(link.class_code, now=later) is None
    refused = client.post(reverse("school_surveys:class_code"), {"code": "ZZZZZZ"})
    assert refused.status_code == 400 and "expiré" in html.unescape(refused.content.decode())


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("head", 200),
        ("loiret_editor", 200),
        ("loiret_viewer", 403),
        ("nord_editor", 403),
        ("coordinator", 403),
        ("dan_loiret", 403),
    ],
)
def test_who_manages_a_collège_link(client, world, who, status):
    client.force_login(world[who])
    link = world["links"]["0450001A"]
    assert client.get(reverse("school_surveys:college", args=[link.pk])).status_code == status
    assert client.post(reverse("school_surveys:close", args=[link.pk])).status_code in (status, 302)
    if status == 403:
        link.refresh_from_db()
        assert link.closed_at is None


def test_another_collège_s_head_is_refused(client, world):
    client.force_login(world["head"])
    other = world["links"]["0450002A"]
    assert client.get(reverse("school_surveys:college", args=[other.pk])).status_code == 403
    assert client.post(reverse("school_surveys:code", args=[other.pk])).status_code == 403


def test_the_head_sees_the_link_the_qr_code_and_the_count(client, world):
    link = world["links"]["0450001A"]
    services.submit(link, _raw(link.survey.questionnaire), "n1")
    client.force_login(world["head"])
    page = html.unescape(client.get(reverse("school_surveys:college", args=[link.pk])).content.decode())
    assert (
        f"/enquete/{link.token}/" in page
        and "<svg" in page
        and 'answer-count">1</span> réponse reçue' in page
    )
    sheet = client.get(reverse("school_surveys:sheet", args=[link.pk])).content.decode()
    assert "<svg" in sheet and link.token in sheet


def test_results_show_nothing_below_five_answers_and_hide_what_subtraction_would_reveal(world):
    survey = world["survey"]
    questionnaire = survey.questionnaire
    for uai, n in (("0450001A", 7), ("0450002A", 3), ("0450003A", 9)):
        for i in range(n):
            services.submit(world["links"][uai], _raw(questionnaire, i % 2), f"{uai}-{i}")
    rows = {row["uai"]: row for row in data.result_rows(survey)}
    assert rows["0450002A"]["shown"] is False and rows["0450002A"]["items"] == {}
    assert "moins de 5" in rows["0450002A"]["reason"]
    # Loiret (19) − the two others would give 0450002A's three answers: the smallest is hidden too.
    assert rows["0450001A"]["shown"] is False and "soustraction" in rows["0450001A"]["reason"]
    assert rows["0450003A"]["shown"] is True and rows["0450003A"]["n"] == 9
    item = next(i for i in questionnaire.items if i.type == "choice" and i.required)
    shares = rows["0450003A"]["items"][item.id]["shares"]
    assert shares[item.choices[0].value] == pytest.approx(5 / 9, abs=1e-6)
    (loiret,) = data.result_rows(survey, "departement")
    assert loiret["n"] == 19 and loiret["shown"]


def test_cli_open_and_results_as_written(world, settings):
    from numeduc.cli.main import app

    runner = CliRunner()
    opened = runner.invoke(
        app,
        [
            "surveys",
            "open",
            "--questionnaire",
            SLUG,
            "--departement",
            "45",
            "--uai",
            "0450001A",
            "--format",
            "json",
        ],
    )
    assert opened.exit_code == 0, opened.output
    (row,) = json.loads(opened.output)
    assert row["uai"] == "0450001A" and row["url"].endswith(
        f"/enquete/{CollegeSurvey.objects.get(survey_id=row['campaign']).token}/"
    )
    results = runner.invoke(
        app, ["surveys", "results", "--campaign", str(row["campaign"]), "--format", "json"]
    )
    assert results.exit_code == 0, results.output
    (result,) = json.loads(results.output)
    assert {"uai", "audience", "n", "shown"} <= set(result) and result["n"] == 0 and result["shown"] is False
    bad = runner.invoke(
        app, ["surveys", "open", "--questionnaire", SLUG, "--departement", "ZZ", "--format", "json"]
    )
    assert bad.exit_code == 2 and "inconnu" in bad.output
    missing = runner.invoke(app, ["surveys", "results", "--campaign", "999999", "--format", "json"])
    assert missing.exit_code == 2 and "introuvable" in missing.output


def test_the_questionnaire_is_one_of_the_collèges(world):
    assert load_questionnaire(SLUG).audience == "eleve"
