"""Writes of the action plans (numeduc.web.action_plans.services): values checked, history kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from numeduc.web.action_plans import services
from numeduc.web.action_plans.models import PlanEvent, PlannedAction
from numeduc.web.territories.models import Departement


def _fields(**extra) -> dict:
    return {
        "title": "Former les référents numériques",
        "owner": "Service éducation",
        "starts_on": dt.date(2024, 9, 1),
        "ends_on": dt.date(2025, 6, 30),
        "factor": "f07",
        "target_level": 3,
        "investment": "10000",
        "running": "2000",
        "partners": ["dan", "colleges"],
        **extra,
    }


@pytest.fixture
def plan(users):
    return services.create_plan(Departement.objects.get(code="45"), 2024, "Plan 2024", users["loiret_editor"])


def test_an_action_is_added_changed_and_every_change_is_in_the_history(plan, users):
    editor = users["loiret_editor"]
    action = services.add_action(plan, _fields(), editor, baseline_level=1)
    assert action.yearly_cost == Decimal("4000.00")
    changed = services.update_action(action, {"owner": "Mme Dupont", "target_level": 4}, editor, version=1)
    assert set(changed) == {"owner", "target_level"}
    action.refresh_from_db()
    assert (action.owner, action.target_level, action.version) == ("Mme Dupont", 4, 2)
    fields = set(PlanEvent.objects.filter(plan=plan).values_list("field", flat=True))
    assert {"created", "owner", "target_level"} <= fields
    with pytest.raises(services.StaleVersion):
        services.update_action(action, {"owner": "Autre"}, editor, version=1)
    action.refresh_from_db()
    assert action.owner == "Mme Dupont"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"title": ""}, "title"),
        ({"target_level": 5}, "target_level"),
        ({"ends_on": dt.date(2024, 1, 1)}, "ends_on"),
        ({"investment": "1e30"}, "investment"),
        ({"running": "-1"}, "running"),
        ({"partners": ["inconnu"]}, "partners"),
        ({"usage_indicator": "monthly_active_rate"}, "usage_target"),
        ({"usage_indicator": "nope", "usage_target": 1}, "usage_indicator"),
        ({"usage_indicator": "monthly_active_rate", "usage_target": "nan"}, "usage_target"),
        ({"owner": "a\x00b"}, "owner"),
    ],
)
def test_refused_values_name_their_field_and_write_nothing(plan, users, extra, field):
    with pytest.raises(services.PlanRefused) as refused:
        services.add_action(plan, _fields(**extra), users["loiret_editor"])
    assert refused.value.field == field
    assert not PlannedAction.objects.filter(plan=plan).exists()


def test_abandoning_needs_a_reason_and_status_notes_are_dated(plan, users):
    editor = users["loiret_editor"]
    action = services.add_action(plan, _fields(), editor)
    with pytest.raises(services.PlanRefused):
        services.set_status(action, PlannedAction.Status.ABANDONED, "", editor)
    assert services.set_status(
        action, PlannedAction.Status.IN_PROGRESS, "Lancée", editor, noted_on=dt.date(2024, 10, 1)
    )
    note = action.notes.get()
    assert (note.status, note.noted_on) == (PlannedAction.Status.IN_PROGRESS, dt.date(2024, 10, 1))


def test_one_plan_per_departement_and_year(plan, users):
    with pytest.raises(services.PlanRefused):
        services.create_plan(plan.departement, 2024, "Encore", users["loiret_editor"])
