"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def serious(results) -> list[str]:
    """The serious and critical violations of an axe run, one line each (what every browser test
    asserts to be empty)."""
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nœud(s))"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def load_public_colleges(code: str) -> int:
    """The reference data's territories, and département ``code``'s public collèges from the
    national referential (the others left out: a fast set-up); returns how many."""
    from numeduc import reference
    from numeduc.web.territories.loading import load_reference
    from numeduc.web.territories.models import College, Departement

    load_reference(colleges=False)
    departement = Departement.objects.get(code=code)
    frame = reference.colleges(public_only=True).query(f"departement_code == '{code}'")
    College.objects.bulk_create(
        College(
            uai=r.uai,
            name=r.name,
            departement=departement,
            public=True,
            commune_name=r.commune_name or "",
            pupils=None if r.pupils != r.pupils else int(r.pupils),
        )
        for r in frame.itertuples()
    )
    return len(frame)


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sign_in():
    """``sign_in(page, base_url, email, password)``: the login form, then checks that the
    « Se déconnecter » button shows (the journeys' shared first step)."""

    def sign_in(page, base: str, email: str, password: str) -> None:
        page.goto(f"{base}/compte/connexion/")
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    return sign_in


@pytest.fixture(autouse=True)
def no_content_security_policy_violation(request):
    """Every journey runs under the site's Content-Security-Policy: anything it blocks (an
    inline script, an event handler attribute, a resource from elsewhere) fails the test."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield
    assert violations == []
