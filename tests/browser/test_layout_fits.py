"""Pages that fit: on a 1 280 px window and on a 390 px phone, no page is wider than the window
(document.documentElement.scrollWidth); a table wider than the screen scrolls inside its own
labelled region, says so in words, takes the keyboard focus, and passes axe."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from numeduc.questionnaires import load_questionnaire
from numeduc.web.accounts.models import Role, User
from numeduc.web.planning.models import Scenario
from numeduc.web.surveys.models import Answer, Campaign, Response
from numeduc.web.territories.models import Departement

from .conftest import load_public_colleges, serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-du-test"
QUESTIONNAIRE = load_questionnaire("autodiagnostic")
WIDTHS = (1280, 390)


@pytest.fixture
def world():
    load_public_colleges("45")
    loiret = Departement.objects.get(code="45")
    user = User(
        email="editeur@loiret.test",
        username="editeur@loiret.test",
        role=Role.DEPARTEMENT_EDITOR,
        departement=loiret,
    )
    user.set_password(PASSWORD)
    user.save()
    # Four scenarios with long names: the widest comparison a person can ask for.
    scenarios = [
        Scenario.objects.create(
            departement=loiret,
            name=f"{label} pour les collèges publics du Loiret, version de travail",
            base_preset=preset,
            strategy=strategy,
            scope=scope,
        )
        for label, preset, strategy, scope in (
            ("Livre blanc", "livre-blanc-2017", "classe_mobile", Scenario.Scope.COLLEGE),
            ("Appareils personnels", "byod", "byod", Scenario.Scope.DEPARTEMENT),
            ("Hybride", "hybride", "hybride", Scenario.Scope.DEPARTEMENT),
            ("Coût complet", "complet-tco", "classe_mobile", Scenario.Scope.DEPARTEMENT),
        )
    ]
    campaigns = []
    for year, status in ((2017, Response.Status.SUBMITTED), (2018, Response.Status.DRAFT)):
        campaign = Campaign.objects.create(
            title=f"Autodiagnostic {year}",
            questionnaire_slug=QUESTIONNAIRE.slug,
            questionnaire_version=QUESTIONNAIRE.version,
            year=year,
            opens_on=dt.date(year, 3, 1),
            closes_on=dt.date(year, 6, 30),
            status=Campaign.Status.OPEN,
        )
        campaign.target_departements.set(Departement.objects.all())
        response = Response.objects.create(campaign=campaign, departement=loiret, status=status)
        if status == Response.Status.SUBMITTED:
            Answer.objects.bulk_create(
                Answer(response=response, item_id=i.id, value=2) for i in QUESTIONNAIRE.factor_items()
            )
        campaigns.append((campaign, response))
    (results_campaign, _), (_, draft) = campaigns
    ids = "&".join(f"s={s.pk}" for s in scenarios)
    return {
        "accueil": "/",
        "budget-departement": "/budget/departements/45/",
        "scenario": f"/budget/scenarios/{scenarios[1].pk}/",
        "comparaison": f"/budget/comparer/?{ids}",
        "resultats": f"/resultats/{results_campaign.pk}/departements/45/",
        "questionnaire": f"/reponses/{draft.pk}/",
        "formulaire-scenario": "/budget/departements/45/nouveau/?perimetre=departement",
    }


def test_every_page_fits_the_window_at_1280_and_390_px(page, live_server, world, screenshot_dir, sign_in):
    sign_in(page, live_server.url, "editeur@loiret.test", PASSWORD)
    too_wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in world.items():
            result = page.goto(f"{live_server.url}{path}")
            assert result is not None and result.status == 200, path
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            window_width = page.evaluate("window.innerWidth")
            if scroll_width > window_width:
                too_wide.append(f"{name} à {width} px : {scroll_width} px de large")
            page.screenshot(path=str(screenshot_dir / f"layout-{name}-{width}.png"), full_page=True)
    assert too_wide == []


def test_a_table_wider_than_the_phone_scrolls_in_a_labelled_focusable_region(
    page, live_server, world, screenshot_dir, sign_in
):
    sign_in(page, live_server.url, "editeur@loiret.test", PASSWORD)
    axe = Axe()
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}{world['comparaison']}")
    region = page.get_by_role("region", name="Synthèse des scénarios comparés")
    expect(region).to_be_visible()
    expect(region).to_have_attribute("tabindex", "0")
    hint = page.locator(".table-scroll-hint").first
    expect(hint).to_be_visible()
    expect(hint).to_have_text("Tableau plus large que l'écran : faites-le défiler horizontalement.")
    # The keyboard scrolls it: focus, then the right arrow.
    region.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("End")
    assert region.evaluate("box => box.scrollLeft") > 0
    region.screenshot(path=str(screenshot_dir / "layout-comparaison-390-tableau-defile.png"))
    assert serious(axe.run(page)) == []
    # On a 1 280 px window the same table fits: no hint, no extra tab stop.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}{world['comparaison']}")
    expect(page.locator(".table-scroll-hint").first).to_be_hidden()
    expect(page.get_by_role("region", name="Synthèse des scénarios comparés")).not_to_have_attribute(
        "tabindex", "0"
    )
    for name in ("accueil", "budget-departement", "questionnaire"):
        page.set_viewport_size({"width": 390, "height": 900})
        page.goto(f"{live_server.url}{world[name]}")
        assert serious(axe.run(page)) == [], name
