"""The API documentation page (/api/v1/docs) works on a machine without internet and under the
site's Content-Security-Policy: every request to another origin is blocked, and the list of
operations must still render, with no CSP violation and no failed asset."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_docs_page_renders_offline_under_the_csp(page, live_server, screenshot_dir):
    origin = urlsplit(live_server.url).netloc
    blocked, failed, console_errors = [], [], []

    def only_same_origin(route):
        if urlsplit(route.request.url).netloc == origin:
            route.continue_()
        else:  # the outside world is unreachable, as on the tester's machine
            blocked.append(route.request.url)
            route.abort("internetdisconnected")

    page.route("**/*", only_same_origin)
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on(
        "console", lambda message: console_errors.append(message.text) if message.type == "error" else None
    )

    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert response.status == 200
    # The lead's policy is on the page (no inline script may run), and the page still works.
    assert "script-src 'self'" in response.headers.get("content-security-policy", "")

    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible(timeout=15000)
    schema = page.request.get(f"{live_server.url}/api/v1/openapi.json").json()
    expected = sum(len(methods) for methods in schema["paths"].values())
    expect(operations).to_have_count(expected)
    for path in (
        "/api/v1/campaigns/{campaign_id}/national",
        "/api/v1/budget/scenarios",
        "/api/v1/usage/departements/{code}",
        "/api/v1/usage/colleges/{uai}",
    ):
        expect(page.locator(f".opblock-summary-path[data-path='{path}']")).to_have_count(1)
    expect(page.get_by_text("Les scénarios budgétaires lisibles", exact=False)).to_be_visible()

    # Opening an operation shows its declared answers, refusals included.
    page.locator(".opblock-summary-path[data-path='/api/v1/budget/scenarios']").click()
    responses = page.locator(".opblock.is-open .responses-table .response-col_status")
    expect(responses.first).to_be_visible()
    assert {"200", "401", "403", "404", "422"} <= {t.strip() for t in responses.all_inner_texts()}

    page.screenshot(path=str(screenshot_dir / "api-docs.png"), full_page=False)
    assert blocked == [], f"requêtes vers l'extérieur : {blocked}"
    assert failed == [], f"ressources en échec : {failed}"
    assert not [e for e in console_errors if "Content Security Policy" in e or "Refused" in e], console_errors
    assert console_errors == []
