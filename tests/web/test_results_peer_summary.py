"""The results page summarises the peer group with medians and ranges, and the radar's legend
says how many of the group answered."""

from __future__ import annotations

import html as html_lib

import pytest

from numeduc.analysis.peers import summary_words
from numeduc.web.surveys import data
from numeduc.web.surveys.models import Campaign

from .conftest import submit_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def loiret_page(client, login, users, full_answers, campaign_factory):
    """The Loiret's results page, with the Loiret and 6 other members of its peer group answering."""
    peers = data.reference_peer_groups()
    group = peers.groups["45"]
    others = [code for code, g in peers.groups.items() if g == group and code != "45"][:6]
    campaign = campaign_factory(2017, Campaign.Status.CLOSED)
    for code in ["45", *others]:
        submit_response(campaign, code, full_answers(3))
    login(users["loiret_viewer"])
    page = client.get(f"/resultats/{campaign.pk}/departements/45/")
    assert page.status_code == 200
    return html_lib.unescape(page.content.decode()), peers, group


def test_peer_group_indicators_are_medians_with_their_range(loiret_page):
    html, peers, group = loiret_page
    assert "Dans le groupe : médiane (valeurs extrêmes)" in html and "Moyenne du groupe" not in html
    density = peers.group_summaries[group]["density"]
    assert summary_words(density) in html
    # The mean density of the group (pulled up by Paris and the petite couronne) is not shown.
    mean = peers.profiles.loc[group, "density"]
    assert mean > 3 * density.median
    assert f"{mean:.1f}".replace(".", ",") not in html.replace("\u202f", "").replace("\xa0", "")
    assert summary_words(peers.national_summary["poverty_rate"]) in html


def test_radar_legend_says_how_many_of_the_group_answered(loiret_page):
    html, peers, group = loiret_page
    size = int((peers.groups == group).sum())
    assert f"Médiane des départements comparables : 7 ayant répondu sur {size}" in html
