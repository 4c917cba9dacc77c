"""The budget planner's section « Renouvellement du parc mesuré (vue trésorerie) » and its CSV
(planning views.departement / fleet_export, docs/planning.md): figures of a hand-written MDM
inventory, smoothing form, a cash-mode scenario beside, cache per warehouse state, refusals,
demo mark."""

from __future__ import annotations

import csv
import io
import json
from html import unescape

import pytest

from numeduc.budget.departement import line_by_year
from numeduc.usage.ingest import ingest
from numeduc.web.planning import data as planning_data
from numeduc.web.planning.models import Scenario
from numeduc.web.territories.models import College, Departement

pytestmark = pytest.mark.django_db

PAGE = "/budget/departements/45/"
EXPORT = "/budget/departements/45/renouvellement.csv"
EST_HEADER = (
    "uai,name,departement,commune_insee,commune_name,density_grid3,density_grid7,ep,depp_type,pupils,"
    "teachers,staff,parent_accounts,school_year,holiday_zone,strategy,bw_down_mbps,bw_up_mbps,"
    "n_classrooms,n_aps"
)
EST = [
    "0450001A,Collège A,45,45234,Orléans,urbain,1,none,,400,30,10,300,2025-2026,B,classe_mobile,100,50,20,10",
    "0450002B,Collège B,45,45234,Orléans,urbain,1,none,,200,15,5,150,2025-2026,B,classe_mobile,100,50,10,5",
]
MDM_HEADER = (
    "snapshot_date,device_id,uai,device_class,os,os_version,model,ownership,assignment,cart_id,"
    "enrolled_at,last_checkin_at,compliance,status,purchase_date,purchase_price_eur"
)
SNAP = "2026-06-30"


def device(i: int, cls: str, bought: str, *, uai="0450001A", status="in_service", owner="departement") -> str:
    return f"{SNAP},T{i},{uai},{cls},,,,{owner},cart,,,2026-06-29T08:00:00Z,compliant,{status},{bought},"


# The hand computation of tests/usage/test_fleet_cash.py (same devices): due at the end of life
# 2026: 3 tablets (already past their life) 1 050 €; 2027: 2 tablets + 1 desktop 1 500 €;
# 2030: 3 tablets + 1 whiteboard 2 650 €; 2031: 2 tablets 700 €. Smoothed over 3 years:
# 350, 1 500, 700, 0, 1 950, 700 €, and 2 tablets (700 €) carried beyond 2031.
DEVICES = [
    device(1, "tablet", "2021-09-01"),
    device(2, "tablet", "2021-09-01"),
    device(3, "tablet", "2021-09-01", uai="0450002B"),
    device(4, "tablet", "2023-03-01", status="spare"),
    device(5, "tablet", "2023-03-01", uai="0450002B", status="repair"),
    device(6, "desktop", "2022-01-10"),
    device(7, "tbi", "2020-05-01"),
    device(8, "tablet", "2015-01-01", status="lost"),  # not counted
    device(9, "tablet", "2015-01-01", owner="personal"),  # not counted
]


def write_warehouse(root, rows, *, with_mdm=True, name="mdm_devices.csv"):
    src = root / "src"
    src.mkdir(parents=True, exist_ok=True)
    wh = root / "45"
    (src / "establishments.csv").write_text("\n".join([EST_HEADER, *EST]) + "\n", encoding="utf-8")
    results = ingest("establishments", [src / "establishments.csv"], wh, "45")
    assert all(r.status in ("ingéré", "déjà ingéré") for r in results), results
    if with_mdm:
        (src / name).write_text("\n".join([MDM_HEADER, *rows]) + "\n", encoding="utf-8")
        results = ingest("mdm_devices", [src / name], wh, "45")
        assert [r.status for r in results] == ["ingéré"], results
    return wh


@pytest.fixture
def warehouse(settings, tmp_path):
    root = tmp_path / "budget_wh"
    settings.USAGE_WAREHOUSE_ROOT = root
    return write_warehouse(root, DEVICES)


def section(html: str) -> str:
    """The section, its text unescaped (« l'année », not « l&#x27;année »)."""
    text = unescape(html.split('id="parc-mesure"')[1].split("</section>")[0])
    return text.replace("\u202f", " ").replace("\xa0", " ")  # French spaces read as spaces


def row(html: str, year: int) -> str:
    return section(html).split(f'data-year="{year}"')[1].split("</tr>")[0]


def num(text: str) -> float:
    return float(text.replace(",", "."))


def read_csv(content: bytes) -> list[dict]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_section_shows_the_hand_computed_forecast(client, login, users, warehouse):
    login(users["loiret_viewer"])
    html = client.get(PAGE).content.decode()
    part = section(html)
    assert "Renouvellement du parc mesuré (vue trésorerie)" in html
    assert "30 juin 2026" in part  # the snapshot's date, in French
    assert "3 appareils déjà au-delà de leur durée de vie sont comptés en 2026" in part
    assert "l'année la plus lourde est 2030 : 2 650 € (4 appareils à renouveler)" in part
    assert "Lissé sur 3 ans, le pic descend à 1 950 € en 2030 (2 appareils)" in part
    assert "soit 700 € de moins" in part
    assert "Le lissage reporte 2 appareils (700 €) après 2031" in part
    cells = row(html, 2027)
    assert '<td class="num">3</td><td class="num">1 500 €</td>' in cells
    assert '<td class="num">3</td><td class="num">1 500 €</td><td class="num">700 €</td>' in cells
    assert "pic à l'échéance" in row(html, 2030) and "pic lissé" in row(html, 2030)
    assert [y for y in range(2026, 2032) if f'data-year="{y}"' in part] == list(range(2026, 2032))
    # chart with its data table, the CSV and the fleet page linked, the scroll region
    assert "<svg" in part and "Renouvellement du parc mesuré du Loiret : investissement par année" in part
    assert 'href="/budget/departements/45/renouvellement.csv?lissage=3"' in part
    assert 'href="/usages/departements/45/parc/"' in part
    assert 'class="table-scroll" tabindex="0" role="region"' in part
    assert "Aucun scénario du département n'est en mode trésorerie" in part
    assert "Données de démonstration" not in html


def test_the_smoothing_form(client, login, users, warehouse):
    login(users["loiret_editor"])
    html = client.get(PAGE, {"lissage": "1"}).content.decode()
    part = section(html)
    assert '<option value="1" selected>1 an (sans lissage)</option>' in part
    assert "Sans lissage, chaque appareil est renouvelé" in part and "reporte" not in part
    assert (
        '<td class="num">3</td><td class="num">1 050 €</td><td class="num">3</td><td class="num">1 050 €</td>'
        in row(html, 2026)
    )
    html = client.get(PAGE, {"lissage": "2"}).content.decode()
    assert '<option value="2" selected>2 ans</option>' in section(html)
    # anything else: the default (3 years), never an error
    for junk in ("0", "5", "abc", "2.5", ""):
        html = client.get(PAGE, {"lissage": junk}).content.decode()
        assert '<option value="3" selected>3 ans</option>' in section(html), junk


def test_a_cash_scenario_is_set_beside(client, login, users, warehouse):
    loiret = Departement.objects.get(code="45")
    College.objects.create(uai="0450001A", name="Collège A", departement=loiret, pupils=400)
    College.objects.create(uai="0450002B", name="Collège B", departement=loiret, pupils=200)
    scenario = Scenario.objects.create(
        departement=loiret,
        name="Classes mobiles en trésorerie",
        base_preset="livre-blanc-2017",
        strategy="classe_mobile",
        scope=Scenario.Scope.DEPARTEMENT,
        mode="cash",
        horizon=6,
    )
    Scenario.objects.create(
        departement=loiret, name="Annualisé", strategy="classe_mobile", scope="departement"
    )
    expected = line_by_year(scenario.to_engine(), [400, 200], "mobile_equipment")
    assert expected[0] == 96000 and expected[4] == 96000  # 2 × (120 × 350 + 4 × 1 500) €
    login(users["loiret_editor"])
    html = client.get(PAGE).content.decode()
    part = section(html)
    assert "Le scénario est un modèle" in part and "le parc tel qu'il est" in part
    assert "Scénario « Classes mobiles en trésorerie » : équipements mobiles" in part
    assert row(html, 2026).endswith('<td class="num">96 000 €</td>')
    assert row(html, 2027).endswith('<td class="num">0 €</td>')
    assert "Équipements mobiles par année : parc mesuré et scénario en mode trésorerie" in part
    assert "prévoit 192 000 € d'équipements mobiles" in part
    assert "demande 3 500 € à l'échéance" in part  # 1 050 + 700 + 1 050 + 700
    rows = read_csv(client.get(EXPORT, {"scenario": scenario.pk}).content)
    assert rows[0]["Scénario en mode trésorerie"] == "Classes mobiles en trésorerie"
    assert num(rows[0]["Scénario : équipements mobiles (€)"]) == 96000
    # another cash scenario, chosen in the form: its horizon (3 years) and its price (300 €)
    other = Scenario.objects.create(
        departement=loiret,
        name="Tablettes à 300 €",
        strategy="classe_mobile",
        scope=Scenario.Scope.DEPARTEMENT,
        mode="cash",
        horizon=3,
        parameters={"mobile_device_price": "300"},
    )
    html = client.get(PAGE, {"scenario": other.pk, "lissage": "1"}).content.decode()
    part = section(html)
    assert f'<option value="{other.pk}" selected>Tablettes à 300 €</option>' in part
    assert [y for y in range(2026, 2032) if f'data-year="{y}"' in part] == [2026, 2027, 2028]
    assert '<td class="num">3</td><td class="num">900 €</td>' in row(html, 2026)  # 3 × 300 €
    assert "tablettes 4 ans, 300 €" in part and "Durées de vie et prix unitaires du scénario" in part
    # a scenario of another département or not in cash mode is not a choice: the latest is shown
    html = client.get(PAGE, {"scenario": "999999"}).content.decode()
    assert 'data-year="2031"' not in section(html)  # the latest updated: « Tablettes à 300 € »
    other.delete()
    # a typical-collège cash scenario is not set beside a whole département
    scenario.scope = Scenario.Scope.COLLEGE
    scenario.save()
    part = section(client.get(PAGE).content.decode())
    assert "portent sur un collège type" in part and "Le scénario est un modèle" not in part


def test_the_csv_export(client, login, users, warehouse):
    login(users["loiret_editor"])
    response = client.get(EXPORT)
    assert response.status_code == 200 and "renouvellement-parc-45" in response["Content-Disposition"]
    rows = read_csv(response.content)
    assert [r["Année"] for r in rows] == ["2026", "2027", "2028", "2029", "2030", "2031", ""]
    assert num(rows[4]["Investissement à l'échéance (€)"]) == 2650
    assert num(rows[4]["Investissement lissé (€)"]) == 1950
    assert rows[-1]["Appareils, lissé"] == "2" and num(rows[-1]["Investissement lissé (€)"]) == 700
    assert num(rows[0]["Dont équipements mobiles, à l'échéance (€)"]) == 1050
    assert rows[0]["Lissage (années)"] == "3"
    assert num(read_csv(client.get(EXPORT, {"lissage": "1"}).content)[0]["Investissement lissé (€)"]) == 1050
    machine = client.get(EXPORT, {"format": "csv-machine"})
    assert machine.status_code == 200 and b"smoothed_investment_eur" in machine.content
    schema = client.get(EXPORT, {"format": "schema"})
    assert schema.status_code == 200 and "budget-fleet-renewal" in schema.content.decode()


def test_a_new_ingestion_shows_at_once(client, login, users, warehouse, settings):
    login(users["loiret_editor"])
    assert "2 650 €" in row(client.get(PAGE).content.decode(), 2030)
    # A later snapshot of collège A: its devices are now one tablet bought in 2020 (due in 2026).
    later = "2026-07-15,N1,0450001A,tablet,,,,departement,cart,,,2026-07-14T08:00:00Z,compliant,in_service,2020-01-01,"
    write_warehouse(settings.USAGE_WAREHOUSE_ROOT, [later], name="mdm_later.csv")
    html = client.get(PAGE).content.decode()
    # collège A: 1 overdue tablet (2026, renewed 2030); collège B (older snapshot kept): 1 tablet
    # of 2021 (2026, 2030) and 1 of 2023 (2027, 2031)
    assert '<td class="num">2</td><td class="num">700 €</td>' in row(html, 2026)
    assert '<td class="num">2</td><td class="num">700 €</td>' in row(html, 2030)


def test_without_mdm_inventory(client, login, users, settings, tmp_path):
    login(users["loiret_editor"])
    html = client.get(PAGE).content.decode()  # no warehouse at all
    part = section(html)
    assert "ne contient aucun inventaire des équipements (MDM)" in part
    assert "numeduc usage ingest mdm_devices" in part and "<svg" not in part and "<table" not in part
    assert client.get(EXPORT).status_code == 404
    settings.USAGE_WAREHOUSE_ROOT = tmp_path / "only_est"
    write_warehouse(settings.USAGE_WAREHOUSE_ROOT, [], with_mdm=False)
    part = section(client.get(PAGE).content.decode())
    assert "ne contient aucun inventaire des équipements (MDM)" in part and "<svg" not in part


def test_refusals(client, login, users, warehouse):
    for url in (PAGE, EXPORT):
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/compte/connexion/" in anonymous["Location"]
    for who in ("nord_editor", "dan_loiret"):
        login(users[who])
        for url in (PAGE, EXPORT):
            assert client.get(url).status_code == 403, (who, url)
        client.logout()
    login(users["coordinator"])
    assert client.get(EXPORT).status_code == 200
    assert client.get("/budget/departements/99/renouvellement.csv").status_code == 404


def test_demo_warehouse_marks_the_page_chart_and_csv(client, login, users, warehouse):
    (warehouse / planning_data.WAREHOUSE_DEMO_MARKER).write_text(json.dumps({"demo": True}), encoding="utf-8")
    login(users["loiret_editor"])
    part = section(client.get(PAGE).content.decode())
    assert '<strong class="badge">données de démonstration</strong>' in part
    assert "démonstration" in part.split("<svg")[1].split("</svg>")[0].lower()
    response = client.get(EXPORT)
    assert "-demonstration-" in response["Content-Disposition"]
    assert "démonstration" in response.content.decode("utf-8-sig")


def test_the_demo_marker_is_the_usage_dashboards():
    from numeduc.web.usage_dashboard import store

    assert planning_data.WAREHOUSE_DEMO_MARKER == store.DEMO_MARKER


def test_inventory_notes_in_french():
    import datetime as dt

    import pandas as pd

    from numeduc.usage import fleet as usage_fleet
    from numeduc.web.planning.presenters import inventory_notes

    plan = pd.DataFrame({"year": [2024], "investment_eur": [0.0], "smoothed_investment_eur": [0.0]})
    view = usage_fleet.CashView(plan, plan, 2000, 1226, 1, dt.date(2024, 11, 30), None, None)
    assert inventory_notes(view, 2024, dt.date(2026, 12, 4)) == [
        "1\u202f226 appareils déjà au-delà de leur durée de vie sont comptés en 2024.",
        "1 appareil sans date d'achat ni d'inscription au MDM est laissé de côté.",
        "L'inventaire date de 2024 : la prévision part de cette année-là ; chargez un inventaire récent "
        "pour une prévision à partir d'aujourd'hui.",
    ]
    assert inventory_notes(view, 2026, dt.date(2026, 12, 4))[2:] == []
