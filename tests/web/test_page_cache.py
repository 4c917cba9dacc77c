"""Whole pages kept per session and data version (numeduc.web.middleware.PageCacheMiddleware).

The cache must never show a stale figure nor one user's page to another: each test warms the
cache of a page, changes something, and checks what the next view shows; the refusals
(another user, a signed-out session, a message waiting) are tested the same way.
"""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from numeduc.web import caching
from numeduc.web.surveys.models import Answer, Campaign, Response

from .conftest import submit_response

pytestmark = pytest.mark.django_db
ITEM = "f01_maturite_equipes"


@pytest.fixture(autouse=True)
def empty_cache(settings, tmp_path):
    # A data version of this test's own: another test process writing at the same time (the
    # suite's other runs share var/) must not turn an expected hit into a miss.
    settings.VAR_DIR = tmp_path / "var"
    cache.clear()
    caching.page_cache().clear()
    yield
    cache.clear()
    caching.page_cache().clear()


def hit(page) -> bool:
    return bool(getattr(page.wsgi_request, "_numeduc_page_hit", False))


def warm(client, url: str):
    """Three views: the first sets the CSRF cookie (never kept), the second is kept, the third
    is served from the cache."""
    client.get(url)
    client.get(url)
    page = client.get(url)
    assert page.status_code == 200
    assert hit(page), url
    return page


def autosave(client, response, **payload):
    return client.post(
        f"/reponses/{response.pk}/enregistrer/", data=json.dumps(payload), content_type="application/json"
    )


def started(client, campaign) -> Response:
    page = client.get(f"/campagnes/{campaign.pk}/repondre/")
    return Response.objects.get(pk=int(page.url.strip("/").split("/")[-1]))


# -- the data version ---------------------------------------------------------------------------


def test_every_kind_of_write_changes_the_data_version_and_a_read_does_not(campaign):
    before = caching.data_version()
    list(Campaign.objects.all())
    assert caching.data_version() == before
    steps = [
        lambda: Campaign.objects.filter(pk=campaign.pk).update(title="Renommée"),  # no signal sent
        lambda: Campaign.objects.get(pk=campaign.pk).save(),
        lambda: connection.cursor().execute(
            "UPDATE surveys_campaign SET title = 'Brute' WHERE id = %s", [campaign.pk]
        ),
    ]
    for step in steps:
        version = caching.data_version()
        step()
        assert caching.data_version() != version


def test_a_write_in_a_transaction_changes_the_version_again_when_it_commits(campaign):
    # (the test itself runs in a transaction that never commits: the callback is run by hand)
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(title="Un")
        Campaign.objects.filter(pk=campaign.pk).update(title="Deux")
        at_write = caching.data_version()
        pending = [f for _, f, _ in connection.run_on_commit if f is caching._after_commit]
    assert len(pending) == 1  # one for the whole transaction, however many statements
    pending[0]()
    assert caching.data_version() != at_write


def test_the_version_only_grows():
    assert caching.data_version() == (0, 0)
    seen = set()
    for _ in range(5):
        caching.bump_data_version()
        seen.add(caching.data_version())
    assert len(seen) == 5


# -- pages --------------------------------------------------------------------------------------


def test_a_saved_answer_shows_at_once_on_the_kept_questionnaire(client, login, users, campaign):
    login(users["loiret_editor"])
    response = started(client, campaign)
    url = f"/reponses/{response.pk}/"
    kept = warm(client, url)
    assert "Une feuille de route votée" not in kept.content.decode()
    assert autosave(client, response, item=ITEM, comment="Une feuille de route votée").status_code == 200
    page = client.get(url)
    assert not hit(page)
    assert "Une feuille de route votée" in page.content.decode()
    assert hit(client.get(url))


def test_a_kept_page_has_the_headers_of_the_rendered_one(client, login, users, campaign):
    login(users["loiret_editor"])
    response = started(client, campaign)
    url = f"/reponses/{response.pk}/"
    client.get(url)
    rendered = client.get(url)
    kept = client.get(url)
    assert not hit(rendered) and hit(kept)
    assert kept.content == rendered.content

    def headers(page):
        return {k: v for k, v in page.items() if k.lower() not in ("x-request-id", "x-numeduc-page-cache")}

    assert headers(kept) == headers(rendered)
    assert kept["X-Numeduc-Page-Cache"] == "hit" and "X-Numeduc-Page-Cache" not in rendered
    assert kept["Content-Security-Policy"] and kept["X-Request-ID"] != rendered["X-Request-ID"]


def test_another_user_never_gets_a_kept_page(client, login, users, campaign):
    from django.test import Client

    login(users["loiret_editor"])
    response = started(client, campaign)
    url = f"/reponses/{response.pk}/"
    warm(client, url)
    other = login(users["nord_editor"], Client())
    for _ in range(3):
        page = other.get(url)
        assert page.status_code in (403, 404) and not hit(page)
    viewer = login(users["loiret_viewer"], Client())
    viewer.get(url)
    page = viewer.get(url)
    assert page.status_code == 200 and not hit(page)  # rendered for the viewer, not the editor's


def test_a_signed_out_session_is_never_served_the_kept_page(client, login, users, campaign):
    login(users["loiret_editor"])
    response = started(client, campaign)
    url = f"/reponses/{response.pk}/"
    warm(client, url)
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    client.post("/compte/deconnexion/")
    # a browser that kept the old cookies (the session is gone from the database)
    from django.test import Client

    stale = Client()
    for name, value in cookies.items():
        stale.cookies[name] = value
    page = stale.get(url)
    assert page.status_code == 302 and "/compte/connexion/" in page.url
    assert not hit(page)


def test_a_waiting_message_is_shown_not_skipped(client, login, users, campaign):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    login(users["loiret_editor"])
    response = started(client, campaign)
    url = f"/reponses/{response.pk}/"
    warm(client, url)
    # what a redirect after a saved form leaves for the next page
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[CookieStorage.cookie_name] = storage._encode(
        [Message(constants.SUCCESS, "Réponse rouverte.")]
    )
    page = client.get(url)
    assert not hit(page) and "Réponse rouverte." in page.content.decode()
    again = client.get(url)
    assert hit(again) and "Réponse rouverte." not in again.content.decode()


def test_the_results_page_follows_a_changed_answer(client, login, users, campaign, full_answers):
    for code in ["45", "59", "50", "54", "64", "71"]:
        submit_response(campaign, code, full_answers(2))
    login(users["loiret_editor"])
    url = f"/resultats/{campaign.pk}/departements/45/"
    before = warm(client, url).content.decode()
    loiret = Response.objects.get(campaign=campaign, departement__code="45")
    Answer.objects.filter(response=loiret, item_id=ITEM).update(value=5)
    page = client.get(url)
    assert not hit(page)
    assert page.content.decode() != before


def test_page_cache_can_be_turned_off(client, login, users, campaign, settings):
    settings.PAGE_CACHE = False
    login(users["loiret_editor"])
    response = started(client, campaign)
    url = f"/reponses/{response.pk}/"
    for _ in range(3):
        assert not hit(client.get(url))


def test_the_usage_dashboard_follows_a_new_ingestion(client, login, world, settings, generated, tmp_path):
    """An ingestion writes files, not rows: the warehouse's manifest is part of the key."""
    import shutil

    import pandas as pd

    from numeduc.usage.ingest import ingest
    from numeduc.web.usage_dashboard import store

    root = tmp_path / "root"
    shutil.copytree(
        settings.USAGE_WAREHOUSE_ROOT / "45", root / "45", ignore=shutil.ignore_patterns("_web_cache")
    )
    settings.USAGE_WAREHOUSE_ROOT = root
    store.clear_memo()
    login(world["loiret_editor"])
    url = "/usages/departements/45/"
    before = warm(client, url).content.decode()
    est = pd.read_csv(generated / "establishments.csv", dtype=str)
    first = est.loc[0, "name"]
    assert first in before
    est.loc[0, "name"] = "Collège renommé par la nouvelle livraison"
    extra = tmp_path / "establishments.csv"
    est.to_csv(extra, index=False)
    assert [r.status for r in ingest("establishments", [extra], root / "45", "45")] == ["ingéré"]
    page = client.get(url)
    assert not hit(page)
    assert "Collège renommé par la nouvelle livraison" in page.content.decode()


def test_a_saved_scenario_shows_at_once_on_the_kept_budget_page(client, login, users, territories):
    from .test_planning import form_data, make_scenario

    scenario = make_scenario(name="Scénario de départ")
    login(users["loiret_editor"])
    url = "/budget/departements/45/"
    assert "Scénario de départ" in warm(client, url).content.decode()
    saved = client.post(f"/budget/scenarios/{scenario.pk}/modifier/", form_data(name="Scénario corrigé"))
    assert saved.status_code == 302
    page = client.get(url)
    assert not hit(page)
    html = page.content.decode()
    assert "Scénario corrigé" in html and "Scénario de départ" not in html
