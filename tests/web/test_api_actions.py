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
