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


def test_peer_group_charts_agree_and_the_circle_labels_are_apart(
    demo_world, live_server, page, screenshot_dir
):
    """The page opens with what to remember; the tree, the table and the map of the peer groups
    give the same sizes; the correlation circle's labels do not overlap as the browser draws them."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill("coordination@demo.numeduc.fr")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Analyse nationale").click()
    page.get_by_role("link", name="Autodiagnostic 2017 (démonstration)").click()

    key_points = page.locator(".nat-key-points")
    expect(key_points.get_by_role("heading", name="Ce qu'il faut retenir")).to_be_visible()
    assert 3 <= key_points.locator("li").count() <= 5
    expect(key_points).to_contain_text("39 départements")

    # Sizes: the group table, the dendrogram's legend and the map's legend say the same.
    table = page.locator("table", has=page.locator("caption", has_text="Groupes de pairs et répondants"))
    sizes = {
        row.locator("th").inner_text(): row.locator("td").nth(1).inner_text()
        for row in table.locator("tbody tr").all()
    }
    assert len(sizes) >= 2
    for group, size in sizes.items():
        expect(page.locator("#dendrogramme svg")).to_contain_text(f"{group} ({size})")
        expect(page.locator("#carte svg")).to_contain_text(f"{group} ({size})")
    expect(page.locator("#dendrogramme")).to_contain_text(
        "rattachés au groupe le plus proche après la coupure de l'arbre"
    )

    # The circle's labels as drawn by the browser (real text widths): no two boxes meet.
    boxes = page.locator("#cercle svg .nc-labels text").evaluate_all(
        "els => els.map(e => { const b = e.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; })"
    )
    assert len(boxes) == 17
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])), (a, b)

    page.locator("#cercle figure").screenshot(path=str(screenshot_dir / "national-correlation-circle.png"))
    page.locator("#dendrogramme figure").screenshot(path=str(screenshot_dir / "national-dendrogram.png"))
    page.locator("#carte figure").screenshot(path=str(screenshot_dir / "national-groups-map.png"))
    page.locator("#groupes").screenshot(path=str(screenshot_dir / "national-groups-section.png"))
    violations = Axe().run(page).response["violations"]
    assert [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in ("serious", "critical")] == []

    # At phone width the group table scrolls inside its frame instead of widening the page.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
