"""« Que faire maintenant ? » on a département's results page: the first actions that
numeduc.actions.suggest ranks for the page's own profile, with their reasons."""

from __future__ import annotations

import pytest

from numeduc.actions import Situation, load_catalogue, suggest
from numeduc.questionnaires import load_questionnaire
from numeduc.web.results import presenters
from numeduc.web.surveys.models import Campaign

from .conftest import submit_response
from .test_place_names import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign_with_loiret_behind(territories, full_answers, campaign_factory):
    """Six départements at level 3 everywhere, the Loiret at level 1 on the first three factors."""
    campaign = campaign_factory(2017, Campaign.Status.CLOSED)
    factor_items = {i.factor: i.id for i in load_questionnaire("autodiagnostic").factor_items()}
    for code in ("45", "14", "37", "78", "75", "59"):
        answers = full_answers(3)
        if code == "45":
            for factor in (1, 2, 3):
                answers[factor_items[factor]] = "1"
        submit_response(campaign, code, answers)
    return campaign


def test_the_results_page_says_what_to_do_next(client, login, users, campaign_with_loiret_behind):
    login(users["loiret_editor"])
    page = text_of(client.get(f"/resultats/{campaign_with_loiret_behind.pk}/departements/45/"))
    assert "Que faire maintenant ?" in page
    response = client.get(f"/resultats/{campaign_with_loiret_behind.pk}/departements/45/")
    profile = response.context["profile"]
    expected = suggest(load_catalogue(), Situation.from_factor_results(profile.factors), limit=3)
    steps = response.context["next_steps"]
    assert [s["title"] for s in steps] == [s.action.title for s in expected] and len(steps) == 3
    for step, suggestion in zip(steps, expected, strict=True):
        assert step["title"] in page and step["reason"] in page
        # Only the weak factors (1 to 3) can be behind: the reason names one of them.
        assert suggestion.factor in ("f01", "f02", "f03")
        assert suggestion.target_level > suggestion.level
        assert step["source"].startswith("Livre blanc ADF 2017")


def test_next_steps_leave_out_the_page_own_sheet_and_reached_levels(territories):
    class Row:
        def __init__(self, factor, level):
            self.factor, self.level = factor, level
            self.peer_median = self.national_median = 4.0
            self.previous_level = None

    class Profile:
        factors = [Row(f, 4.0) for f in range(1, 14)]

    # Every factor at the top level: nothing left to suggest.
    assert presenters.next_steps(Profile(), "45") == []
    Profile.factors = [Row(f, 1.0 if f == 7 else 4.0) for f in range(1, 14)]
    steps = presenters.next_steps(Profile(), "45", limit=5)
    assert steps and all("(45)" not in name for s in steps for name in s["sheets"])
