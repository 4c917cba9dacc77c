"""Follow-up measured, not declared: a plan's factor levels at the next campaign, and its usage
targets against the logs of the named collèges (the core's figures, on the page as computed)."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse

from numeduc.actions.followup import CAVEAT
from numeduc.web.action_plans import followup, services
from numeduc.web.surveys.models import Response
from numeduc.web.territories.models import Departement

from .conftest import USAGE_MONTH_1, USAGE_MONTH_2, full_answers, make_campaign, submit_response

SPAN = {"owner": "Service éducation", "starts_on": dt.date(2024, 9, 1), "ends_on": dt.date(2025, 6, 30)}


def _page(client, user, plan) -> str:
    client.force_login(user)
    response = client.get(reverse("action_plans:plan", args=[plan.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def campaigns(territories):
    c2017 = make_campaign(2017, status="closed")
    c2018 = make_campaign(2018)
    submit_response(c2017, "45", full_answers(1))
    return c2017, c2018


@pytest.fixture
def factor_plan(users, campaigns):
    c2017, _ = campaigns
    editor = users["loiret_editor"]
    plan = services.create_plan(
        Departement.objects.get(code="45"), 2024, "Plan 2024", editor, baseline_campaign=c2017
    )
    services.add_action(
        plan,
        {**SPAN, "title": "Former les référents", "factor": "f07", "target_level": 3},
        editor,
        baseline_level=1,
    )
    return plan


def test_before_the_next_campaign_nothing_is_claimed(client, users, factor_plan):
    page = _page(client, users["loiret_editor"], factor_plan)
    assert "Suivi mesuré" in page
    assert "pas encore de réponse à une campagne suivante" in page
    assert "en hausse" not in page


def test_a_draft_of_the_next_campaign_does_not_count(users, campaigns, factor_plan):
    _, c2018 = campaigns
    response = submit_response(c2018, "45", full_answers(2))
    Response.objects.filter(pk=response.pk).update(status=Response.Status.DRAFT)
    assert followup.next_campaign(factor_plan) is None


def test_the_next_campaign_shows_the_level_moved_with_the_caveat(client, users, campaigns, factor_plan):
    _, c2018 = campaigns
    submit_response(c2018, "45", full_answers(2))
    measured = followup.plan_followup(factor_plan, users["loiret_editor"])
    (check,) = measured.factors.values()
    assert (check.baseline_level, check.level_now, check.direction, check.target_met) == (
        1,
        2,
        "hausse",
        False,
    )
    page = _page(client, users["loiret_editor"], factor_plan)
    assert "Niveau 1 → 2 à « Autodiagnostic 2018 » : en hausse ; cible 3 pas encore atteinte." in page
    assert "entre « Autodiagnostic 2017 » et « Autodiagnostic 2018 »" in page
    assert CAVEAT in page
    # The same sentence in the exports and on the printable page.
    csv = client.get(reverse("action_plans:plan_export", args=[factor_plan.pk, "csv"])).content.decode(
        "utf-8-sig"
    )
    assert "Suivi mesuré du facteur" in csv and "Niveau 1 → 2 à « Autodiagnostic 2018 » : en hausse" in csv
    printed = html.unescape(
        client.get(reverse("action_plans:plan_print", args=[factor_plan.pk])).content.decode()
    )
    assert "Niveau 1 → 2 à « Autodiagnostic 2018 » : en hausse" in printed and CAVEAT in printed


def test_a_reached_target_and_a_fall_are_said_as_such(client, users, campaigns, factor_plan):
    _, c2018 = campaigns
    submit_response(c2018, "45", full_answers(3))
    editor = users["loiret_editor"]
    services.add_action(
        factor_plan, {**SPAN, "title": "Autre", "factor": "f02", "target_level": 4}, editor, baseline_level=4
    )
    page = _page(client, editor, factor_plan)
    assert "Niveau 1 → 3 à « Autodiagnostic 2018 » : en hausse ; cible 3 atteinte." in page
    assert "Niveau 4 → 3 à « Autodiagnostic 2018 » : en baisse ; cible 4 pas encore atteinte." in page
    assert "dont 1 en hausse, 1 en baisse, 1 à leur niveau visé" in page


# -- usage targets against the logs ------------------------------------------------------------


def _pooled(expected, indicator, profile, uai, months) -> float:
    rows = expected[
        (expected["indicator"] == indicator)
        & (expected["profile"] == profile)
        & (expected["uai"] == uai)
        & expected["month"].isin(months)
    ]
    return float(rows["numerator"].sum() / rows["denominator"].sum())


def _usage_action(plan, editor, colleges, target, **extra):
    fields = {
        **SPAN,
        "title": "Faire vivre l'ENT",
        "usage_indicator": "monthly_active_rate",
        "usage_profile": "ELEVE",
        "usage_comparison": "ge",
        "usage_target": target,
        "usage_colleges": colleges,
        **extra,
    }
    return services.add_action(plan, fields, editor)


@pytest.fixture
def usage_plan(world):
    return services.create_plan(Departement.objects.get(code="45"), 2024, "Plan 2024", world["loiret_editor"])


def test_the_usage_target_is_checked_collège_by_collège_from_the_logs(client, world, expected, usage_plan):
    a, b = sorted(world["colleges"], key=lambda c: c.uai)[:2]
    months = [USAGE_MONTH_1, USAGE_MONTH_2]
    value_a, value_b = (_pooled(expected, "monthly_active_rate", "ELEVE", c.uai, months) for c in (a, b))
    assert value_a != value_b
    target = (value_a + value_b) / 2  # exactly one collège of the two reaches it
    action = _usage_action(usage_plan, world["loiret_editor"], [a, b], target)

    measured = followup.plan_followup(usage_plan, world["loiret_editor"]).usage[action.pk]
    assert measured.followup.values == pytest.approx({a.uai: value_a, b.uai: value_b}, abs=1e-12)
    assert (measured.followup.first_month, measured.followup.last_month) == tuple(months)
    assert measured.followup.met_count == 1 and measured.followup.met is False
    assert {line.uai: line.met for line in measured.colleges} == {
        a.uai: value_a >= target,
        b.uai: value_b >= target,
    }
    assert all("collèges" in line.group for line in measured.colleges)  # the referential is named

    page = _page(client, world["loiret_editor"], usage_plan)
    assert "1 collège sur 2 atteint la cible" in page and "octobre 2024 – novembre 2024" in page
    assert a.name in page and b.name in page and "Médiane du référentiel" in page


def test_an_at_most_target_and_a_collège_without_logs(world, users, usage_plan):
    from numeduc.web.territories.models import College

    a = sorted(world["colleges"], key=lambda c: c.uai)[0]
    silent = College.objects.create(uai="0459999Z", name="Collège sans journaux", departement=a.departement)
    action = _usage_action(
        usage_plan,
        world["loiret_editor"],
        [a, silent],
        0.999,
        usage_indicator="parents_never_grades_share",
        usage_profile="PARENT",
        usage_comparison="le",
    )
    check = followup.plan_followup(usage_plan, world["loiret_editor"]).usage[action.pk].followup
    assert check.with_data_count == 1 and check.without_data_count == 1
    assert check.sentence.endswith("; 1 sans journaux.")


def test_an_action_outside_the_logs_months_says_so(world, usage_plan):
    a = world["colleges"][0]
    action = _usage_action(
        usage_plan,
        world["loiret_editor"],
        [a],
        0.5,
        starts_on=dt.date(2023, 9, 1),
        ends_on=dt.date(2024, 6, 30),
    )
    check = followup.plan_followup(usage_plan, world["loiret_editor"]).usage[action.pk]
    assert check.followup is None
    assert check.message.startswith("Aucun journal sur la période de l'action (septembre 2023 – juin 2024)")
    assert "octobre 2024 – novembre 2024" in check.message


def test_a_per_profile_indicator_without_its_profile_asks_for_it(world, usage_plan):
    action = _usage_action(usage_plan, world["loiret_editor"], [world["colleges"][0]], 0.5, usage_profile="")
    check = followup.plan_followup(usage_plan, world["loiret_editor"]).usage[action.pk]
    assert check.followup is None and "précisez qui est compté" in check.message


def test_without_a_warehouse_the_target_waits_for_the_logs(users, territories, settings, tmp_path):
    from numeduc.web.territories.models import College
    from numeduc.web.usage_dashboard import store

    settings.USAGE_WAREHOUSE_ROOT = tmp_path
    store.clear_memo()
    loiret = Departement.objects.get(code="45")
    college = College.objects.create(uai="0450001A", name="Collège A", departement=loiret)
    plan = services.create_plan(loiret, 2024, "Plan 2024", users["loiret_editor"])
    action = _usage_action(plan, users["loiret_editor"], [college], 0.6)
    check = followup.plan_followup(plan, users["loiret_editor"]).usage[action.pk]
    assert check.followup is None and "Pas encore de journaux d'usage" in check.message


def test_another_departement_reading_a_shared_plan_gets_the_sentence_not_the_collèges(
    client, world, usage_plan
):
    a = world["colleges"][0]
    _usage_action(usage_plan, world["loiret_editor"], [a], 0.5)
    services.set_plan_consent(usage_plan, True, world["loiret_editor"])
    page = _page(client, world["nord_editor"], usage_plan)
    assert "collège sur 1" in page
    assert a.uai not in page and "Médiane du référentiel" not in page
    page = _page(client, world["loiret_viewer"], usage_plan)
    assert a.uai in page and "Médiane du référentiel" in page
