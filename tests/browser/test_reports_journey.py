"""From the results page, a Loiret reader downloads the full report and « L'essentiel » (PDF),
and opens the HTML report (axe, no horizontal overflow)."""

from __future__ import annotations

import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from numeduc.web.accounts.models import Role, User
from numeduc.web.surveys.models import Campaign
from numeduc.web.territories.loading import load_reference
from numeduc.web.territories.models import Departement

from .conftest import serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-du-test"
CODES = ["45", "59", "50", "54", "64", "71", "90", "93", "33", "69"]


def test_reader_downloads_both_reports_from_the_results_page(
    browser, live_server, screenshot_dir, sign_in, tmp_path
):
    from ..web.conftest import full_answers, make_campaign, submit_response

    load_reference(colleges=False)
    campaign = make_campaign(2017, Campaign.Status.CLOSED, is_demo=True)
    for i, code in enumerate(CODES):
        submit_response(campaign, code, full_answers(1 + i % 4))
    reader = User(
        email="lecteur@loiret.test",
        username="lecteur@loiret.test",
        role=Role.DEPARTEMENT_VIEWER,
        departement=Departement.objects.get(code="45"),
    )
    reader.set_password(PASSWORD)
    reader.save()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, reader.email, PASSWORD)
        page.goto(f"{live_server.url}/resultats/{campaign.pk}/departements/45/")
        for name, pages in (("Rapport complet (PDF)", None), ("L'essentiel pour les élus (PDF)", "1")):
            with page.expect_download() as info:
                page.get_by_role("link", name=name).click()
            download = info.value
            path = tmp_path / download.suggested_filename
            download.save_as(path)
            assert path.name.endswith("-45-2017-demonstration.pdf")
            out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
            assert "Tagged:          yes" in out
            if pages:
                assert "Pages:           1" in out
        page.goto(f"{live_server.url}/rapports/departements/45/2017/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Rapport du Loiret")
        assert serious(Axe().run(page)) == []
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1
        page.screenshot(path=str(screenshot_dir / "report-departement-1280.png"), full_page=True)
    finally:
        context.close()


def test_reader_downloads_the_national_report_from_the_national_page(
    browser, live_server, screenshot_dir, sign_in, tmp_path
):
    from ..web.conftest import full_answers, make_campaign, submit_response

    load_reference(colleges=False)
    campaign = make_campaign(2017, Campaign.Status.CLOSED, is_demo=True, published=True)
    for i, code in enumerate(CODES):
        answers = full_answers(1 + i % 4)
        answers["f01_maturite_equipes"] = str(1 + (i * 3) % 4)  # two axes for the analysis
        submit_response(campaign, code, answers)
    reader = User(
        email="lecteur.national@nord.test",
        username="lecteur.national@nord.test",
        role=Role.DEPARTEMENT_VIEWER,
        departement=Departement.objects.get(code="59"),
    )
    reader.set_password(PASSWORD)
    reader.save()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, reader.email, PASSWORD)
        page.goto(f"{live_server.url}/national/{campaign.pk}/")
        with page.expect_download() as info:
            page.get_by_role("link", name="Rapport national 2017 (PDF)").click()
        download = info.value
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        assert path.name == "rapport-national-2017-demonstration.pdf"
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert "Tagged:          yes" in out
        page.goto(f"{live_server.url}/rapports/national/2017/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Rapport national")
        assert serious(Axe().run(page)) == []
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1
        page.screenshot(path=str(screenshot_dir / "report-national-1280.png"), full_page=True)
    finally:
        context.close()
