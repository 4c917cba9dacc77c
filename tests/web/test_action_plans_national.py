"""The coordinator's national view of the plans: counts ≥ 5 only, changes against the other
départements, real and demo plans never mixed, and every refusal."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse

from numeduc.web.action_plans import followup, services
from numeduc.web.territories.models import Departement

from .conftest import full_answers, make_campaign, submit_response

SPAN = {"owner": "Service éducation", "starts_on": dt.date(2017, 9, 1), "ends_on": dt.date(2018, 6, 30)}
# Six départements complete « feuille-de-route » (f01): their f01 goes from 2 to 3; the other
# answering départements stay at 2; one more only plans it.
DONE = ["01", "02", "03", "04", "05", "06"]
PLANNED_ONLY = ["07"]
OTHERS = ["08", "09", "10", "11", "12"]


def _answers(level_f01: int, rest: int = 2) -> dict[str, str]:
    from numeduc.questionnaires import load_questionnaire

    answers = full_answers(rest)
    item = next(i for i in load_questionnaire("autodiagnostic").factor_items() if i.factor == 1)
    answers[item.id] = str(level_f01)
    return answers


@pytest.fixture
def world(users):
    c2017 = make_campaign(2017, status="closed")
    c2018 = make_campaign(2018)
    for code in DONE + PLANNED_ONLY + OTHERS:
        submit_response(c2017, code, _answers(2))
        submit_response(c2018, code, _answers(3 if code in DONE else 2))
    coordinator = users["coordinator"]
    for code in DONE + PLANNED_ONLY:
        plan = services.create_plan(
            Departement.objects.get(code=code), 2017, "Plan 2017", coordinator, baseline_campaign=c2017
        )
        action = services.add_action(
            plan,
            {**SPAN, **services.catalogue_defaults("feuille-de-route")},
            coordinator,
            catalogue_id="feuille-de-route",
            baseline_level=2,
        )
        services.add_action(
            plan,
            {**SPAN, **services.catalogue_defaults("indicateurs-de-reussite")},
            coordinator,
            catalogue_id="indicateurs-de-reussite",
        )
        if code in DONE:
            services.set_status(action, "realisee", "Feuille de route votée", coordinator)
    return c2017, c2018


def test_the_core_receives_each_departement_change_once(world):
    c2017, _ = world
    rows = followup.national_rows(c2017, demo=False)
    assert rows.plans == 7 and not rows.demo
    assert rows.peers_change["f01"] == {
        code: (1.0 if code in DONE else 0.0) for code in DONE + PLANNED_ONLY + OTHERS
    }
    (feuille,) = [o for o in followup.overview(rows) if o.catalogue_id == "feuille-de-route"]
    assert (feuille.planned, feuille.completed) == (7, 6)
    assert feuille.mean_change_completed == pytest.approx(1.0)
    assert feuille.mean_change_others == pytest.approx(0.0)  # 07 and the five others
    assert not feuille.hidden


def test_the_coordinator_reads_counts_and_changes_with_the_caveat(client, users, world):
    client.force_login(users["coordinator"])
    response = client.get(reverse("action_plans:national"))
    assert response.status_code == 200
    page = html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")
    assert "Plans d'actions des départements : vue nationale" in page
    assert "7 plans partent des niveaux de « Autodiagnostic 2017 »" in page
    assert "(feuille-de-route)" in page and "+1,00" in page
    assert followup.CAVEAT in page
    assert "données de démonstration" not in page
    # « indicateurs-de-reussite » is planned by 7 but completed by none: the completed side is hidden.
    assert "moins de 5 départements" in page
    assert f'href="{reverse("action_plans:national")}"' in page  # in the menu


def test_fewer_than_five_departements_show_no_figure(client, users, territories):
    c2017 = make_campaign(2017, status="closed")
    make_campaign(2018)
    coordinator = users["coordinator"]
    for code in ("01", "02"):
        submit_response(c2017, code, _answers(2))
        plan = services.create_plan(
            Departement.objects.get(code=code), 2017, "Plan", coordinator, baseline_campaign=c2017
        )
        services.add_action(
            plan,
            {**SPAN, **services.catalogue_defaults("feuille-de-route")},
            coordinator,
            catalogue_id="feuille-de-route",
        )
    (item,) = followup.overview(followup.national_rows(c2017, demo=False))
    assert item.hidden and item.planned is None and item.completed is None
    client.force_login(coordinator)
    page = html.unescape(client.get(reverse("action_plans:national")).content.decode())
    assert "moins de 5 départements" in page and ">2<" not in page


def test_real_and_demo_plans_are_never_counted_together(client, users, world):
    c2017, _ = world
    demo_plan = services.create_plan(
        Departement.objects.get(code="13"), 2017, "Plan démo", None, baseline_campaign=c2017, is_demo=True
    )
    services.add_action(
        demo_plan,
        {**SPAN, **services.catalogue_defaults("feuille-de-route")},
        None,
        catalogue_id="feuille-de-route",
    )
    assert followup.national_rows(c2017, demo=False).plans == 7
    assert followup.national_rows(c2017, demo=True).plans == 1
    client.force_login(users["coordinator"])
    real = html.unescape(client.get(reverse("action_plans:national")).content.decode())
    assert "7 plans partent" in real and "données de démonstration" not in real
    demo = html.unescape(client.get(reverse("action_plans:national") + "?donnees=demo").content.decode())
    assert "1 plan part " in demo and "données de démonstration" in demo


def test_an_unknown_campaign_falls_back_to_the_one_with_most_plans(client, users, world):
    client.force_login(users["coordinator"])
    for query in ("?campagne=999999", "?campagne=abc", "?campagne=99999999999999999999999", "?donnees=x"):
        response = client.get(reverse("action_plans:national") + query)
        assert response.status_code == 200 and "7 plans partent" in html.unescape(response.content.decode())


@pytest.mark.parametrize("who", ["loiret_editor", "loiret_viewer", "dan_loiret", "nord_editor"])
def test_only_the_coordinator_reads_the_national_view(client, users, world, who):
    client.force_login(users[who])
    response = client.get(reverse("action_plans:national"))
    assert response.status_code == 403
    assert "réservée à la coordination nationale" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(reverse("action_plans:national"))
    assert response.status_code == 302 and "next=" in response.url
