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
