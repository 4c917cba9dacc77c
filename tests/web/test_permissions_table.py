"""Every rule of ``accounts/permissions.py`` as a role × object × action truth table, tested on
the rules directly; then a few refusals through the ``get_<object>_for`` fetch helpers over HTTP.

The page-level refusals (who gets 403 on which URL) are in test_permissions.py, test_planning.py
and test_usage_dashboard.py; this table is the reference of what each rule answers."""

from __future__ import annotations

import html
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from numeduc.web.accounts import permissions as p
from numeduc.web.accounts.models import Role, User
from numeduc.web.planning.models import Scenario
from numeduc.web.surveys.models import Campaign, Response
from numeduc.web.territories.models import College, Departement

from .conftest import PASSWORD, make_campaign, make_user

pytestmark = pytest.mark.django_db

ROLES = ["coord", "dan45", "dan59", "ed45", "vw45", "ed59", "vw59", "school45", "anon"]


def _row(*allowed: str) -> dict[str, bool]:
    return {role: role in allowed for role in ROLES}


DEP45 = ("coord", "ed45", "vw45")
EVERYONE = tuple(r for r in ROLES if r != "anon")

# (rule, object, action) -> roles allowed. The objects are built in ``world`` below.
TABLE: list[tuple[str, str, object, dict[str, bool]]] = [
    ("can_view_response", "response 45, open campaign", "response45", _row(*DEP45)),
    ("can_edit_response", "response 45, open campaign", "response45", _row("ed45")),
    ("can_edit_response", "response 45, closed campaign", "response45_closed", _row()),
    ("can_change_share_consent", "response 45", "response45", _row("ed45")),
    ("owns_response", "response 45", "response45", _row("ed45", "vw45")),
    ("can_view_response", "DAN response of Orléans-Tours", "dan_response", _row("coord", "dan45")),
    ("can_edit_response", "DAN response of Orléans-Tours", "dan_response", _row("dan45")),
    ("owns_response", "DAN response of Orléans-Tours", "dan_response", _row("dan45")),
    ("can_answer_campaign", "open département campaign", "open", _row("ed45", "ed59")),
    ("can_answer_campaign", "closed campaign", "published", _row()),
    ("can_view_departement_results", "results 45, open campaign", ("dep45", "open"), _row(*DEP45)),
    (
        "can_view_departement_results",
        "results 45, published campaign",
        ("dep45", "published"),
        _row(*DEP45, "dan45"),
    ),
    (
        "can_view_departement_results",
        "results 45, public campaign, consent given",
        ("dep45", "shared"),
        _row(*DEP45, "dan45", "ed59", "vw59"),
    ),
    ("views_results_as_shared", "results 45, public campaign", ("dep45", "shared"), _row("ed59", "vw59")),
    ("views_results_as_shared", "results 45, published campaign", ("dep45", "published"), _row()),
    ("can_manage_campaigns", "campaigns", None, _row("coord")),
    ("can_view_national_results", "open campaign", "open", _row("coord")),
    ("can_view_national_results", "published campaign", "published", _row(*EVERYONE)),
    ("reads_departement_documents", "département 45", "dep45", _row(*DEP45)),
    ("can_view_departement_budget", "budget 45", "dep45", _row(*DEP45)),
    ("can_edit_departement_budget", "budget 45", "dep45", _row("ed45")),
    ("can_view_scenario", "scenario of 45", "scenario45", _row(*DEP45)),
    ("can_edit_scenario", "scenario of 45", "scenario45", _row("ed45")),
    ("can_view_scenario", "scenario of 59", "scenario59", _row("coord", "ed59", "vw59")),
    ("can_view_usage_departement", "usage 45, its DAN let in", "dep45", _row(*DEP45, "dan45")),
    ("can_view_usage_departement", "usage 59", "dep59", _row("coord", "ed59", "vw59")),
    ("can_view_usage_college", "collège of 45", "college45", _row(*DEP45, "school45", "dan45")),
    ("can_view_usage_college", "collège of 59", "college59", _row("coord", "ed59", "vw59")),
    ("sees_every_departement", "lists of all départements", None, _row("coord")),
    ("is_departement_user", "home page", None, _row("ed45", "vw45", "ed59", "vw59")),
    ("is_dan", "home page", None, _row("dan45", "dan59")),
    ("is_school_head", "usage index", None, _row("school45")),
    ("can_view_plan", "plan of 45, an action with the DAN", "plan45", _row(*DEP45, "dan45")),
    ("can_view_plan", "plan of 45, shared, no DAN", "plan45_shared", _row(*DEP45, "ed59", "vw59")),
    ("views_plan_as_shared", "plan of 45, shared", "plan45_shared", _row("ed59", "vw59")),
    ("views_plan_as_shared", "plan of 45, not shared", "plan45", _row()),
    ("can_create_plan", "plans of 45", "dep45", _row("ed45")),
    ("can_edit_plan", "plan of 45", "plan45", _row("ed45")),
    ("can_change_plan_consent", "plan of 45", "plan45", _row("ed45")),
    ("can_comment_action", "action of 45 with the DAN", "action45_dan", _row("dan45")),
    ("can_comment_action", "action of 45 without the DAN", "action45_alone", _row()),
    ("can_view_plans_overview", "national view of the plans", None, _row("coord")),
    ("can_manage_college_survey", "survey link of a Loiret collège", "link45", _row("ed45", "school45")),
    ("can_manage_college_survey", "survey link of a Nord collège", "link59", _row("ed59")),
    ("can_read_experience_sheets", "published sheets", None, _row(*EVERYONE)),
    ("can_edit_experience_sheet", "Loiret's sheet", "dep45", _row("ed45")),
    ("reads_experience_drafts", "Loiret's draft sheet", "dep45", _row(*DEP45)),
    ("can_review_experience_sheets", "the review of the sheets", None, _row("coord")),
    ("is_evaluation_member", "Loiret, its DAN let in", "dep45", _row("dan45")),
    ("is_evaluation_member", "Nord, nobody let in", "dep59", _row()),
    ("is_evaluation_member", "Cher, the Loiret's DAN let in then revoked", "dep18", _row()),
    ("can_view_school_surveys", "Loiret's surveys", "dep45", _row(*DEP45, "dan45")),
    ("can_view_school_surveys", "Nord's surveys", "dep59", _row("coord", "ed59", "vw59")),
    ("can_open_school_survey", "a survey for Loiret", "dep45", _row("coord", "ed45")),
    ("can_grant_evaluation_access", "Loiret's evaluation group", "dep45", _row("ed45")),
    ("can_edit_shared_indicators", "Loiret's shared indicators", "dep45", _row("ed45", "dan45")),
    # success stories (numeduc.web.stories)
    ("can_write_story", "stories of 45", "dep45", _row("ed45")),
    ("can_edit_story", "story of 45", "story45_draft", _row("ed45")),
    ("can_view_story", "published story of 45", "story45_published", _row(*EVERYONE)),
    ("can_view_story", "draft story of 45", "story45_draft", _row(*DEP45)),
    # resources catalogue (numeduc.web.resources)
    ("can_curate_resources", "the catalogue of resources", None, _row("coord", "dan45", "dan59")),
    ("can_view_resource", "published resource", "resource_published", _row(*EVERYONE)),
    ("can_view_resource", "unpublished resource", "resource_draft", _row("coord", "dan45", "dan59")),
    ("can_give_feedback", "feedback of Loiret", "dep45", _row("ed45")),
    # evaluation (numeduc.web.evaluation)
    ("can_view_evaluation", "Loiret's strategies and pilots", "dep45", _row(*DEP45, "dan45", "school45")),
    ("can_view_evaluation", "Nord's strategies and pilots", "dep59", _row("coord", "ed59", "vw59")),
    (
        "can_view_college_evaluation",
        "a Loiret collège's rows",
        "college45",
        _row(*DEP45, "dan45", "school45"),
    ),
    ("can_view_college_evaluation", "a Nord collège's rows", "college59", _row("coord", "ed59", "vw59")),
    ("can_edit_evaluation", "Loiret's declarations and pilots", "dep45", _row("ed45")),
    (
        "can_view_pilot",
        "Loiret pilot with the school's collège",
        "pilot45_in",
        _row(*DEP45, "dan45", "school45"),
    ),
    ("can_view_pilot", "Loiret pilot without it", "pilot45_out", _row(*DEP45, "dan45")),
    ("can_view_national_strategies", "the national comparison", None, _row("coord")),
]


def make_scenario() -> Scenario:
    return Scenario.objects.create(
        departement=Departement.objects.get(code="45"),
        name="Livre blanc",
        base_preset="livre-blanc-2017",
        strategy="classe_mobile",
    )


@pytest.fixture
def world(users):
    loiret, nord = Departement.objects.get(code="45"), Departement.objects.get(code="59")
    cher = Departement.objects.get(code="18")
    college45 = College.objects.create(uai="0450001A", name="Collège du Loiret", departement=loiret)
    college59 = College.objects.create(uai="0590001X", name="Collège du Nord", departement=nord)
    school = User(
        email="principal@test.fr", username="principal@test.fr", role=Role.SCHOOL, college=college45
    )
    school.set_password(PASSWORD)
    school.save()
    people = {
        "coord": users["coordinator"],
        "dan45": users["dan_loiret"],
        "dan59": users["dan_other"],
        "ed45": users["loiret_editor"],
        "vw45": users["loiret_viewer"],
        "ed59": users["nord_editor"],
        "vw59": make_user("lecteur59@test.fr", Role.DEPARTEMENT_VIEWER, departement="59"),
        "school45": school,
        "anon": AnonymousUser(),
    }
    open_campaign = make_campaign(2019)
    published = make_campaign(2018, status=Campaign.Status.CLOSED, published=True)
    shared = make_campaign(2017, status=Campaign.Status.CLOSED, published=True, public=True)
    Response.objects.create(
        campaign=shared, departement=loiret, status=Response.Status.SUBMITTED, share_consent=True
    )
    objects = {
        "response45": Response.objects.create(campaign=open_campaign, departement=loiret),
        "response45_closed": Response(campaign=published, departement=loiret),
        "dan_response": Response(campaign=open_campaign, academie=loiret.academie),
        "open": open_campaign,
        "published": published,
        "shared": shared,
        "dep45": loiret,
        "dep59": nord,
        "dep18": cher,
        "scenario45": Scenario(departement=loiret, name="A"),
        "scenario59": Scenario(departement=nord, name="B"),
        "college45": college45,
        "college59": college59,
        "link45": SimpleNamespace(college=college45, college_id=college45.pk),
        "link59": SimpleNamespace(college=college59, college_id=college59.pk),
        "story45_published": SimpleNamespace(departement=loiret, is_published=True),
        "story45_draft": SimpleNamespace(departement=loiret, is_published=False),
        "resource_published": SimpleNamespace(published=True),
        "resource_draft": SimpleNamespace(published=False),
        "pilot45_in": SimpleNamespace(departement=loiret, includes_college=lambda pk: pk == college45.pk),
        "pilot45_out": SimpleNamespace(departement=loiret, includes_college=lambda pk: False),
    }
    objects.update(_plans(users["loiret_editor"], loiret))
    _evaluation_accesses(users, loiret, cher)
    return people, objects


def _evaluation_accesses(users, loiret, cher) -> None:
    from django.utils import timezone

    from numeduc.web.school_surveys.models import EvaluationAccess, EvaluationGroup

    group = EvaluationGroup.objects.create(departement=loiret)
    EvaluationAccess.objects.create(group=group, user=users["dan_loiret"], granted_by=users["loiret_editor"])
    # Cher is in the same académie as Loiret (Orléans-Tours): a revoked access lets nobody in.
    EvaluationAccess.objects.create(
        group=EvaluationGroup.objects.create(departement=cher),
        user=users["dan_loiret"],
        revoked_at=timezone.now(),
    )


def _plans(editor, loiret) -> dict:
    import datetime as dt

    from numeduc.web.action_plans import services

    common = {"owner": "Service éducation", "starts_on": dt.date(2024, 9, 1), "ends_on": dt.date(2025, 6, 30)}
    plan = services.create_plan(loiret, 2024, "Plan 2024", editor)
    with_dan = services.add_action(plan, {**common, "title": "Avec le DAN", "partners": ["dan"]}, editor)
    alone = services.add_action(plan, {**common, "title": "Seul", "partners": ["colleges"]}, editor)
    shared = services.create_plan(loiret, 2025, "Plan 2025", editor)
    services.add_action(shared, {**common, "title": "Sans le DAN"}, editor)
    services.set_plan_consent(shared, True, editor)
    shared.refresh_from_db()
    return {"plan45": plan, "plan45_shared": shared, "action45_dan": with_dan, "action45_alone": alone}


def test_every_rule_of_permissions_py_is_in_the_table():
    rules = {
        name
        for name, value in vars(p).items()
        if callable(value)
        and getattr(value, "__module__", "") == p.__name__
        and not name.startswith("_")
        and name.startswith(("can_", "owns_", "views_", "reads_", "sees_", "is_"))
    }
    # departement_shares_results, home_departement, answers_for_academie: object or value rules,
    # tested below; require and fetch_for: the refusal helpers, tested through HTTP.
    assert rules == {rule for rule, *_ in TABLE}


@pytest.mark.parametrize(
    "rule, what, obj, expected", TABLE, ids=[f"{rule}-{what}" for rule, what, *_ in TABLE]
)
def test_truth_table(world, rule, what, obj, expected):
    """One row: the rule's answer for each role of the demo (one database set-up per row)."""
    people, objects = world
    args = () if obj is None else tuple(objects[o] for o in (obj if isinstance(obj, tuple) else (obj,)))
    answers = {role: getattr(p, rule)(people[role], *args) for role in ROLES}
    assert answers == expected, f"{rule}(user, {what})"


@pytest.mark.parametrize(
    "role, code",
    [("ed45", "45"), ("vw45", "45"), ("ed59", "59"), ("vw59", "59")]
    + [(r, None) for r in ("coord", "dan45", "dan59", "school45", "anon")],
)
def test_home_departement(world, role, code):
    people, _ = world
    home = p.home_departement(people[role])
    assert (home.code if home else None) == code


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anon"])
def test_answers_for_academie(world, role):
    people, _ = world
    assert p.answers_for_academie(people[role]) is (role in ("dan45", "dan59"))


def test_departement_shares_results(world):
    _, objects = world
    loiret, nord = objects["dep45"], Departement.objects.get(code="59")
    assert p.departement_shares_results(loiret, objects["shared"])
    assert not p.departement_shares_results(nord, objects["shared"])  # no response, no consent
    assert not p.departement_shares_results(loiret, objects["published"])  # not public


# -- the fetch helpers over HTTP: 404 for what does not exist, 403 with the rule's message --


def test_fetch_helpers_refuse_with_the_same_status_and_message(client, login, world):
    people, objects = world
    scenario = make_scenario()
    login(people["ed59"])
    refusals = {
        reverse(
            "surveys:response", args=[objects["response45"].pk]
        ): "Cette réponse ne vous est pas accessible.",
        reverse("results:departement", args=[objects["open"].pk, "45"]): (
            "Les résultats de ce département ne vous sont pas accessibles."
        ),
        reverse("planning:scenario", args=[scenario.pk]): (
            "Les scénarios budgétaires de ce département ne vous sont pas accessibles."
        ),
        reverse("usage_dashboard:departement", args=["45"]): (
            "Les usages de ce département ne vous sont pas accessibles."
        ),
        reverse(
            "usage_dashboard:college", args=["0450001A"]
        ): "Les usages de ce collège ne vous sont pas accessibles.",
    }
    for url, message in refusals.items():
        answer = client.get(url)
        assert answer.status_code == 403, url
        assert message in answer.content.decode(), url
    assert client.get(reverse("surveys:response", args=[999999])).status_code == 404
    assert client.get(reverse("planning:scenario", args=[2**70])).status_code == 404
    assert client.get(reverse("usage_dashboard:college", args=["0000000Z"])).status_code == 404


def test_the_edit_action_of_a_scenario_refuses_its_viewer(client, login, world):
    people, objects = world
    scenario = make_scenario()
    login(people["vw45"])
    assert client.get(reverse("planning:scenario", args=[scenario.pk])).status_code == 200
    answer = client.post(reverse("planning:delete", args=[scenario.pk]))
    assert answer.status_code == 403
    assert "Seuls les éditeurs du département modifient ses scénarios." in answer.content.decode()


def test_the_api_fetches_through_the_same_helpers_with_the_same_sentences(client, login, world):
    """Each page refusal above, asked of the API with a token: the same status and the same
    French sentence in the JSON ``detail`` (the API calls the same get_<object>_for helpers)."""
    from numeduc.web.accounts.models import ApiToken

    people, objects = world
    scenario = make_scenario()
    _, token = ApiToken.issue(people["ed59"], "test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    published = objects["published"]
    pairs = [
        (
            reverse("surveys:response", args=[objects["response45"].pk]),
            f"/api/v1/responses/{objects['response45'].pk}",
            403,
        ),
        (
            reverse("results:departement", args=[objects["open"].pk, "45"]),
            f"/api/v1/campaigns/{objects['open'].pk}/departements/45/profile",
            403,
        ),
        (reverse("planning:scenario", args=[scenario.pk]), f"/api/v1/budget/scenarios/{scenario.pk}", 403),
        (reverse("planning:departement", args=["45"]), "/api/v1/budget/scenarios?departement=45", 403),
        (reverse("usage_dashboard:departement", args=["45"]), "/api/v1/usage/departements/45", 403),
        (reverse("usage_dashboard:college", args=["0450001A"]), "/api/v1/usage/colleges/0450001A", 403),
        (reverse("surveys:response", args=[999999]), "/api/v1/responses/999999", 404),
        (reverse("planning:scenario", args=[999999]), "/api/v1/budget/scenarios/999999", 404),
        (reverse("usage_dashboard:college", args=["0000000Z"]), "/api/v1/usage/colleges/0000000Z", 404),
    ]
    login(people["ed59"])
    for page_url, api_url, status in pairs:
        page = client.get(page_url)
        answer = client.get(api_url, **auth)
        assert page.status_code == answer.status_code == status, api_url
        detail = answer.json()["detail"]
        assert detail and not detail.startswith("No "), api_url  # never Django's English
        if status == 403:
            assert detail in html.unescape(page.content.decode()), api_url
    # The national aggregates of a campaign that is not published: the national page's sentence.
    draft = objects["open"]
    answer = client.get(f"/api/v1/campaigns/{draft.pk}/national", **auth)
    assert answer.status_code == 403
    assert answer.json()["detail"] in html.unescape(
        client.get(reverse("national:analysis", args=[draft.pk])).content.decode()
    )
    assert client.get(f"/api/v1/campaigns/{published.pk}/national", **auth).status_code in (200, 409)
