"""« Ce qu'il faut retenir »: sentences written from the figures (none hard-coded)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from numeduc import reference
from numeduc.analysis import campaign, wording
from numeduc.analysis.campaign import analyse_campaign
from numeduc.analysis.peers import compute_peer_groups
from numeduc.demo.dataset import split_answers
from numeduc.demo.selfdiag import generate_selfdiag_campaign

BASE = dict(
    respondents=39,
    targeted=101,
    strongest=(5, 3.0),
    weakest=(7, 1.5),
    first_axis=(25.6, [1, 2, 13], []),
    group_sizes=[57, 42, 2],
    differing_factors=[],
)


def test_the_sentences_say_the_figures_given():
    points = wording.key_points(**BASE)
    assert 3 <= len(points) <= 5
    assert points[0].startswith("39 départements sur les 101 interrogés ont transmis leur réponse (38,6")
    assert points[1] == (
        "Les départements se disent les plus avancés en wifi des collèges (niveau médian 3 sur 4) "
        "et les moins avancés en budget par élève (niveau médian 1,5 sur 4)."
    )
    assert "25,6" in points[2] and "niveau d'ensemble" in points[2]
    assert "maturité des équipes, évaluation et suivi et coopération avec les collèges" in points[2]
    assert "3 groupes de pairs" in points[3] and "(57, 42 et 2 départements)" in points[3]
    assert "aucun facteur ne diffère nettement" in points[3]


def test_the_sentences_change_with_the_figures():
    other = wording.key_points(
        **{
            **BASE,
            "respondents": 60,
            "targeted": None,
            "strongest": (10, 4.0),
            "weakest": (3, 2.0),
            "first_axis": (40.0, [4, 5], [7]),
            "group_sizes": [30, 71],
            "differing_factors": [8],
        }
    )
    assert other[0] == "60 départements ont transmis leur réponse."
    assert "utilisation des équipements (niveau médian 4 sur 4)" in other[1]
    assert "accompagnement des utilisateurs (niveau médian 2 sur 4)" in other[1]
    assert (
        "oppose les départements avancés en internet des collèges et wifi des collèges à ceux avancés en budget"
        in other[2]
    )
    assert "2 groupes de pairs" in other[3] and "pour sécurisation des usages" in other[3]
    assert set(other).isdisjoint(wording.key_points(**BASE))


def test_equal_medians_say_no_factor_stands_out():
    points = wording.key_points(**{**BASE, "weakest": (5, 3.0)})
    assert points[1] == "Tous les facteurs ont le même niveau médian 3 sur 4 : aucun ne se détache."


@pytest.fixture(scope="module")
def demo_result():
    rows = generate_selfdiag_campaign(reference.departements(), 2017, seed=2017)
    answers = pd.DataFrame({code: split_answers(rows.loc[code])[0] for code in rows.index}).T
    peers = compute_peer_groups(reference.departements())
    return analyse_campaign(answers, reference.departements(), peer_groups=peers.groups), peers


def test_key_points_of_a_campaign_come_from_its_analysis(demo_result):
    result, peers = demo_result
    points = campaign.key_points(result, group_sizes=list(peers.sizes().values()), targeted=101)
    medians = result.levels.median()
    best, worst = int(medians.idxmax()), int(medians.idxmin())
    assert f"{result.n} départements sur les 101" in points[0]
    # the highest and lowest national medians are the ones named (ties broken by the mean)
    top = medians[medians == medians.max()].index
    bottom = medians[medians == medians.min()].index
    top_f = int(max(top, key=lambda f: (result.levels[f].mean(), -f)))
    bottom_f = int(min(bottom, key=lambda f: (result.levels[f].mean(), f)))
    assert wording.factor_label(top_f).lower()[:10] in points[1].lower()
    assert wording.factor_label(bottom_f).lower()[:10] in points[1].lower()
    assert best in top and worst in bottom
    percent = result.pca.axes[0].percent
    assert f"{percent:.1f}".replace(".", ",") in points[2]
    assert str(peers.sizes()[1]) in points[3]


def test_one_changed_answer_set_changes_the_sentences(demo_result):
    result, peers = demo_result
    before = campaign.key_points(result, group_sizes=[57, 42, 2])
    levels = result.levels.copy()
    weakest = int(levels.median().idxmin())
    levels[weakest] = 4.0  # everyone now says they are at the top on the weakest factor
    changed = campaign.key_points(
        campaign.CampaignAnalysis(**{**result.__dict__, "levels": levels}), group_sizes=[57, 42, 2]
    )
    assert changed[1] != before[1]
    assert (
        "plus avancés en " + wording.factor_label(weakest)[:1].lower() + wording.factor_label(weakest)[1:]
        in changed[1]
    )
    assert np.isclose(levels[weakest].median(), 4.0)
