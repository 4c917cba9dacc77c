"""Schemathesis against the live API, with every check (`--checks all`), on the coordinator's
token and on a département editor's: every status an endpoint answers must be in the OpenAPI
schema, every body must match it, valid input must never be refused with a 422 nor invalid
input accepted, no 500, and authentication must be enforced.

Bounded: at most MAX_EXAMPLES test cases per operation and phase, MAX_TIME seconds per token
(schemathesis spends the whole budget on fuzzing and stateful testing), and a hard timeout on
the process.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.request

import pandas as pd
import pytest

from numeduc.demo.usage import generate
from numeduc.web.accounts.models import ApiToken, Role, User
from numeduc.web.planning.models import Scenario
from numeduc.web.surveys import services
from numeduc.web.surveys.models import Campaign, Response
from numeduc.web.territories.loading import load_reference
from numeduc.web.territories.models import College, Departement
from numeduc.web.usage_dashboard import store
from numeduc.web.usage_dashboard.demo import build_warehouse

from .conftest import full_answers, make_campaign

# Sequences reset: the ids of the schema's examples (1) name real objects, so that the
# examples phase reaches the endpoints' computations and not only their 404.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, reset_sequences=True)]

MAX_EXAMPLES = 15
MAX_TIME = 45  # seconds per token
HARD_TIMEOUT = 240  # seconds per token, in case schemathesis ignores its budget


@pytest.fixture(scope="module")
def warehouse_root(tmp_path_factory):
    gen = tmp_path_factory.mktemp("api_st_gen")
    # Four Loiret collèges (the schema's example UAI, 0450003J, is the first), two months.
    generate("45", 900, 2, gen, seed=11, start_month="2024-10", max_colleges=4, events_per_session=3.0)
    root = tmp_path_factory.mktemp("api_st_wh")
    build_warehouse(gen, root / "45", "45")
    return root, pd.read_csv(gen / "establishments.csv", dtype={"uai": str})


def make_user(email, role, **extra) -> User:
    user = User(email=email, username=email, role=role, **extra)
    user.set_password("mot-de-passe-du-test")
    user.save()
    return user


@pytest.fixture
def world(settings, warehouse_root):
    """Something behind every endpoint: campaigns (with and without factors, under and over
    5 responses), responses, scenarios (valid, département-wide, broken), a usage warehouse."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    root, est = warehouse_root
    settings.USAGE_WAREHOUSE_ROOT = root
    store.clear_memo()
    load_reference(colleges=False)
    loiret = Departement.objects.get(code="45")
    coordinator = make_user("coord@test.fr", Role.COORDINATOR)
    editor = make_user("editeur45@test.fr", Role.DEPARTEMENT_EDITOR, departement=loiret)

    selfdiag = make_campaign(2017, Campaign.Status.OPEN, public=True)  # id 1
    for i, code in enumerate(["45", "59", "50", "54", "69", "75"]):
        response = services.response_for(selfdiag, departement=Departement.objects.get(code=code))
        for item, value in full_answers(1 + i % 4).items():
            services.save_answer(response, item, value, None, coordinator)
        services.submit(response, coordinator)
    Campaign.objects.filter(pk=selfdiag.pk).update(status=Campaign.Status.CLOSED, published=True)
    survey = make_campaign(2016, Campaign.Status.CLOSED, slug="enquete-trois-questions", published=True)
    for code in ["45", "59", "50", "54", "69"]:
        Response.objects.create(
            campaign=survey, departement=Departement.objects.get(code=code), status=Response.Status.SUBMITTED
        )
    small = make_campaign(2015, Campaign.Status.CLOSED, published=True)
    Response.objects.create(campaign=small, departement=loiret, status=Response.Status.SUBMITTED)
    make_campaign(2019, Campaign.Status.DRAFT)

    for r in est.itertuples():
        College.objects.create(
            uai=r.uai,
            name=r.name,
            departement=loiret,
            commune_name=r.commune_name,
            pupils=300 + 100 * len(r.uai) % 7,
        )
    Scenario.objects.create(departement=loiret, name="Livre blanc", strategy="classe_mobile")  # id 1
    Scenario.objects.create(
        departement=loiret,
        name="Loiret entier",
        strategy="byod",
        base_preset="byod",
        scope=Scenario.Scope.DEPARTEMENT,
        scale_equipment=True,
        current_mbps=200,
    )
    Scenario.objects.create(
        departement=loiret, name="Ancien", strategy="classe_mobile", parameters={"desktop_life": "0"}
    )
    Scenario.objects.create(departement=Departement.objects.get(code="59"), name="Nord", strategy="eim")
    return {
        "coordinator": ApiToken.issue(coordinator, "schemathesis")[1],
        "editor": ApiToken.issue(editor, "schemathesis")[1],
    }


def warm_up(base_url: str, token: str) -> None:
    """First requests load the URLconf, the results views and Ibis (seconds on a loaded
    machine): done here, so that schemathesis' 10-second read timeout on the schema and
    its per-request timeout measure the API, not the imports."""
    for path in (
        "openapi.json",
        "campaigns/1/departements/45/profile",
        "usage/departements/45?indicator=monthly_active_rate",
        "budget/scenarios",
    ):
        request = urllib.request.Request(
            f"{base_url}/api/v1/{path}", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=180) as response:
            assert response.status == 200, path


def run_schemathesis(base_url: str, token: str, seed: int) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{base_url}/api/v1/openapi.json",
        "--checks",
        "all",
        "--header",
        f"Authorization: Bearer {token}",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--max-time",
        str(MAX_TIME),
        "--seed",
        str(seed),
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--no-color",
    ]
    return subprocess.run(command, check=False, capture_output=True, text=True, timeout=HARD_TIMEOUT)


@pytest.mark.parametrize("who, seed", [("coordinator", 2026), ("editor", 45)])
def test_schemathesis_finds_nothing(live_server, world, who, seed):
    warm_up(live_server.url, world["coordinator"])
    result = run_schemathesis(live_server.url, world[who], seed)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "25 selected / 25 total" in output  # every operation was tested
    cases = next(line for line in output.splitlines() if "generated" in line and "passed" in line)
    assert "failed" not in cases and "errored" not in cases, cases
