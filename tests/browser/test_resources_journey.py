"""The catalogue of resources in Chromium at 390 px: a département's editor finds the ENT services
the others recommend, reads Pronote's entry with its measured use (table and chart from a small
generated warehouse), gives its feedback (first with errors, then right), and sees it on the
entry. Axe on every page, no horizontal overflow, screenshots."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from numeduc.web.accounts.models import Role, User
from numeduc.web.resources.demo import load_demo_resources
from numeduc.web.resources.models import Feedback, Resource
from numeduc.web.territories.models import Departement

from .conftest import load_public_colleges, serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-du-test"


def _check(page, name: str, width: int, screenshot_dir) -> None:
    assert serious(Axe().run(page)) == [], name
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{name} : {overflow} px de trop à {width} px"
    page.screenshot(path=str(screenshot_dir / f"resources-{name}-{width}.png"), full_page=True)


@pytest.fixture(scope="module")
def warehouse_root(tmp_path_factory):
    from numeduc.demo.usage import generate
    from numeduc.web.usage_dashboard.demo import build_warehouse

    gen = tmp_path_factory.mktemp("resources_gen")
    generate("45", 900, 2, gen, seed=11, start_month="2024-10", max_colleges=4, events_per_session=3.0)
    root = tmp_path_factory.mktemp("resources_wh")
    build_warehouse(gen, root / "45", "45")
    return root


def test_an_editor_reads_the_catalogue_and_gives_its_feedback(
    browser, live_server, screenshot_dir, sign_in, settings, warehouse_root
):
    from numeduc.web.resources import measured

    settings.USAGE_WAREHOUSE_ROOT = warehouse_root
    measured.clear_memo()
    load_public_colleges("45")
    load_demo_resources(2017)
    editor = User(
        email="editeur@loiret.test",
        username="editeur@loiret.test",
        role=Role.DEPARTEMENT_EDITOR,
        departement=Departement.objects.get(code="45"),
    )
    editor.set_password(PASSWORD)
    editor.save()
    pronote = Resource.objects.get(ent_module="Pronote")
    Feedback.objects.filter(departement__code="45", resource=pronote).delete()

    phone = browser.new_context(viewport={"width": 390, "height": 844})
    page = phone.new_page()
    try:
        sign_in(page, live_server.url, editor.email, PASSWORD)
        page.goto(f"{live_server.url}/ressources/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("fait leurs preuves")
        page.get_by_label("Type").select_option("service_ent")
        page.get_by_role("button", name="Filtrer").click()
        expect(page.get_by_role("heading", name="2 ressources")).to_be_visible()
        _check(page, "liste", 390, screenshot_dir)

        page.get_by_role("link", name=pronote.title).click()
        expect(page.get_by_role("heading", name="Usage mesuré dans les journaux de l'ENT")).to_be_visible()
        expect(page.get_by_role("region", name="Usage mesuré par mois")).to_contain_text("octobre 2024")
        expect(page.locator("figure svg").first).to_be_visible()
        _check(page, "fiche", 390, screenshot_dir)

        page.get_by_role("link", name="Donner le retour de votre département").click()
        page.get_by_role("button", name="Enregistrer le retour").click()
        expect(page.get_by_role("alert")).to_contain_text("points à corriger")
        expect(page.get_by_role("alert")).to_contain_text("« Pour quoi faire » : à remplir.")
        _check(page, "retour-erreurs", 390, screenshot_dir)

        page.get_by_label("Pour quoi faire").fill("Suivre les notes et les absences avec les familles")
        page.get_by_label("Nombre de collèges").fill("12")
        page.get_by_label("Ce qui a marché").fill("Les familles consultent les notes chaque semaine.")
        page.get_by_label("Avec réserves").check()
        page.get_by_role("button", name="Enregistrer le retour").click()
        expect(page.get_by_role("status")).to_contain_text("Retour d'expérience du Loiret enregistré")
        expect(page.get_by_role("region", name="Retours d'expérience des départements")).to_contain_text(
            "Suivre les notes et les absences"
        )
        _check(page, "fiche-apres-retour", 390, screenshot_dir)
    finally:
        phone.close()
    feedback = Feedback.objects.get(departement__code="45", resource=pronote)
    assert (feedback.colleges_count, feedback.would_recommend) == (12, "reserves")
