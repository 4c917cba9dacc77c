"""Open data: ``numeduc opendata export``, the package validated with frictionless, the
thresholds and the consent, ``/donnees/`` public, the demo mark, no stale file."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import frictionless
import pandas as pd
import pytest
from typer.testing import CliRunner

from numeduc.web.surveys import services
from numeduc.web.surveys.data import reference_peer_groups
from numeduc.web.surveys.models import Campaign

from .conftest import full_answers, make_campaign, submit_response

pytestmark = pytest.mark.django_db
FRICTIONLESS = Path(sys.executable).parent / "frictionless"


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def _group_members() -> tuple[list[str], list[str], list[str]]:
    """Loiret's peer group H (45 and five others), a group G of four respondents, and every
    member of the other groups: the answers left out of the published groups are then at least
    five, so H can be published (no secondary suppression)."""
    groups = reference_peer_groups().groups
    by_group = {int(g): sorted(c for c, v in groups.items() if v == g) for g in sorted(groups.unique())}
    own = int(groups["45"])
    h = ["45"] + [c for c in by_group[own] if c != "45"][:5]
    g_number = max((g for g in by_group if g != own), key=lambda g: len(by_group[g]))
    g = by_group[g_number][:4]
    rest = [c for n, members in by_group.items() if n not in (own, g_number) for c in members]
    assert len(g) + len(rest) >= 5 and len(rest) < 5
    return h, g, rest


@pytest.fixture
def published(users):
    """A public, closed, published demo campaign: group H of 6 (Loiret consenting, the others
    not), group G of 4 (never published), the members of the remaining small group(s)."""
    h, g, rest = _group_members()
    campaign = make_campaign(2018, Campaign.Status.OPEN, public=True, is_demo=True)
    responses = {code: submit_response(campaign, code, full_answers(3)) for code in [*h, *g, *rest]}
    services.set_share_consent(responses["45"], True, users["loiret_editor"])
    campaign.status = Campaign.Status.CLOSED
    campaign.published = True
    campaign.save()
    groups = reference_peer_groups().groups
    return {
        "campaign": campaign,
        "responses": responses,
        "non_consenting": h[1],
        "groups": {"H": int(groups["45"]), "G": int(groups[g[0]])},
    }


def _validate(directory: Path) -> None:
    report = frictionless.validate(directory / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])
    if FRICTIONLESS.exists():
        done = subprocess.run(
            [str(FRICTIONLESS), "validate", str(directory / "datapackage.json")],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_cli_writes_a_package_that_validates_and_publishes_only_what_may_be(published, tmp_path):
    from numeduc.cli.main import app

    out = tmp_path / "open"
    result = CliRunner().invoke(app, ["opendata", "export", "--output", str(out)])
    assert result.exit_code == 0, result.output
    _validate(out)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "etalab-2.0" and package["numeduc:demo"] is True
    assert "données de démonstration" in package["description"]
    assert {r["path"] for r in package["resources"]} >= {"factor-aggregates.csv", "factor-aggregates.parquet"}
    aggregates = pd.read_csv(out / "factor-aggregates.csv")
    shown = set(aggregates.loc[aggregates["scope"] == "peer_group", "peer_group"])
    groups = published["groups"]
    assert groups["G"] not in shown  # 4 respondents: nothing for that group
    assert groups["H"] in shown
    assert (aggregates["answers"] >= 5).all()
    assert (aggregates["demo_warning"] == "données de démonstration").all()
    profiles = pd.read_csv(out / "shared-profiles.csv", dtype={"departement": str})
    assert set(profiles["departement"]) == {"45"}  # consenting: present
    assert published["non_consenting"] not in set(profiles["departement"])
    # never an individual answer: no column holds a response or a collège
    for name in ("factor-aggregates", "usage-aggregates"):
        columns = pd.read_csv(out / f"{name}.csv").columns
        assert not {"departement", "uai", "response"} & set(columns)


def test_usage_group_of_four_colleges_is_absent(world, tmp_path):
    from numeduc.web.opendata import data

    data.export(tmp_path / "open")
    usage = pd.read_csv(tmp_path / "open" / "usage-aggregates.csv")
    assert usage.empty  # the test warehouse holds four collèges


def test_pages_and_files_are_public_and_never_stale(client, published, users):
    index = client.get("/donnees/")
    assert index.status_code == 200
    page = index.content.decode()
    assert "Licence Ouverte" in page and "données de démonstration" in page
    assert "factor_label" in page and 'class="table-scroll"' in page
    descriptor = client.get("/donnees/datapackage.json").json()
    assert descriptor["numeduc:demo"] is True
    for resource in descriptor["resources"]:
        answer = client.get(f"/donnees/{resource['path']}")
        assert answer.status_code == 200, resource["path"]
    parquet = pd.read_parquet(
        io.BytesIO(b"".join(client.get("/donnees/shared-profiles.parquet").streaming_content))
    )
    assert set(parquet["departement"]) == {"45"}
    assert client.get("/donnees/secret.csv").status_code == 404
    api = client.get("/api/v1/opendata")
    assert api.status_code == 200 and api.json()["resources"][0]["path"].endswith(
        "/donnees/factor-aggregates.csv"
    )

    # Loiret withdraws its consent: the next request no longer shows it.
    services.set_share_consent(published["responses"]["45"], False, users["loiret_editor"])
    csv = b"".join(client.get("/donnees/shared-profiles.csv").streaming_content).decode()
    assert "45," not in csv and csv.startswith("campaign_id,")


def test_served_package_validates(client, published, var_dir):
    from numeduc.web.opendata import data

    package = data.package()
    _validate(package.directory)


def test_the_package_is_built_once_per_data_state(client, published, users, monkeypatch):
    """Views of an unchanged state reuse the package; a write (here a consent withdrawn) gives
    the next view a new one."""
    from numeduc.web.opendata import data as opendata_data

    builds = []
    real = opendata_data.parts
    monkeypatch.setattr(opendata_data, "parts", lambda *a, **k: builds.append(1) or real(*a, **k))
    opendata_data._packages.clear()
    for _ in range(3):
        assert client.get("/donnees/").status_code == 200
        assert client.get("/donnees/datapackage.json").status_code == 200
    assert len(builds) == 1
    services.set_share_consent(published["responses"]["45"], False, users["loiret_editor"])
    csv = b"".join(client.get("/donnees/shared-profiles.csv").streaming_content).decode()
    assert "45," not in csv
    assert len(builds) == 2
