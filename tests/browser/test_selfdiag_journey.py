"""The main journey: a département editor answers the 13 factors, reloads, submits, sees its radar."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from numeduc.questionnaires import load_questionnaire
from numeduc.web.accounts.models import Role, User
from numeduc.web.surveys.models import Answer, Campaign, Response
from numeduc.web.territories.loading import load_reference
from numeduc.web.territories.models import Departement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-du-test"
QUESTIONNAIRE = load_questionnaire("autodiagnostic")


def make_user(email, code):
    user = User(
        email=email,
        username=email,
        role=Role.DEPARTEMENT_EDITOR,
        departement=Departement.objects.get(code=code),
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def make_campaign(year, status):
    campaign = Campaign.objects.create(
        title=f"Autodiagnostic {year}",
        questionnaire_slug=QUESTIONNAIRE.slug,
        questionnaire_version=QUESTIONNAIRE.version,
        year=year,
        opens_on=dt.date(year, 3, 1),
        closes_on=dt.date(year, 6, 30),
        status=status,
    )
    campaign.target_departements.set(Departement.objects.all())
    return campaign


@pytest.fixture
def world():
    load_reference(colleges=False)
    closed = make_campaign(2017, Campaign.Status.CLOSED)
    for i, code in enumerate(["59", "50", "54", "64", "71", "90", "93", "33", "69", "13", "28", "36"]):
        response = Response.objects.create(
            campaign=closed, departement=Departement.objects.get(code=code), status=Response.Status.SUBMITTED
        )
        Answer.objects.bulk_create(
            Answer(response=response, item_id=item.id, value=1 + (i + item.factor) % 4)
            for item in QUESTIONNAIRE.factor_items()
        )
    return {
        "campaign": make_campaign(2018, Campaign.Status.OPEN),
        "loiret": make_user("editeur@loiret.test", "45"),
        "nord": make_user("editeur@nord.test", "59"),
    }


def answer_level(page, item, level):
    fieldset = page.locator(f"#item-{item.id}")
    fieldset.locator(f"input[type=radio][value='{level}']").check()
    expect(fieldset.locator(".item-state")).to_contain_text("Enregistré")


def test_editor_answers_reloads_loses_nothing_submits_and_sees_radar(
    page, live_server, world, screenshot_dir, sign_in
):
    base = live_server.url
    sign_in(page, base, "editeur@loiret.test", PASSWORD)
    page.get_by_role("link", name="Répondre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTIONNAIRE.title)
    factors = QUESTIONNAIRE.factor_items()
    levels = {item.id: 1 + item.factor % 4 for item in factors}

    # First half, with a comment on factor 1, saved as we go.
    for item in factors[:7]:
        answer_level(page, item, levels[item.id])
    first = factors[0]
    page.locator(f"#item-{first.id} summary").click()
    with page.expect_response(
        lambda r: "/enregistrer/" in r.url and r.request.post_data_json.get("comment")
    ) as saved:
        page.locator(f"textarea[name='comment-{first.id}']").fill("Feuille de route votée en séance plénière")
    assert saved.value.json()["ok"]

    # Reload half-way: nothing is lost.
    page.reload()
    for item in factors[:7]:
        expect(page.locator(f"#item-{item.id} input[value='{levels[item.id]}']")).to_be_checked()
    expect(page.locator(f"textarea[name='comment-{first.id}']")).to_have_value(
        "Feuille de route votée en séance plénière"
    )
    page.screenshot(path=str(screenshot_dir / "01-questionnaire-after-reload.png"), full_page=False)

    for item in factors[7:]:
        answer_level(page, item, levels[item.id])
    # Context items: pick the first choice, a plausible number.
    for item in QUESTIONNAIRE.items:
        if item.factor is not None or not item.required:
            continue
        field = page.locator(f"[name='item-{item.id}']")
        if item.type == "level":
            answer_level(page, item, 2)
        elif item.type == "choice":
            field.select_option(item.choices[0].value)
        elif item.type == "number":
            field.fill(str(int(item.min or 0) + 1))
            field.blur()
        expect(page.locator(f"#item-{item.id} .item-state")).to_contain_text("Enregistré")

    page.get_by_role("button", name="Transmettre la réponse").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Autodiagnostic du Loiret")
    radar = page.locator("svg[role=img]").first
    expect(radar).to_be_visible()
    expect(page.locator("body")).to_contain_text("Médiane nationale (12 départements)")
    page.screenshot(path=str(screenshot_dir / "02-results-radar.png"), full_page=True)

    response = Response.objects.get(campaign=world["campaign"], departement__code="45")
    assert response.is_submitted
    stored = {a.item_id: a.value for a in response.answers.all()}
    assert all(stored[item.id] == levels[item.id] for item in factors)
    assert response.answers.get(item_id=first.id).comment == "Feuille de route votée en séance plénière"


def test_another_departement_editor_is_refused(page, live_server, world, screenshot_dir, sign_in):
    loiret_response = Response.objects.create(
        campaign=world["campaign"], departement=world["loiret"].departement
    )
    Answer.objects.create(
        response=loiret_response, item_id="f01_maturite_equipes", value=3, comment="Secret du Loiret"
    )
    sign_in(page, live_server.url, "editeur@nord.test", PASSWORD)
    for path in (f"/reponses/{loiret_response.pk}/", f"/reponses/{loiret_response.pk}/historique/"):
        result = page.goto(f"{live_server.url}{path}")
        assert result.status == 403
        expect(page.locator("body")).not_to_contain_text("Secret du Loiret")
    page.screenshot(path=str(screenshot_dir / "03-refused.png"))
