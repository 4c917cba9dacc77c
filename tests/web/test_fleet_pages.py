"""Fleet and bandwidth pages of a département (docs/fleet.md): figures equal to the pure core's,
permissions and refusals, demo mark, CSV exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils.html import escape

from numeduc.usage import bandwidth as usage_bandwidth
from numeduc.usage import fleet as usage_fleet
from numeduc.web.territories.models import Departement
from numeduc.web.usage_dashboard.models import UsageWarehouse

pytestmark = pytest.mark.django_db

PAGES = ("/usages/departements/45/parc/", "/usages/departements/45/debit/")
EXPORTS = ("/usages/departements/45/parc/export.csv", "/usages/departements/45/debit/export.csv")


def read_csv(content: bytes) -> list[dict]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


@pytest.fixture(scope="module")
def core(warehouse_root):
    from numeduc.usage.indicators import compute_indicators

    wh = warehouse_root / "45"
    return usage_fleet.fleet(wh), usage_bandwidth.departement_bandwidth(wh, compute_indicators(wh))


def test_fleet_page_shows_the_core_figures(client, login, world, core):
    fleet, _ = core
    login(world["loiret_editor"])
    page = client.get(PAGES[0])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Parc d'équipements" in html and "MDM : le logiciel qui recense" in html  # plain words
    total = fleet.table[fleet.table["uai"] == ""].iloc[0]
    assert f"{int(total['devices'])} équipements pour {int(total['pupils'])} élèves" in html
    for college in world["colleges"]:
        row = fleet.table[fleet.table["uai"] == college.uai].iloc[0]
        cells = html.split(f'data-uai="{college.uai}"')[1].split("</tr>")[0]
        assert f'<td class="num">{int(row["devices"])}</td>' in cells
    assert html.count("<svg") >= 2 and "Âge des équipements" in html  # age and renewal charts
    assert "Investissement de renouvellement par année" in html and "<table" in html  # chart data tables
    assert "Lissé sur 3 ans" in html
    assert "Données de démonstration" not in html  # real (not registered as demo) warehouse


def test_bandwidth_page_ladder_map_and_table(client, login, world, core):
    _, bw = core
    login(world["loiret_viewer"])
    page = client.get(PAGES[1])
    assert page.status_code == 200
    html = page.content.decode()
    assert "la vitesse de la connexion internet du collège" in html
    assert "seuil critique" in html and "100 kbit/s par usager" in html and "1 Mbit/s" in html
    assert "Carte des collèges par palier de débit" in html and "<svg" in html
    # Table in the core's order (worst served first).
    positions = [html.index(f'data-uai="{u}"', html.index('id="bandwidth-table"')) for u in bw["uai"]]
    assert positions == sorted(positions)
    for rung, n in usage_bandwidth.ladder_counts(bw):
        assert f"{escape(rung.label[0].upper() + rung.label[1:])} : <strong>{n}</strong>" in html


def test_links_from_the_usage_page_and_college_block(client, login, world):
    login(world["loiret_editor"])
    html = client.get("/usages/departements/45/").content.decode()
    assert 'href="/usages/departements/45/parc/"' in html and 'href="/usages/departements/45/debit/"' in html
    uai = world["colleges"][0].uai
    page = client.get(f"/usages/colleges/{uai}/").content.decode()
    assert 'id="college-fleet"' in page and "la vitesse de la connexion internet du collège" in page


def test_refusals(client, login, world):
    for url in PAGES + EXPORTS:
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/compte/connexion/" in anonymous["Location"]
    login(world["nord_editor"])
    for url in PAGES + EXPORTS:
        assert client.get(url).status_code == 403
    assert client.get("/usages/departements/99/parc/").status_code == 404


def test_school_head_sees_only_its_college(client, login, world):
    login(world["school"])
    for url in PAGES + EXPORTS:
        assert client.get(url).status_code == 403
    own, other = world["colleges"][0], world["colleges"][1]
    page = client.get(f"/usages/colleges/{own.uai}/")
    assert page.status_code == 200
    html = page.content.decode()
    block = html.split('id="college-fleet"')[1].split("</section>")[0]
    assert "équipements pour" in block and "Débit" in block
    assert other.name not in block
    assert "/usages/departements/45/parc/" not in block  # no link to pages it may not open
    assert client.get(f"/usages/colleges/{other.uai}/").status_code == 403


def test_exports_are_the_core_tables(client, login, world, core):
    fleet, bw = core
    login(world["loiret_editor"])
    rows = read_csv(client.get(EXPORTS[0]).content)
    assert [r["Code UAI"] for r in rows] == list(fleet.table["uai"])
    assert rows[-1]["Collège"] == "Ensemble du département"
    assert int(rows[-1]["Équipements comptés"]) == int(fleet.table.iloc[-1]["devices"])
    rows = read_csv(client.get(EXPORTS[1]).content)
    assert [r["Code UAI"] for r in rows] == list(bw["uai"])
    first = bw.iloc[0]
    assert float(rows[0]["Débit du lien"].replace(",", ".")) == first["link_mbps"]
    machine = client.get(EXPORTS[1], {"format": "csv-machine"})
    assert machine.status_code == 200 and b"link_mbps" in machine.content
    assert client.get(EXPORTS[0], {"format": "schema"}).status_code == 200


def test_demo_mark(client, login, world):
    UsageWarehouse.objects.create(departement=Departement.objects.get(code="45"), is_demo=True, note="essai")
    login(world["loiret_editor"])
    for url in PAGES:
        html = client.get(url).content.decode()
        assert "Données de démonstration" in html
    content = client.get(EXPORTS[1]).content.decode("utf-8-sig")
    assert "démonstration" in content
