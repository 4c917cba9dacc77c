"""The plan page in Chromium: axe finds no serious violation, it fits 390 px, screenshots."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from numeduc.web.accounts.models import Role, User
from numeduc.web.action_plans import services
from numeduc.web.territories.loading import load_reference
from numeduc.web.territories.models import Departement

from .conftest import serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-du-test"


def test_plan_page_passes_axe_and_fits_a_phone(browser, live_server, screenshot_dir, sign_in):
    load_reference(colleges=False)
    loiret = Departement.objects.get(code="45")
    editor = User(email="editeur@loiret.test", username="editeur@loiret.test", role=Role.DEPARTEMENT_EDITOR)
    editor.departement = loiret
    editor.set_password(PASSWORD)
    editor.save()
    plan = services.create_plan(loiret, 2024, "Plan numérique 2024-2025", editor)
    common = {"owner": "Service éducation", "starts_on": dt.date(2024, 9, 1), "ends_on": dt.date(2025, 6, 30)}
    action = services.add_action(
        plan,
        {**services.catalogue_defaults(_first_catalogue_id()), **common, "variant": "minimal"},
        editor,
        catalogue_id=_first_catalogue_id(),
        baseline_level=1,
    )
    services.add_action(plan, {**common, "title": "Câbler les salles", "investment": "50000"}, editor)
    services.set_status(action, "en_cours", "Première réunion tenue", editor, noted_on=dt.date(2024, 10, 3))
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        try:
            sign_in(page, live_server.url, editor.email, PASSWORD)
            page.goto(f"{live_server.url}/plans/{plan.pk}/")
            expect(page.get_by_role("heading", name="Trois variantes du plan")).to_be_visible()
            expect(page.get_by_role("listitem").filter(has_text="Première réunion tenue")).to_be_visible()
            assert serious(Axe().run(page)) == []
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{overflow} px de trop à {width} px"
            page.screenshot(path=str(screenshot_dir / f"action-plan-{width}.png"), full_page=True)
        finally:
            context.close()


def _first_catalogue_id() -> str:
    from numeduc.actions import load_catalogue

    return next(iter(load_catalogue())).id
