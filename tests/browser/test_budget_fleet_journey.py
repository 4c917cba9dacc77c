"""The budget page's section « Renouvellement du parc mesuré (vue trésorerie) » in Chromium: the
plain GET smoothing form changes the figures, the chart and its table are there, axe finds no
serious violation (docs/planning.md, docs/fleet.md)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from numeduc.usage.ingest import ingest
from numeduc.web.accounts.models import Role, User
from numeduc.web.territories.models import Departement

from .conftest import serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-du-test"
MDM_HEADER = (
    "snapshot_date,device_id,uai,device_class,os,os_version,model,ownership,assignment,cart_id,"
    "enrolled_at,last_checkin_at,compliance,status,purchase_date,purchase_price_eur"
)
# 90 tablets bought in 2022 (due in 2026 at 350 € each: 31 500 €, again in 2030), a desktop of
# 2023 (due in 2028, 800 €); the snapshot of 2025 starts the forecast in 2025.
ROWS = [
    f"2025-06-30,T{i},0450001A,tablet,,,,departement,cart,,,2025-06-29T08:00:00Z,compliant,in_service,2022-03-01,"
    for i in range(90)
] + [
    "2025-06-30,D1,0450001A,desktop,,,,departement,room,,,2025-06-29T08:00:00Z,compliant,in_service,2023-01-10,"
]


@pytest.fixture
def editor(settings, tmp_path):
    from numeduc.web.territories.loading import load_reference

    load_reference(colleges=False)
    root = tmp_path / "wh"
    settings.USAGE_WAREHOUSE_ROOT = root
    src = tmp_path / "mdm_devices.csv"
    src.write_text("\n".join([MDM_HEADER, *ROWS]) + "\n", encoding="utf-8")
    assert [r.status for r in ingest("mdm_devices", [src], root / "45", "45")] == ["ingéré"]
    user = User(
        email="editeur@loiret.test",
        username="editeur@loiret.test",
        role=Role.DEPARTEMENT_EDITOR,
        departement=Departement.objects.get(code="45"),
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def test_the_smoothing_form_and_accessibility(page, live_server, editor, screenshot_dir, sign_in):
    sign_in(page, live_server.url, editor.email, PASSWORD)
    page.goto(f"{live_server.url}/budget/departements/45/")
    section = page.locator("#parc-mesure")
    expect(section.get_by_role("heading", level=2)).to_have_text(
        "Renouvellement du parc mesuré (vue trésorerie)"
    )
    expect(section).to_contain_text("l'année la plus lourde est 2026 : 31\u202f500\u00a0€ (90 appareils")
    # over 3 years: 30 tablets in 2026, 2027, 2028 (with the desktop: 11 300 €) and 2030
    expect(section).to_contain_text("Lissé sur 3 ans, le pic descend à 11\u202f300\u00a0€ en 2028")
    expect(section.locator("svg")).to_have_count(1)
    section.get_by_label("Lisser les renouvellements sur").select_option("2")
    section.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(f"{live_server.url}/budget/departements/45/?lissage=2#parc-mesure")
    expect(section).to_contain_text("Lissé sur 2 ans, le pic descend à 15\u202f750\u00a0€")
    expect(section.locator("tr[data-year='2026']")).to_contain_text("45")
    page.screenshot(path=str(screenshot_dir / "budget-fleet-cash.png"), full_page=True)
    assert serious(Axe().run(page)) == []
