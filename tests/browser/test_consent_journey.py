"""Sharing journey: Nord's editor agrees, the Loiret reads Nord's results, Nord withdraws, the Loiret is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from numeduc.questionnaires import load_questionnaire
from numeduc.web.accounts.models import Role, User
from numeduc.web.surveys.models import Answer, Campaign, Response, ResponseEvent
from numeduc.web.territories.loading import load_reference
from numeduc.web.territories.models import Departement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-du-test"
QUESTIONNAIRE = load_questionnaire("autodiagnostic")
NOTICE = "Ce département a accepté de partager ses réponses à cette campagne publique."


def make_user(email, code, role):
    user = User(email=email, username=email, role=role, departement=Departement.objects.get(code=code))
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def world():
    load_reference(colleges=False)
    campaign = Campaign.objects.create(
        title="Autodiagnostic 2017",
        questionnaire_slug=QUESTIONNAIRE.slug,
        questionnaire_version=QUESTIONNAIRE.version,
        year=2017,
        opens_on=dt.date(2017, 3, 1),
        closes_on=dt.date(2017, 6, 30),
        status=Campaign.Status.CLOSED,
        published=True,
        public=True,
    )
    campaign.target_departements.set(Departement.objects.all())
    for i, code in enumerate(["59", "45", "50", "54", "64", "71", "90", "93", "33", "69", "13", "28"]):
        response = Response.objects.create(
            campaign=campaign,
            departement=Departement.objects.get(code=code),
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        Answer.objects.bulk_create(
            Answer(response=response, item_id=item.id, value=1 + (i + item.factor) % 4)
            for item in QUESTIONNAIRE.factor_items()
        )
    return {
        "campaign": campaign,
        "nord_response": Response.objects.get(campaign=campaign, departement__code="59"),
        "nord": make_user("editeur@nord.test", "59", Role.DEPARTEMENT_EDITOR),
        "loiret": make_user("lecteur@loiret.test", "45", Role.DEPARTEMENT_VIEWER),
    }


def test_consent_given_shared_then_withdrawn_and_refused(
    browser, live_server, world, screenshot_dir, sign_in
):
    base = live_server.url
    campaign, response = world["campaign"], world["nord_response"]
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(2)]
    owner, reader = (context.new_page() for context in contexts)
    try:
        journey(base, campaign, response, owner, reader, screenshot_dir, sign_in)
    finally:
        for context in contexts:
            context.close()


def serious_violations(page) -> list[str]:
    """axe-core's serious or critical violations on the page (same bar as test_accessibility.py)."""
    return [
        f"{v['id']}: {v['help']}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def journey(base, campaign, response, owner, reader, screenshot_dir, sign_in):
    """Agree, read from the Loiret, withdraw, be refused; the pages on the way pass axe."""
    # Before any agreement, the Loiret is refused and the national page lists nobody.
    sign_in(reader, base, "lecteur@loiret.test", PASSWORD)
    assert reader.goto(f"{base}/resultats/{campaign.pk}/departements/59/").status == 403
    reader.goto(f"{base}/national/{campaign.pk}/")
    expect(reader.locator("#partages")).to_be_visible()
    expect(reader.locator("#shared-list")).to_have_count(0)

    # Nord's editor agrees on its response page.
    sign_in(owner, base, "editeur@nord.test", PASSWORD)
    owner.goto(f"{base}/reponses/{response.pk}/")
    checkbox = owner.get_by_label(
        "J'accepte que les réponses de mon département soient consultables par les autres départements"
    )
    expect(checkbox).not_to_be_checked()
    checkbox.check()
    owner.get_by_role("button", name="Enregistrer mon choix").click()
    expect(owner.locator("#share-state")).to_contain_text("Accord donné")
    expect(owner.locator("#share-state")).to_contain_text("editeur@nord.test")
    expect(checkbox).to_be_checked()
    owner.locator("#partage").scroll_into_view_if_needed()
    owner.screenshot(path=str(screenshot_dir / "consent-01-editor-agrees.png"))
    # With the flash message shown (its list sits inside a role="status" wrapper), then without.
    expect(owner.get_by_role("status")).to_be_visible()
    assert serious_violations(owner) == []
    owner.reload()
    assert serious_violations(owner) == []

    # The Loiret finds Nord in the national list and reads its results, with the reason why.
    reader.goto(f"{base}/national/{campaign.pk}/")
    expect(reader.locator("#shared-list")).to_contain_text("Nord (59)")
    reader.screenshot(path=str(screenshot_dir / "consent-02-national-list.png"))
    reader.get_by_role("link", name="Nord (59)").click()
    expect(reader.get_by_role("heading", level=1)).to_contain_text("Autodiagnostic du Nord (59)")
    expect(reader.locator("#shared-notice")).to_contain_text(NOTICE)
    expect(reader.locator("svg[role=img]").first).to_be_visible()
    expect(reader.get_by_role("link", name="Voir la réponse détaillée")).to_have_count(0)
    reader.screenshot(path=str(screenshot_dir / "consent-03-shared-results.png"))
    assert serious_violations(reader) == []

    # Nord withdraws: the Loiret's next request is refused with a French 403 page.
    owner.goto(f"{base}/reponses/{response.pk}/")
    owner.get_by_label(
        "J'accepte que les réponses de mon département soient consultables par les autres départements"
    ).uncheck()
    owner.get_by_role("button", name="Enregistrer mon choix").click()
    expect(owner.locator("#share-state")).to_contain_text("Pas d'accord de partage")

    refused = reader.goto(f"{base}/resultats/{campaign.pk}/departements/59/")
    assert refused.status == 403
    expect(reader.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    expect(reader.get_by_role("alert")).to_contain_text(
        "Les résultats de ce département ne vous sont pas accessibles."
    )
    reader.screenshot(path=str(screenshot_dir / "consent-04-withdrawn-refused.png"))

    # Both changes are in Nord's history, with who.
    owner.goto(f"{base}/reponses/{response.pk}/historique/")
    expect(owner.locator("tbody")).to_contain_text("accord donné")
    expect(owner.locator("tbody")).to_contain_text("accord retiré")
    owner.screenshot(path=str(screenshot_dir / "consent-05-history.png"))
    events = response.events.filter(field=ResponseEvent.Field.CONSENT).order_by("changed_at", "id")
    assert [(e.new_value, e.changed_by.email) for e in events] == [
        (True, "editeur@nord.test"),
        (False, "editeur@nord.test"),
    ]
