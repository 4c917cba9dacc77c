"""A collège's survey in Chromium: the head of the collège reads the link and its QR code on a
phone, prints the sheet; pupils answer on tablet-sized screens without an account; the count
goes up. Axe on every page, no horizontal overflow, screenshots."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from numeduc.web.accounts.models import Role, User
from numeduc.web.school_surveys import services
from numeduc.web.school_surveys.models import Submission
from numeduc.web.territories.models import College, Departement

from .conftest import load_public_colleges

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-du-test"


def serious(results) -> list[str]:
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nœud(s))"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _check(page, name: str, width: int, screenshot_dir) -> None:
    assert serious(Axe().run(page)) == [], name
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{name} : {overflow} px de trop à {width} px"
    page.screenshot(path=str(screenshot_dir / f"school-survey-{name}-{width}.png"), full_page=True)


def test_head_shares_the_link_and_pupils_answer_on_tablets(browser, live_server, screenshot_dir, sign_in):
    load_public_colleges("45")
    college = College.objects.filter(departement__code="45").order_by("uai").first()
    head = User(
        email="principal@loiret.test", username="principal@loiret.test", role=Role.SCHOOL, college=college
    )
    head.set_password(PASSWORD)
    head.save()
    survey = services.open_survey(
        "college-eleves", Departement.objects.get(code="45"), None, uais=[college.uai]
    )
    link = survey.colleges.get()

    phone = browser.new_context(viewport={"width": 390, "height": 844})
    page = phone.new_page()
    try:
        sign_in(page, live_server.url, head.email, PASSWORD)
        page.goto(f"{live_server.url}/")
        page.get_by_role("link", name=survey.title).click()
        expect(page.get_by_role("heading", name="Lien public")).to_be_visible()
        expect(page.locator("figure.qr svg")).to_be_visible()
        _check(page, "chef-etablissement", 390, screenshot_dir)
        page.get_by_role("button", name="Donner un code pour une séance (30 minutes)").click()
        code = page.locator(".class-code").inner_text()
        assert len(code) == 6
        page.get_by_role("link", name="Affiche à imprimer (code QR et lien)").click()
        expect(page.locator(".sheet-url")).to_contain_text(link.token)
        _check(page, "affiche", 390, screenshot_dir)
    finally:
        phone.close()

    for pupil in range(2):
        tablet = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True)
        page = tablet.new_page()
        try:
            page.goto(f"{live_server.url}/enquete/code/")
            page.get_by_label("Code (6 lettres et chiffres)").fill(code.lower())
            page.get_by_role("button", name="Ouvrir le questionnaire").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("ton avis")
            if pupil == 0:
                page.get_by_role("button", name="Envoyer mes réponses").click()  # nothing ticked
                expect(page.get_by_role("alert")).to_contain_text("sans réponse")
                _check(page, "erreur", 768, screenshot_dir)
            for group in page.locator("fieldset.item").all():
                radios = group.locator("input[type=radio]")
                if radios.count():
                    radios.nth(pupil % radios.count()).check()
            box = page.locator(".big-choice").first.bounding_box()
            assert box is not None and box["height"] >= 44  # large touch targets
            _check(page, "questionnaire", 768, screenshot_dir)
            page.get_by_role("button", name="Envoyer mes réponses").click()
            expect(page.get_by_role("heading", name="Merci !")).to_be_visible()
            _check(page, "merci", 768, screenshot_dir)
        finally:
            tablet.close()
    assert Submission.objects.filter(link=link).count() == 2
    assert all(s.answered_on is not None for s in Submission.objects.all())
