"""The demo coordinator opens the national analysis of the 2017 demo campaign and recolours the map."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from numeduc.web.demo import DEMO_PASSWORD, load_demo
from numeduc.web.territories.loading import load_reference

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_world():
    load_reference(colleges=False)
    return load_demo()


def test_coordinator_reads_the_national_analysis(demo_world, live_server, page, screenshot_dir):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill("coordination@demo.numeduc.fr")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Analyse nationale").click()
    page.get_by_role("link", name="Autodiagnostic 2017 (démonstration)").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Analyse nationale")
    expect(page.get_by_text("39 départements ont transmis leur réponse.")).to_be_visible()
    for heading in [
        "Éboulis des valeurs propres",
        "Cercle des corrélations",
        "Carte des départements (réservée à la coordination)",
        "Corrélations entre facteurs",
        "Dendrogramme des groupes de pairs",
    ]:
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    # Every chart is drawn; those built on the synthetic answers say so, the two built on real
    # INSEE data only (peer-group dendrogram, map of the groups) do not.
    assert page.locator("figure.nc-chart-figure svg").count() == 11
    assert page.locator("figure.nc-chart-figure", has_text="données de démonstration").count() == 9
    expect(page.locator("#dendrogramme figure")).not_to_contain_text("données de démonstration")
    page.screenshot(path=str(screenshot_dir / "national-analysis-top.png"))
    violations = Axe().run(page).response["violations"]
    assert [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in ("serious", "critical")] == []

    # Recolour the map by a factor with the form (no JavaScript needed).
    page.get_by_label("Colorer les départements selon").select_option("facteur-10")
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(
        f"{live_server.url}/national/{page.url.split('/national/')[1].split('/')[0]}/?carte=facteur-10#carte-france"
    )
    map_figure = page.locator("#carte figure")
    expect(map_figure).to_contain_text("niveau de chaque département répondant")
    # The data table opens and lists départements with their level.
    map_figure.get_by_text("Voir les données du graphique").click()
    expect(map_figure.locator("table")).to_be_visible()
    expect(map_figure.locator("table")).to_contain_text("niveau")
    page.screenshot(path=str(screenshot_dir / "national-analysis.png"), full_page=True)
    map_figure.screenshot(path=str(screenshot_dir / "national-analysis-map.png"))
