"""The « campagne publique » exception: a département's results shared with the other départements.

Rule (docs/visibility.md): the editors and viewers of another département read a département's
results page, its CSV export and its API profile only when the campaign is public, closed and
published, the response is submitted and the département's editor agreed. Everything else is
refused, and withdrawing the agreement hides the results at once.
"""

from __future__ import annotations

import csv
import html
import io
import itertools

import pytest
from django.test import RequestFactory
from django.utils import timezone

from numeduc.web.accounts.models import ApiToken, Role
from numeduc.web.accounts.permissions import (
    can_change_share_consent,
    can_view_departement_results,
    departement_shares_results,
    views_results_as_shared,
)
from numeduc.web.results.templatetags.sharing import shared_departements_for
from numeduc.web.surveys import services
from numeduc.web.surveys.models import Answer, Campaign, Response, ResponseEvent
from numeduc.web.territories.models import Departement

from .conftest import make_user

pytestmark = pytest.mark.django_db

NOTICE = "Ce département a accepté de partager ses réponses à cette campagne publique."
CODES = ["45", "59", "50", "54", "64", "71", "90", "93", "33", "69"]


def submitted(campaign, code: str, level: int, full_answers, status=Response.Status.SUBMITTED) -> Response:
    response = Response.objects.create(
        campaign=campaign,
        departement=Departement.objects.get(code=code),
        status=status,
        submitted_at=timezone.now(),
    )
    Answer.objects.bulk_create(
        Answer(
            response=response,
            item_id=k,
            value=int(v) if v.isdigit() else v,
            comment="commentaire privé de " + code if k.startswith("f01") else "",
        )
        for k, v in full_answers(level).items()
    )
    return response


@pytest.fixture
def public_2017(territories, full_answers, campaign_factory):
    """Closed, published, public campaign; ten submitted responses, none shared yet."""
    campaign = campaign_factory(2017, Campaign.Status.CLOSED, published=True, public=True)
    for i, code in enumerate(CODES):
        submitted(campaign, code, 1 + i % 4, full_answers)
    return campaign


def nord(campaign) -> Response:
    return Response.objects.get(campaign=campaign, departement__code="59")


def share(campaign, code="59", user=None) -> Response:
    response = Response.objects.get(campaign=campaign, departement__code=code)
    services.set_share_consent(response, True, user)
    return response


def urls(campaign, code="59") -> dict[str, str]:
    return {
        "page": f"/resultats/{campaign.pk}/departements/{code}/",
        "csv": f"/resultats/{campaign.pk}/departements/{code}/export.csv",
        "api": f"/api/v1/campaigns/{campaign.pk}/departements/{code}/profile",
    }


def bearer(user) -> dict:
    _, token = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def statuses(client, user, campaign, code="59") -> dict[str, int]:
    """Status of the page, the CSV and the API profile for this user (None: anonymous)."""
    found = {}
    for name, url in urls(campaign, code).items():
        if name == "api" and user is not None:
            found[name] = client.get(url, **bearer(user)).status_code
        else:
            found[name] = client.get(url).status_code
    return found


# -- the happy path ----------------------------------------------------------------------------


def test_editor_gives_consent_and_another_departement_reads_page_csv_and_api(
    client, login, users, public_2017
):
    nord_editor, loiret_viewer = users["nord_editor"], users["loiret_viewer"]
    response = nord(public_2017)
    login(nord_editor)
    page = client.get(f"/reponses/{response.pk}/")
    assert (
        "J'accepte que les réponses de mon département soient consultables par les autres départements"
        in page.content.decode()
    )
    answer = client.post(f"/reponses/{response.pk}/partage/", {"consent": "1"}, follow=True)
    assert answer.redirect_chain[0] == (f"/reponses/{response.pk}/", 302)
    assert (
        "vos résultats sont dès maintenant consultables par les autres départements"
        in answer.content.decode()
    )
    response.refresh_from_db()
    assert response.share_consent and response.share_consent_by == nord_editor
    client.logout()

    login(loiret_viewer)
    page = client.get(urls(public_2017)["page"])
    assert page.status_code == 200
    html = page.content.decode()
    assert NOTICE in html
    assert "Autodiagnostic du Nord (59)" in html
    assert "Ses points forts" in html and "Vos points forts" not in html
    # The detailed answer (comments) and its history stay private: no link to them.
    assert f"/reponses/{response.pk}/" not in html and "Historique" not in html
    assert client.get(f"/reponses/{response.pk}/").status_code == 403
    assert client.get(f"/reponses/{response.pk}/historique/").status_code == 403

    export = client.get(urls(public_2017)["csv"])
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 14 and {r[0] for r in rows[1:]} == {"59"}
    # Nord is the 2nd respondent: level 1 + 1 % 4 = 2 on every factor.
    assert {r[4] for r in rows[1:]} == {"2,0"}  # decimal comma

    api = client.get(urls(public_2017)["api"], **bearer(loiret_viewer))
    assert api.status_code == 200
    body = api.json()
    assert body["departement"] == "59" and body["campaign"]["public"] is True
    assert [f["level"] for f in body["factors"]] == [2] * 13


def test_sharing_opens_neither_the_detailed_answer_nor_its_api(client, login, users, public_2017):
    response = share(public_2017, user=users["nord_editor"])
    login(users["loiret_editor"])
    assert client.get(f"/api/v1/responses/{response.pk}", **bearer(users["loiret_editor"])).status_code == 403
    assert client.post(f"/reponses/{response.pk}/partage/", {}).status_code == 403  # nor withdraw it
    response.refresh_from_db()
    assert response.share_consent is True
    export = client.get(urls(public_2017)["csv"]).content.decode("utf-8-sig")
    assert "commentaire privé" not in export
    assert "commentaire privé" not in client.get(urls(public_2017)["page"]).content.decode()


def test_campaign_list_says_which_campaigns_are_public(client, login, users, public_2017):
    login(users["coordinator"])
    assert "Clôturée, publiée, publique" in client.get("/campagnes/").content.decode()


def test_the_editor_of_the_reading_departement_sees_it_too(client, login, users, public_2017):
    share(public_2017, user=users["nord_editor"])
    login(users["loiret_editor"])
    assert statuses(client, users["loiret_editor"], public_2017) == {"page": 200, "csv": 200, "api": 200}


def test_own_departement_page_has_no_shared_notice(client, login, users, public_2017):
    share(public_2017, code="45", user=users["loiret_editor"])
    login(users["loiret_viewer"])
    html = client.get(urls(public_2017, "45")["page"]).content.decode()
    assert NOTICE not in html and "Vos points forts" in html and "Voir la réponse détaillée" in html


# -- refusals: the campaign and the response -------------------------------------------------


def _not_public(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(public=False)


def _not_published(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(published=False)


def _open(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.OPEN, published=False)


def _withdrawn(campaign):
    services.set_share_consent(nord(campaign), False, None)


def _not_submitted(campaign):
    Response.objects.filter(pk=nord(campaign).pk).update(status=Response.Status.DRAFT)


@pytest.mark.parametrize(
    "state",
    [_not_public, _not_published, _open, _withdrawn, _not_submitted],
    ids=["campagne non publique", "non publiée", "ouverte", "accord retiré", "non transmise"],
)
def test_refused_when_one_condition_is_missing(client, login, users, public_2017, state):
    share(public_2017, user=users["nord_editor"])
    state(public_2017)
    login(users["loiret_viewer"])
    assert statuses(client, users["loiret_viewer"], public_2017) == {"page": 403, "csv": 403, "api": 403}
    assert statuses(client, users["loiret_editor"], public_2017)["api"] == 403


def test_consent_never_given_refused(client, login, users, public_2017):
    login(users["loiret_viewer"])
    assert statuses(client, users["loiret_viewer"], public_2017) == {"page": 403, "csv": 403, "api": 403}


def test_withdrawal_hides_at_once_and_the_403_page_is_french(client, login, users, public_2017):
    response = share(public_2017, user=users["nord_editor"])
    reader = login(users["loiret_viewer"])
    assert reader.get(urls(public_2017)["page"]).status_code == 200

    from django.test import Client

    owner = login(users["nord_editor"], Client())
    assert owner.post(f"/reponses/{response.pk}/partage/", {}).status_code == 302  # checkbox unticked
    response.refresh_from_db()
    assert response.share_consent is False
    refused = reader.get(urls(public_2017)["page"])
    assert refused.status_code == 403
    assert "Les résultats de ce département ne vous sont pas accessibles." in refused.content.decode()


def test_campaign_no_longer_public_hides_and_consent_can_still_be_withdrawn(
    client, login, users, public_2017
):
    response = share(public_2017, user=users["nord_editor"])
    coordinator = login(users["coordinator"])
    coordinator.post(f"/campagnes/{public_2017.pk}/make_private/", {"confirm": "oui"})
    public_2017.refresh_from_db()
    assert public_2017.public is False
    client.logout()
    login(users["loiret_viewer"])
    assert client.get(urls(public_2017)["page"]).status_code == 403
    client.logout()
    login(users["nord_editor"])
    page = client.get(f"/reponses/{response.pk}/").content.decode()
    assert "n'est plus publique" in page
    client.post(f"/reponses/{response.pk}/partage/", {})
    response.refresh_from_db()
    assert response.share_consent is False


# -- refusals: who --------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_and_api_refuses(client, users, public_2017):
    share(public_2017, user=users["nord_editor"])
    found = statuses(client, None, public_2017)
    assert found["page"] == 302 and found["csv"] == 302 and found["api"] == 401
    assert "/compte/" in client.get(urls(public_2017)["page"])["Location"]


def test_dan_of_another_academie_and_school_head_get_nothing_more(client, login, users, public_2017):
    share(public_2017, user=users["nord_editor"])
    school = make_user("principal@test.fr", Role.SCHOOL)
    for user in (users["dan_loiret"], school):  # Loiret's DAN is not Nord's académie
        client.logout()
        login(user)
        assert statuses(client, user, public_2017) == {"page": 403, "csv": 403, "api": 403}, user.role
    # Nord's own DAN keeps its usual right (published results of its académie).
    client.logout()
    login(users["dan_other"])
    assert client.get(urls(public_2017)["page"]).status_code == 200
    assert NOTICE not in client.get(urls(public_2017)["page"]).content.decode()


def test_viewer_cannot_give_consent(client, login, users, public_2017):
    response = Response.objects.get(campaign=public_2017, departement__code="45")
    login(users["loiret_viewer"])
    page = client.get(f"/reponses/{response.pk}/").content.decode()
    assert 'id="share-consent"' not in page
    assert "Seuls les comptes de saisie de votre département" in page
    assert client.post(f"/reponses/{response.pk}/partage/", {"consent": "1"}).status_code == 403
    response.refresh_from_db()
    assert response.share_consent is False
    assert not response.events.filter(field=ResponseEvent.Field.CONSENT).exists()


@pytest.mark.parametrize("role", ["loiret_editor", "coordinator", "dan_other"])
def test_nobody_else_gives_consent_for_nord(client, login, users, public_2017, role):
    response = nord(public_2017)
    login(users[role])
    assert client.post(f"/reponses/{response.pk}/partage/", {"consent": "1"}).status_code == 403
    response.refresh_from_db()
    assert response.share_consent is False
    assert not response.events.filter(field=ResponseEvent.Field.CONSENT).exists()


def test_consent_refused_when_campaign_not_public(client, login, users, campaign_factory, full_answers):
    private = campaign_factory(2017, Campaign.Status.CLOSED, published=True)
    response = submitted(private, "59", 2, full_answers)
    login(users["nord_editor"])
    assert (
        "Partage avec les autres départements" not in client.get(f"/reponses/{response.pk}/").content.decode()
    )
    answer = client.post(f"/reponses/{response.pk}/partage/", {"consent": "1"}, follow=True)
    assert "Cette campagne n'est pas publique" in html.unescape(answer.content.decode())
    response.refresh_from_db()
    assert response.share_consent is False
    with pytest.raises(services.SharingRefused):
        services.set_share_consent(response, True, users["nord_editor"])


def test_post_only_for_consent(client, login, users, public_2017):
    login(users["nord_editor"])
    assert client.get(f"/reponses/{nord(public_2017).pk}/partage/").status_code == 405


# -- history ----------------------------------------------------------------------------------


def test_history_records_give_and_withdraw_with_who_and_when(client, login, users, public_2017):
    response = nord(public_2017)
    editor = users["nord_editor"]
    login(editor)
    before = timezone.now()
    client.post(f"/reponses/{response.pk}/partage/", {"consent": "1"})
    client.post(f"/reponses/{response.pk}/partage/", {"consent": "1"})  # no change, no event
    client.post(f"/reponses/{response.pk}/partage/", {})
    after = timezone.now()
    events = list(response.events.filter(field=ResponseEvent.Field.CONSENT).order_by("changed_at", "id"))
    assert [(e.old_value, e.new_value) for e in events] == [(False, True), (True, False)]
    assert all(e.changed_by == editor and before <= e.changed_at <= after for e in events)
    response.refresh_from_db()
    assert response.share_consent_by == editor and response.share_consent_at == events[-1].changed_at

    html = client.get(f"/reponses/{response.pk}/historique/").content.decode()
    assert html.count("Partage avec les autres départements") == 2
    assert "accord donné" in html and "accord retiré" in html and editor.email in html


# -- what stays unchanged -----------------------------------------------------------------------


def test_aggregate_views_unchanged_and_list_shows_only_consenting(client, login, users, public_2017):
    share(public_2017, code="59", user=users["nord_editor"])
    share(public_2017, code="69")
    services.set_share_consent(Response.objects.get(campaign=public_2017, departement__code="33"), True, None)
    services.set_share_consent(
        Response.objects.get(campaign=public_2017, departement__code="33"), False, None
    )
    login(users["loiret_viewer"])
    page = client.get(f"/national/{public_2017.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "10 départements ont transmis leur réponse" in html
    assert "Départements qui partagent leurs réponses" in html
    assert f"/resultats/{public_2017.pk}/departements/59/" in html
    assert f"/resultats/{public_2017.pk}/departements/69/" in html
    assert f"/resultats/{public_2017.pk}/departements/33/" not in html
    assert f"/resultats/{public_2017.pk}/departements/50/" not in html
    # A non-sharing département stays an aggregate only.
    assert client.get(urls(public_2017, "50")["page"]).status_code == 403
    national = client.get(f"/api/v1/campaigns/{public_2017.pk}/national", **bearer(users["loiret_viewer"]))
    assert national.status_code == 200 and national.json()["respondents"] == 10


def test_no_list_for_a_campaign_that_is_not_public(client, login, users, campaign_factory, full_answers):
    private = campaign_factory(2017, Campaign.Status.CLOSED, published=True)
    for i, code in enumerate(CODES):
        response = submitted(private, code, 1 + i % 4, full_answers)
    Response.objects.filter(pk=response.pk).update(share_consent=True)  # stale agreement: no effect
    login(users["loiret_viewer"])
    html = client.get(f"/national/{private.pk}/").content.decode()
    assert "Départements qui partagent leurs réponses" not in html
    assert client.get(urls(private, "69")["page"]).status_code == 403


def test_previous_campaign_levels_hidden_unless_shared_too(
    client, login, users, public_2017, campaign_factory, full_answers
):
    earlier = campaign_factory(2016, Campaign.Status.CLOSED, published=True)
    submitted(earlier, "59", 4, full_answers)
    share(public_2017, user=users["nord_editor"])
    login(users["loiret_viewer"])
    html = client.get(urls(public_2017)["page"]).content.decode()
    assert "Niveau 2016" not in html and "évolution depuis 2016" not in html
    body = client.get(urls(public_2017)["api"], **bearer(users["loiret_viewer"])).json()
    assert all(f["previous_level"] is None for f in body["factors"])
    # Nord itself still sees its change since 2016.
    client.logout()
    login(users["nord_editor"])
    assert "Niveau 2016" in client.get(urls(public_2017)["page"]).content.decode()


# -- declaring a campaign public ------------------------------------------------------------------


def test_campaign_becomes_public_only_before_any_response(
    client, login, users, campaign_factory, public_2017
):
    login(users["coordinator"])
    fresh = campaign_factory(2019, Campaign.Status.DRAFT)
    client.post(f"/campagnes/{fresh.pk}/make_public/", {"confirm": "oui"})
    fresh.refresh_from_db()
    assert fresh.public is True
    assert "campagne publique" in client.get(f"/campagnes/{fresh.pk}/").content.decode()

    Campaign.objects.filter(pk=public_2017.pk).update(public=False)
    answer = client.post(f"/campagnes/{public_2017.pk}/make_public/", {"confirm": "oui"}, follow=True)
    assert "ne peut plus devenir publique" in answer.content.decode()
    public_2017.refresh_from_db()
    assert public_2017.public is False


def test_only_the_coordinator_declares_a_campaign_public(client, login, users, campaign_factory):
    fresh = campaign_factory(2019, Campaign.Status.DRAFT)
    login(users["loiret_editor"])
    assert client.post(f"/campagnes/{fresh.pk}/make_public/").status_code == 403
    fresh.refresh_from_db()
    assert fresh.public is False


@pytest.mark.parametrize("ticked", [True, False])
def test_create_form_declares_the_campaign_public_or_not(client, login, users, ticked):
    login(users["coordinator"])
    assert "Campagne publique" in client.get("/campagnes/nouvelle/").content.decode()
    form = {
        "title": "Autodiagnostic 2020",
        "questionnaire": "autodiagnostic@2017",
        "year": 2020,
        "opens_on": "2020-03-01",
        "closes_on": "2020-06-30",
        "all_targets": "on",
    }
    if ticked:
        form["public"] = "on"
    assert client.post("/campagnes/nouvelle/", form).status_code == 302
    created = Campaign.objects.get(title="Autodiagnostic 2020")
    assert created.public is ticked
    page = client.get(f"/campagnes/{created.pk}/").content.decode()
    assert ("<strong>campagne publique</strong>" in page) is ticked
    assert ("Déclarer la campagne publique" in page) is not ticked


# -- the whole matrix: roles × states ------------------------------------------------------------


def test_rule_over_every_role_and_state(users, public_2017):
    """32 states of (public, closed, published, submitted, agreed) × every role, against the rule."""
    nord_dep = Departement.objects.get(code="59")
    school = make_user("principal2@test.fr", Role.SCHOOL)
    readers = {
        name: users[name]
        for name in (
            "loiret_editor",
            "loiret_viewer",
            "dan_loiret",
            "coordinator",
            "nord_editor",
            "dan_other",
        )
    } | {"school": school}
    response = nord(public_2017)
    for public, closed, published, is_submitted, agreed in itertools.product([True, False], repeat=5):
        Campaign.objects.filter(pk=public_2017.pk).update(
            public=public,
            published=published,
            status=Campaign.Status.CLOSED if closed else Campaign.Status.OPEN,
        )
        Response.objects.filter(pk=response.pk).update(
            share_consent=agreed, status=Response.Status.SUBMITTED if is_submitted else Response.Status.DRAFT
        )
        campaign = Campaign.objects.get(pk=public_2017.pk)
        shared = public and closed and published and is_submitted and agreed
        assert departement_shares_results(nord_dep, campaign) is shared
        expected = {
            "coordinator": True,
            "nord_editor": True,
            "dan_other": published,  # Nord's académie: unchanged rule
            "loiret_editor": shared,
            "loiret_viewer": shared,
            "dan_loiret": False,
            "school": False,
        }
        state = (public, closed, published, is_submitted, agreed)
        for name, user in readers.items():
            assert can_view_departement_results(user, nord_dep, campaign) is expected[name], (name, state)
            assert views_results_as_shared(user, nord_dep, campaign) is (
                shared and name in {"loiret_editor", "loiret_viewer"}
            ), (name, state)
        listed = [d.code for d in shared_departements_for(users["loiret_viewer"], campaign)]
        assert listed == (["59"] if shared else [])
    fresh = Response.objects.get(pk=response.pk)
    assert [name for name, user in readers.items() if can_change_share_consent(user, fresh)] == [
        "nord_editor"
    ]


# -- the demo ---------------------------------------------------------------------------------------


def test_demo_2017_is_public_and_three_departements_share(client, territories):
    from numeduc.web.demo import DEMO_PASSWORD, DEMO_SHARING_CODES, load_demo

    load_demo()
    c2017 = Campaign.objects.get(is_demo=True, year=2017, questionnaire_slug="autodiagnostic")
    assert c2017.public and c2017.is_closed and c2017.published
    assert not Campaign.objects.filter(is_demo=True).exclude(pk=c2017.pk).filter(public=True).exists()
    shared = Response.objects.filter(campaign=c2017, share_consent=True)
    assert sorted(shared.values_list("departement__code", flat=True)) == sorted(DEMO_SHARING_CODES)
    events = ResponseEvent.objects.filter(response__campaign=c2017, field=ResponseEvent.Field.CONSENT)
    assert events.count() == 3 and {e.changed_at.date().isoformat() for e in events} == {"2017-06-20"}

    assert client.login(
        request=RequestFactory().post("/compte/connexion/"),
        email="nord@demo.numeduc.fr",
        password=DEMO_PASSWORD,
    )
    html = client.get(f"/national/{c2017.pk}/").content.decode()
    for code in DEMO_SHARING_CODES:
        assert f"/resultats/{c2017.pk}/departements/{code}/" in html
        assert NOTICE in client.get(f"/resultats/{c2017.pk}/departements/{code}/").content.decode()
    assert client.get(f"/resultats/{c2017.pk}/departements/45/").status_code == 403
