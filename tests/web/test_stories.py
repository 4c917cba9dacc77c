"""Success stories (numeduc.web.stories): pages, rules and every refusal, the form's French
errors, the public Atom feed (published and consenting stories only), the demo stories."""

from __future__ import annotations

import datetime as dt
import html
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from numeduc.web.accounts.models import Role
from numeduc.web.stories import services
from numeduc.web.stories.models import Story
from numeduc.web.territories.models import Departement

from .conftest import make_user

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _values(**extra) -> dict:
    values = {
        "title": "Un titre",
        "told_on": dt.date(2024, 12, 9),
        "text": "Un récit.",
        "action": None,
        "result_indicator": "",
        "result_profile": "",
        "result_before": None,
        "result_before_month": "",
        "result_after": None,
        "result_after_month": "",
        "result_text": "",
        "status": Story.Status.PUBLISHED,
        "share_open_data": False,
    }
    return {**values, **extra}


def _story(code: str = "45", **extra) -> Story:
    return services.create_story(Departement.objects.get(code=code), _values(**extra), None)


def _plan_action(editor, code: str = "45", title: str = "Ouvrir l'ENT en classe"):
    from numeduc.web.action_plans import services as plans

    common = {"owner": "Service éducation", "starts_on": dt.date(2024, 9, 1), "ends_on": dt.date(2025, 6, 30)}
    plan = plans.create_plan(Departement.objects.get(code=code), 2024, f"Plan {code}", editor)
    return plans.add_action(plan, {**common, "title": title}, editor)


def _post(**extra) -> dict:
    data = {
        "title": "Les élèves se connectent",
        "told_on": "09/12/2024",
        "text": "Ce qui a été fait.",
        "action": "",
        "result_indicator": "",
        "result_profile": "",
        "result_before": "",
        "result_before_month": "",
        "result_after": "",
        "result_after_month": "",
        "result_text": "",
        "status": "publiee",
    }
    data.update(extra)
    return data


def _text(answer) -> str:
    return html.unescape(answer.content.decode())


# -- pages ------------------------------------------------------------------------------------


def test_the_list_shows_published_stories_to_every_signed_in_role(client, login, users):
    _story(title="Publiée du Loiret")
    _story(title="Brouillon du Loiret", status=Story.Status.DRAFT)
    _story("59", title="Brouillon du Nord", status=Story.Status.DRAFT)
    for key in ("coordinator", "loiret_editor", "loiret_viewer", "nord_editor", "dan_loiret"):
        login(users[key])
        page = _text(client.get(reverse("stories:index")))
        assert "Publiée du Loiret" in page, key
        assert ("Brouillon du Loiret" in page) is (
            key in ("coordinator", "loiret_editor", "loiret_viewer")
        ), key
        assert ("Brouillon du Nord" in page) is (key in ("coordinator", "nord_editor")), key
        assert ("Raconter une réussite" in page) is (key in ("loiret_editor", "nord_editor")), key


def test_anonymous_is_sent_to_sign_in(client, users):
    story = _story()
    for url in (
        reverse("stories:index"),
        reverse("stories:story", args=[story.pk]),
        reverse("stories:edit", args=[story.pk]),
        reverse("stories:create", args=["45"]),
    ):
        answer = client.get(url)
        assert (
            answer.status_code == 302 and "/connexion" in answer["Location"] or "login" in answer["Location"]
        ), url


def test_a_story_page_links_the_sheet_the_action_and_says_the_measured_result(client, login, users):
    action = _plan_action(users["loiret_editor"])
    story = _story(
        action=action,
        result_indicator="monthly_active_rate",
        result_profile="ELEVE",
        result_before=0.412,
        result_before_month="2024-09",
        result_after=0.587,
        result_after_month="2024-11",
        result_text="Les professeurs s'en servent.",
    )
    login(users["loiret_viewer"])
    page = _text(client.get(reverse("stories:story", args=[story.pk])))
    assert 'href="/experiences/departements/45/"' in page
    plan_url = reverse("action_plans:plan", args=[action.plan.pk]) + f"#action-{action.pk}"
    assert f'href="{plan_url}"' in page
    assert (
        "Utilisateurs actifs dans le mois (élèves) : 41,2\u00a0% en septembre 2024, 58,7\u00a0% en novembre 2024."
        in page
    )
    assert "Les professeurs s'en servent." in page
    assert "9 décembre 2024" in page
    assert "Modifier cette réussite" not in page  # a viewer
    # The Nord's editor reads the story but not the plan (not shared): the action without its link.
    login(users["nord_editor"])
    page = _text(client.get(reverse("stories:story", args=[story.pk])))
    assert "Ouvrir l'ENT en classe" in page and plan_url not in page
    assert "ne vous est pas ouvert" in page


def test_a_draft_is_refused_to_other_departements_and_the_dan(client, login, users):
    draft = _story(status=Story.Status.DRAFT)
    url = reverse("stories:story", args=[draft.pk])
    for key in ("nord_editor", "dan_loiret"):
        login(users[key])
        answer = client.get(url)
        assert answer.status_code == 403, key
        assert "Cette réussite est un brouillon" in _text(answer)
    for key in ("coordinator", "loiret_viewer", "loiret_editor"):
        login(users[key])
        assert client.get(url).status_code == 200, key
    assert client.get(reverse("stories:story", args=[999999])).status_code == 404
    assert client.get(reverse("stories:story", args=[2**70])).status_code == 404


@pytest.mark.parametrize("key", ["loiret_viewer", "nord_editor", "dan_loiret", "coordinator"])
def test_only_the_departement_s_editors_write_its_stories(client, login, users, key):
    story = _story()
    login(users[key])
    for url in (reverse("stories:create", args=["45"]), reverse("stories:edit", args=[story.pk])):
        for answer in (client.get(url), client.post(url, _post())):
            assert answer.status_code == 403, url
            assert "Seuls les éditeurs du département racontent et modifient ses réussites." in _text(answer)
    assert Story.objects.count() == 1
    assert client.get(reverse("stories:create", args=["XX"])).status_code in (403, 404)


def test_a_school_head_reads_published_stories_but_writes_none(client, login, users):
    from numeduc.web.territories.models import College

    college = College.objects.create(
        uai="0450001A", name="Collège", departement=Departement.objects.get(code="45")
    )
    head = make_user("principal@test.fr", Role.SCHOOL)
    head.college = college
    head.save()
    story = _story()
    login(head)
    assert client.get(reverse("stories:story", args=[story.pk])).status_code == 200
    assert client.get(reverse("stories:create", args=["45"])).status_code == 403


# -- the form ---------------------------------------------------------------------------------


def test_the_editor_publishes_a_story_with_its_action_and_measure(client, login, users):
    action = _plan_action(users["loiret_editor"])
    login(users["loiret_editor"])
    answer = client.post(
        reverse("stories:create", args=["45"]),
        _post(
            action=str(action.pk),
            result_indicator="monthly_active_rate",
            result_profile="ELEVE",
            result_before="41,2",
            result_before_month="2024-09",
            result_after="58,7",
            result_after_month="2024-11",
            share_open_data="on",
        ),
    )
    assert answer.status_code == 302
    story = Story.objects.get()
    assert (
        story.departement.code == "45" and story.action == action and story.author == users["loiret_editor"]
    )
    assert story.result_before == pytest.approx(0.412) and story.result_after == pytest.approx(0.587)
    assert story.is_published and story.published_at is not None and story.share_open_data
    # Back to draft: the publication date goes; the edit form shows the values as typed.
    edit = reverse("stories:edit", args=[story.pk])
    page = _text(client.get(edit))
    assert 'value="41,2"' in page and 'value="2024-09"' in page
    answer = client.post(edit, _post(status="brouillon", version=str(story.version)))
    assert answer.status_code == 302
    story.refresh_from_db()
    assert not story.is_published and story.published_at is None and story.version == 2


def test_an_action_of_another_departement_is_refused(client, login, users):
    other = _plan_action(users["nord_editor"], "59", "Action du Nord")
    login(users["loiret_editor"])
    answer = client.post(reverse("stories:create", args=["45"]), _post(action=str(other.pk)))
    assert answer.status_code == 400
    assert "« Action du plan » : action inconnue parmi les plans du département." in _text(answer)
    assert "Action du Nord" not in _text(client.get(reverse("stories:create", args=["45"])))
    # And the model refuses it too (a write that does not go through the form).
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _story(action=other)
    assert not Story.objects.exists()


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"title": ""}, "« Titre » : à remplir."),
        ({"title": "x" * 121}, "« Titre » : 120 caractères au plus."),
        ({"text": "x" * 2001}, "« Récit » : 2000 caractères au plus."),
        ({"text": "Un\x07récit"}, "« Récit » : "),
        ({"title": "Un\x00titre"}, "« Titre » : "),
        (
            {"told_on": "31/02/2024"},
            "« Date de la réussite » : date jj/mm/aaaa attendue, reçu « 31/02/2024 ».",
        ),
        ({"told_on": "01/01/2999"}, "« Date de la réussite » : une réussite se raconte une fois constatée"),
        ({"told_on": ""}, "« Date de la réussite » : à remplir."),
        ({"status": "autre"}, "« Publication » : publier ou garder en brouillon."),
        ({"result_before": "40"}, "« Indicateur d'usage mesuré » : à choisir pour donner des valeurs"),
        ({"result_indicator": "nope"}, "« Indicateur d'usage mesuré » : indicateur inconnu."),
        (
            {
                "result_indicator": "monthly_active_rate",
                "result_before": "40",
                "result_before_month": "2024-09",
            },
            "« Valeur après » : à remplir avec l'indicateur choisi.",
        ),
        (
            {
                "result_indicator": "monthly_active_rate",
                "result_before": "quarante",
                "result_before_month": "2024-13",
                "result_after": "140",
                "result_after_month": "2024-11",
            },
            "« Valeur avant » : nombre attendu, reçu « quarante ».",
        ),
        (
            {
                "result_indicator": "monthly_active_rate",
                "result_before": "40",
                "result_before_month": "2024-13",
                "result_after": "50",
                "result_after_month": "2024-11",
            },
            "« Mois de la valeur avant » : mois aaaa-mm attendu",
        ),
        (
            {
                "result_indicator": "monthly_active_rate",
                "result_before": "40",
                "result_before_month": "2024-09",
                "result_after": "140",
                "result_after_month": "2024-11",
            },
            "« Valeur après » : un pourcentage de 0 à 100 attendu.",
        ),
        (
            {
                "result_indicator": "monthly_active_rate",
                "result_before": "40",
                "result_before_month": "2024-11",
                "result_after": "50",
                "result_after_month": "2024-09",
            },
            "« Mois de la valeur après » : à prendre après le mois de la valeur avant.",
        ),
        ({"result_text": "x" * 301}, "« Résultat en quelques mots » : 300 caractères au plus."),
    ],
)
def test_the_form_s_errors_are_in_french_with_the_field_s_label(client, login, users, extra, message):
    login(users["loiret_editor"])
    answer = client.post(reverse("stories:create", args=["45"]), _post(**extra))
    assert answer.status_code == 400
    page = _text(answer)
    assert message in page
    assert "La réussite n'est pas enregistrée" in page
    assert not Story.objects.exists()


def test_a_form_opened_on_an_old_version_does_not_overwrite_the_new_one(client, login, users):
    story = _story(title="Première version")
    login(users["loiret_editor"])
    edit = reverse("stories:edit", args=[story.pk])
    assert client.post(edit, _post(title="Deuxième", version="1")).status_code == 302
    answer = client.post(edit, _post(title="Écrite sur la première", version="1"))
    assert answer.status_code == 409
    assert "modifiée par quelqu'un d'autre" in _text(answer)
    story.refresh_from_db()
    assert story.title == "Deuxième" and story.version == 2


# -- the Atom feed ----------------------------------------------------------------------------


def test_the_public_feed_lists_only_published_consenting_stories(client, users):
    older = _story(title="Ouverte ancienne", share_open_data=True)
    Story.objects.filter(pk=older.pk).update(published_at=timezone.now() - dt.timedelta(days=3))
    newer = _story("71", title="Ouverte récente", share_open_data=True, text="Avec <b>balise</b>.")
    _story(title="Publiée sans accord")
    _story(title="Brouillon avec accord", status=Story.Status.DRAFT, share_open_data=True)
    answer = client.get(reverse("stories:feed"))  # no sign-in
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(answer.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == ["Saône-et-Loire — Ouverte récente", "Loiret — Ouverte ancienne"]
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert links == [f"http://testserver{reverse('stories:story', args=[s.pk])}" for s in (newer, older)]
    summary = entries[0].findtext(f"{ATOM}summary")
    assert "&lt;b&gt;balise&lt;/b&gt;" in summary  # plain text escaped inside the HTML summary
    assert "editeur" not in answer.content.decode()  # no account's address or name


def test_the_feed_keeps_the_latest_twenty_and_carries_the_measure(client, users):
    for i in range(22):
        _story(title=f"Réussite {i}", share_open_data=True)
    Story.objects.filter(title="Réussite 0").update(
        result_indicator="monthly_active_rate",
        result_profile="ELEVE",
        result_before=0.4,
        result_before_month="2024-09",
        result_after=0.5,
        result_after_month="2024-11",
        published_at=timezone.now() + dt.timedelta(minutes=1),
    )
    root = ET.fromstring(client.get(reverse("stories:feed")).content)
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 20
    assert entries[0].findtext(f"{ATOM}title") == "Loiret — Réussite 0"
    assert "Résultat mesuré : Utilisateurs actifs dans le mois (élèves)" in entries[0].findtext(
        f"{ATOM}summary"
    )


def test_the_list_page_says_what_the_feed_holds(client, login, users):
    login(users["loiret_viewer"])
    page = _text(client.get(reverse("stories:index")))
    assert reverse("stories:feed") in page
    assert "données ouvertes" in page


# -- demo ------------------------------------------------------------------------------------


def test_demo_stories_carry_the_mark(client, login, users):
    from numeduc.web.demo_mark import DEMO_MARK
    from numeduc.web.stories.demo import load_demo_stories

    stories = load_demo_stories()
    assert len(stories) == 4 and all(s.is_demo and s.text.startswith("[démo]") for s in stories)
    assert load_demo_stories() and Story.objects.count() == 4  # idempotent
    real = _story(title="Une vraie")
    login(users["loiret_viewer"])
    assert DEMO_MARK in _text(client.get(reverse("stories:index")))
    demo = Story.objects.filter(is_demo=True, status=Story.Status.PUBLISHED).first()
    assert DEMO_MARK in _text(client.get(reverse("stories:story", args=[demo.pk])))
    assert DEMO_MARK not in _text(client.get(reverse("stories:story", args=[real.pk])))
    assert Story.objects.filter(is_demo=True, status=Story.Status.DRAFT, departement__code="45").exists()


def test_the_loiret_demo_story_names_the_demo_plan_s_usage_action(users):
    from numeduc.web.action_plans import services as plans
    from numeduc.web.stories.demo import load_demo_stories

    loiret = Departement.objects.get(code="45")
    plan = plans.create_plan(loiret, 2024, "Plan de démonstration", None, is_demo=True)
    common = {"owner": "Service éducation", "starts_on": dt.date(2024, 9, 1), "ends_on": dt.date(2025, 6, 30)}
    action = plans.add_action(
        plan,
        {
            **common,
            "title": "[démo] ENT en classe",
            "usage_indicator": "monthly_active_rate",
            "usage_profile": "ELEVE",
            "usage_target": 0.6,
        },
        None,
    )
    story = next(s for s in load_demo_stories() if s.action_id)
    assert (
        story.action == action
        and story.departement == loiret
        and story.result_indicator == "monthly_active_rate"
    )
    assert story.is_published and story.share_open_data
