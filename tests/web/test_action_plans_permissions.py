"""Who reads, writes and comments a département's action plan: every role, every refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from numeduc.web.accounts.models import Role
from numeduc.web.action_plans import data, services
from numeduc.web.territories.models import Departement

from .conftest import make_user


@pytest.fixture
def plan_with_actions(users):
    editor = users["loiret_editor"]
    plan = services.create_plan(Departement.objects.get(code="45"), 2024, "Plan 2024", editor)
    common = {"owner": "Service éducation", "starts_on": dt.date(2024, 9, 1), "ends_on": dt.date(2025, 6, 30)}
    with_dan = services.add_action(plan, {**common, "title": "Avec le DAN", "partners": ["dan"]}, editor)
    alone = services.add_action(plan, {**common, "title": "Seul", "partners": ["colleges"]}, editor)
    return plan, with_dan, alone


def _allowed(call) -> bool:
    try:
        call()
    except PermissionDenied:
        return False
    return True


@pytest.mark.parametrize(
    ("who", "view", "edit", "consent"),
    [
        ("coordinator", True, False, False),
        ("loiret_editor", True, True, True),
        ("loiret_viewer", True, False, False),
        ("nord_editor", False, False, False),
        ("dan_loiret", True, False, False),  # an action names the DAN as partner
        ("dan_other", False, False, False),
    ],
)
def test_plan_rules_for_every_role(users, plan_with_actions, who, view, edit, consent):
    plan, _, _ = plan_with_actions
    user = users[who]
    assert _allowed(lambda: data.get_plan_for(user, plan.pk, "view")) is view
    assert _allowed(lambda: data.get_plan_for(user, plan.pk, "edit")) is edit
    assert _allowed(lambda: data.get_plan_for(user, plan.pk, "consent")) is consent


def test_refusals_say_why_in_french(users, plan_with_actions):
    plan, _, _ = plan_with_actions
    with pytest.raises(PermissionDenied, match="n'est pas consultable"):
        data.get_plan_for(users["nord_editor"], plan.pk, "view")
    with pytest.raises(PermissionDenied, match="Seuls les éditeurs du département"):
        data.get_plan_for(users["loiret_viewer"], plan.pk, "edit")
    with pytest.raises(Http404, match="introuvable"):
        data.get_plan_for(users["loiret_editor"], plan.pk + 1000, "view")
    with pytest.raises(Http404):
        data.get_plan_for(users["loiret_editor"], 2**64, "view")


def test_the_dan_comments_only_the_actions_it_is_partner_of(users, plan_with_actions):
    _, with_dan, alone = plan_with_actions
    dan = users["dan_loiret"]
    assert data.get_action_for(dan, with_dan.pk, "comment") == with_dan
    with pytest.raises(PermissionDenied, match="partenaire"):
        data.get_action_for(dan, alone.pk, "comment")
    with pytest.raises(PermissionDenied):
        data.get_action_for(users["dan_other"], with_dan.pk, "comment")
    with pytest.raises(PermissionDenied):
        data.get_action_for(users["loiret_editor"], with_dan.pk, "comment")


def test_without_a_dan_partner_the_dan_sees_nothing(users, plan_with_actions):
    plan, with_dan, _ = plan_with_actions
    services.update_action(with_dan, {"partners": ["colleges"]}, users["loiret_editor"])
    with pytest.raises(PermissionDenied):
        data.get_plan_for(users["dan_loiret"], plan.pk, "view")


def test_sharing_opens_the_plan_to_other_departements_and_withdrawing_closes_it(users, plan_with_actions):
    plan, _, _ = plan_with_actions
    nord = users["nord_editor"]
    assert services.set_plan_consent(plan, True, users["loiret_editor"])
    assert data.get_plan_for(nord, plan.pk, "view") == plan
    with pytest.raises(PermissionDenied):
        data.get_plan_for(nord, plan.pk, "edit")
    assert services.set_plan_consent(plan, False, users["loiret_editor"])
    with pytest.raises(PermissionDenied):
        data.get_plan_for(nord, plan.pk, "view")
    assert list(plan.events.filter(field="consent").values_list("new_value", flat=True)) == [False, True]


def test_school_heads_and_inactive_accounts_see_no_plan(users, plan_with_actions):
    plan, _, _ = plan_with_actions
    head = make_user("principal@test.fr", Role.SCHOOL, departement="45")
    with pytest.raises(PermissionDenied):
        data.get_plan_for(head, plan.pk, "view")
    viewer = users["loiret_viewer"]
    viewer.is_active = False
    viewer.save()
    with pytest.raises(PermissionDenied):
        data.get_plan_for(viewer, plan.pk, "view")


def test_only_the_departements_editors_create_its_plans(users):
    assert data.get_departement_plans_for(users["loiret_editor"], "45", "edit").code == "45"
    for who in ("loiret_viewer", "coordinator", "nord_editor", "dan_loiret"):
        with pytest.raises(PermissionDenied):
            data.get_departement_plans_for(users[who], "45", "edit")
