"""The DAN's journey on the demo: sign in, open the académie's questionnaire from the home page,
answer one question, come back, open a département's results; axe-clean, at 1280 and 390 px."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from numeduc.web.demo import DEMO_PASSWORD, load_demo
from numeduc.web.surveys.models import Answer, Campaign
from numeduc.web.territories.loading import load_reference

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAN = "dan@demo.numeduc.fr"
QUESTION = (
    "Êtes-vous satisfait de l'engagement des départements de votre académie en faveur du numérique éducatif ?"
)


@pytest.fixture
def demo_world():
    load_reference(colleges=False)
    return load_demo()


def serious_violations(page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in ("serious", "critical")]


def fits_the_window(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_dan_answers_its_questionnaire_then_reads_a_result(
    demo_world, live_server, page, screenshot_dir, sign_in
):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, DAN, DEMO_PASSWORD)

    # Home: the open 2018 questionnaire can be answered; only the results that exist are linked.
    expect(page.get_by_role("heading", name="Vos questionnaires")).to_be_visible()
    results = page.locator("main a", has_text="Résultats :")
    expect(results).to_have_count(2)  # Indre and Loiret answered the 2017 demo campaign
    expect(page.get_by_text("Sans réponse transmise à cette campagne : Cher")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "dan-home-1280.png"), full_page=True)
    assert serious_violations(page) == []

    page.get_by_role("link", name="Répondre au questionnaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Questionnaire aux délégations académiques au numérique"
    )
    page.get_by_label(QUESTION, exact=True).select_option("satisfait")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()
    campaign = Campaign.objects.get(is_demo=True, questionnaire_slug="dan", year=2018)
    answer = Answer.objects.get(response__campaign=campaign, item_id="satisfaction_engagement")
    assert answer.value == "satisfait" and answer.response.academie.code == "18"
    page.screenshot(path=str(screenshot_dir / "dan-questionnaire-1280.png"))
    assert serious_violations(page) == []

    # Back home: the draft is offered to continue; then a département's results.
    page.get_by_role("link", name="Accueil").click()
    expect(page.get_by_role("link", name="Continuer la saisie")).to_be_visible()
    page.get_by_role("link", name="Résultats : Loiret (45)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Loiret")
    expect(page.locator("main")).not_to_contain_text("Page introuvable")
    page.screenshot(path=str(screenshot_dir / "dan-results-1280.png"))
    assert serious_violations(page) == []

    # A phone: the home page fits 390 px without sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="Accueil").click()
    expect(page.get_by_role("link", name="Continuer la saisie")).to_be_visible()
    assert fits_the_window(page)
    page.screenshot(path=str(screenshot_dir / "dan-home-390.png"), full_page=True)
    assert serious_violations(page) == []


def test_help_pages_explain_terms_on_keyboard_focus(live_server, page, screenshot_dir, db):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/sources/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Aide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aide")
    term = page.locator(".terme", has_text="inertie").first
    bubble = term.locator(".terme-bulle")
    expect(bubble).to_be_hidden()
    term.get_by_role("link").focus()
    expect(bubble).to_be_visible()
    expect(bubble).to_contain_text("Mesure de la diversité des réponses")
    page.screenshot(path=str(screenshot_dir / "help-term-focus-1280.png"))
    assert serious_violations(page) == []
    page.keyboard.press("Escape")  # dismissible without moving the focus (WCAG 1.4.13)
    expect(bubble).to_be_hidden()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(bubble).to_be_visible()
    term.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/aide/glossaire/#terme-inertie")
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/sources/")
    assert fits_the_window(page)
    page.screenshot(path=str(screenshot_dir / "sources-390.png"), full_page=True)
    assert serious_violations(page) == []
