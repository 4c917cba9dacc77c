"""Coordinator's journey: create a campaign with French dates for one académie, open it, see the
low-response warning before closing, confirm; every page on the way passes axe, at 1280 and 390 px."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from numeduc.web.accounts.models import Role, User
from numeduc.web.surveys.models import Campaign, Response
from numeduc.web.territories.loading import load_reference
from numeduc.web.territories.models import Departement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-coordination"
TITLE = "Autodiagnostic 2099"


@pytest.fixture
def coordinator():
    load_reference(colleges=False)
    user = User(email="coord@journey.test", username="coord@journey.test", role=Role.COORDINATOR)
    user.set_password(PASSWORD)
    user.save()
    return user


def serious_violations(page) -> list[str]:
    """axe-core's serious or critical violations on the page (same bar as test_accessibility.py)."""
    return [
        f"{v['id']}: {v['help']}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_create_with_french_dates_and_an_academie_then_close_after_the_warning(
    browser, live_server, coordinator, screenshot_dir, sign_in
):
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, base, coordinator.email, PASSWORD)
        page.goto(f"{base}/campagnes/nouvelle/")
        expect(page.get_by_text("Format jj/mm/aaaa, par exemple 30/06/2099.").first).to_be_visible()
        assert serious_violations(page) == []
        page.screenshot(path=str(screenshot_dir / "coordinator-new-campaign-1280.png"))
        page.get_by_label("Titre").fill(TITLE)
        page.get_by_label("Année").fill("2099")
        page.get_by_label("Date d'ouverture").fill("01/03/2099")
        page.get_by_label("Date de clôture").fill("30/06/2099")
        orleans_tours = Departement.objects.get(code="45").academie
        page.locator(f'input[name="academies"][value="{orleans_tours.code}"]').check()
        page.get_by_role("button", name="Créer la campagne").click()

        expect(page.locator(".msg-success")).to_contain_text("créée (en préparation) pour 6 départements")
        expect(page.locator(".lead")).to_contain_text("du 1er mars 2099 au 30 juin 2099")
        campaign = Campaign.objects.get(title=TITLE)
        assert set(campaign.target_departements.values_list("code", flat=True)) == {
            "18",
            "28",
            "36",
            "37",
            "41",
            "45",
        }

        # Opening asks first too; confirm it.
        page.get_by_role("link", name="Ouvrir la campagne…").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Ouvrir la campagne")
        page.get_by_role("button", name="Oui, ouvrir la campagne").click()
        expect(page.locator(".msg-success")).to_contain_text("Campagne ouverte")

        # One département of six answers: 17 %, under the 50 % threshold.
        Response.objects.create(
            campaign=campaign,
            departement=Departement.objects.get(code="45"),
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        page.get_by_role("link", name="Clôturer…").click()
        expect(page.get_by_text("1 réponse transmise sur 6 départements ciblés (17 %)")).to_be_visible()
        warning = page.locator(".confirm-warning")
        expect(warning).to_contain_text("Moins de la moitié des départements ciblés")
        expect(page.get_by_text("une campagne clôturée ne peut pas être rouverte")).to_be_visible()
        assert serious_violations(page) == []
        page.screenshot(path=str(screenshot_dir / "coordinator-close-confirmation-1280.png"), full_page=True)
        assert fits(page)
        page.set_viewport_size({"width": 390, "height": 844})
        assert fits(page)
        assert serious_violations(page) == []
        page.screenshot(path=str(screenshot_dir / "coordinator-close-confirmation-390.png"), full_page=True)
        campaign.refresh_from_db()
        assert campaign.is_open  # seeing the page changed nothing

        page.get_by_role("button", name="Oui, clôturer définitivement").click()
        expect(page.locator(".msg-success")).to_contain_text("Campagne clôturée")
        campaign.refresh_from_db()
        assert campaign.is_closed
        assert serious_violations(page) == []
        assert fits(page)  # the follow-up table scrolls inside its box on a phone
        page.screenshot(path=str(screenshot_dir / "coordinator-closed-390.png"), full_page=True)

        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{base}/campagnes/nouvelle/")
        page.get_by_text("Par région, ou département par département").click()
        assert fits(page)
        page.screenshot(path=str(screenshot_dir / "coordinator-new-campaign-390.png"), full_page=True)
    finally:
        context.close()
