"""A person who mistypes their password too often: the lock-out page says why and what to do."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from numeduc.web.accounts.models import Role, User
from numeduc.web.territories.loading import load_reference
from numeduc.web.territories.models import Departement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious(results) -> list[str]:
    return [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_five_mistakes_lock_the_account_with_a_french_page(page, live_server, settings, screenshot_dir):
    load_reference(colleges=False)
    user = User(
        email="editeur@loiret.test",
        username="editeur@loiret.test",
        role=Role.DEPARTEMENT_EDITOR,
        departement=Departement.objects.get(code="45"),
    )
    user.set_password("le bon mot de passe 45")
    user.save()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        page.goto(f"{live_server.url}/compte/connexion/")
        page.get_by_label("Adresse e-mail").fill(user.email)
        page.get_by_label("Mot de passe").fill(f"erreur {attempt}")
        page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion suspendue pour 15 minutes")
    expect(page.get_by_role("alert")).to_contain_text("même avec le bon mot de passe")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(screenshot_dir / "lockout-390.png"), full_page=True)
    assert serious(Axe().run(page)) == []
    # The right password now: still refused, same page.
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill("le bon mot de passe 45")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion suspendue pour 15 minutes")
    expect(page.get_by_role("link", name="demandez-en un nouveau")).to_be_visible()
