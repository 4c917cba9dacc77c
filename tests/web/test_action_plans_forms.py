"""The plan's forms: creating a plan from the suggestions, writing and changing actions, status
and notes, the DAN's comment, sharing — what is stored, the French messages, the 409 of two
tabs, and every refusal."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from numeduc.web.action_plans import services
from numeduc.web.action_plans.forms import ActionForm, target_shown, target_stored
from numeduc.web.action_plans.models import ActionNote, Plan, PlanEvent, PlannedAction
from numeduc.web.territories.models import College, Departement

from .conftest import full_answers, make_campaign, submit_response

LOIRET = "45"


def _text(response) -> str:
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def answered(territories):
    """A closed 2017 self-diagnosis that the Loiret answered with level 1 everywhere (so that
    every factor has something to suggest) and the others with level 3 (the medians)."""
    campaign = make_campaign(2017, status="closed")
    submit_response(campaign, LOIRET, full_answers(1))
    for code in ("18", "28", "36", "37", "41", "59", "75"):
        submit_response(campaign, code, full_answers(3))
    return campaign


@pytest.fixture
def plan(users):
    loiret = Departement.objects.get(code=LOIRET)
    College.objects.create(uai="0450001A", name="Collège A", departement=loiret, pupils=300)
    College.objects.create(uai="0450002B", name="Collège B", departement=loiret, pupils=200)
    return services.create_plan(loiret, 2025, "Plan 2025", users["loiret_editor"])


def _action_post(**overrides) -> dict:
    values = {
        "title": "Former les référents numériques",
        "description": "Deux sessions par an.",
        "factor": "f07",
        "target_level": "3",
        "owner": "Service éducation",
        "partners": ["dan", "canope"],
        "starts_on": "01/09/2025",
        "ends_on": "30/06/2026",
        "investment": "12 000,50",
        "running": "1 500",
        "usage_indicator": "",
        "usage_comparison": "ge",
        "usage_target": "",
        "variant": "minimal",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


# -- creating a plan -----------------------------------------------------------------------


def test_the_editor_creates_a_plan_from_the_suggestions(client, users, answered):
    client.force_login(users["loiret_editor"])
    url = reverse("action_plans:create", args=[LOIRET])
    page = client.get(url)
    assert page.status_code == 200
    text = _text(page)
    assert "Préparer un plan d'actions du Loiret" in text
    assert "niveau 1 sur 4" in text  # the reason of each suggestion, in plain words
    form = page.context["form"]
    chosen = form.initial["suggestions"][:3]
    assert len(chosen) == 3
    year = form.initial["year"]
    response = client.post(
        url,
        {
            "year": str(year),
            "title": "Plan numérique",
            "baseline_campaign": str(answered.pk),
            "owner": "Chef de projet numérique",
            "suggestions": chosen,
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get(departement__code=LOIRET, year=year)
    assert plan.baseline_campaign == answered
    actions = list(plan.actions.order_by("position"))
    assert [a.catalogue_id for a in actions] == chosen
    for action in actions:
        assert action.owner == "Chef de projet numérique"
        assert action.baseline_level == 1  # the Loiret's 2017 level of the action's factor
        assert action.starts_on == dt.date(year, 9, 1) and action.ends_on == dt.date(year + 1, 6, 30)
    assert PlanEvent.objects.filter(plan=plan, field="created").count() == 1 + len(chosen)


def test_suggestions_without_an_owner_are_refused_and_nothing_is_created(client, users, answered):
    client.force_login(users["loiret_editor"])
    url = reverse("action_plans:create", args=[LOIRET])
    initial = client.get(url).context["form"].initial
    response = client.post(
        url,
        {
            "year": str(initial["year"]),
            "title": "Plan",
            "owner": "",
            "suggestions": initial["suggestions"][:2],
        },
    )
    assert response.status_code == 400
    assert "« Responsable des actions choisies » : à remplir" in _text(response)
    assert not Plan.objects.exists()


def test_a_year_that_has_a_plan_is_not_offered_again(client, users, answered, plan):
    client.force_login(users["loiret_editor"])
    url = reverse("action_plans:create", args=[LOIRET])
    response = client.post(url, {"year": "2025", "title": "Encore"})
    assert response.status_code == 400
    assert "« Année scolaire » : année non proposée." in _text(response)
    assert Plan.objects.count() == 1


@pytest.mark.parametrize("who", ["loiret_viewer", "nord_editor", "dan_loiret", "coordinator"])
def test_only_the_departements_editors_create_its_plan(client, users, answered, who):
    client.force_login(users[who])
    url = reverse("action_plans:create", args=[LOIRET])
    assert client.get(url).status_code == 403
    assert client.post(url, {"year": "2025", "title": "Plan"}).status_code == 403
    assert not Plan.objects.exists()


def test_anonymous_is_sent_to_the_login_page(client, territories):
    response = client.get(reverse("action_plans:create", args=[LOIRET]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# -- writing an action ---------------------------------------------------------------------


def test_an_action_typed_the_french_way_is_stored_exactly(client, users, plan):
    client.force_login(users["loiret_editor"])
    college = College.objects.get(uai="0450001A")
    response = client.post(
        reverse("action_plans:add_action", args=[plan.pk]),
        _action_post(
            usage_indicator="monthly_active_rate",
            usage_comparison="ge",
            usage_target="60",
            usage_colleges=[str(college.pk)],
        ),
    )
    assert response.status_code == 302, _text(response)
    action = PlannedAction.objects.get(plan=plan)
    assert str(action.investment) == "12000.50" and str(action.running) == "1500.00"
    assert action.starts_on == dt.date(2025, 9, 1) and action.ends_on == dt.date(2026, 6, 30)
    assert action.partners == ["dan", "canope"]
    assert action.usage_target == pytest.approx(0.6)  # typed as a percentage, stored as a rate
    assert list(action.usage_colleges.all()) == [college]
    page = _text(client.get(reverse("action_plans:plan", args=[plan.pk])))
    assert "au moins 60,0 %" in page and "dans 1 collège" in page


def test_an_action_from_the_catalogue_is_prefilled_and_keeps_its_id(client, users, plan):
    client.force_login(users["loiret_editor"])
    action_id = _first_catalogue_id()
    url = reverse("action_plans:add_action", args=[plan.pk]) + f"?catalogue={action_id}"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["title"] == services.catalogue_defaults(action_id)["title"]
    post = _action_post(title=page.context["form"].initial["title"], catalogue_id=action_id)
    assert client.post(reverse("action_plans:add_action", args=[plan.pk]), post).status_code == 302
    assert PlannedAction.objects.get(plan=plan).catalogue_id == action_id


def _first_catalogue_id() -> str:
    from numeduc.actions import load_catalogue

    return load_catalogue().actions[0].id


def test_an_unknown_catalogue_action_is_refused(client, users, plan):
    client.force_login(users["loiret_editor"])
    response = client.get(
        reverse("action_plans:add_action", args=[plan.pk]) + "?catalogue=nimporte-quoi", follow=True
    )
    assert "n'est pas dans le catalogue" in _text(response)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_on": "01/01/2025"}, "« Fin » : la fin de l'action précède son début."),
        ({"starts_on": "31/02/2025"}, "« Début » : date jj/mm/aaaa attendue, reçu « 31/02/2025 »."),
        ({"investment": "beaucoup"}, "« Investissement (€) » : nombre attendu, reçu « beaucoup »."),
        ({"running": "-5"}, "« Fonctionnement par an » : un montant entre 0 et 1 000 000 000 € est attendu."),
        (
            {"running": "1e30"},
            "« Fonctionnement par an » : un montant entre 0 et 1 000 000 000 € est attendu.",
        ),
        ({"title": ""}, "« Intitulé » : à remplir."),
        ({"owner": "   "}, "« Responsable » : à remplir."),
        ({"title": "a\x00b"}, "« Intitulé » : caractère de contrôle U+0000 (NUL) en position 2"),
        ({"factor": "f99"}, "« Facteur visé » : facteur inconnu."),
        ({"target_level": "7"}, "« Niveau visé » : un niveau de 1 à 4 est attendu."),
        ({"factor": "", "target_level": "3"}, "« Niveau visé » : choisissez d'abord le facteur visé."),
        ({"partners": ["nasa"]}, "« Partenaires » : partenaire inconnu « nasa »."),
        (
            {"usage_target": "60"},
            "« Cible de l'indicateur » : donnez l'indicateur et sa cible ensemble, ou aucun des deux.",
        ),
        (
            {"usage_target": "nan", "usage_indicator": "monthly_active_rate"},
            "« Cible de l'indicateur » : nombre attendu",
        ),
    ],
)
def test_bad_input_gets_a_french_message_naming_the_field_and_nothing_is_stored(
    client, users, plan, overrides, message
):
    client.force_login(users["loiret_editor"])
    response = client.post(reverse("action_plans:add_action", args=[plan.pk]), _action_post(**overrides))
    assert response.status_code == 400
    text = _text(response)
    assert message in text
    assert "Ce que vous avez saisi est conservé" in text
    assert not PlannedAction.objects.exists()
    assert not PlanEvent.objects.filter(plan=plan, action__isnull=False).exists()


def test_a_college_of_another_departement_is_refused(client, users, plan):
    nord = Departement.objects.get(code="59")
    elsewhere = College.objects.create(uai="0590001A", name="Collège du Nord", departement=nord, pupils=100)
    client.force_login(users["loiret_editor"])
    response = client.post(
        reverse("action_plans:add_action", args=[plan.pk]),
        _action_post(
            usage_indicator="monthly_active_rate", usage_target="60", usage_colleges=[str(elsewhere.pk)]
        ),
    )
    assert response.status_code == 400
    assert "« Collèges de la cible » : collège inconnu." in _text(response)
    assert not PlannedAction.objects.exists()


# -- changing an action: two tabs ----------------------------------------------------------


def _stored_action(plan, user) -> PlannedAction:
    return services.add_action(
        plan,
        {
            "title": "Câbler les salles",
            "owner": "DSI",
            "starts_on": dt.date(2025, 9, 1),
            "ends_on": dt.date(2026, 6, 30),
            "investment": "50000",
        },
        user,
    )


def test_two_tabs_on_one_action_the_second_save_gets_409_and_keeps_what_was_typed(client, users, plan):
    editor = users["loiret_editor"]
    action = _stored_action(plan, editor)
    client.force_login(editor)
    url = reverse("action_plans:edit_action", args=[action.pk])
    opened = client.get(url).context["form"].initial
    assert opened["version"] == action.version and opened["investment"] == "50 000,00"
    first = _action_post(
        title="Câbler les salles de sciences", version=str(action.version), factor="", target_level=""
    )
    second = _action_post(title="Câbler le CDI", version=str(action.version), factor="", target_level="")
    assert client.post(url, first).status_code == 302
    conflict = client.post(url, second)
    assert conflict.status_code == 409
    text = _text(conflict)
    assert "Cette action a été modifiée ailleurs" in text and "Câbler le CDI" in text  # typed back
    action.refresh_from_db()
    assert action.title == "Câbler les salles de sciences"  # nothing overwritten
    # Sent again from the conflict page (which carries the current version): it lands.
    again = conflict.context["form"].data.copy()
    assert client.post(url, again).status_code == 302
    action.refresh_from_db()
    assert action.title == "Câbler le CDI"
    titles = list(
        PlanEvent.objects.filter(action=action, field="title")
        .order_by("changed_at", "pk")
        .values_list("new_value", flat=True)
    )
    assert titles == ["Câbler les salles de sciences", "Câbler le CDI"]  # the full history


def test_an_unchanged_form_changes_nothing(client, users, plan):
    editor = users["loiret_editor"]
    action = _stored_action(plan, editor)
    client.force_login(editor)
    url = reverse("action_plans:edit_action", args=[action.pk])
    form = client.get(url).context["form"]
    post = {name: form.initial.get(name, "") for name in form.fields}
    post = {k: ("" if v is None else v) for k, v in post.items()}
    post["partners"] = []
    post["usage_colleges"] = []
    assert client.post(url, post).status_code == 302
    action.refresh_from_db()
    assert action.version == 1 and str(action.investment) == "50000.00"


# -- status, notes, comments, order, deletion, sharing -------------------------------------


def test_abandoning_needs_a_note_then_status_and_note_are_kept(client, users, plan):
    editor = users["loiret_editor"]
    action = _stored_action(plan, editor)
    client.force_login(editor)
    url = reverse("action_plans:action_status", args=[action.pk])
    refused = client.post(url, {"status": "abandonnee", "noted_on": "15/01/2026", "note": ""})
    assert refused.status_code == 400
    assert "« Note » : dites pourquoi l'action est abandonnée." in _text(refused)
    action.refresh_from_db()
    assert action.status == "prevue"
    ok = client.post(url, {"status": "abandonnee", "noted_on": "15/01/2026", "note": "Marché infructueux."})
    assert ok.status_code == 302
    action.refresh_from_db()
    assert action.status == "abandonnee"
    note = ActionNote.objects.get(action=action)
    assert note.noted_on == dt.date(2026, 1, 15) and note.text == "Marché infructueux."
    page = _text(client.get(reverse("action_plans:plan", args=[plan.pk])))
    assert "15 janvier 2026" in page and "Marché infructueux." in page


def test_the_dan_partner_comments_and_the_others_may_not(client, users, plan):
    editor = users["loiret_editor"]
    action = services.add_action(
        plan,
        {
            "title": "Former",
            "owner": "DSI",
            "starts_on": dt.date(2025, 9, 1),
            "ends_on": dt.date(2026, 6, 30),
            "partners": ["dan"],
        },
        editor,
    )
    url = reverse("action_plans:comment_action", args=[action.pk])
    for who in ("loiret_editor", "loiret_viewer", "dan_other", "nord_editor", "coordinator"):
        client.force_login(users[who])
        assert client.post(url, {"text": "Avis"}).status_code == 403, who
    client.force_login(users["dan_loiret"])
    page = _text(client.get(reverse("action_plans:plan", args=[plan.pk])))
    assert "Commenter" in page and "Modifier" not in page
    assert client.post(url, {"text": ""}).status_code == 400
    assert client.post(url, {"text": "La DAN propose deux formateurs."}).status_code == 302
    comment = ActionNote.objects.get(action=action)
    assert comment.kind == ActionNote.Kind.COMMENT and comment.author == users["dan_loiret"]


def test_moving_and_deleting_actions(client, users, plan):
    editor = users["loiret_editor"]
    first = _stored_action(plan, editor)
    second = _stored_action(plan, editor)
    client.force_login(editor)
    assert (
        client.post(reverse("action_plans:move_action", args=[second.pk]), {"sens": "haut"}).status_code
        == 302
    )
    assert list(plan.actions.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
    assert client.get(reverse("action_plans:move_action", args=[second.pk])).status_code == 405
    assert client.get(reverse("action_plans:delete_action", args=[first.pk])).status_code == 200
    assert client.post(reverse("action_plans:delete_action", args=[first.pk])).status_code == 302
    assert list(plan.actions.values_list("pk", flat=True)) == [second.pk]
    assert PlanEvent.objects.filter(plan=plan, field="deleted", old_value="Câbler les salles").exists()


def test_the_editor_shares_and_unshares_the_plan(client, users, plan):
    client.force_login(users["loiret_editor"])
    url = reverse("action_plans:consent", args=[plan.pk])
    assert client.post(url, {"partage": "oui"}).status_code == 302
    plan.refresh_from_db()
    assert plan.share_consent and plan.share_consent_by == users["loiret_editor"]
    client.force_login(users["nord_editor"])
    assert client.get(reverse("action_plans:plan", args=[plan.pk])).status_code == 200  # shared: read
    assert client.post(url, {"partage": "non"}).status_code == 403
    client.force_login(users["loiret_editor"])
    assert client.post(url, {"partage": "non"}).status_code == 302
    plan.refresh_from_db()
    assert not plan.share_consent


@pytest.mark.parametrize("who", ["loiret_viewer", "nord_editor", "dan_loiret", "dan_other", "coordinator"])
def test_every_write_is_refused_to_those_who_may_not_edit(client, users, plan, who):
    action = _stored_action(plan, users["loiret_editor"])
    client.force_login(users[who])
    writes = [
        ("add_action", plan.pk, _action_post()),
        ("edit_action", action.pk, _action_post(title="Piraté")),
        ("action_status", action.pk, {"status": "realisee", "noted_on": "01/01/2026", "note": "x"}),
        ("move_action", action.pk, {"sens": "bas"}),
        ("delete_action", action.pk, {}),
        ("consent", plan.pk, {"partage": "oui"}),
    ]
    for name, pk, post in writes:
        response = client.post(reverse(f"action_plans:{name}", args=[pk]), post)
        assert response.status_code in (403, 404), (name, response.status_code)
    action.refresh_from_db()
    assert action.title == "Câbler les salles" and action.status == "prevue"
    plan.refresh_from_db()
    assert not plan.share_consent and plan.actions.count() == 1


def test_unknown_and_huge_ids_are_404(client, users):
    client.force_login(users["loiret_editor"])
    for name in ("edit_action", "action_status", "delete_action"):
        assert client.get(reverse(f"action_plans:{name}", args=[999999])).status_code == 404
        assert client.get(reverse(f"action_plans:{name}", args=[2**70])).status_code == 404


# -- property: what the form writes, it shows back ------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False))
def test_a_percentage_target_round_trips(percent):
    stored = target_stored("monthly_active_rate", percent)
    assert target_shown("monthly_active_rate", stored).replace(",", ".") == format(percent.normalize(), "f")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(list(ActionForm.base_fields)), st.text(max_size=60), max_size=8))
def test_the_action_form_never_raises_on_any_input(plan, data):
    form = ActionForm(data, plan=plan)
    fields = form.service_fields()
    if fields is not None:
        try:
            services.clean_action_fields(plan, fields)
        except services.PlanRefused as refusal:
            assert refusal.args[0].startswith("« ")


def test_the_results_page_leads_to_the_plan(client, users, answered):
    url = reverse("results:departement", args=[answered.pk, LOIRET])
    client.force_login(users["loiret_editor"])
    page = _text(client.get(url))
    assert reverse("action_plans:create", args=[LOIRET]) in page
    assert "Préparer le plan d'actions à partir de ces pistes" in page
    client.force_login(users["loiret_viewer"])
    page = _text(client.get(url))
    assert reverse("action_plans:create", args=[LOIRET]) not in page
    assert "Voir les plans d'actions du Loiret" in page
    assert f'href="{reverse("action_plans:departement", args=[LOIRET])}">Plans d\'actions</a>' in page  # menu
