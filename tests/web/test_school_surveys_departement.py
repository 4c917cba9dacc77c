"""The département's side of the school surveys, over a real generated usage warehouse: opening a
survey from the web, its results (roll-ups, declared beside measured against a hand computation
from the same logs), the CSV export, the evaluation group with the DAN (granted, recorded,
revoked) and its indicators, and every refusal."""

from __future__ import annotations

import datetime as dt
import html
import uuid

import pytest
from django.urls import reverse

from numeduc.web.school_surveys import evaluation, services
from numeduc.web.school_surveys.models import EvaluationAccess, SharedIndicator

from .conftest import USAGE_MONTH_2

pytestmark = pytest.mark.django_db

OPENS, CLOSES = dt.date(2024, 11, 4), dt.date(2024, 11, 29)  # the warehouse's second month
# Answers to « ent_notes » per collège (the conftest's four Loiret collèges, in UAI order):
# 10, 6 and 7 answers are shown; 2 are hidden, and with them the smallest shown collège, since
# the département's total minus the three others would give its two answers away.
NOTES = [
    ["quotidien"] * 6 + ["jamais"] * 4,
    ["hebdomadaire"] * 2 + ["moins_une_fois_par_mois"] * 4,
    ["mensuel"] * 7,
    ["jamais"] * 2,
]


def _answer(questionnaire, notes: str) -> dict[str, str]:
    raw = {}
    for item in questionnaire.items:
        if item.type == "choice":
            raw[f"item-{item.id}"] = item.choices[0].value
    raw["item-ent_notes"] = notes
    raw["item-ce_qui_aide"] = f"[test] aide {notes}"
    return raw


@pytest.fixture
def surveyed(world):
    colleges = sorted(world["colleges"], key=lambda c: c.uai)
    loiret = colleges[0].departement
    for college in colleges:
        college.public = True
        college.save(update_fields=["public"])
    survey = services.open_survey(
        "college-eleves", loiret, world["loiret_editor"], opens_on=OPENS, closes_on=CLOSES
    )
    links = {link.college.uai: link for link in survey.colleges.select_related("college", "survey")}
    for college, values in zip(colleges, NOTES, strict=True):
        for value in values:
            services.submit(
                links[college.uai], _answer(survey.questionnaire, value), uuid.uuid4().hex, today=OPENS
            )
    return {**world, "survey": survey, "links": links, "uais": [c.uai for c in colleges], "loiret": loiret}


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def _measured(expected, uais, indicator="service_reach_notes_competences", profile="ELEVE") -> float:
    rows = expected[
        (expected["indicator"] == indicator)
        & (expected["profile"] == profile)
        & (expected["month"] == USAGE_MONTH_2)
        & expected["uai"].isin(uais)
    ]
    return rows["numerator"].sum() / rows["denominator"].sum()


def _pct(share: float) -> str:
    return f"{round(share * 100)}\u00a0%"


def test_the_survey_page_sets_the_declared_share_beside_the_logs_of_the_same_collèges_and_month(
    client, login, surveyed, expected
):
    login(surveyed["loiret_editor"])
    text = _page(client, reverse("school_surveys:survey", args=[surveyed["survey"].pk]))
    # Département: (6 + 2 + 7 + 0) of 25 say at least once a month; measured over the 4 collèges.
    declared, measured = 15 / 25, _measured(expected, surveyed["uais"])
    assert f'<td class="num">{_pct(declared)}</td><td class="num">{_pct(measured)}</td>' in text
    assert "novembre 2024" in text and "25 réponses anonymes" in text
    # Per collège: the first collège (10 answers, 60 % declared) against its own logs.
    first = surveyed["uais"][0]
    assert _pct(6 / 10) in text and _pct(_measured(expected, [first])) in text
    # The two-answer collège and the smallest shown one (6 answers) are hidden.
    assert text.count("Non affiché") == 2
    assert "moins de 5, rien n'est affiché" in text
    # The département's free answers, sorted; nothing typed by the hidden collège's pupils is lost
    # from the département's list (its cell is shown), but no collège's list exists.
    assert "[test] aide jamais" in text and "[test] aide quotidien" in text
    assert "Voir les données du graphique" in text  # the chart and its data table


def test_the_other_pairing_is_chosen_by_a_plain_get_form(client, login, surveyed):
    login(surveyed["loiret_viewer"])
    url = reverse("school_surveys:survey", args=[surveyed["survey"].pk]) + "?comparaison=ent_devoirs"
    text = _page(client, url)
    assert "« Devoirs (cahier de textes) » déclaré et mesuré" in text
    # An unknown pairing falls back to the first one rather than failing.
    text = _page(client, reverse("school_surveys:survey", args=[surveyed["survey"].pk]) + "?comparaison=<x>")
    assert "« Notes en ligne » déclaré et mesuré" in text


@pytest.mark.parametrize("who, status", [("loiret_viewer", 200), ("coordinator", 200), ("nord_editor", 403)])
def test_who_reads_a_survey(client, login, surveyed, who, status):
    login(surveyed[who])
    for url in (
        reverse("school_surveys:survey", args=[surveyed["survey"].pk]),
        reverse("school_surveys:survey_export", args=[surveyed["survey"].pk]),
        reverse("school_surveys:departement", args=["45"]),
        reverse("school_surveys:evaluation", args=["45"]),
    ):
        assert client.get(url).status_code == status, url


def test_the_school_head_and_strangers_are_refused(client, login, surveyed):
    url = reverse("school_surveys:survey", args=[surveyed["survey"].pk])
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    login(surveyed["school"])
    response = client.get(url)
    assert response.status_code == 403
    assert "groupe d'évaluation" in html.unescape(response.content.decode())
    assert client.get(reverse("school_surveys:survey", args=[999999])).status_code in (403, 404)


def test_the_export_holds_only_what_may_be_shown_in_french_excel_csv(client, login, surveyed):
    login(surveyed["loiret_editor"])
    response = client.get(reverse("school_surveys:survey_export", args=[surveyed["survey"].pk]))
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff") and ";" in body.splitlines()[0]
    shown = [surveyed["uais"][0], surveyed["uais"][2]]
    hidden = [surveyed["uais"][1], surveyed["uais"][3]]
    assert all(uai in body for uai in shown) and not any(uai in body for uai in hidden)
    assert "[test]" not in body  # free text is never written to a file
    assert "60,0" in body  # 6 of 10 « quotidien » in the first collège, decimal comma
    machine = client.get(
        reverse("school_surveys:survey_export", args=[surveyed["survey"].pk]) + "?format=csv-machine"
    ).content.decode()
    assert machine.splitlines()[0].startswith("survey,level,key,audience,n,item,value")


def test_an_editor_opens_a_survey_from_the_web_and_mistakes_are_said_in_french(client, login, surveyed):
    login(surveyed["loiret_editor"])
    url = reverse("school_surveys:departement", args=["45"])
    first = surveyed["uais"][0]
    response = client.post(
        url,
        {
            "questionnaire": "college-parents",
            "opens_on": "05/01/2026",
            "closes_on": "30/01/2026",
            "colleges": [first],
        },
    )
    assert response.status_code == 302
    survey = surveyed["loiret"].school_surveys.get(questionnaire_slug="college-parents")
    assert [link.college.uai for link in survey.colleges.all()] == [first]
    assert survey.created_by == surveyed["loiret_editor"] and survey.audience == "parent"
    bad = client.post(
        url, {"questionnaire": "college-eleves", "opens_on": "31/02/2026", "closes_on": "01/01/2026"}
    )
    assert bad.status_code == 400
    text = html.unescape(bad.content.decode())
    assert "« Ouverture » : date attendue au format jj/mm/aaaa, reçu « 31/02/2026 »." in text
    backwards = client.post(
        url, {"questionnaire": "college-eleves", "opens_on": "10/01/2026", "closes_on": "01/01/2026"}
    )
    assert backwards.status_code == 400
    assert "la date de clôture précède l'ouverture" in html.unescape(backwards.content.decode())
    not_school = client.post(
        url, {"questionnaire": "dan", "opens_on": "10/01/2026", "closes_on": "20/01/2026"}
    )
    assert not_school.status_code == 400  # not in the list: the DAN's questionnaire is a campaign
    assert surveyed["loiret"].school_surveys.count() == 2


@pytest.mark.parametrize("who", ["loiret_viewer", "nord_editor", "dan_loiret"])
def test_only_editors_and_the_coordinator_open_a_survey(client, login, surveyed, who):
    login(surveyed[who])
    response = client.post(
        reverse("school_surveys:departement", args=["45"]),
        {"questionnaire": "college-eleves", "opens_on": "05/01/2026", "closes_on": "30/01/2026"},
    )
    assert response.status_code == 403
    assert surveyed["loiret"].school_surveys.count() == 1


def test_the_coordinator_opens_a_survey_for_a_département(client, login, surveyed):
    login(surveyed["coordinator"])
    response = client.post(
        reverse("school_surveys:departement", args=["59"]),
        {"questionnaire": "college-enseignants", "opens_on": "05/01/2026", "closes_on": "30/01/2026"},
    )
    assert response.status_code == 302
    [link] = surveyed["nord_college"].surveys.select_related("survey")
    assert link.survey.created_by == surveyed["coordinator"] and link.survey.audience == "enseignant"


def test_the_dan_reads_only_once_let_in_and_the_access_is_recorded_and_revocable(client, login, surveyed):
    dan, editor = surveyed["dan_loiret"], surveyed["loiret_editor"]
    survey_url = reverse("school_surveys:survey", args=[surveyed["survey"].pk])
    usage_url = reverse("usage_dashboard:departement", args=["45"])
    login(dan)
    assert client.get(survey_url).status_code == 403
    assert client.get(usage_url).status_code == 403
    client.logout()
    login(editor)
    grant = reverse("school_surveys:evaluation_grant", args=["45"])
    assert client.post(grant, {"dan": surveyed["dan_other"].pk}).status_code == 400  # another académie
    assert client.post(grant, {"dan": dan.pk}).status_code == 302
    assert client.post(grant, {"dan": dan.pk}).status_code == 302  # twice: still one open access
    access = EvaluationAccess.objects.get(user=dan, revoked_at__isnull=True)
    assert access.granted_by == editor and access.group.departement.code == "45"
    client.logout()
    login(dan)
    assert client.get(survey_url).status_code == 200
    assert client.get(usage_url).status_code == 200
    assert client.post(grant, {"dan": dan.pk}).status_code == 403  # the DAN does not let others in
    index = client.get(reverse("school_surveys:index"))
    assert "Loiret (45)" in html.unescape(index.content.decode())
    client.logout()
    login(editor)
    revoke = reverse("school_surveys:evaluation_revoke", args=["45", access.pk])
    assert client.post(revoke).status_code == 302
    access.refresh_from_db()
    assert access.revoked_at is not None and access.revoked_by == editor  # kept, dated
    page = _page(client, reverse("school_surveys:evaluation", args=["45"]))
    assert "Historique des accès (1)" in page and dan.email in page
    client.logout()
    login(dan)
    assert client.get(survey_url).status_code == 403


def test_the_group_follows_indicators_with_targets_year_by_year(client, login, surveyed, expected):
    dan, editor = surveyed["dan_loiret"], surveyed["loiret_editor"]
    evaluation.grant_access(surveyed["loiret"], dan, editor)
    login(dan)
    add = reverse("school_surveys:indicator_add", args=["45"])
    measured_key = "mesure:service_reach_notes_competences:ELEVE"
    declared_key = "declare:college-eleves:ent_notes"
    assert client.post(add, {"key": measured_key, "target": "95", "year": "2025-2026"}).status_code == 302
    assert client.post(add, {"key": declared_key, "target": "50,5", "year": "2025-2026"}).status_code == 302
    bad = client.post(add, {"key": declared_key, "target": "150", "year": "2025-2026"})
    assert bad.status_code == 400
    assert "« Cible » : un pourcentage entre 0 et 100" in html.unescape(bad.content.decode())
    bad = client.post(add, {"key": declared_key, "target": "50", "year": "2025-2027"})
    assert "une année scolaire comme 2025-2026" in html.unescape(bad.content.decode())
    assert (
        client.post(add, {"key": "mesure:nope:ELEVE", "target": "5", "year": "2025-2026"}).status_code == 400
    )
    assert SharedIndicator.objects.count() == 2
    rows, years = evaluation.followed_rows(surveyed["loiret"])
    assert years == ["2024-2025"]
    by_key = {row["shared"].key: row for row in rows}
    all_uais = sorted(expected["uai"].unique())
    months = sorted(expected["month"].unique())
    measured = expected[
        (expected["indicator"] == "service_reach_notes_competences")
        & (expected["profile"] == "ELEVE")
        & expected["month"].isin(months)
        & expected["uai"].isin(all_uais)
    ]
    assert by_key[measured_key]["values"]["2024-2025"] == pytest.approx(
        measured["numerator"].sum() / measured["denominator"].sum()
    )
    assert by_key[declared_key]["values"]["2024-2025"] == pytest.approx(15 / 25)
    assert by_key[declared_key]["cells"][0].reached is True  # 60 % ≥ 50,5 %
    page = _page(client, reverse("school_surveys:evaluation", args=["45"]))
    assert "50,5\u00a0% en 2025-2026" in page and "atteinte" in page
    client.logout()
    login(surveyed["loiret_viewer"])
    assert client.post(add, {"key": declared_key, "target": "10", "year": "2025-2026"}).status_code == 403
    remove = reverse("school_surveys:indicator_remove", args=["45", by_key[declared_key]["shared"].pk])
    assert client.post(remove).status_code == 403
    client.logout()
    login(editor)
    assert client.post(remove).status_code == 302
    assert SharedIndicator.objects.count() == 1


def test_peer_groups_and_the_nation_add_the_other_départements_of_the_same_year_never_demo_ones(surveyed):
    from numeduc.web.school_surveys import data

    nord = surveyed["nord_college"].departement
    nord_survey = services.open_survey("college-eleves", nord, None, opens_on=OPENS, closes_on=CLOSES)
    nord_link = nord_survey.colleges.get()
    for _ in range(6):
        services.submit(
            nord_link, _answer(nord_survey.questionnaire, "quotidien"), uuid.uuid4().hex, today=OPENS
        )
    demo = services.open_survey("college-eleves", nord, None, opens_on=OPENS, closes_on=CLOSES, is_demo=True)
    for _ in range(9):
        services.submit(
            demo.colleges.get(), _answer(demo.questionnaire, "jamais"), uuid.uuid4().hex, today=OPENS
        )
    later = services.open_survey(  # the next school year: another comparison
        "college-eleves", nord, None, opens_on=dt.date(2025, 9, 8), closes_on=dt.date(2025, 9, 30)
    )
    assert set(data.comparable_surveys(surveyed["survey"])) == {nord_survey, surveyed["survey"]}
    assert later not in data.comparable_surveys(surveyed["survey"])
    _, cells, links = data.survey_results(surveyed["survey"])
    assert {link.survey_id for link in links} == {surveyed["survey"].pk}
    assert cells[("national", "", "eleve")].n == 25 + 6
    assert cells[("departement", "45", "eleve")].n == 25
    assert cells[("departement", "59", "eleve")].n == 6
    notes = cells[("national", "", "eleve")].items["ent_notes"]
    assert notes.counts["quotidien"] == 6 + 6  # the Loiret's six and the Nord's six, no demo « jamais »
    # The demo survey rolls up with demo surveys only.
    _, demo_cells, _ = data.survey_results(demo)
    assert demo_cells[("national", "", "eleve")].n == 9


def test_the_api_gives_the_same_rows_as_the_cli_with_the_same_refusals(client, login, surveyed):
    from numeduc.web.school_surveys import data

    survey = surveyed["survey"]
    assert client.get(f"/api/v1/school-surveys/{survey.pk}/results").status_code == 401
    login(surveyed["loiret_viewer"])
    listed = client.get("/api/v1/school-surveys/departements/45").json()
    assert [(s["id"], s["audience"], s["colleges"], s["answers"]) for s in listed] == [
        (survey.pk, "eleve", 4, 25)
    ]
    rows = client.get(f"/api/v1/school-surveys/{survey.pk}/results").json()
    assert rows == data.result_rows(survey, "college")
    first = rows[0]
    assert first["uai"] == surveyed["uais"][0] and first["n"] == 10 and first["shown"]
    assert first["items"]["ent_notes"]["counts"] == {"jamais": 4, "quotidien": 6}
    assert "ce_qui_aide" not in first["items"]  # free text: on the département's page only
    hidden = [r for r in rows if not r["shown"]]
    assert len(hidden) == 2 and all(r["items"] == {} and r["reason"] for r in hidden)
    national = client.get(f"/api/v1/school-surveys/{survey.pk}/results?level=national").json()
    assert [r["n"] for r in national] == [25]
    bad = client.get(f"/api/v1/school-surveys/{survey.pk}/results?level=classe")
    assert bad.status_code == 422
    client.logout()
    login(surveyed["nord_editor"])
    refused = client.get(f"/api/v1/school-surveys/{survey.pk}/results")
    assert refused.status_code == 403 and "groupe d'évaluation" in refused.json()["detail"]
    assert client.get("/api/v1/school-surveys/departements/45").status_code == 403
    assert client.get("/api/v1/school-surveys/999999/results").status_code == 404
