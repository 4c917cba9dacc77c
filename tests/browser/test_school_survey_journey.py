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

from .conftest import load_public_colleges, serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-du-test"


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


def test_the_département_opens_a_survey_and_reads_its_results_on_a_phone(
    browser, live_server, screenshot_dir, sign_in
):
    import uuid

    load_public_colleges("45")
    loiret = Departement.objects.get(code="45")
    editor = User(
        email="editeur@loiret.test",
        username="editeur@loiret.test",
        role=Role.DEPARTEMENT_EDITOR,
        departement=loiret,
    )
    editor.set_password(PASSWORD)
    editor.save()
    colleges = list(College.objects.filter(departement=loiret, public=True).order_by("uai")[:3])

    phone = browser.new_context(viewport={"width": 390, "height": 844})
    page = phone.new_page()
    try:
        sign_in(page, live_server.url, editor.email, PASSWORD)
        page.goto(f"{live_server.url}/")
        page.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name="Enquêtes"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Enquêtes dans les collèges du Loiret")
        page.get_by_label("Questionnaire").select_option("college-eleves")
        page.get_by_label("Ouverture").fill("02/11/2026")
        page.get_by_label("Clôture").fill("01/11/2026")  # before the opening: refused, kept
        for college in colleges:
            page.locator(f"input[name=colleges][value='{college.uai}']").check()
        page.get_by_role("button", name="Ouvrir l'enquête").click()
        expect(page.get_by_role("alert")).to_contain_text("la date de clôture précède l'ouverture")
        expect(page.get_by_label("Ouverture")).to_have_value("02/11/2026")
        _check(page, "ouverture-erreur", 390, screenshot_dir)
        page.get_by_label("Clôture").fill("30/11/2026")
        page.get_by_role("button", name="Ouvrir l'enquête").click()
        expect(page.get_by_text("Enquête ouverte pour 3 collèges")).to_be_visible()

        survey = loiret.school_surveys.get()
        questionnaire = survey.questionnaire
        for k, link in enumerate(survey.colleges.order_by("college__uai")):
            for pupil in range((8, 6, 2)[k]):
                raw = {
                    f"item-{i.id}": i.choices[(pupil + k) % len(i.choices)].value
                    for i in questionnaire.items
                    if i.type == "choice"
                }
                services.submit(link, raw, uuid.uuid4().hex, today=survey.opens_on)
        page.reload()
        expect(page.get_by_role("heading", name="Réponses par niveau")).to_be_visible()
        expect(page.get_by_text("16 réponses anonymes")).to_be_visible()
        expect(
            page.get_by_role("heading", name="Ce qui est déclaré et ce que mesurent les journaux")
        ).to_be_visible()
        _check(page, "resultats", 390, screenshot_dir)
        page.get_by_label("Comparer pour chaque collège").select_option("ent_devoirs")
        page.get_by_role("button", name="Afficher").click()
        expect(
            page.get_by_role("table", name="« Devoirs (cahier de textes) » déclaré et mesuré")
        ).to_be_visible()
        page.get_by_role("link", name="← Enquêtes dans les collèges du Loiret").click()
        page.get_by_role("link", name="Groupe d'évaluation avec l'académie").click()
        expect(page.get_by_role("heading", name="Indicateurs suivis")).to_be_visible()
        page.get_by_label("Indicateur").select_option("declare:college-eleves:ent_notes")
        page.get_by_label("Cible (%)").fill("60")
        page.get_by_role("button", name="Suivre cet indicateur").click()
        expect(page.get_by_text("Indicateur suivi")).to_be_visible()
        _check(page, "evaluation", 390, screenshot_dir)
    finally:
        phone.close()
    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desktop.new_page()
    try:
        sign_in(page, live_server.url, editor.email, PASSWORD)
        page.goto(f"{live_server.url}/enquetes/{survey.pk}/")
        _check(page, "resultats", 1280, screenshot_dir)
    finally:
        desktop.close()
