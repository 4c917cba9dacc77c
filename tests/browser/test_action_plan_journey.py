"""From diagnosis to action, in Chromium: the Loiret's editor reads « Que faire maintenant ? »
on its results, prepares the plan from the suggestions, gives an action a usage target on two
collèges, marks it under way; the logs and the next campaign then show what moved. Axe at
every step, desktop and 390 px, screenshots."""

from __future__ import annotations

import html

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from numeduc.web.accounts.models import Role, User
from numeduc.web.action_plans.models import Plan
from numeduc.web.territories.models import College, Departement

from .conftest import load_public_colleges, serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-du-test"
# The demo generator's calendar knows 2024-2025 and 2025-2026: the plan is for 2025-2026 and the
# logs cover its first two months.
LOG_START, LOG_MONTHS = "2025-09", 2
PEERS = ["18", "28", "36", "37", "41", "03", "58", "89", "21", "10"]


@pytest.fixture
def world(settings, tmp_path):
    from numeduc.demo.usage import generate
    from numeduc.web.usage_dashboard import store
    from numeduc.web.usage_dashboard.demo import build_warehouse

    from ..web.conftest import full_answers, make_campaign, submit_response

    load_public_colleges("45")
    c2017 = make_campaign(2017, status="closed")
    c2018 = make_campaign(2018)
    submit_response(c2017, "45", full_answers(1))
    for code in PEERS:
        submit_response(c2017, code, full_answers(3))
    generated = tmp_path / "generated"
    generated.mkdir()
    generate(
        "45",
        900,
        LOG_MONTHS,
        generated,
        seed=5,
        start_month=LOG_START,
        max_colleges=4,
        events_per_session=3.0,
    )
    build_warehouse(generated, tmp_path / "warehouse" / "45", "45")
    settings.USAGE_WAREHOUSE_ROOT = tmp_path / "warehouse"
    store.clear_memo()
    editor = User(
        email="editeur@loiret.test",
        username="editeur@loiret.test",
        role=Role.DEPARTEMENT_EDITOR,
        departement=Departement.objects.get(code="45"),
    )
    editor.set_password(PASSWORD)
    editor.save()
    import pandas as pd

    logged = sorted(pd.read_csv(generated / "establishments.csv", dtype={"uai": str})["uai"])
    return {"c2017": c2017, "c2018": c2018, "editor": editor, "logged": logged}


def _check(page, width: int, name: str, screenshot_dir) -> None:
    assert serious(Axe().run(page)) == [], name
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{name} : {overflow} px de trop à {width} px"
    page.screenshot(path=str(screenshot_dir / f"plan-journey-{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_suggest_plan_and_follow_up(browser, live_server, world, screenshot_dir, sign_in, width):
    from ..web.conftest import full_answers, submit_response

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        base = live_server.url
        sign_in(page, base, "editeur@loiret.test", PASSWORD)

        # 1. The results page suggests, and leads to the plan.
        page.goto(f"{base}/resultats/{world['c2017'].pk}/departements/45/")
        expect(page.get_by_role("heading", name="Que faire maintenant ?")).to_be_visible()
        _check(page, width, "1-resultats", screenshot_dir)
        page.get_by_role("link", name="Préparer le plan d'actions à partir de ces pistes").click()

        # 2. The new plan: year, starting levels, suggested actions already ticked.
        expect(page.get_by_role("heading", level=1)).to_contain_text("plan")
        page.get_by_label("Année scolaire").select_option("2025")
        page.get_by_label("Titre").fill("Plan d'actions numérique 2025-2026")
        page.get_by_label("Responsable des actions choisies").fill("Mission numérique éducative")
        ticked = page.locator("input[name=suggestions]:checked").count()
        assert ticked >= 3
        _check(page, width, "2-nouveau-plan", screenshot_dir)
        page.get_by_role("button", name="Créer le plan").click()

        expect(page.get_by_role("heading", name="Trois variantes du plan")).to_be_visible()
        plan = Plan.objects.get(departement__code="45", year=2025)
        first = plan.actions.order_by("position").first()
        assert plan.actions.count() == ticked
        assert first.baseline_level == 1 and first.owner == "Mission numérique éducative"
        expect(page.get_by_text("pas encore de réponse à une campagne suivante").first).to_be_visible()

        # 3. A usage target on two collèges whose logs are loaded, typed as a percentage.
        page.get_by_role("link", name=f"Modifier « {first.title} »").click()
        page.get_by_label("Indicateur d'usage").select_option("monthly_active_rate")
        page.get_by_label("Profil de l'indicateur").select_option("ELEVE")
        page.get_by_label("Cible de l'indicateur").fill("5")
        for uai in world["logged"][:2]:
            college = College.objects.get(uai=uai)
            page.get_by_label(f"{college.name} ({college.commune_name or college.uai})", exact=True).check()
        _check(page, width, "3-cible-usage", screenshot_dir)
        page.get_by_role("button", name="Enregistrer l'action").click()
        expect(page.get_by_role("heading", name="Suivi mesuré")).to_be_visible()
        first.refresh_from_db()
        assert first.usage_target == pytest.approx(0.05) and first.usage_colleges.count() == 2

        # 4. Under way, with a note.
        page.get_by_role("link", name=f"Statut et note de « {first.title} »").click()
        page.get_by_label("En cours").check()
        page.get_by_label("Note", exact=True).fill("Référents désignés dans les deux collèges pilotes")
        page.get_by_role("button", name="Enregistrer").click()
        expect(
            page.get_by_role("listitem").filter(has_text="Référents désignés dans les deux collèges pilotes")
        ).to_be_visible()

        # 5. The logs answer: both pilot collèges measured, with their referential.
        measured = page.locator(f"#action-{first.pk}").locator("xpath=..").locator(".measured")
        expect(measured).to_contain_text("collèges sur 2")
        expect(measured).to_contain_text("septembre 2025 – octobre 2025")
        expect(measured.get_by_role("table")).to_contain_text("Médiane du référentiel")

        # 6. The next campaign answered: the factor's level is compared, with the caveat.
        submit_response(world["c2018"], "45", full_answers(2))
        page.reload()
        followup = page.locator(".followup")
        expect(followup).to_contain_text("« Autodiagnostic 2017 » et « Autodiagnostic 2018 »")
        expect(followup).to_contain_text("ne prouve pas que l'action en est la cause")
        text = html.unescape(measured.inner_text())
        assert "Niveau 1 → 2 à « Autodiagnostic 2018 » : en hausse" in text
        _check(page, width, "4-suivi", screenshot_dir)
    finally:
        context.close()
