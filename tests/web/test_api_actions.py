"""The open-data action catalogue of the API (GET /api/v1/actions/catalogue)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_catalogue_is_open_data(client):
    response = client.get("/api/v1/actions/catalogue")
    assert response.status_code == 200
    actions = response.json()
    assert len(actions) >= 40
    for field in (
        "action",
        "family",
        "title",
        "factors",
        "why",
        "how",
        "prerequisites",
        "cost",
        "partners",
        "indicators",
        "source",
    ):
        assert field in actions[0]
    assert set(actions[0]["cost"]) >= {"investment", "running", "per"}


def test_the_api_and_the_cli_give_the_same_catalogue(client):
    import json

    from typer.testing import CliRunner

    from numeduc.cli.main import app

    printed = CliRunner().invoke(app, ["actions", "catalogue", "--format", "json"])
    assert printed.exit_code == 0, printed.output
    assert client.get("/api/v1/actions/catalogue").json() == json.loads(printed.output)


@pytest.fixture
def plan(users):
    import datetime as dt

    from numeduc.web.action_plans import services
    from numeduc.web.territories.models import Departement

    editor = users["loiret_editor"]
    plan = services.create_plan(Departement.objects.get(code="45"), 2024, "Plan 2024", editor)
    common = {"owner": "Service éducation", "starts_on": dt.date(2024, 9, 1), "ends_on": dt.date(2025, 6, 30)}
    action = services.add_action(
        plan,
        {**common, "title": "Avec le DAN", "partners": ["dan"], "running": "1000", "variant": "minimal"},
        editor,
    )
    services.add_action(
        plan, {**common, "title": "Câbler", "investment": "50000", "variant": "maximal"}, editor
    )
    services.set_status(action, "en_cours", "Lancée", editor, noted_on=dt.date(2024, 10, 1))
    return plan


def test_a_plan_with_its_actions_and_variants(client, users, plan):
    client.force_login(users["loiret_viewer"])
    body = client.get(f"/api/v1/plans/{plan.pk}").json()
    assert (body["title"], body["school_year"], body["demo"]) == ("Plan 2024", "2024-2025", False)
    assert [v["per_year"] for v in body["variants"]] == ["1000.00", "1000.00", "11000.00"]
    first = body["planned_actions"][0]
    assert (first["status"], first["yearly_cost"], first["partners"]) == ("en_cours", "1000.00", ["dan"])
    assert first["notes"] == [
        {"kind": "note", "text": "Lancée", "status": "en_cours", "noted_on": "2024-10-01"}
    ]
    listed = client.get("/api/v1/plans/departements/45").json()
    assert [(p["id"], p["actions"]) for p in listed] == [(plan.pk, 2)]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("loiret_editor", 200),
        ("loiret_viewer", 200),
        ("dan_loiret", 200),
        ("nord_editor", 403),
        ("dan_other", 403),
    ],
)
def test_who_reads_a_plan_through_the_api(client, users, plan, who, status):
    client.force_login(users[who])
    response = client.get(f"/api/v1/plans/{plan.pk}")
    assert response.status_code == status
    if status == 403:
        assert response.json()["detail"] == "Ce plan d'actions n'est pas consultable avec votre compte."


def test_sharing_opens_the_plan_and_refusals_are_json(client, users, plan):
    from numeduc.web.action_plans import services

    assert client.get(f"/api/v1/plans/{plan.pk}").status_code == 401
    client.force_login(users["nord_editor"])
    assert client.get("/api/v1/plans/departements/45").status_code == 403
    services.set_plan_consent(plan, True, users["loiret_editor"])
    assert client.get(f"/api/v1/plans/{plan.pk}").status_code == 200
    missing = client.get(f"/api/v1/plans/{plan.pk + 50}")
    assert missing.status_code == 404 and missing.json()["detail"] == "Plan d'actions introuvable."
    assert client.get("/api/v1/plans/departements/ZZ").status_code in (404, 422)
