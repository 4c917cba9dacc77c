"""Answering: autosave, validation, submission, re-opening, history, locking."""

from __future__ import annotations

import json

import pytest

from numeduc.web.surveys import services
from numeduc.web.surveys.models import Answer, Campaign, Response, ResponseEvent

pytestmark = pytest.mark.django_db


def start(client, campaign) -> Response:
    page = client.get(f"/campagnes/{campaign.pk}/repondre/")
    assert page.status_code == 302
    return Response.objects.get(pk=int(page.url.strip("/").split("/")[-1]))


def autosave(client, response, **payload):
    return client.post(
        f"/reponses/{response.pk}/enregistrer/", data=json.dumps(payload), content_type="application/json"
    )


def test_editor_autosaves_an_answer_and_its_comment_with_history(client, login, users, campaign):
    login(users["loiret_editor"])
    response = start(client, campaign)
    assert response.departement.code == "45"
    result = autosave(client, response, item="f01_maturite_equipes", value="3")
    assert result.status_code == 200 and result.json()["ok"]
    autosave(client, response, item="f01_maturite_equipes", comment="Feuille de route votée en 2016")
    autosave(client, response, item="f01_maturite_equipes", value="4")
    answer = Answer.objects.get(response=response, item_id="f01_maturite_equipes")
    assert answer.value == 4 and answer.comment == "Feuille de route votée en 2016"
    events = list(ResponseEvent.objects.filter(response=response).order_by("id"))
    assert [(e.field, e.old_value, e.new_value) for e in events] == [
        ("value", None, 3),
        ("comment", None, "Feuille de route votée en 2016"),
        ("value", 3, 4),
    ]
    assert all(e.changed_by == users["loiret_editor"] for e in events)
    history = client.get(f"/reponses/{response.pk}/historique/").content.decode()
    assert "Feuille de route votée en 2016" in history and "editeur45@test.fr" in history


def test_same_value_twice_records_no_change(client, login, users, campaign):
    login(users["loiret_editor"])
    response = start(client, campaign)
    autosave(client, response, item="f02_evaluation_suivi", value="2")
    again = autosave(client, response, item="f02_evaluation_suivi", value="2")
    assert again.json()["changed"] is False
    assert ResponseEvent.objects.filter(response=response).count() == 1


@pytest.mark.parametrize(
    "item,value",
    [
        ("f01_maturite_equipes", "5"),
        ("f01_maturite_equipes", "deux"),
        ("strategie_equipement", "tablettes"),
        ("budget_investissement_par_eleve", "-3"),
        ("budget_investissement_par_eleve", "beaucoup"),
    ],
)
def test_bad_value_is_refused_with_a_message_and_nothing_is_stored(
    client, login, users, campaign, item, value
):
    login(users["loiret_editor"])
    response = start(client, campaign)
    autosave(client, response, item=item, value=None)
    result = autosave(client, response, item=item, value=value)
    assert result.status_code == 400
    assert result.json()["error"]  # a French sentence saying what is wrong
    assert not Answer.objects.filter(response=response, item_id=item).exists()
    assert not ResponseEvent.objects.filter(response=response).exists()


def test_unknown_item_and_garbage_body_are_refused(client, login, users, campaign):
    login(users["loiret_editor"])
    response = start(client, campaign)
    assert autosave(client, response, item="f99", value="1").status_code == 400
    garbage = client.post(
        f"/reponses/{response.pk}/enregistrer/", data="{not json", content_type="application/json"
    )
    assert garbage.status_code == 400


def test_full_form_post_without_javascript_saves_everything(client, login, users, campaign, full_answers):
    login(users["loiret_editor"])
    response = start(client, campaign)
    data = {f"item-{k}": v for k, v in full_answers(2).items()}
    data["comment-f03_accompagnement_utilisateurs"] = "Deux techniciens pour 50 collèges"
    page = client.post(f"/reponses/{response.pk}/", data)
    assert page.status_code == 302
    assert response.answers.count() == len(full_answers())
    assert response.answers.get(item_id="f03_accompagnement_utilisateurs").comment.startswith(
        "Deux techniciens"
    )


def test_full_form_with_one_bad_field_keeps_the_good_ones_and_says_which(client, login, users, campaign):
    login(users["loiret_editor"])
    response = start(client, campaign)
    data = {"item-f01_maturite_equipes": "2", "item-budget_investissement_par_eleve": "abc"}
    page = client.post(f"/reponses/{response.pk}/", data)
    assert page.status_code == 400
    assert "réponse(s) refusée(s)" in page.content.decode()
    assert response.answers.get(item_id="f01_maturite_equipes").value == 2
    assert not response.answers.filter(item_id="budget_investissement_par_eleve").exists()


def test_submission_needs_every_required_answer_then_locks_until_reopened(
    client, login, users, campaign, full_answers
):
    editor = users["loiret_editor"]
    login(editor)
    response = start(client, campaign)
    autosave(client, response, item="f01_maturite_equipes", value="3")
    refused = client.post(f"/reponses/{response.pk}/transmettre/", follow=True)
    assert refused.status_code == 400 and "questions obligatoires sans réponse" in refused.content.decode()
    response.refresh_from_db()
    assert response.status == Response.Status.DRAFT

    for item, value in full_answers().items():
        services.save_answer(response, item, value, None, editor)
    submitted = client.post(f"/reponses/{response.pk}/transmettre/")
    assert submitted.status_code == 302 and "/resultats/" in submitted.url
    response.refresh_from_db()
    assert response.is_submitted and response.submitted_by == editor
    locked = autosave(client, response, item="f01_maturite_equipes", value="1")
    assert locked.status_code == 409 and "rouvrez-la" in locked.json()["error"]

    client.post(f"/reponses/{response.pk}/rouvrir/")
    response.refresh_from_db()
    assert response.status == Response.Status.DRAFT
    assert autosave(client, response, item="f01_maturite_equipes", value="1").json()["ok"]
    statuses = list(response.events.filter(field="status").order_by("id").values_list("new_value", flat=True))
    assert statuses == ["submitted", "draft"]


def test_closed_campaign_locks_answers_and_reopening(client, login, users, campaign, full_answers):
    editor = users["loiret_editor"]
    login(editor)
    response = start(client, campaign)
    for item, value in full_answers().items():
        services.save_answer(response, item, value, None, editor)
    services.submit(response, editor)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    client.post(f"/reponses/{response.pk}/rouvrir/")
    response.refresh_from_db()
    assert response.is_submitted
    with pytest.raises(services.ResponseLocked):
        services.save_answer(response, "f01_maturite_equipes", "1", None, editor)


def test_one_response_per_departement_and_campaign(client, login, users, campaign):
    login(users["loiret_editor"])
    first = start(client, campaign)
    second = start(client, campaign)
    assert first.pk == second.pk
    assert Response.objects.filter(campaign=campaign).count() == 1


def test_autosave_refuses_a_nul_byte_in_a_comment_and_stores_nothing(client, users, campaign, login):
    from numeduc.web.surveys.models import Answer, Response

    login(users["loiret_editor"])
    response = client.get(f"/campagnes/{campaign.pk}/repondre/", follow=True)
    response_id = response.redirect_chain[-1][0].rstrip("/").split("/")[-1]
    item = next(i for i in campaign.questionnaire.items if i.allow_comment)
    answer = client.post(
        f"/reponses/{response_id}/enregistrer/",
        {"item": item.id, "comment": "avant\x00après"},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "U+0000" in answer.json()["error"]
    assert not Answer.objects.filter(response=Response.objects.get(pk=response_id)).exists()
