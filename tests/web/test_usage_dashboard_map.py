"""The usage dashboard's map of the collèges, its « à regarder » collèges first, one source for a
collège's pupils (the referential, as the budget pages), and the periods of self-ratings and logs."""

from __future__ import annotations

import html as html_lib
import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from numeduc.charts.validate import NS
from numeduc.formatting import fr_number
from numeduc.web.surveys.models import Campaign
from numeduc.web.territories.models import College
from numeduc.web.usage_dashboard import presenters, store
from numeduc.web.usage_dashboard.data import ReferenceCollege
from numeduc.web.usage_dashboard.integration import FAR_APART_YEARS, periods

from .conftest import USAGE_MONTH_2
from .test_usage_dashboard import _submitted

pytestmark = pytest.mark.django_db

# Coordinates and pupils of the referential (numeduc/data/reference/colleges.csv) for the four
# collèges of the generated warehouse.
REFERENCE = pd.read_csv(
    "src/numeduc/data/reference/colleges.csv",
    dtype={"uai": str},
    usecols=["uai", "latitude", "longitude", "pupils", "pupils_school_year"],
).set_index("uai")


@pytest.fixture
def placed(world):
    """The world's Loiret collèges with their referential coordinates and pupils."""
    for college in world["colleges"]:
        ref = REFERENCE.loc[college.uai]
        College.objects.filter(pk=college.pk).update(
            latitude=float(ref.latitude),
            longitude=float(ref.longitude),
            pupils=int(ref.pupils),
            pupils_school_year=ref.pupils_school_year,
        )
    return world


def page(client, login, user, **params):
    login(user)
    response = client.get("/usages/departements/45/", {"mois": USAGE_MONTH_2, **params})
    assert response.status_code == 200
    return response.content.decode()


def map_svg(html: str) -> ET.Element:
    svg = html.split('<div class="usage-map">')[1].split("</svg>")[0] + "</svg>"
    return ET.fromstring(svg)


def test_map_shows_every_collège_under_the_chooser_with_the_same_table(client, login, placed):
    html = page(client, login, placed["loiret_editor"], indicateur="monthly_active_rate:ELEVE")
    # under the indicator chooser, above the overview
    assert html.index("usage-filters") < html.index('id="map-title"') < html.index('id="overview"')
    root = map_svg(html)
    assert root.get("role") == "img" and root.get("aria-labelledby")
    points = {g.get("data-key"): g for g in root.iter(f"{NS}g") if g.get("class") == "nc-place"}
    assert set(points) == {c.uai for c in placed["colleges"]}
    table = html.split('class="usage-map-data"')[1].split("</table>")[0]
    rows = presenters.college_rows(store.load("45"), USAGE_MONTH_2, "monthly_active_rate", "ELEVE")
    for row in rows:
        title = points[row["uai"]].find(f"{NS}title").text
        assert title.startswith(f"{row['name']} ({row['uai']}) : ")
        # the value the table of the page shows is the one of the point and of the map's table
        assert title.split(" : ")[1].split(" — ")[0] == row["value"]
        assert html_lib.escape(row["name"]) in table and row["value"] in table
        assert ("à regarder" in title) == (row["flag_css"] == "watch")
    assert "Carte des collèges — Utilisateurs actifs dans le mois (élèves)" in html


def test_a_collège_the_referential_does_not_place_is_in_the_table_only(client, login, placed):
    College.objects.filter(uai=placed["colleges"][0].uai).update(latitude=None, longitude=None)
    html = page(client, login, placed["loiret_viewer"])
    keys = {g.get("data-key") for g in map_svg(html).iter(f"{NS}g") if g.get("class") == "nc-place"}
    assert placed["colleges"][0].uai not in keys and len(keys) == 3
    assert "absent de la carte (sans coordonnées)" in html.split('class="usage-map-data"')[1]


def test_collèges_to_look_at_come_first_and_open_the_others_folded(client, login, placed):
    data = store.load("45")
    # an indicator and month where some but not all collèges are « à regarder »
    for key in ("monthly_active_rate:ELEVE", "device_activity_rate_30d:", "regular_use_share:ELEVE"):
        indicator, profile = key.split(":")
        rows = presenters.college_rows(data, USAGE_MONTH_2, indicator, profile)
        watch = [r["uai"] for r in rows if r["flag_css"] == "watch"]
        if 0 < len(watch) < len(rows):
            break
    else:
        pytest.skip("no indicator with both kinds of collèges in this small warehouse")
    html = page(client, login, placed["loiret_editor"], indicateur=key.rstrip(":"))
    watch_table = html.split('id="colleges-watch"')[1].split("</table>")[0]
    others = html.split('id="colleges-others"')[1].split("</details>")[0]
    assert re.findall(r'data-uai="(\w+)"', watch_table) == watch
    assert sorted(re.findall(r'data-uai="(\w+)"', others)) == sorted(set(r["uai"] for r in rows) - set(watch))
    assert html.index('id="colleges-watch"') < html.index('id="colleges-others"')
    opening = html.split('id="colleges-others"')[1].split(">")[0]
    assert "open" not in opening  # folded: the « à regarder » ones are what the page is about


def test_the_same_collège_shows_the_same_pupils_on_the_usage_and_budget_pages(client, login, placed):
    from numeduc.web.planning.models import Scenario

    college = placed["colleges"][0]
    referential = int(REFERENCE.loc[college.uai].pupils)
    data = store.load("45")
    in_file = int(data.establishments.set_index("uai").loc[college.uai, "pupils"])
    assert in_file != referential  # the test warehouse's collèges are scaled down

    html = page(client, login, placed["loiret_editor"])
    assert "Élèves (DEPP, rentrée 2020)" in html
    row = html.split(f'data-uai="{college.uai}"')[1].split("</tr>")[0]
    assert (
        f'<td class="num">{fr_number(referential)}<br>'
        f'<span class="source">{fr_number(in_file)} dans le fichier chargé</span></td>' in row
    )
    cost_row = html.split('id="cost-table"')[1].split(f'data-uai="{college.uai}"')[1].split("</tr>")[0]
    assert (
        f"{fr_number(referential)}<br>" in cost_row
        and f"{fr_number(in_file)} dans le fichier chargé" in cost_row
    )

    college_page = client.get(f"/usages/colleges/{college.uai}/").content.decode()
    assert (
        f"{fr_number(referential)} élèves (DEPP, rentrée 2020), {fr_number(in_file)} dans le fichier chargé"
        in (college_page)
    )

    scenario = Scenario.objects.create(
        departement=college.departement,
        name="Budget du Loiret",
        scope=Scenario.Scope.DEPARTEMENT,
        base_preset="livre-blanc-2017",
        strategy="classe_mobile",
    )
    budget = client.get(f"/budget/scenarios/{scenario.pk}/").content.decode()
    budget_row = budget.split(f'<span class="source">{college.uai}</span>')[1].split("</tr>")[0]
    assert re.findall(r'<td class="num">([^<]*)</td>', budget_row)[0] == fr_number(referential)


def test_pupils_without_a_referential_figure_say_they_come_from_the_file():
    assert presenters.pupils_view(None, 338)["text"] == "338 élèves (fichier chargé)"
    same = presenters.pupils_view(ReferenceCollege("u", "n", "", None, None, 338, "2020-2021"), 338)
    assert same["text"] == "338 élèves (DEPP, rentrée 2020)" and same["loaded_note"] == ""
    assert presenters.pupils_view(None, None)["number"] == "—"


@given(
    st.integers(min_value=0, max_value=5000), st.one_of(st.none(), st.integers(min_value=0, max_value=5000))
)
def test_the_file_figure_is_named_exactly_when_it_differs(referential, loaded):
    view = presenters.pupils_view(
        ReferenceCollege("u", "n", "", None, None, referential, "2020-2021"), loaded
    )
    assert view["number"] == fr_number(referential)
    assert view["text"].endswith("(DEPP, rentrée 2020)")
    assert bool(view["loaded_note"]) == (loaded is not None and loaded != referential)


def test_periods_are_named_and_far_apart_ones_warned():
    near = periods(2023, "2024-11")
    assert near == {
        "declared": "autodiagnostic de 2023",
        "measured": "journaux de novembre 2024",
        "gap_years": 1,
        "warning": "",
    }
    assert periods(2024 - FAR_APART_YEARS, "2024-11")["warning"] == ""
    far = periods(2017, "2024-11")
    assert far["gap_years"] == 7
    assert far["warning"].startswith(
        "Attention : 7 ans séparent l'autodiagnostic de 2017 et les journaux de novembre 2024."
    )
    before = periods(2030, "2024-11")["warning"]
    assert before.startswith(
        "Attention : 6 ans séparent les journaux de novembre 2024 et l'autodiagnostic de 2030."
    )
    assert periods(None, "2024-11")["warning"] == ""


def test_results_page_names_both_periods_and_warns_about_seven_years(
    client, login, world, campaign_factory, full_answers
):
    old = campaign_factory(2017, Campaign.Status.CLOSED)
    for code in ("45", "59"):
        _submitted(old, code, full_answers)
    login(world["loiret_viewer"])
    html = client.get(f"/resultats/{old.pk}/departements/45/").content.decode()
    section = html_lib.unescape(html.split('id="usage-compare-title"')[1].split("</section>")[0])
    assert "Ce que vous déclarez (autodiagnostic de 2017)" in section
    assert "Ce que mesurent vos journaux de novembre 2024" in section
    assert "7 ans séparent l'autodiagnostic de 2017 et les journaux de novembre 2024" in section

    recent = campaign_factory(2024, Campaign.Status.CLOSED)
    for code in ("45", "59"):
        _submitted(recent, code, full_answers)
    html = client.get(f"/resultats/{recent.pk}/departements/45/").content.decode()
    section = html_lib.unescape(html.split('id="usage-compare-title"')[1].split("</section>")[0])
    assert "autodiagnostic de 2024" in section and 'id="usage-compare-gap"' not in section
