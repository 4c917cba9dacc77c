"""Creating a campaign: targets by « tous », académie, région, peer group or one by one (without
JavaScript, the server adds them up), and dates typed the French way."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from numeduc.web.surveys.data import reference_peer_groups
from numeduc.web.surveys.forms import CampaignForm
from numeduc.web.surveys.models import Campaign
from numeduc.web.territories.models import Academie, Departement

pytestmark = pytest.mark.django_db

BASE = {
    "title": "Autodiagnostic 2099",
    "questionnaire": "autodiagnostic@2017",
    "year": 2099,
    "opens_on": "01/03/2099",
    "closes_on": "30/06/2099",
}


def create(client, **fields):
    return client.post("/campagnes/nouvelle/", {**BASE, **fields})


def targets_of(title: str = BASE["title"]) -> set[str]:
    return set(Campaign.objects.get(title=title).target_departements.values_list("code", flat=True))


def words(page) -> str:
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", page.content.decode()))
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


@pytest.fixture
def coordinator(client, login, users):
    login(users["coordinator"])
    return client


def test_all_departements(coordinator):
    assert create(coordinator, all_targets="on").status_code == 302
    assert len(targets_of()) == 101


def test_by_academie_gives_every_departement_of_the_academie(coordinator):
    orleans_tours = Departement.objects.get(code="45").academie
    expected = set(orleans_tours.departements.values_list("code", flat=True))
    assert {"18", "28", "36", "37", "41", "45"} == expected
    answer = create(coordinator, academies=[orleans_tours.code])
    assert answer.status_code == 302
    assert targets_of() == expected
    page = coordinator.get(answer["Location"], follow=True)
    assert "créée (en préparation) pour 6 départements" in words(page)


def test_by_region_the_whole_region_box_is_added_up_on_the_server(coordinator):
    bretagne = Departement.objects.get(code="35").region_code
    # « tous les départements de la région » Bretagne, plus the Loiret ticked on its own
    assert create(coordinator, regions=[bretagne], target_departements=["45"]).status_code == 302
    assert targets_of() == {"22", "29", "35", "56", "45"}


def test_by_peer_group(coordinator):
    peers = reference_peer_groups()
    group = peers.groups["45"]
    expected = {code for code, g in peers.groups.items() if g == group}
    assert create(coordinator, peer_groups=[str(group)]).status_code == 302
    assert targets_of() == expected and "45" in expected


def test_one_by_one_and_the_union_of_every_way(coordinator):
    corse = Departement.objects.get(code="2A").region_code
    lille = Departement.objects.get(code="59").academie.code
    assert (
        create(coordinator, target_departements=["45", "976"], regions=[corse], academies=[lille]).status_code
        == 302
    )
    assert targets_of() == {"45", "976", "2A", "2B", "59", "62"}


def test_nothing_ticked_or_tous_with_details_is_refused_naming_the_targets(coordinator):
    page = create(coordinator)
    assert page.status_code == 400
    assert "Cibles : cochez « Tous les départements »" in words(page)
    assert 'href="#cibles"' in page.content.decode()
    page = create(coordinator, all_targets="on", target_departements=["45"])
    assert page.status_code == 400 and "décochez l'un ou l'autre" in words(page)
    assert not Campaign.objects.filter(title=BASE["title"]).exists()


def test_a_refused_form_keeps_what_was_ticked(coordinator):
    page = create(coordinator, target_departements=["45"], title="").content.decode()
    assert re.search(r'name="target_departements" value="45" checked', page)
    assert not re.search(r'name="target_departements" value="59" checked', page)


def test_dan_questionnaire_targets_academies(coordinator):
    lille = Departement.objects.get(code="59").academie
    assert create(coordinator, questionnaire="dan@2017", academies=[lille.code]).status_code == 302
    campaign = Campaign.objects.get(title=BASE["title"])
    assert list(campaign.target_academies.all()) == [lille]
    assert not campaign.target_departements.exists()
    page = create(
        coordinator, questionnaire="dan@2017", title="DAN sans académie", target_departements=["45"]
    )
    assert page.status_code == 400 and "s'adresse aux académies" in words(page)


def test_the_form_groups_checkboxes_under_legends(coordinator):
    page = coordinator.get("/campagnes/nouvelle/").content.decode()
    assert page.count('type="checkbox" name="target_departements"') == 101
    assert page.count('type="checkbox" name="academies"') == Academie.objects.count()
    assert "<legend>Par académie</legend>" in page and "<legend>Bretagne</legend>" in page
    assert "Tous les départements de la région Bretagne" in page
    assert "<select" not in page.split('id="cibles"')[1]  # no 101-line multi-select any more


# -- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("30/06/2099", dt.date(2099, 6, 30)),
        (" 1/3/2099 ", dt.date(2099, 3, 1)),
        ("30-06-2099", dt.date(2099, 6, 30)),
        ("30.06.2099", dt.date(2099, 6, 30)),
        ("2099-06-30", dt.date(2099, 6, 30)),
    ],
)
def test_dates_typed_the_french_way_or_iso(coordinator, typed, expected):
    assert create(coordinator, all_targets="on", closes_on=typed).status_code == 302
    assert Campaign.objects.get(title=BASE["title"]).closes_on == expected


@pytest.mark.parametrize(
    "typed", ["06/30/2099", "31/02/2099", "30/06/99", "demain", "2099/06/30", "30/06-2099"]
)
def test_a_date_not_understood_is_refused_naming_the_field(coordinator, typed):
    page = create(coordinator, all_targets="on", closes_on=typed)
    assert page.status_code == 400
    assert f"Date de clôture : « {typed} » n'est pas une date reconnue" in words(page)
    assert "jj/mm/aaaa" in words(page)


def test_missing_date_names_the_field(coordinator):
    page = create(coordinator, all_targets="on", opens_on="")
    assert "Date d'ouverture : indiquez une date au format jj/mm/aaaa" in words(page)


def test_the_date_inputs_are_text_with_a_french_hint(coordinator):
    page = coordinator.get("/campagnes/nouvelle/").content.decode()
    assert 'type="date"' not in page
    field = re.search(r'<input[^>]*name="opens_on"[^>]*>', page).group(0)
    assert 'type="text"' in field and 'aria-describedby="id_opens_on_helptext"' in field
    assert 'id="id_opens_on_helptext">Format jj/mm/aaaa, par exemple 30/06/2099.' in page


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_typed_date_is_accepted_as_the_date_it_says_or_refused_in_french(territories, typed):
    form = CampaignForm({**BASE, "all_targets": "on", "opens_on": typed})
    if form.is_valid():
        assert form.cleaned_data["opens_on"].year >= 1  # a real date
    else:
        assert all(message.startswith("Date d'ouverture") for message in form.errors.get("opens_on", []))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_a_date_written_jj_mm_aaaa_reads_back_as_itself(territories, day):
    form = CampaignForm(
        {**BASE, "all_targets": "on", "opens_on": day.strftime("%d/%m/%Y"), "closes_on": "31/12/9999"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["opens_on"] == day


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_targets_are_the_union_of_every_way_ticked(territories, data):
    departements = list(Departement.objects.select_related("academie"))
    codes = sorted(d.code for d in departements)
    academies = sorted({d.academie.code for d in departements if d.academie})
    regions = sorted({d.region_code for d in departements})
    peers = reference_peer_groups()
    groups = sorted(str(g) for g in peers.groups.unique())
    ticked = {
        "target_departements": data.draw(st.lists(st.sampled_from(codes), max_size=6, unique=True)),
        "academies": data.draw(st.lists(st.sampled_from(academies), max_size=3, unique=True)),
        "regions": data.draw(st.lists(st.sampled_from(regions), max_size=3, unique=True)),
        "peer_groups": data.draw(st.lists(st.sampled_from(groups), max_size=2, unique=True)),
    }
    form = CampaignForm({**BASE, **ticked})
    expected = {
        d.code
        for d in departements
        if d.code in ticked["target_departements"]
        or (d.academie and d.academie.code in ticked["academies"])
        or d.region_code in ticked["regions"]
        or str(peers.groups.get(d.code)) in ticked["peer_groups"]
    }
    if expected:
        assert form.is_valid(), form.errors
        assert {d.code for d in form.cleaned_data["departements"]} == expected
    else:
        assert not form.is_valid() and "all_targets" in form.errors
