"""The Loiret editor opens the usage dashboard, picks an indicator, opens a collège; the school
head of another collège is refused the département's dashboard."""

from __future__ import annotations

import pandas as pd
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from numeduc.demo.usage import generate
from numeduc.web.accounts.models import Role, User
from numeduc.web.territories.loading import load_reference
from numeduc.web.territories.models import College, Departement
from numeduc.web.usage_dashboard import store
from numeduc.web.usage_dashboard.demo import build_warehouse
from numeduc.web.usage_dashboard.models import UsageWarehouse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-du-test"


@pytest.fixture(scope="module")
def warehouse_root(tmp_path_factory):
    gen = tmp_path_factory.mktemp("usage_browser_gen")
    generate("45", 900, 2, gen, seed=5, start_month="2024-10", max_colleges=4, events_per_session=3.0)
    root = tmp_path_factory.mktemp("usage_browser_wh")
    build_warehouse(gen, root / "45", "45")
    return root, pd.read_csv(gen / "establishments.csv", dtype={"uai": str})


def serious(page) -> list[str]:
    """Serious or critical accessibility violations found by axe-core on the current page."""
    return [
        f"{v['id']}: {v['help']}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def make_user(email, role, **extra):
    user = User(email=email, username=email, role=role, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def world(settings, warehouse_root):
    root, est = warehouse_root
    settings.USAGE_WAREHOUSE_ROOT = root
    store.clear_memo()
    load_reference(colleges=False)
    loiret = Departement.objects.get(code="45")
    UsageWarehouse.objects.create(departement=loiret, is_demo=True, note="journaux synthétiques du test")
    colleges = [
        College.objects.create(uai=r.uai, name=r.name, departement=loiret, commune_name=r.commune_name)
        for r in est.itertuples()
    ]
    make_user("editeur@loiret.test", Role.DEPARTEMENT_EDITOR, departement=loiret)
    make_user("principal@loiret.test", Role.SCHOOL, college=colleges[0])
    return colleges


def test_loiret_editor_reads_the_usage_dashboard(page, live_server, world, screenshot_dir, sign_in):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "editeur@loiret.test", PASSWORD)
    page.get_by_role("link", name="Usages", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Usages du numérique dans les collèges — Loiret (45)"
    )
    expect(page.locator("h1 .usage-demo")).to_have_text("données de démonstration")
    expect(page.locator("#colleges tbody tr")).to_have_count(4)
    page.get_by_label("Indicateur", exact=True).select_option(label="Terminaux actifs sur 30 jours")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator("#table-title")).to_contain_text("Terminaux actifs sur 30 jours")
    expect(page.locator("#colleges tbody tr")).to_have_count(4)
    expect(page.locator("figure svg[role=img]")).to_be_visible()
    # Nothing spills out sideways on a laptop screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(screenshot_dir / "usage-01-departement.png"), full_page=True)
    assert serious(page) == []

    page.get_by_role("link", name=world[0].name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world[0].name)
    expect(page.locator("#key-indicators tbody tr").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(screenshot_dir / "usage-02-college.png"), full_page=True)
    assert serious(page) == []


def test_school_head_sees_its_collège_and_is_refused_the_rest(
    page, live_server, world, screenshot_dir, sign_in
):
    sign_in(page, live_server.url, "principal@loiret.test", PASSWORD)
    page.get_by_role("link", name="Usages", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world[0].name)
    assert page.goto(f"{live_server.url}/usages/departements/45/").status == 403
    assert page.goto(f"{live_server.url}/usages/colleges/{world[1].uai}/").status == 403
    expect(page.locator("body")).not_to_contain_text(world[1].name)
