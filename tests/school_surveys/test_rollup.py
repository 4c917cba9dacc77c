"""Roll-ups of a school survey against a hand computation, and declared vs measured."""

from __future__ import annotations

import pandas as pd
import pytest

from numeduc.school_surveys.anonymity import CollegePlace
from numeduc.school_surveys.rollup import DeclaredMeasured, summarise

PLACES = {
    "A": CollegePlace("45", "rural"),
    "B": CollegePlace("45", "urbain"),
    "C": CollegePlace("18", "rural"),
}


def _answers(uai: str, values: list[str], start: int, item: str = "notes") -> list[dict]:
    return [
        {"response": f"{uai}{start + i}", "uai": uai, "audience": "eleve", "item": item, "value": v}
        for i, v in enumerate(values)
    ]


def test_shares_per_collège_département_group_and_nation_by_hand():
    rows = (
        _answers("A", ["souvent"] * 6 + ["jamais"] * 2, 0)
        + _answers("B", ["souvent"] * 3 + ["jamais"] * 7, 0)
        + _answers("C", ["jamais"] * 5, 0)
    )
    _, cells = summarise(pd.DataFrame(rows), PLACES)
    a = cells[("college", "A", "eleve")]
    assert a.shown and a.n == 8 and a.items["notes"].share("souvent") == pytest.approx(6 / 8)
    loiret = cells[("departement", "45", "eleve")]
    assert loiret.n == 18 and loiret.items["notes"].share("souvent") == pytest.approx(9 / 18)
    rural = cells[("groupe", "rural", "eleve")]
    assert rural.n == 13 and rural.items["notes"].share("jamais") == pytest.approx(7 / 13)
    nation = cells[("national", "", "eleve")]
    assert nation.n == 23 and nation.items["notes"].counts == {"jamais": 14, "souvent": 9}


def test_a_hidden_cell_has_no_distribution_and_an_optional_item_below_five_is_hidden():
    rows = (
        _answers("A", ["souvent"] * 3, 0)
        + _answers("B", ["oui"] * 10, 0)
        + _answers("B", ["x"] * 4, 0, "aide")
    )
    _, cells = summarise(pd.DataFrame(rows), PLACES)
    assert not cells[("college", "A", "eleve")].shown and cells[("college", "A", "eleve")].items == {}
    b = cells[("college", "B", "eleve")]
    assert not b.shown  # Loiret − B would give A's three answers
    nation = cells[("national", "", "eleve")]
    assert nation.shown and nation.items["aide"].counts is None and nation.items["aide"].answered == 4


def test_bad_frames_are_refused_in_french():
    with pytest.raises(ValueError, match="colonnes manquantes"):
        summarise(pd.DataFrame({"uai": ["A"]}), PLACES)
    with pytest.raises(ValueError, match="collèges inconnus"):
        summarise(pd.DataFrame(_answers("Z", ["a"] * 5, 0)), PLACES)


def test_declared_beside_measured_in_plain_words():
    close = DeclaredMeasured(0.62, 0.58, "des élèves disent lire leurs notes en ligne", "des élèves")
    assert "concordent" in close.sentence
    over = DeclaredMeasured(0.8, 0.3, "des élèves disent lire leurs notes en ligne", "des élèves")
    assert over.gap == pytest.approx(0.5) and "50 points d'écart" in over.sentence
    under = DeclaredMeasured(0.2, 0.6, "disent", "ont ouvert le service")
    assert "plus que" in under.sentence
    assert "Pas assez" in DeclaredMeasured(None, 0.5, "", "").sentence
    assert "Pas de journaux" in DeclaredMeasured(0.5, None, "", "").sentence
