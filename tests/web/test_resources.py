"""The catalogue of resources that proved themselves (numeduc.web.resources): pages, who may do
what, the forms' French errors, one feedback per département, the measured use on a small
warehouse against a hand computation, the API's open data and the demo."""

from __future__ import annotations

import html
from decimal import Decimal

import pandas as pd
import pytest
from django.urls import reverse

from numeduc.web.resources import data, measured
from numeduc.web.resources.models import Feedback, Resource
from numeduc.web.territories.models import Departement

from .conftest import USAGE_MONTH_1, USAGE_MONTH_2

pytestmark = pytest.mark.django_db


def make_resource(**extra) -> Resource:
    values = {
        "kind": Resource.Kind.SERVICE_ENT,
        "title": "Pronote",
        "description": "Notes, absences et cahier de textes.",
        "cost_model": "inclus dans l'ENT",
        "yearly_cost_per_pupil": Decimal("1.50"),
        "ent_module": "Pronote",
        "published": True,
    } | extra
    return Resource.objects.create(**values)


@pytest.fixture
def resource(users):
    r = make_resource()
    r.departements.set([Departement.objects.get(code="45")])
    return r


def text(response) -> str:
    return html.unescape(response.content.decode())


# -- pages and permissions ------------------------------------------------------------------------


def test_the_list_shows_published_resources_and_filters(client, login, users, resource):
    draft = make_resource(title="Brouillon", published=False, kind=Resource.Kind.APPLICATION)
    cafe = make_resource(title="Cafés numériques", kind=Resource.Kind.FORMAT_EVENEMENT, ent_module="")
    login(users["nord_editor"])
    page = text(client.get(reverse("resources:index")))
    assert "Pronote" in page and "Cafés numériques" in page and "Brouillon" not in page
    page = text(client.get(reverse("resources:index"), {"type": "format_evenement"}))
    assert "Cafés numériques" in page and ">Pronote<" not in page
    page = text(client.get(reverse("resources:index"), {"departement": "45"}))
    assert ">Pronote<" in page and "Cafés numériques" not in page
    data.save_feedback(
        cafe,
        Departement.objects.get(code="59"),
        {
            "purpose": "p",
            "colleges_count": 3,
            "what_worked": "w",
            "what_did_not": "",
            "would_recommend": "oui",
        },
        users["nord_editor"],
    )
    page = text(client.get(reverse("resources:index"), {"recommande": "1"}))
    assert "Cafés numériques" in page and ">Pronote<" not in page
    page = text(client.get(reverse("resources:index"), {"departement": "59"}))
    assert "Cafés numériques" in page  # used there through its feedback
    # unknown filter values are ignored, not a 500
    assert client.get(reverse("resources:index"), {"type": "x", "departement": "zzzz"}).status_code == 200
    login(users["coordinator"])
    assert "Brouillon" in text(client.get(reverse("resources:index")))
    assert client.get(reverse("resources:detail", args=[draft.pk])).status_code == 200


def test_unpublished_is_refused_in_french_and_unknown_is_404(client, login, users, resource):
    draft = make_resource(title="Brouillon", published=False)
    login(users["loiret_editor"])
    response = client.get(reverse("resources:detail", args=[draft.pk]))
    assert response.status_code == 403 and "pas encore publiée" in text(response)
    response = client.get(reverse("resources:detail", args=[999999]))
    assert response.status_code == 404
    assert client.get("/ressources/99999999999999999999/").status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, resource):
    response = client.get(reverse("resources:detail", args=[resource.pk]))
    assert response.status_code == 302 and "connexion" in response["Location"]


@pytest.mark.parametrize("who, status", [("coordinator", 200), ("dan_loiret", 200), ("loiret_editor", 403)])
def test_only_curators_create_and_edit(client, login, users, resource, who, status):
    login(users[who])
    assert client.get(reverse("resources:create")).status_code == status
    response = client.get(reverse("resources:edit", args=[resource.pk]))
    assert response.status_code == status
    if status == 403:
        assert "Seuls la coordination nationale et les DAN" in text(response)
        response = client.post(reverse("resources:create"), {"title": "x"})
        assert response.status_code == 403 and Resource.objects.count() == 1


def test_a_curator_creates_a_resource(client, login, users):
    login(users["dan_loiret"])
    response = client.post(
        reverse("resources:create"),
        {
            "kind": "format_evenement",
            "title": "Cafés numériques",
            "description": "Une heure entre enseignants, une fois par mois.",
            "cost_model": "gratuit (temps des enseignants)",
            "yearly_cost_per_pupil": "0,25",
            "url": "https://exemple.fr/cafes",
            "departements": "45, 59",
            "colleges": "",
            "published": "on",
        },
    )
    assert response.status_code == 302
    r = Resource.objects.get(title="Cafés numériques")
    assert r.yearly_cost_per_pupil == Decimal("0.25") and r.curated_by == users["dan_loiret"]
    assert sorted(d.code for d in r.departements.all()) == ["45", "59"] and r.published
    page = text(client.get(response["Location"]))
    assert "0,25" in page or "0.25" in page


def test_the_resource_form_refuses_in_french_with_the_label_first(client, login, users):
    login(users["coordinator"])
    response = client.post(
        reverse("resources:create"),
        {
            "kind": "",
            "title": "",
            "description": "d",
            "cost_model": "c",
            "yearly_cost_per_pupil": "-1",
            "url": "http://exemple.fr",
            "departements": "45, 999",
            "colleges": "0000000Z",
        },
    )
    assert response.status_code == 400
    page = text(response)
    for message in (
        "« Type » : à choisir.",
        "« Titre » : à remplir.",
        "« Coût annuel par élève (€) » : doit être positif ou nul.",
        "« Adresse (https) » : l'adresse doit commencer par https://.",
        "« Départements où elle est utilisée » : code inconnu : 999.",
        "« Collèges où elle est utilisée » : UAI inconnu : 0000000Z.",
    ):
        assert message in page
    assert "La fiche n'est pas enregistrée : 6 points à corriger" in page
    assert Resource.objects.count() == 0


# -- feedback ----------------------------------------------------------------------------------------


FEEDBACK = {
    "purpose": "Suivre les notes",
    "colleges_count": "12",
    "what_worked": "Les parents s'en servent.",
    "what_did_not": "",
    "would_recommend": "oui",
}


def test_an_editor_gives_then_updates_the_feedback_of_its_own_departement(client, login, users, resource):
    login(users["loiret_editor"])
    url = reverse("resources:feedback", args=[resource.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, FEEDBACK).status_code == 302
    assert (
        client.post(url, FEEDBACK | {"would_recommend": "reserves", "colleges_count": "20"}).status_code
        == 302
    )
    feedback = Feedback.objects.get()
    assert (feedback.departement.code, feedback.colleges_count, feedback.would_recommend) == (
        "45",
        20,
        "reserves",
    )
    page = text(client.get(reverse("resources:detail", args=[resource.pk])))
    assert "Suivre les notes" in page and "Avec réserves" in page and "Mettre à jour le retour" in page
    # the form is pre-filled with the saved feedback
    assert 'value="20"' in client.get(url).content.decode()


@pytest.mark.parametrize("who", ["loiret_viewer", "coordinator", "dan_loiret"])
def test_others_cannot_give_feedback(client, login, users, resource, who):
    login(users[who])
    response = client.post(reverse("resources:feedback", args=[resource.pk]), FEEDBACK)
    assert response.status_code == 403 and "Seuls les éditeurs d'un département" in text(response)
    assert not Feedback.objects.exists()


def test_the_feedback_form_refuses_in_french(client, login, users, resource):
    login(users["loiret_editor"])
    bound = data.max_colleges(Departement.objects.get(code="45"))
    assert bound > 0
    response = client.post(
        reverse("resources:feedback", args=[resource.pk]),
        {"purpose": "", "colleges_count": str(bound + 1), "what_worked": "", "would_recommend": "peut-être"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "« Pour quoi faire » : à remplir." in page
    assert f"« Nombre de collèges » : le département compte {bound} collèges, pas davantage." in page
    assert "« Ce qui a marché » : à remplir." in page
    assert "« Le recommanderiez-vous à un autre département ? » : réponse inconnue." in page
    response = client.post(
        reverse("resources:feedback", args=[resource.pk]), FEEDBACK | {"colleges_count": "-2"}
    )
    assert "« Nombre de collèges » : doit être positif ou nul." in text(response)
    assert not Feedback.objects.exists()


def test_one_feedback_per_resource_and_departement(users, resource):
    from django.db import IntegrityError, transaction

    loiret = Departement.objects.get(code="45")
    values = {k: v for k, v in FEEDBACK.items()} | {"colleges_count": 3}
    data.save_feedback(resource, loiret, values, users["loiret_editor"])
    data.save_feedback(resource, loiret, values | {"purpose": "autre"}, users["loiret_editor"])
    assert Feedback.objects.get().purpose == "autre"
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(resource=resource, departement=loiret, colleges_count=1, purpose="x")


# -- measured use ----------------------------------------------------------------------------------


def hand_pronote(generated) -> pd.DataFrame:
    ev = pd.read_parquet(generated / "ent_events.parquet")
    est = pd.read_csv(generated / "establishments.csv", dtype={"uai": str})
    ev["month"] = pd.to_datetime(ev["ts"], utc=True).dt.strftime("%Y-%m")
    use = ev[(ev["module"] == "Pronote") & ev["event_type"].isin(["ACCESS", "CREATE", "VIEW"])]
    rows = []
    for month in (USAGE_MONTH_1, USAGE_MONTH_2):
        m = use[use["month"] == month]
        pupils = m[m["profile"] == "ELEVE"][["uai", "user_id"]].drop_duplicates()
        rows.append((month, m["uai"].nunique(), len(est), len(pupils), int(est["pupils"].sum())))
    return pd.DataFrame(rows, columns=["month", "colleges", "colleges_total", "pupils", "pupils_total"])


def test_measured_use_on_the_resource_page_matches_a_hand_computation(
    client, login, users, settings, warehouse_root, generated, resource
):
    settings.USAGE_WAREHOUSE_ROOT = warehouse_root
    measured.clear_memo()
    want = hand_pronote(generated)
    use = measured.resource_use("Pronote")
    assert use is not None and use["departements"] == ["45"]
    got = pd.DataFrame(use["rows"])[["month", "colleges", "colleges_total", "pupils", "pupils_total"]]
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert use["trend"]["last_month"] == USAGE_MONTH_2
    login(users["nord_editor"])
    page = text(client.get(reverse("resources:detail", args=[resource.pk])))
    first = want.iloc[0]
    assert f"{first.colleges} sur {first.colleges_total}" in page
    assert f"{first.pupils} sur {first.pupils_total}" in page
    assert "<svg" in page and "octobre 2024" in page
    assert "dans les journaux de 1 département : Loiret (45)" in page
    # cached per warehouse state: a second read does not recompute
    cached = list((warehouse_root / "45" / "_web_cache").glob("modules-*.parquet"))
    assert len(cached) == 1
    measured.clear_memo()
    assert measured.resource_use("Pronote")["rows"] == use["rows"]


def test_a_module_absent_from_the_logs_counts_zero_and_no_module_says_so(
    client, login, users, settings, warehouse_root, resource
):
    settings.USAGE_WAREHOUSE_ROOT = warehouse_root
    measured.clear_memo()
    use = measured.resource_use("Inconnu")
    assert use is not None and use["departements"] == []
    assert all(r["colleges"] == 0 and r["colleges_total"] > 0 for r in use["rows"])
    other = make_resource(title="Cafés", ent_module="")
    login(users["nord_editor"])
    page = text(client.get(reverse("resources:detail", args=[other.pk])))
    assert "n'est pas renseigné : pas d'usage mesuré" in page


def test_without_a_warehouse_the_page_says_nothing_is_loaded(client, login, users, resource):
    measured.clear_memo()
    login(users["nord_editor"])
    page = text(client.get(reverse("resources:detail", args=[resource.pk])))
    assert "Aucun entrepôt d'usage n'est chargé" in page


# -- API ---------------------------------------------------------------------------------------------


def test_the_api_serves_published_resources_without_sign_in(client, users, resource):
    make_resource(title="Brouillon", published=False)
    data.save_feedback(
        resource,
        Departement.objects.get(code="45"),
        {k: v for k, v in FEEDBACK.items()} | {"colleges_count": 4},
        users["loiret_editor"],
    )
    listing = client.get("/api/v1/resources").json()
    assert [r["title"] for r in listing] == ["Pronote"]
    one = listing[0]
    assert one["feedback"] == {
        "count": 1,
        "recommend_yes": 1,
        "recommend_reserved": 0,
        "recommend_no": 0,
        "colleges": 4,
    }
    assert one["departements"] == ["45"] and one["yearly_cost_per_pupil"] == 1.5
    detail = client.get(f"/api/v1/resources/{resource.pk}")
    assert detail.status_code == 200 and detail.json()["id"] == resource.pk
    draft = Resource.objects.get(title="Brouillon")
    response = client.get(f"/api/v1/resources/{draft.pk}")
    assert (
        response.status_code == 404
        and response.json()["detail"] == "Ressource introuvable dans le catalogue."
    )


def test_the_api_carries_the_measured_use(client, settings, warehouse_root, resource):
    settings.USAGE_WAREHOUSE_ROOT = warehouse_root
    measured.clear_memo()
    body = client.get(f"/api/v1/resources/{resource.pk}").json()
    assert body["measured_use"]["module"] == "Pronote"
    assert [r["month"] for r in body["measured_use"]["months"]] == [USAGE_MONTH_1, USAGE_MONTH_2]


# -- demo -------------------------------------------------------------------------------------------


def test_demo_resources_are_labelled(client, login, users):
    from numeduc.web.resources.demo import load_demo_resources

    report = load_demo_resources(2017)
    assert report["resources"] >= 6 and report["feedbacks"] >= 6
    assert set(Resource.objects.filter(is_demo=True).values_list("ent_module", flat=True)) >= {
        "Pronote",
        "Mediacentre",
        "GAR",
    }
    assert all(r.description.startswith("[démo]") for r in Resource.objects.all())
    assert all(f.what_worked.startswith("[démo]") and f.is_demo for f in Feedback.objects.all())
    assert load_demo_resources(2017) == report  # reloadable, same result
    login(users["nord_editor"])
    assert "données de démonstration" in text(client.get(reverse("resources:index")))
    pk = Resource.objects.filter(feedbacks__isnull=False).first().pk
    assert "données de démonstration" in text(client.get(reverse("resources:detail", args=[pk])))
    assert client.get("/api/v1/resources").json()[0]["demo"] is True


def test_a_resource_linked_to_catalogue_actions_shows_on_the_plans_that_take_them(client, login, users):
    import datetime as dt

    from numeduc.actions import load_catalogue
    from numeduc.web.action_plans import services

    first, second = [a.id for a in load_catalogue()][:2]
    login(users["dan_loiret"])
    form = {
        "kind": "format_formation",
        "title": "Parcours de formation hybride",
        "description": "Trois sessions et un suivi en ligne.",
        "cost_model": "gratuit",
        "departements": "",
        "colleges": "",
        "actions": [first],
        "published": "on",
    }
    assert client.post(reverse("resources:create"), form).status_code == 302
    linked = Resource.objects.get(title="Parcours de formation hybride")
    assert linked.actions == [first]
    title = next(a.title for a in load_catalogue() if a.id == first)
    assert title in text(client.get(reverse("resources:detail", args=[linked.pk])))
    refused = client.post(reverse("resources:create"), {**form, "title": "Autre", "actions": ["inconnue"]})
    assert refused.status_code == 400
    assert "« Actions du catalogue qu'elle sert » : action inconnue du catalogue." in text(refused)
    make_resource(title="Brouillon non publié", published=False, actions=[first])
    client.logout()
    editor = users["loiret_editor"]
    plan = services.create_plan(Departement.objects.get(code="45"), 2030, "Plan", editor)
    common = {"owner": "DSI", "starts_on": dt.date(2030, 9, 1), "ends_on": dt.date(2031, 6, 30)}
    services.add_action(plan, {**common, "title": "Avec ressource"}, editor, catalogue_id=first)
    services.add_action(plan, {**common, "title": "Sans ressource"}, editor, catalogue_id=second)
    login(editor)
    page = text(client.get(reverse("action_plans:plan", args=[plan.pk])))
    assert page.count("Parcours de formation hybride") == 1
    assert "Brouillon non publié" not in page
