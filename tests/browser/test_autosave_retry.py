"""Autosave when the server fails: it says so truthfully, retries, and loses nothing.

Playwright intercepts the autosave requests: the first ones answer 500 (what a database
error gives) or never reach the server (network cut); later ones go through to the live server.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from numeduc.questionnaires import load_questionnaire
from numeduc.web.accounts.models import Role, User
from numeduc.web.surveys.models import Answer, Campaign, Response
from numeduc.web.territories.loading import load_reference
from numeduc.web.territories.models import Departement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-du-test"
QUESTIONNAIRE = load_questionnaire("autodiagnostic")


@pytest.fixture
def editor():
    load_reference(colleges=False)
    campaign = Campaign.objects.create(
        title="Autodiagnostic 2018",
        questionnaire_slug=QUESTIONNAIRE.slug,
        questionnaire_version=QUESTIONNAIRE.version,
        year=2018,
        opens_on=dt.date(2018, 3, 1),
        closes_on=dt.date(2018, 6, 30),
        status=Campaign.Status.OPEN,
    )
    campaign.target_departements.set(Departement.objects.all())
    user = User(
        email="editeur@loiret.test",
        username="editeur@loiret.test",
        role=Role.DEPARTEMENT_EDITOR,
        departement=Departement.objects.get(code="45"),
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def _fail_first(page, count: int, how: str) -> list[str]:
    """Make the first ``count`` autosave requests fail (``how`` = "500" or "network")."""
    seen: list[str] = []

    def handle(route):
        seen.append(route.request.post_data or "")
        if len(seen) <= count:
            if how == "500":
                route.fulfill(status=500, content_type="text/html", body="<h1>Une erreur inattendue</h1>")
            else:
                route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/enregistrer/", handle)
    return seen


@pytest.mark.parametrize(
    "how, message",
    [
        ("500", "Le serveur n'a pas pu enregistrer cette réponse"),
        ("network", "Le serveur ne répond pas"),
    ],
)
def test_failed_save_is_retried_and_says_what_happened(
    page, live_server, editor, sign_in, screenshot_dir, how, message
):
    sign_in(page, live_server.url, editor.email, PASSWORD)
    page.get_by_role("link", name="Répondre").click()
    seen = _fail_first(page, 2, how)
    item = QUESTIONNAIRE.factor_items()[0]
    fieldset = page.locator(f"#item-{item.id}")
    # Every text the state line shows, in order: on a loaded machine the retry message can be
    # replaced before a poll of the locator sees it, the history never misses it.
    fieldset.evaluate(
        """(el) => {
            const state = el.querySelector('.item-state');
            window.__states = [];
            new MutationObserver(() => window.__states.push(state.textContent)).observe(
                state, {childList: true, characterData: true, subtree: true});
        }"""
    )
    fieldset.locator("input[type=radio][value='3']").check()
    state = fieldset.locator(".item-state")
    # 500 ms then 1 s of back-off: the third attempt goes through.
    expect(state).to_contain_text("Enregistré", timeout=10_000)
    shown = page.evaluate("window.__states")
    assert any(message in text for text in shown), shown
    assert not any("Pas de connexion" in text for text in shown), shown
    page.screenshot(path=str(screenshot_dir / f"autosave-retry-{how}.png"), full_page=False)
    assert len(seen) == 3
    answer = Answer.objects.get(response__departement__code="45", item_id=item.id)
    assert answer.value == 3
    assert page.evaluate("document.body.dataset.unsaved") == "0"


def test_newer_value_replaces_the_one_waiting_for_a_retry(page, live_server, editor, sign_in):
    sign_in(page, live_server.url, editor.email, PASSWORD)
    page.get_by_role("link", name="Répondre").click()
    seen = _fail_first(page, 1, "500")
    item = QUESTIONNAIRE.factor_items()[1]
    fieldset = page.locator(f"#item-{item.id}")
    fieldset.locator("input[type=radio][value='2']").check()
    expect(fieldset.locator(".item-state")).to_contain_text("nouvel essai")
    fieldset.locator("input[type=radio][value='4']").check()  # changes its mind during the back-off
    expect(fieldset.locator(".item-state")).to_contain_text("Enregistré", timeout=10_000)
    page.wait_for_timeout(1500)  # any stale retry of « 2 » would have been sent by now
    assert Answer.objects.get(response__departement__code="45", item_id=item.id).value == 4
    assert all('"value": "2"' not in body and '"value":"2"' not in body for body in seen[1:])


def test_refused_value_is_not_retried(page, live_server, editor, sign_in):
    sign_in(page, live_server.url, editor.email, PASSWORD)
    page.get_by_role("link", name="Répondre").click()
    seen: list[str] = []
    page.route(
        "**/enregistrer/", lambda route: (seen.append(route.request.post_data or ""), route.continue_())
    )
    number = next(i for i in QUESTIONNAIRE.items if i.type == "number" and i.max is not None)
    field = page.locator(f"#item-{number.id} input[name='item-{number.id}']")
    field.fill(str(int(number.max) * 10 + 1))
    field.blur()
    state = page.locator(f"#item-{number.id} .item-state")
    expect(state).to_contain_text("doit être au plus")
    page.wait_for_timeout(1500)
    assert len(seen) == 1
    assert not Answer.objects.filter(item_id=number.id).exists()


def test_submit_waits_for_the_saves_on_their_way(page, live_server, editor, sign_in):
    """Answer the last question and click « Transmettre » at once while the save is failing:
    the submission waits for the retry instead of being refused for a missing answer."""
    sign_in(page, live_server.url, editor.email, PASSWORD)
    page.get_by_role("link", name="Répondre").click()
    response = Response.objects.get(departement__code="45")
    required = [i for i in QUESTIONNAIRE.items if i.required]
    last = required[-1]
    from numeduc.web.surveys import services

    for item in required[:-1]:
        raw = "3" if item.type == "level" else (item.choices[0].value if item.type == "choice" else "1")
        services.save_answer(response, item.id, raw, None, editor)
    page.reload()
    _fail_first(page, 1, "500")
    fieldset = page.locator(f"#item-{last.id}")
    if last.type == "level":
        fieldset.locator("input[type=radio][value='2']").check()
    elif last.type == "choice":
        fieldset.locator("select").select_option(last.choices[0].value)
    else:
        fieldset.locator(f"[name='item-{last.id}']").fill("1")
    page.get_by_role("button", name="Transmettre la réponse").click()
    expect(page.get_by_text("Réponse transmise. Merci")).to_be_visible(timeout=10_000)
    response.refresh_from_db()
    assert response.is_submitted
