"""The demo action plans: seeded, marked, replacing only demo plans, measurable by the demo logs."""

from __future__ import annotations

import datetime as dt
import inspect
import itertools

import pytest
from django.test import RequestFactory

from numeduc import reference
from numeduc.web.action_plans import services
from numeduc.web.action_plans.demo import load_demo_plans
from numeduc.web.action_plans.models import ActionNote, Plan, PlanEvent, PlannedAction
from numeduc.web.demo import DEMO_PASSWORD, load_demo
from numeduc.web.surveys.models import Campaign, Response
from numeduc.web.territories.models import College, Departement
from numeduc.web.usage_dashboard.demo import load_demo_usage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(territories):
    """The demo instance, with the Loiret's public collèges of the referential in the database
    (the test set-up skips the collèges)."""
    loiret = Departement.objects.get(code="45")
    rows = reference.colleges(public_only=True).query("departement_code == '45'")
    College.objects.bulk_create(
        College(uai=r.uai, name=r.name, departement=loiret, public=True) for r in rows.itertuples()
    )
    return load_demo()


def snapshot() -> list[tuple]:
    return [
        (
            plan.departement.code,
            plan.year,
            plan.share_consent,
            [
                (a.catalogue_id, a.factor, a.baseline_level, a.target_level, a.status, a.starts_on, a.ends_on)
                for a in plan.actions.order_by("position")
            ],
            sorted((n.text, n.noted_on.isoformat()) for n in ActionNote.objects.filter(action__plan=plan)),
        )
        for plan in Plan.objects.filter(is_demo=True)
        .select_related("departement")
        .order_by("departement__code")
    ]


def test_demo_plans_seeded_replaced_and_shared(demo, client):
    assert demo["action_plans"] == Plan.objects.filter(is_demo=True).count()
    real = services.create_plan(Departement.objects.get(code="59"), 2019, "Plan réel", None)
    first = snapshot()
    plans = load_demo_plans()
    assert snapshot() == first  # same seed, same plans, actions, statuses and notes
    assert Plan.objects.filter(pk=real.pk, is_demo=False).exists()  # a real plan survives
    assert all(plan.is_demo for plan in plans)
    assert load_demo_plans(seed=3) and snapshot() != first  # another seed, other plans
    load_demo_plans()

    demo_plans = Plan.objects.filter(is_demo=True)
    assert not demo_plans.filter(departement__code="59").exists()
    c2017 = Campaign.objects.get(is_demo=True, year=2017, questionnaire_slug="autodiagnostic")
    c2018 = Campaign.objects.get(is_demo=True, year=2018, questionnaire_slug="autodiagnostic")
    both = set(
        Response.objects.filter(campaign=c2017, status=Response.Status.SUBMITTED).values_list(
            "departement__code", flat=True
        )
    ) & set(
        Response.objects.filter(campaign=c2018, status=Response.Status.SUBMITTED).values_list(
            "departement__code", flat=True
        )
    )
    of_2017 = demo_plans.filter(year=2017)
    assert 10 <= of_2017.count() <= 14
    assert 2 <= of_2017.filter(share_consent=True).count() <= 3
    by_code: dict[str, set[str]] = {}
    for plan in of_2017.select_related("departement"):
        code = plan.departement.code
        assert code in both and code not in ("45", "59")
        assert plan.baseline_campaign == c2017
        actions = list(plan.actions.all())
        assert 3 <= len(actions) <= 6
        assert sum(a.status == PlannedAction.Status.ABANDONED for a in actions) <= 1
        assert sum(a.status == PlannedAction.Status.DONE for a in actions) >= len(actions) / 2
        for action in actions:
            assert action.catalogue_id and action.baseline_level is not None
            assert action.target_level > action.baseline_level
            assert dt.date(2017, 9, 1) <= action.starts_on <= action.ends_on <= dt.date(2018, 6, 30)
            if action.status != PlannedAction.Status.PLANNED:
                assert action.notes.filter(status=action.status).exists()
        by_code[code] = {a.catalogue_id for a in actions}
    statuses = list(PlannedAction.objects.filter(plan__in=of_2017).values_list("status", flat=True))
    assert statuses.count(PlannedAction.Status.DONE) > len(statuses) / 2

    # At least five départements share at least three catalogue actions (the national view).
    counts: dict[str, int] = {}
    for ids in by_code.values():
        for action_id in ids:
            counts[action_id] = counts.get(action_id, 0) + 1
    common = [a for a, n in counts.items() if n >= 5]
    assert any(
        sum(set(triple) <= ids for ids in by_code.values()) >= 5
        for triple in itertools.combinations(sorted(common), 3)
    )

    # The coordinator's national view shows them (rows over five départements or more).
    assert client.login(
        request=RequestFactory().post("/compte/connexion/"),
        email="coordination@demo.numeduc.fr",
        password=DEMO_PASSWORD,
    )
    national = client.get("/plans/national/?donnees=demo")
    assert national.status_code == 200 and national.context["demo"]
    assert national.context["shown"] >= 3
    assert "données de démonstration" in national.content.decode().lower()

    notes = ActionNote.objects.filter(action__plan__is_demo=True)
    assert notes.exists() and all(text.startswith("[démo]") for text in notes.values_list("text", flat=True))
    descriptions = PlannedAction.objects.filter(plan__is_demo=True).values_list("description", flat=True)
    assert all(text.startswith("[démo]") for text in descriptions)
    events = PlanEvent.objects.filter(plan__is_demo=True)
    assert not events.filter(changed_by__isnull=False).exists()
    assert events.filter(changed_at__year=2017).exists() and events.filter(changed_at__year=2024).exists()


def test_loiret_demo_plan_measurable_and_shown(demo, client):
    plan = Plan.objects.get(is_demo=True, departement__code="45")
    assert plan.year == 2024 and plan.title == "Plan d'actions numérique 2024-2025"
    assert plan.baseline_campaign.year == 2017
    actions = list(plan.actions.all())
    assert 5 <= len(actions) <= 7
    assert {a.status for a in actions} <= {PlannedAction.Status.IN_PROGRESS, PlannedAction.Status.PLANNED}
    assert any(not a.notes.exists() for a in actions)  # one action nobody has commented yet
    assert [a.scenario.name for a in actions if a.scenario] == ["BYOD sur les collèges du Loiret"]

    # The demo logs' months (load_demo_usage's defaults) fall within the usage targets' dates.
    defaults = inspect.signature(load_demo_usage).parameters
    first = dt.date.fromisoformat(defaults["start_month"].default + "-01")
    months = defaults["months"].default
    last = dt.date(first.year + (first.month + months - 2) // 12, (first.month + months - 2) % 12 + 1, 28)
    targets = [a for a in actions if a.usage_indicator]
    assert len(targets) >= 2
    assert {(a.usage_comparison, a.usage_target) for a in targets} >= {("ge", 0.6), ("le", 0.5)}
    loiret_public = College.objects.filter(departement__code="45", public=True).order_by("uai")
    for action in targets:
        assert action.usage_profile in {"ELEVE", "PARENT"}
        named = list(action.usage_colleges.order_by("uai"))
        assert 3 <= len(named) <= 4 and named == list(loiret_public[: len(named)])
        assert action.starts_on <= first and last <= action.ends_on

    assert client.login(
        request=RequestFactory().post("/compte/connexion/"),
        email="loiret@demo.numeduc.fr",
        password=DEMO_PASSWORD,
    )
    page = client.get(f"/plans/{plan.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "données de démonstration" in html
    assert "numérique 2024-2025" in html
