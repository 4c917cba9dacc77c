"""The built-in catalogue: valid, big enough, and covering every factor."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from numeduc.actions import FACTOR_IDS, FAMILIES, load_catalogue
from numeduc.actions.loader import PAPER_LINE_COUNT

PAPER = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "livre-blanc-adf-2017.txt"
# The white paper's eight département sheets: INSEE code -> first and last line of the sheet.
SHEETS = {
    "45": (1276, 1393),  # Loiret
    "50": (1394, 1551),  # Manche
    "54": (1552, 1744),  # Meurthe-et-Moselle
    "59": (1745, 1893),  # Nord
    "64": (1894, 2034),  # Pyrénées-Atlantiques
    "71": (2035, 2140),  # Saône-et-Loire
    "90": (2141, 2249),  # Territoire de Belfort
    "93": (2250, 2392),  # Seine-Saint-Denis
}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_the_built_in_catalogue_has_at_least_40_actions_in_the_five_families(catalogue):
    assert len(catalogue) >= 40
    assert {a.family for a in catalogue} == set(FAMILIES)
    # Listed in the white paper's order of the families, whatever the file names.
    families = [a.family for a in catalogue]
    assert families == sorted(families, key=list(FAMILIES).index)
    assert families[0] == "gouvernance" and families[-1] == "lancement"


def test_every_factor_is_the_target_of_at_least_two_actions(catalogue):
    counts = Counter(factor for action in catalogue for factor in action.factor_ids)
    assert {f: counts[f] for f in FACTOR_IDS if counts[f] < 2} == {}


def test_every_factor_has_an_action_for_each_level_below_the_top(catalogue):
    # A département at level 1, 2 or 3 on any factor is offered at least one action for it.
    missing = [
        (factor, level)
        for factor in FACTOR_IDS
        for level in (1, 2, 3)
        if not any(
            t.factor == factor and t.from_level <= level < t.to_level for a in catalogue for t in a.factors
        )
    ]
    assert missing == []


def test_bandwidth_comes_before_devices(catalogue):
    assert "wifi-salles" in catalogue.get("classes-mobiles").prerequisites
    assert "raccordement-fibre" in catalogue.get("wifi-salles").prerequisites


def test_sheet_references_fall_inside_their_departements_sheet(catalogue):
    wrong = [
        (action.id, sheet.departement, sheet.lines)
        for action in catalogue
        for sheet in action.source.sheets
        if sheet.departement not in SHEETS
        or not SHEETS[sheet.departement][0]
        <= sheet.lines[0]
        <= sheet.lines[1]
        <= SHEETS[sheet.departement][1]
    ]
    assert wrong == []
    # A source that names a sheet points inside that sheet too.
    for action in catalogue:
        if action.source.section.startswith("Fiche département"):
            assert any(s.lines == action.source.lines for s in action.source.sheets), action.id


def test_texts_are_short_and_plain(catalogue):
    for action in catalogue:
        assert len(action.title) <= 100, action.id
        assert len(action.why) <= 250 and len(action.how) <= 300, action.id
        assert action.why.endswith(".") and action.how.endswith("."), action.id


@pytest.mark.skipif(not PAPER.exists(), reason="the white paper's text is not in this checkout")
def test_sources_point_inside_the_white_paper(catalogue):
    # Numbered like grep and sed do: on line feeds only (the text also holds lone carriage
    # returns, which read_text and splitlines would count as line ends).
    text = PAPER.read_bytes().decode("utf-8")
    assert text.count("\n") == PAPER_LINE_COUNT
    lines = text.split("\n")
    for action in catalogue:
        first, last = action.source.lines
        assert "".join(lines[first - 1 : last]).strip(), action.id
        for sheet in action.source.sheets:
            first, last = sheet.lines
            assert "".join(lines[first - 1 : last]).strip(), (action.id, sheet)
