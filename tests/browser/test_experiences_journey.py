"""Learning from the others, in Chromium: the Loiret's editor reads a weak factor on its results,
asks « Qui a progressé sur ce facteur ? », opens the sheet of a comparable département that did,
compares it with its own, then starts its own sheet. Axe at every step, 390 px and desktop,
screenshots."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from numeduc.web.accounts.models import Role, User
from numeduc.web.experiences import services
from numeduc.web.experiences.models import SheetVersion
from numeduc.web.territories.models import Departement

from .conftest import serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-du-test"


def _check(page, name: str, width: int, screenshot_dir) -> None:
    assert serious(Axe().run(page)) == [], name
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{name} : {overflow} px de trop à {width} px"
    page.screenshot(path=str(screenshot_dir / f"experiences-{name}-{width}.png"), full_page=True)


@pytest.fixture
def world():
    from ..web.conftest import full_answers, make_campaign, submit_response
    from .conftest import load_public_colleges

    load_public_colleges("45")
    campaign = make_campaign(2018, status="closed")
    submit_response(campaign, "45", full_answers(1))
    # The Manche published two versions of its sheet, with the levels of 2017 and 2018.
    manche = Departement.objects.get(code="50")
    for year, level in ((2017, 1.0), (2018, 3.0)):
        version = services.save_version(
            manche,
            {
                "title": "Manche : la mutualisation qui paie",
                "introduction": "Ce que la Manche a changé.",
                "figures": {
                    "diagnosis": {
                        "year": year,
                        "campaign": 0,
                        "levels": {str(f): level for f in range(1, 14)},
                    }
                },
            },
            None,
        )
        version.status = SheetVersion.Status.PUBLISHED
        version.save(update_fields=["status"])
    editor = User(
        email="editeur@loiret.test",
        username="editeur@loiret.test",
        role=Role.DEPARTEMENT_EDITOR,
        departement=Departement.objects.get(code="45"),
    )
    editor.set_password(PASSWORD)
    editor.save()
    return {"campaign": campaign, "editor": editor}


def test_from_a_weak_factor_to_a_département_that_progressed_and_a_comparison(
    browser, live_server, screenshot_dir, sign_in, world
):
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        try:
            sign_in(page, live_server.url, world["editor"].email, PASSWORD)
            page.goto(f"{live_server.url}/resultats/{world['campaign'].pk}/departements/45/")
            page.get_by_role("link", name="Qui a progressé sur").first.click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("Qui a progressé sur")
            expect(page.get_by_role("link", name="Manche")).to_be_visible()
            _check(page, "progres", width, screenshot_dir)
            page.get_by_role("link", name="Manche").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("Manche : la mutualisation qui paie")
            expect(page.get_by_role("heading", name="Chiffres clés")).to_be_visible()
            expect(page.get_by_role("heading", name="La fiche du livre blanc (2017)")).to_be_visible()
            _check(page, "fiche", width, screenshot_dir)
            page.get_by_role("link", name="← Toutes les fiches").click()
            page.get_by_label("Comparer Loiret").check()
            page.get_by_label("Comparer Manche").check()
            page.get_by_role("button", name="Comparer les départements cochés (2 à 4)").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Comparer 2 départements")
            expect(page.get_by_role("table", name="Niveaux comparés, de 1 à 4")).to_be_visible()
            _check(page, "comparaison", width, screenshot_dir)
            if width == 390:
                page.goto(f"{live_server.url}/experiences/departements/45/modifier/")
                expect(page.get_by_label("Titre de la fiche")).to_have_value(
                    "Loiret : un département qui expérimente, de l'iPad pour chaque élève au collège du futur"
                )
                page.get_by_label("Titre de la fiche").fill("")
                page.get_by_role("button", name="Enregistrer (brouillon)").click()
                expect(page.get_by_role("alert")).to_contain_text("« Titre de la fiche » : à remplir.")
                _check(page, "formulaire-erreur", width, screenshot_dir)
                page.get_by_label("Titre de la fiche").fill("Loiret : notre fiche")
                page.get_by_role("button", name="Enregistrer et demander la publication").click()
                expect(page.get_by_text("Version 1 enregistrée et envoyée à la coordination")).to_be_visible()
                _check(page, "versions", width, screenshot_dir)
        finally:
            context.close()
    assert SheetVersion.objects.filter(sheet__departement__code="45", status="a_relire").count() == 1
