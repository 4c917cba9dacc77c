"""Budget journey: the Loiret editor builds two scenarios (white paper preset, BYOD on its real
collèges), meets a validation error on the way, and compares them."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from numeduc.formatting import fr_euro
from numeduc.web.accounts.models import Role, User
from numeduc.web.planning import data as planning_data
from numeduc.web.planning.models import Scenario
from numeduc.web.territories.models import Departement

from .conftest import load_public_colleges

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-du-test"
PAPER_TOTAL = "45\u202f451,43\u00a0€"


@pytest.fixture
def world():
    n_colleges = load_public_colleges("45")
    users = {}
    for email, code in (("editeur@loiret.test", "45"), ("editeur@nord.test", "59")):
        user = User(
            email=email,
            username=email,
            role=Role.DEPARTEMENT_EDITOR,
            departement=Departement.objects.get(code=code),
        )
        user.set_password(PASSWORD)
        user.save()
        users[code] = user
    return {"n_colleges": n_colleges, **users}


def serious(results) -> list[str]:
    return [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_editor_builds_two_scenarios_and_compares_them(page, live_server, world, screenshot_dir, sign_in):
    base = live_server.url
    sign_in(page, base, "editeur@loiret.test", PASSWORD)
    page.get_by_role("link", name="Budget", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Loiret (45)")
    expect(page.locator(".paper-reference")).to_contain_text(PAPER_TOTAL)

    # 1. The white paper's collège, as is.
    page.locator("input[name=base][value='livre-blanc-2017']").check()
    page.locator("input[name=perimetre][value=college]").check()
    page.get_by_role("button", name="Construire le scénario").click()
    expect(page.get_by_label("Nom du scénario")).to_have_value(
        "Livre blanc ADF 2017 : collège de 400 élèves, classes mobiles"
    )
    page.get_by_label("Nom du scénario").fill("Livre blanc 2017")
    page.get_by_role("button", name="Enregistrer le scénario").click()
    expect(page.locator("#total-par-an")).to_have_text(PAPER_TOTAL)
    expect(page.locator("#par-eleve")).to_have_text("113,63\u00a0€")
    page.screenshot(path=str(screenshot_dir / "budget-01-paper-scenario.png"), full_page=True)

    # 2. BYOD on the Loiret's real collèges; a wrong lifetime first.
    page.get_by_role("link", name="← Budget du Loiret").click()
    page.locator("input[name=base][value=byod]").check()
    page.locator("input[name=perimetre][value=departement]").check()
    page.get_by_role("button", name="Construire le scénario").click()
    page.get_by_label("Nom du scénario").fill("BYOD collèges du Loiret")
    page.get_by_label("Débit internet actuel de chaque collège").fill("500")
    page.get_by_label("Durée de vie d'un ordinateur fixe").fill("0")
    page.get_by_role("button", name="Enregistrer le scénario").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(
        "Durée de vie d'un ordinateur fixe : une durée de vie doit être strictement positive"
    )
    page.screenshot(path=str(screenshot_dir / "budget-02-validation-error.png"), full_page=False)
    page.get_by_label("Durée de vie d'un ordinateur fixe").fill("6")
    page.get_by_role("button", name="Enregistrer le scénario").click()
    byod = Scenario.objects.get(name="BYOD collèges du Loiret")
    assert byod.scope == Scenario.Scope.DEPARTEMENT and byod.parameters == {"desktop_life": "6"}
    byod_total = fr_euro(float(planning_data.run(byod).total_per_year))
    expect(page.locator("#total-par-an")).to_have_text(byod_total)
    expect(page.locator(".key-figures")).to_contain_text(f"{world['n_colleges']} ·")
    page.screenshot(path=str(screenshot_dir / "budget-03-byod-scenario.png"), full_page=True)

    # 3. Compare both.
    page.get_by_role("link", name="← Budget du Loiret").click()
    page.get_by_label("Comparer « Livre blanc 2017 »").check()
    page.get_by_label("Comparer « BYOD collèges du Loiret »").check()
    page.get_by_role("button", name="Comparer les scénarios cochés").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comparaison de 2 scénarios")
    # Columns follow the list's order (latest first): BYOD is A, the white paper B.
    expect(page.locator("table.compare thead")).to_contain_text("A. BYOD collèges du Loiret")
    expect(page.locator(".total-A")).to_have_text(byod_total)
    expect(page.locator(".total-B")).to_have_text(PAPER_TOTAL)
    expect(page.locator("main svg[role=img]").first).to_be_visible()
    assert page.locator("main svg[role=img]").count() >= 4
    page.screenshot(path=str(screenshot_dir / "budget-04-comparison.png"), full_page=True)

    # The comparison downloads as a workbook, with French headers.
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger la comparaison (Excel)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    synthesis = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))["Synthèse"]
    assert [c.value for c in synthesis[1]][:4] == [
        "Scénario",
        "Code du département",
        "Périmètre",
        "Stratégie d'équipement",
    ]

    # Analysts get the machine variant from the link under the buttons.
    with page.expect_download() as download:
        page.get_by_role("link", name="La comparaison en CSV « machine »").click()
    assert download.value.suggested_filename.endswith("-machine.csv")
    machine = Path(download.value.path()).read_bytes()
    assert machine.startswith(b"scenario,departement,scope,strategy,")
    assert serious(Axe().run(page)) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".export-variants").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "budget-05-comparison-exports-390.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_another_departement_cannot_open_the_loiret_scenarios(
    page, live_server, world, screenshot_dir, sign_in
):
    scenario = Scenario.objects.create(
        departement=world["45"].departement,
        name="Secret du Loiret",
        base_preset="livre-blanc-2017",
        strategy="classe_mobile",
    )
    sign_in(page, live_server.url, "editeur@nord.test", PASSWORD)
    for path in (
        f"/budget/scenarios/{scenario.pk}/",
        f"/budget/comparer/?s={scenario.pk}",
        "/budget/departements/45/",
    ):
        result = page.goto(f"{live_server.url}{path}")
        assert result.status == 403
        expect(page.locator("body")).not_to_contain_text("Secret du Loiret")
    page.screenshot(path=str(screenshot_dir / "budget-05-refused.png"))
