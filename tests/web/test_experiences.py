"""The experience sheets on the web: the fourteen paper sheets found and filtered, a département's
key figures from the reference data beside the paper's, its own sheet written (versions, never
an overwrite), submitted, published by the coordinator, compared; « qui a progressé » and every
refusal."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from numeduc import reference
from numeduc.web.experiences import services
from numeduc.web.experiences.models import DepartementSheet, SheetVersion
from numeduc.web.territories.models import Departement

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _form(**overrides) -> dict:
    data = {
        "title": "Loiret : notre fiche",
        "introduction": "Ce que nous faisons.",
        "strategies": ["classe_mobile"],
        "themes": ["maintenance"],
        "budget_per_pupil": "45,50",
        "active_pupils_share": "",
        "history-TOTAL_FORMS": "2",
        "history-INITIAL_FORMS": "0",
        "history-0-year": "2024",
        "history-0-title": "Wifi partout",
        "history-0-text": "Tous les collèges.",
        "history-1-year": "",
        "history-1-title": "",
        "history-1-text": "",
        "objectives-TOTAL_FORMS": "1",
        "objectives-INITIAL_FORMS": "0",
        "objectives-0-text": "Évaluer les usages.",
        "projects-TOTAL_FORMS": "1",
        "projects-INITIAL_FORMS": "0",
        "projects-0-title": "Classes mobiles",
        "projects-0-text": "Vingt classes.",
        "projects-0-result": "Usage doublé.",
        "projects-0-action": "",
    }
    data.update(overrides)
    return data


def test_every_signed_in_user_finds_the_fourteen_sheets_and_anonymous_is_sent_to_sign_in(
    client, login, users
):
    assert client.get(reverse("experiences:index")).status_code == 302
    login(users["dan_other"])
    text = _text(client.get(reverse("experiences:index")))
    assert "14 fiches" in text
    for name in ("Loiret", "Seine-Saint-Denis", "Finlande", "Ontario (Canada)"):
        assert name in text


@pytest.mark.parametrize(
    "query, present, absent",
    [
        ("type=pays", ["Finlande", "Chili"], ["Loiret :"]),
        ("type=departement&strategie=eim", ["Territoire de Belfort"], ["Finlande", "Manche :"]),
        ("theme=maintenance", ["Loiret"], []),
    ],
)
def test_filters(client, login, users, query, present, absent):
    login(users["loiret_viewer"])
    text = _text(client.get(reverse("experiences:index") + "?" + query))
    for name in present:
        assert name in text, (query, name)
    for name in absent:
        assert name not in text, (query, name)


def test_a_peer_group_filter_keeps_the_départements_of_that_group(client, login, users):
    from numeduc.web.experiences import data

    group, _ = data.peer_group_of("45")
    login(users["loiret_viewer"])
    text = _text(client.get(reverse("experiences:index") + f"?groupe={group}"))
    assert "Loiret" in text
    for card in data.cards():
        if card.kind == "departement" and card.group != group:
            assert f"Département {card.code} ·" not in text


def test_the_sheet_shows_the_reference_figures_beside_the_papers_and_says_why_they_differ(
    client, login, users
):
    colleges = reference.colleges()
    public = colleges[(colleges["departement_code"] == "45") & (colleges["public_private"] == "public")]
    login(users["nord_editor"])
    text = _text(client.get(reverse("experiences:departement", args=["45"])))
    assert f'<td class="num">{len(public)}</td><td>annuaire de novembre 2024' in text
    assert "contre 56 dans le livre blanc (2017)" in text
    assert "La fiche du livre blanc (2017)" in text and "lignes" in text
    assert "Mettre à jour la fiche" not in text  # not the Nord's sheet


def test_an_editor_writes_versions_never_overwriting_and_the_coordinator_publishes(client, login, users):
    editor, coordinator = users["loiret_editor"], users["coordinator"]
    login(editor)
    edit = reverse("experiences:edit", args=["45"])
    page = _text(client.get(edit))
    assert "Loiret : un département" in page  # pre-filled from the paper's sheet
    assert client.post(edit, _form()).status_code == 302
    assert client.post(edit, _form(title="Loiret : version deux", submit_for_review="1")).status_code == 302
    sheet = DepartementSheet.objects.get(departement__code="45")
    v1, v2 = sheet.versions.order_by("number")
    assert (v1.number, v1.status, v2.number, v2.status) == (1, "brouillon", 2, "a_relire")
    assert v1.content["title"] == "Loiret : notre fiche" and v2.content["title"] == "Loiret : version deux"
    assert v1.content["figures"]["budget_per_pupil"] == "45.50"
    assert v1.content["history"] == [{"year": 2024, "title": "Wifi partout", "text": "Tous les collèges."}]
    client.logout()
    # Not published yet: another département reads the paper's sheet, not the draft.
    login(users["nord_editor"])
    page = _text(client.get(reverse("experiences:departement", args=["45"])))
    assert "version deux" not in page
    assert client.get(reverse("experiences:departement", args=["45"]) + "?version=2").status_code == 403
    assert (
        client.post(reverse("experiences:review", args=["45", v2.pk]), {"decision": "publier"}).status_code
        == 403
    )
    client.logout()
    login(coordinator)
    assert "Loiret — version 2" in _text(client.get(reverse("experiences:review_queue")))
    refused = client.post(
        reverse("experiences:review", args=["45", v2.pk]), {"decision": "renvoyer"}, follow=True
    )
    assert "dites ce qu'il faut revoir" in _text(refused)
    assert (
        client.post(reverse("experiences:review", args=["45", v2.pk]), {"decision": "publier"}).status_code
        == 302
    )
    v2.refresh_from_db()
    assert v2.status == "publiee" and v2.reviewed_by == coordinator
    client.logout()
    login(users["nord_editor"])
    page = _text(client.get(reverse("experiences:departement", args=["45"])))
    assert "Loiret : version deux" in page and "45,50\u00a0€" in page and "Wifi partout" in page


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"title": ""}, "« Titre de la fiche » : à remplir."),
        ({"history-1-title": "Sans année"}, "« Année » : à remplir pour une étape de l'historique."),
        ({"history-0-year": "1800"}, "« Année » : 1990 au plus tôt."),
        ({"budget_per_pupil": "beaucoup"}, "« Budget par élève et par an (€) » : nombre attendu"),
        (
            {"active_pupils_share": "140"},
            "« Élèves connectés à l'ENT dans le mois (%) » : entre 0 et 100 attendu.",
        ),
        ({"introduction": "texte\x00nul"}, "« Présentation » :"),
        ({"projects-0-action": "inconnue"}, "« Action du catalogue »"),
    ],
)
def test_mistakes_are_said_in_french_with_the_field_and_nothing_is_stored(
    client, login, users, overrides, message
):
    login(users["loiret_editor"])
    response = client.post(reverse("experiences:edit", args=["45"]), _form(**overrides))
    assert response.status_code == 400
    assert message in _text(response)
    assert not SheetVersion.objects.exists()


@pytest.mark.parametrize("who", ["loiret_viewer", "nord_editor", "dan_loiret", "coordinator"])
def test_only_the_départements_editors_write_its_sheet(client, login, users, who):
    login(users[who])
    assert client.get(reverse("experiences:edit", args=["45"])).status_code == 403
    assert client.post(reverse("experiences:edit", args=["45"]), _form()).status_code == 403
    assert client.post(reverse("experiences:open_data", args=["45"]), {"consent": "oui"}).status_code == 403
    assert not SheetVersion.objects.exists()


def test_open_data_consent_is_the_editors_and_can_be_withdrawn(client, login, users):
    login(users["loiret_editor"])
    client.post(reverse("experiences:open_data", args=["45"]), {"consent": "oui"})
    sheet = DepartementSheet.objects.get(departement__code="45")
    assert sheet.share_open_data and sheet.share_open_data_at is not None
    client.post(reverse("experiences:open_data", args=["45"]), {"consent": "non"})
    sheet.refresh_from_db()
    assert not sheet.share_open_data and sheet.share_open_data_at is None


def test_two_to_four_sheets_compare_side_by_side(client, login, users):
    login(users["loiret_viewer"])
    text = _text(client.get(reverse("experiences:compare") + "?d=45&d=71&d=93"))
    assert "Comparer 3 départements" in text
    for name in ("Loiret", "Saône-et-Loire", "Seine-Saint-Denis"):
        assert name in text
    assert "2017 : 56" in text  # the Loiret's public collèges in the paper, beside today's
    assert client.get(reverse("experiences:compare") + "?d=45").status_code == 302
    assert client.get(reverse("experiences:compare") + "?d=45&d=zz").status_code == 302


def _published_levels(code: str, year_levels: list[tuple[int, float]], factor: int = 10) -> None:
    dep = Departement.objects.get(code=code)
    for year, level in year_levels:
        version = services.save_version(
            dep,
            {
                "title": f"{dep.name} : fiche",
                "figures": {"diagnosis": {"year": year, "campaign": 0, "levels": {str(factor): level}}},
            },
            None,
        )
        version.status = SheetVersion.Status.PUBLISHED
        version.save(update_fields=["status"])


def test_who_progressed_names_only_published_levels(client, login, users):
    _published_levels("50", [(2017, 2.0), (2018, 3.0)])
    _published_levels("54", [(2017, 3.0), (2018, 2.0)])  # went down
    dep = Departement.objects.get(code="64")
    services.save_version(
        dep, {"figures": {"diagnosis": {"year": 2017, "campaign": 0, "levels": {"10": 1.0}}}}, None
    )
    services.save_version(
        dep, {"figures": {"diagnosis": {"year": 2018, "campaign": 0, "levels": {"10": 4.0}}}}, None
    )
    login(users["nord_editor"])
    text = _text(client.get(reverse("experiences:progress", args=[10])))
    assert "Manche" in text and "2017 → 2018" in text
    assert "Meurthe-et-Moselle" not in text  # its level fell
    assert "Pyrénées-Atlantiques" not in text  # drafts are not published levels
    assert client.get(reverse("experiences:progress", args=[14])).status_code == 404


def test_the_results_page_links_a_weak_factor_to_who_progressed(client, login, users, campaign, full_answers):
    from .conftest import submit_response

    submit_response(campaign, "45", full_answers(2))
    login(users["loiret_editor"])
    page = _text(client.get(reverse("results:departement", args=[campaign.pk, "45"])))
    assert "Qui a progressé sur ce facteur ?" in page and "/experiences/progres/" in page


def test_a_country_sheet_and_its_refusals(client, login, users):
    login(users["loiret_viewer"])
    text = _text(client.get(reverse("experiences:country", args=["finlande"])))
    assert "Finlande" in text and "Livre blanc ADF 2017" in text and "Ce qui a marché" in text
    assert client.get(reverse("experiences:country", args=["atlantide"])).status_code == 404
    assert client.get(reverse("experiences:departement", args=["2A"])).status_code == 404  # no sheet yet
    assert client.get(reverse("experiences:departement", args=["00"])).status_code == 404


def test_the_open_data_api_lists_the_paper_sheets_and_only_consenting_départements(client, users):
    dep = Departement.objects.get(code="14")
    version = services.save_version(dep, {"title": "Calvados : notre fiche"}, None)
    version.status = SheetVersion.Status.PUBLISHED
    version.save(update_fields=["status"])
    rows = client.get("/api/v1/experiences").json()  # no sign-in: open data
    assert len(rows) == 14 and all(r["source"] == "livre-blanc-2017" for r in rows)
    assert client.get("/api/v1/experiences/departement/14").status_code == 404
    services.set_open_data(dep, True)
    rows = client.get("/api/v1/experiences").json()
    calvados = client.get("/api/v1/experiences/departement/14").json()
    assert (
        len(rows) == 15
        and calvados["title"] == "Calvados : notre fiche"
        and calvados["source"] == "departement"
    )
    assert calvados["key_figures"]["public_colleges"]["year"] == "annuaire de novembre 2024"
    loiret = client.get("/api/v1/experiences/departement/45").json()
    assert loiret["key_figures"]["pupils"]["paper_2017"]["value"] == 30000
    assert client.get("/api/v1/experiences/pays/finlande").json()["title"] == "Finlande"
    assert client.get("/api/v1/experiences/pays/atlantide").status_code == 404
    assert client.get("/api/v1/experiences/planete/mars").status_code == 422


def test_the_sheet_links_the_départements_published_stories_and_catalogue_resources(client, login, users):
    import datetime as dt

    from django.utils import timezone

    from numeduc.web.resources.models import Resource
    from numeduc.web.stories.models import Story

    loiret = Departement.objects.get(code="45")
    resource = Resource.objects.create(
        kind="application", title="Pronote en classe", description="d", cost_model="licence", published=True
    )
    resource.departements.add(loiret)
    hidden = Resource.objects.create(
        kind="application", title="Brouillon interne", description="d", cost_model="c"
    )
    hidden.departements.add(loiret)
    Story.objects.create(
        departement=loiret,
        title="Le wifi dans tous les collèges",
        told_on=dt.date(2025, 6, 1),
        text="t",
        status="publiee",
        published_at=timezone.now(),
    )
    Story.objects.create(departement=loiret, title="Pas encore prêt", told_on=dt.date(2025, 6, 1), text="t")
    login(users["nord_editor"])
    text = _text(client.get(reverse("experiences:departement", args=["45"])))
    assert "Pronote en classe" in text and "Le wifi dans tous les collèges" in text
    assert "Brouillon interne" not in text and "Pas encore prêt" not in text


PAPER_DEPARTEMENTS = ("45", "50", "54", "59", "64", "71", "90", "93")


@pytest.mark.parametrize("code", PAPER_DEPARTEMENTS)
def test_the_form_pre_filled_from_the_papers_sheet_saves_as_it_is(client, login, code):
    """Every text the shipped sheet puts in the form fits the form's limits: an editor who saves
    the pre-filled form without changing it is never refused."""
    from .conftest import make_user

    login(make_user(f"editeur{code}@test.fr", "departement-editor", departement=code))
    page = client.get(reverse("experiences:edit", args=[code]))
    form, formsets = page.context["form"], [page.context[k] for k in ("history", "objectives", "projects")]
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v not in (None, False)}
    for formset in formsets:
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        for sub in formset.forms:
            for name in sub.fields:
                value = sub[name].value()
                if value not in (None, ""):
                    data[f"{sub.prefix}-{name}"] = value
    response = client.post(reverse("experiences:edit", args=[code]), data)
    assert response.status_code == 302, [e["message"] for e in response.context["errors"]]
