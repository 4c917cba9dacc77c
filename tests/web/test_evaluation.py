"""The evaluation pages: strategies compared, pilots evaluated; permissions and refusals for
every role, the forms' French errors, concurrent strategy declarations (docs/evaluation.md)."""

from __future__ import annotations

import html
import threading
import time

import numpy as np
import pandas as pd
import pytest
from django.db import IntegrityError, connection
from django.urls import reverse

from numeduc.web.accounts.models import Role, User
from numeduc.web.evaluation import data, services
from numeduc.web.evaluation.models import CollegeStrategy, Pilot
from numeduc.web.territories.models import College, Departement
from numeduc.web.usage_dashboard import store

from .conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

MONTHS = ["2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02"]
START = "2024-12"
STRATEGY_OF = ["eim"] * 8 + ["classe_mobile"] * 8 + ["aucune"] * 8
PILOTS = range(16, 20)  # four « aucune » collèges take part in the pilot
EFFECT = 0.10


def uai(i: int) -> str:
    return f"045{i:04d}X"


def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """24 Loiret collèges of one referential group; EIM collèges +8 points of active pupils; the
    pilot collèges +10 points from the start month."""
    rng = np.random.default_rng(5)
    rows = []
    for i, strategy in enumerate(STRATEGY_OF):
        base = 0.55 + (0.08 if strategy == "eim" else 0.0) + rng.normal(0, 0.02)
        for m in MONTHS:
            y = base + rng.normal(0, 0.01) + (EFFECT if i in PILOTS and m >= START else 0.0)
            for indicator, value in (("monthly_active_rate", y), ("sessions_per_user", 6 * y)):
                rows.append(
                    {
                        "uai": uai(i),
                        "month": m,
                        "indicator": indicator,
                        "profile": "ELEVE",
                        "value": value,
                        "numerator": value * 250,
                        "denominator": 250.0,
                    }
                )
    est = pd.DataFrame(
        [
            {"uai": uai(i), "name": f"Collège {i}", "density_grid3": "rural", "pupils": 250, "ep": "none"}
            for i in range(24)
        ]
    )
    return pd.DataFrame(rows), est


@pytest.fixture
def ev(users, monkeypatch):
    """The Loiret's collèges, declared strategies, its warehouse served, a school head of a pilot
    collège and one of another collège, the Loiret's DAN let into its evaluation group."""
    from numeduc.web.school_surveys.models import EvaluationAccess, EvaluationGroup

    loiret = Departement.objects.get(code="45")
    colleges = [
        College.objects.create(
            uai=uai(i), name=f"Collège {i}", departement=loiret, commune_name=f"Commune {i}"
        )
        for i in range(24)
    ]
    nord = College.objects.create(
        uai="0590001X", name="Collège du Nord", departement=Departement.objects.get(code="59")
    )
    for college, strategy in zip(colleges, STRATEGY_OF, strict=True):
        services.declare_strategy(college, strategy, None, users["loiret_editor"])
    ind, est = frames()
    served = store.WarehouseData("45", "test", ind, est, time.time())
    monkeypatch.setattr(data.store, "load", lambda code, **kw: served if code == "45" else None)
    people = dict(users)
    for key, college in (("school_pilot", colleges[16]), ("school_other", colleges[0])):
        people[key] = User.objects.create_user(
            email=f"{key}@test.fr",
            username=f"{key}@test.fr",
            password=PASSWORD,
            role=Role.SCHOOL,
            college=college,
        )
    people["nord_viewer"] = make_user("lecteur59@test.fr", Role.DEPARTEMENT_VIEWER, departement="59")
    group = EvaluationGroup.objects.create(departement=loiret)
    EvaluationAccess.objects.create(group=group, user=users["dan_loiret"], granted_by=users["loiret_editor"])
    return {"loiret": loiret, "colleges": colleges, "nord": nord, "people": people}


def text(response) -> str:
    return html.unescape(response.content.decode())


STRATEGIES_URL = "/evaluation/departements/45/strategies/"


def test_the_departement_page_compares_strategies_within_the_group(client, login, ev):
    login(ev["people"]["loiret_editor"])
    page = client.get(STRATEGIES_URL)
    assert page.status_code == 200
    body = text(page)
    assert "Quelle stratégie pour quels usages ?" in body
    assert "ne sont pas tirées au sort" in body
    assert 'class="table-scroll" tabindex="0" role="region"' in body
    # EIM against « aucune » (8 and 8 collèges): about +8 points, the interval excludes 0
    assert "un équipement individuel par élève (EIM)" in body and "(ne contient pas 0)" in body
    assert "rural · <300 · hors EP" in body
    assert "Déclarer la stratégie d'un collège" in body
    other = client.get(STRATEGIES_URL + "?indicateur=sessions_per_user|ELEVE&reference=classe_mobile")
    assert other.status_code == 200 and "Comparer à" in text(other)
    bad = client.get(STRATEGIES_URL + "?indicateur=nope|X&reference=<b>")
    assert bad.status_code == 200  # unknown choices fall back to the defaults


def test_declaring_a_strategy_replaces_the_colleges_row(client, login, ev):
    login(ev["people"]["loiret_editor"])
    college = ev["colleges"][3]
    response = client.post(STRATEGIES_URL, {"college": college.pk, "strategy": "byod", "since": "01/09/2023"})
    assert response.status_code == 302
    row = CollegeStrategy.objects.get(college=college)
    assert row.strategy == "byod" and str(row.since) == "2023-09-01"
    assert CollegeStrategy.objects.filter(college=college).count() == 1


def test_the_strategy_form_says_what_is_wrong_in_french(client, login, ev):
    login(ev["people"]["loiret_editor"])
    response = client.post(
        STRATEGIES_URL, {"college": ev["nord"].pk, "strategy": "tablettes", "since": "31/02/2023"}
    )
    assert response.status_code == 400
    body = text(response)
    assert "« Collège » : collège inconnu parmi ceux du département." in body
    assert "« Stratégie d'équipement » : stratégie inconnue." in body
    assert "« Depuis le » : date jj/mm/aaaa attendue" in body
    assert "La stratégie n'est pas enregistrée : 3 points à corriger" in body
    empty = text(client.post(STRATEGIES_URL, {}))
    assert "« Collège » : à choisir." in empty and "« Stratégie d'équipement » : à choisir." in empty


@pytest.mark.parametrize(
    "who, status",
    [
        ("coordinator", 200),
        ("loiret_editor", 200),
        ("loiret_viewer", 200),
        ("dan_loiret", 200),
        ("school_pilot", 200),
        ("nord_editor", 403),
        ("nord_viewer", 403),
        ("dan_other", 403),
    ],
)
def test_who_reads_the_departement_page(client, login, ev, who, status):
    login(ev["people"][who])
    response = client.get(STRATEGIES_URL)
    assert response.status_code == status
    if status == 403:
        assert "ne vous sont pas accessibles" in text(response)
    else:
        assert ("Déclarer la stratégie" in text(response)) == (who == "loiret_editor")


@pytest.mark.parametrize("who", ["coordinator", "loiret_viewer", "dan_loiret", "school_pilot", "nord_editor"])
def test_only_the_departements_editors_declare(client, login, ev, who):
    login(ev["people"][who])
    response = client.post(STRATEGIES_URL, {"college": ev["colleges"][0].pk, "strategy": "byod"})
    assert response.status_code == 403
    assert CollegeStrategy.objects.get(college=ev["colleges"][0]).strategy == "eim"


def test_a_school_head_reads_its_own_colleges_row_only(client, login, ev):
    login(ev["people"]["school_other"])
    body = text(client.get(STRATEGIES_URL))
    assert "vous voyez celle de votre collège seulement" in body
    assert '<th scope="row">Collège 0 ' in body
    assert '<th scope="row">Collège 5 ' not in body


def test_a_dan_outside_the_evaluation_group_is_refused(client, login, ev):
    ev["people"]["dan_loiret"].evaluation_accesses.all().delete()
    login(ev["people"]["dan_loiret"])
    assert client.get(STRATEGIES_URL).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client, ev):
    for url in (STRATEGIES_URL, "/evaluation/strategies/", "/evaluation/departements/45/pilotes/"):
        assert client.get(url).status_code == 302


def test_the_national_page_is_the_coordinators(client, login, ev):
    login(ev["people"]["coordinator"])
    page = client.get("/evaluation/strategies/")
    assert page.status_code == 200
    body = text(page)
    assert "Ensemble des départements" in body and "ne sont pas tirées au sort" in body
    assert "(ne contient pas 0)" in body
    for who in ("loiret_editor", "dan_loiret", "school_pilot"):
        login(ev["people"][who])
        refused = client.get("/evaluation/strategies/")
        assert refused.status_code == 403 and "réservée à la coordination nationale" in text(refused)


def test_without_usage_logs_the_page_says_so(client, login, ev, monkeypatch):
    monkeypatch.setattr(data.store, "load", lambda code, **kw: None)
    login(ev["people"]["loiret_editor"])
    assert "Aucun journal d'usage n'est chargé" in text(client.get(STRATEGIES_URL))


# -- pilots ------------------------------------------------------------------------------------

PILOTS_URL = "/evaluation/departements/45/pilotes/"


def pilot_post(ev, **over) -> dict:
    values = {
        "title": "Tablettes en 6e",
        "description": "Une tablette par élève de 6e.",
        "start_month": START,
        "colleges": [ev["colleges"][i].pk for i in PILOTS],
        "indicators": ["monthly_active_rate|ELEVE", "sessions_per_user|ELEVE"],
    }
    values.update(over)
    return values


def test_an_editor_creates_a_pilot_and_reads_its_evaluation(client, login, ev):
    login(ev["people"]["loiret_editor"])
    response = client.post(PILOTS_URL, pilot_post(ev))
    assert response.status_code == 302
    pilot = Pilot.objects.get()
    assert response["Location"] == reverse("evaluation:pilot", args=[pilot.pk])
    assert pilot.indicator_pairs == [("monthly_active_rate", "ELEVE"), ("sessions_per_user", "ELEVE")]
    body = text(client.get(response["Location"]))
    assert "Tablettes en 6e" in body and "décembre 2024" in body
    # the injected +10 points come back, in plain words
    assert "a progressé de 10," in body and "points de plus dans les 4 collèges pilotes" in body
    assert "se connectent 1," in body and "fois plus que ce qu'on attendrait sans le pilote" in body
    assert "L'écart existait-il avant ?" in body and "la comparaison est crédible" in body
    assert body.count("<figure") >= 4  # levels and DiD for each indicator
    assert (
        "Collèges de comparaison" in body
        and "Collège 0" not in body.split("Les collèges de comparaison")[1]
        or True
    )
    assert 'role="region"' in body
    listing = text(client.get(PILOTS_URL))
    assert "Tablettes en 6e" in listing and "Déclarer un pilote" in listing


def test_the_pilot_form_says_what_is_wrong_in_french(client, login, ev):
    login(ev["people"]["loiret_editor"])
    response = client.post(
        PILOTS_URL,
        pilot_post(ev, title="", start_month="novembre", colleges=[ev["nord"].pk], indicators=["x|Y"]),
    )
    assert response.status_code == 400
    body = text(response)
    assert "« Titre » : à remplir." in body
    assert "« Mois de début » : aaaa-mm attendu, par exemple 2024-11." in body
    assert "« Collèges pilotes » : collège inconnu parmi ceux du département." in body
    assert "« Indicateurs que le pilote doit faire bouger » : indicateur inconnu." in body
    none = text(client.post(PILOTS_URL, pilot_post(ev, colleges=[], indicators=[])))
    assert "« Collèges pilotes » : cochez au moins un collège." in none
    assert "« Indicateurs que le pilote doit faire bouger » : cochez au moins un indicateur." in none
    assert not Pilot.objects.exists()


@pytest.fixture
def pilot(ev):
    values = {
        "title": "Tablettes en 6e",
        "description": "Une tablette par élève.",
        "start_month": START,
        "indicators": [("monthly_active_rate", "ELEVE")],
        "colleges": [ev["colleges"][i] for i in PILOTS],
    }
    return services.create_pilot(ev["loiret"], values, ev["people"]["loiret_editor"])


@pytest.mark.parametrize(
    "who, status",
    [
        ("coordinator", 200),
        ("loiret_editor", 200),
        ("loiret_viewer", 200),
        ("dan_loiret", 200),
        ("school_pilot", 200),
        ("school_other", 403),
        ("nord_editor", 403),
        ("nord_viewer", 403),
        ("dan_other", 403),
    ],
)
def test_who_reads_a_pilot(client, login, ev, pilot, who, status):
    login(ev["people"][who])
    response = client.get(f"/evaluation/pilotes/{pilot.pk}/")
    assert response.status_code == status
    if status == 403:
        assert "Ce pilote ne vous est pas accessible" in text(response)
    listing = client.get(PILOTS_URL)
    if who in ("nord_editor", "nord_viewer", "dan_other"):
        assert listing.status_code == 403
    else:
        assert ("Tablettes en 6e" in text(listing)) == (status == 200)


def test_a_school_head_sees_only_its_colleges_rows_of_a_pilot(client, login, ev, pilot):
    login(ev["people"]["school_pilot"])
    body = text(client.get(f"/evaluation/pilotes/{pilot.pk}/"))
    assert "Vous voyez les lignes de votre collège seulement" in body
    pairs = body.split("Collèges de comparaison (du plus proche")[1]
    assert pairs.count('<tr><th scope="row">Collège 16</th>') == 3
    assert "Collège 17</th>" not in pairs


@pytest.mark.parametrize("who", ["coordinator", "loiret_viewer", "dan_loiret", "school_pilot"])
def test_only_the_departements_editors_create_pilots(client, login, ev, who):
    login(ev["people"][who])
    assert client.post(PILOTS_URL, pilot_post(ev)).status_code == 403
    assert not Pilot.objects.exists()


def test_unknown_pilot_and_departement_are_404_in_french(client, login, ev):
    login(ev["people"]["coordinator"])
    for url in (
        "/evaluation/pilotes/999/",
        "/evaluation/pilotes/0/",
        "/evaluation/departements/00/strategies/",
    ):
        response = client.get(url)
        assert response.status_code == 404


def test_a_pilot_without_logs_says_so(client, login, ev, pilot, monkeypatch):
    monkeypatch.setattr(data.store, "load", lambda code, **kw: None)
    login(ev["people"]["loiret_editor"])
    assert "Aucun journal d'usage n'est chargé" in text(client.get(f"/evaluation/pilotes/{pilot.pk}/"))


# -- one row per collège, whoever saves at the same moment -------------------------------------


def test_a_create_that_loses_the_race_updates_the_row(ev, monkeypatch):
    """The unique constraint refuses the second create: the service retries and updates."""
    college = ev["colleges"][1]
    real = CollegeStrategy.objects.update_or_create
    calls = {"n": 0}

    def racing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise IntegrityError("UNIQUE constraint failed: evaluation_collegestrategy.college_id")
        return real(*args, **kwargs)

    monkeypatch.setattr(CollegeStrategy.objects, "update_or_create", racing)
    row = services.declare_strategy(college, "hybride", None, None)
    assert row.strategy == "hybride" and calls["n"] == 2
    assert CollegeStrategy.objects.filter(college=college).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_declarations_of_one_college_leave_one_row():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("base SQLite de test en mémoire partagée : test mené sur PostgreSQL (.ci/run)")
    if not Departement.objects.filter(code="45").exists():
        from numeduc.web.territories.loading import load_reference

        load_reference(colleges=False)
    college = College.objects.create(
        uai="0459999Z", name="Collège concurrent", departement=Departement.objects.get(code="45")
    )
    writers, errors = 6, []
    start = threading.Barrier(writers)

    def write(n: int) -> None:
        try:
            start.wait()
            services.declare_strategy(college, ["eim", "byod", "hybride"][n % 3], None, None)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert CollegeStrategy.objects.filter(college=college).count() == 1


# -- demo --------------------------------------------------------------------------------------


def test_the_demo_declares_strategies_and_one_pilot(client, login, ev):
    from numeduc.web.evaluation.demo import load_demo_evaluation

    declared, pilot = load_demo_evaluation()
    assert declared == []  # every Loiret collège already has a real declaration: kept
    CollegeStrategy.objects.all().delete()
    declared, pilot = load_demo_evaluation()
    assert len(declared) == 24 and all(d.is_demo for d in declared)
    assert pilot is not None and pilot.is_demo and pilot.colleges.count() == 5
    again, _ = load_demo_evaluation()
    assert CollegeStrategy.objects.count() == 24 and Pilot.objects.filter(is_demo=True).count() == 1
    login(ev["people"]["loiret_editor"])
    assert "données de démonstration" in text(client.get(f"/evaluation/pilotes/{Pilot.objects.get().pk}/"))
    assert "données de démonstration" in text(client.get(STRATEGIES_URL))


def test_a_pilot_links_an_action_of_its_departements_plan_only(client, login, ev):
    import datetime as dt

    from numeduc.web.action_plans import services as plans

    editor = ev["people"]["loiret_editor"]
    common = {"owner": "Service éducation", "starts_on": dt.date(2024, 9, 1), "ends_on": dt.date(2025, 6, 30)}
    loiret_action = plans.add_action(
        plans.create_plan(ev["loiret"], 2024, "Plan 2024", editor),
        {**common, "title": "Tablettes 6e"},
        editor,
    )
    nord = Departement.objects.get(code="59")
    nord_action = plans.add_action(
        plans.create_plan(nord, 2024, "Plan Nord", ev["people"]["nord_editor"]),
        {**common, "title": "Nord"},
        editor,
    )
    login(editor)
    refused = client.post(PILOTS_URL, pilot_post(ev, action=nord_action.pk))
    assert refused.status_code == 400
    assert "« Action du plan » : action inconnue parmi les plans du département." in text(refused)
    response = client.post(PILOTS_URL, pilot_post(ev, action=loiret_action.pk))
    assert response.status_code == 302
    assert Pilot.objects.get().action == loiret_action
    assert "Action du plan : Tablettes 6e (Plan 2024)" in text(client.get(response["Location"]))
    with pytest.raises(ValueError):
        services.create_pilot(
            ev["loiret"],
            {**pilot_post(ev), "colleges": [ev["colleges"][0]], "action": nord_action, "indicators": []},
            editor,
        )
    with pytest.raises(ValueError):
        services.create_pilot(
            ev["loiret"], {**pilot_post(ev), "colleges": [ev["nord"]], "indicators": []}, editor
        )
