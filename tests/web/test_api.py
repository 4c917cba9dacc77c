"""REST API: open data, token authentication, and the same refusals as the pages."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from numeduc.cli.main import app
from numeduc.web.accounts.models import ApiToken
from numeduc.web.surveys import services
from numeduc.web.surveys.models import Campaign
from numeduc.web.territories.models import Departement

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _, token = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_open_data_departements_with_sources(client, territories):
    rows = client.get("/api/v1/departements").json()
    assert len(rows) == 101
    loiret = next(r for r in rows if r["code"] == "45")
    assert loiret["indicators"]["poverty_rate"]["value"] == pytest.approx(12.6)
    assert "Filosofi" in loiret["indicators"]["poverty_rate"]["source"]
    mayotte = next(r for r in rows if r["code"] == "976")
    assert mayotte["indicators"]["density"]["value"] is None


def test_openapi_schema_is_served(client, territories):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/campaigns/{campaign_id}/departements/{code}/profile" in schema["paths"]


def test_token_authentication_and_refusals(client, users, campaign, full_answers):
    assert client.get("/api/v1/campaigns").status_code == 401
    assert client.get("/api/v1/campaigns", HTTP_AUTHORIZATION="Bearer nde_faux").status_code == 401
    response = services.response_for(campaign, departement=Departement.objects.get(code="45"))
    for item, value in full_answers().items():
        services.save_answer(
            response, item, value, "preuve" if item.startswith("f01") else None, users["loiret_editor"]
        )
    services.submit(response, users["loiret_editor"])

    own = client.get(f"/api/v1/responses/{response.pk}", **bearer(users["loiret_viewer"]))
    assert own.status_code == 200 and own.json()["status"] == "submitted"
    other = client.get(f"/api/v1/responses/{response.pk}", **bearer(users["nord_editor"]))
    assert other.status_code == 403 and "preuve" not in other.content.decode()
    profile_url = f"/api/v1/campaigns/{campaign.pk}/departements/45/profile"
    assert client.get(profile_url, **bearer(users["nord_editor"])).status_code == 403
    profile = client.get(profile_url, **bearer(users["loiret_editor"])).json()
    assert [f["level"] for f in profile["factors"]] == [3.0] * 13
    assert (
        client.get(f"/api/v1/campaigns/{campaign.pk}/national", **bearer(users["loiret_editor"])).status_code
        == 403
    )


def test_revoked_token_is_refused(client, users):
    headers = bearer(users["coordinator"])
    assert client.get("/api/v1/campaigns", **headers).status_code == 200
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert client.get("/api/v1/campaigns", **headers).status_code == 401


def test_national_medians_need_five_respondents(client, users, campaign_factory, full_answers):
    closed = campaign_factory(2017, Campaign.Status.CLOSED)
    headers = bearer(users["coordinator"])
    codes = ["45", "59", "50", "54"]
    for code in codes:
        response = services.response_for(closed, departement=Departement.objects.get(code=code))
        closed.status = Campaign.Status.OPEN
        closed.save()
        for item, value in full_answers(2).items():
            services.save_answer(response, item, value, None, users["coordinator"])
        services.submit(response, users["coordinator"])
    Campaign.objects.filter(pk=closed.pk).update(status=Campaign.Status.CLOSED)
    assert client.get(f"/api/v1/campaigns/{closed.pk}/national", **headers).status_code == 409


def test_cli_creates_a_token(users):
    result = CliRunner().invoke(app, ["users", "token", "coord@test.fr", "--name", "carnet"])
    assert result.exit_code == 0 and "nde_" in result.output
    assert ApiToken.objects.get(name="carnet").user == users["coordinator"]
