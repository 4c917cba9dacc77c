"""Bounds in the web planner: a stored value a rule refuses never breaks a page, IDs out of range
are 404, and the scenario form (driven by hypothesis) never answers 500 nor saves an
out-of-bound value."""

from __future__ import annotations

import html as html_lib
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from numeduc import budget
from numeduc.budget.parameters import BANDWIDTH_SPECS, OPTION_SPECS
from numeduc.web.planning import data as planning_data
from numeduc.web.planning.models import Scenario
from numeduc.web.territories.models import College, Departement

from .test_planning import PAPER_TOTAL, form_data, make_scenario

# The usage dashboard's warehouse fixtures (a generated Loiret warehouse) for its cost section.
from .test_usage_dashboard import _cost_section

pytestmark = pytest.mark.django_db
NNBSP = "\u202f"
NOTICE_1E30 = (
    "Le scénario « Plan 2025 » contient une valeur hors limites (Prix d'une tablette ou d'un portable : "
    f"1e30 €/appareil, maximum 10{NNBSP}000 €/appareil). Modifiez-le pour le corriger."
)


def page(response) -> str:
    return html_lib.unescape(response.content.decode())


def broken(name="Plan 2025", code="45", **stored) -> Scenario:
    """A scenario saved through the model, then given a stored value directly in the database
    (bypassing the form), as an older rule or a manual fix would have left it."""
    scenario = make_scenario(code=code, name=name)
    Scenario.objects.filter(pk=scenario.pk).update(
        **(stored or {"parameters": {"mobile_device_price": "1e30"}})
    )
    scenario.refresh_from_db()
    return scenario


# -- a stored value a rule now refuses -----------------------------------------------------------


@pytest.mark.parametrize("who", ["loiret_viewer", "loiret_editor", "coordinator"])
def test_every_page_of_a_scenario_with_a_refused_value_names_it_and_says_how_to_fix_it(users, login, who):
    bad = broken()
    good = make_scenario(name="Livre blanc")
    client = login(users[who])
    detail = client.get(f"/budget/scenarios/{bad.pk}/")
    assert detail.status_code == 200
    assert NOTICE_1E30 in page(detail)
    assert PAPER_TOTAL not in page(detail)  # its figures are skipped
    editable = who == "loiret_editor"
    assert (f'href="/budget/scenarios/{bad.pk}/modifier/"' in detail.content.decode()) == editable
    for url in (
        f"/budget/scenarios/{bad.pk}/export.csv",
        f"/budget/scenarios/{bad.pk}/export.xlsx",
        f"/budget/comparer/export.csv?s={bad.pk}&s={good.pk}",
        f"/budget/comparer/export.xlsx?s={good.pk}&s={bad.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 409, url
        assert NOTICE_1E30 in page(response) and response["Content-Type"].startswith("text/html")
    departement = client.get("/budget/departements/45/")
    assert departement.status_code == 200
    html = page(departement)
    assert NOTICE_1E30 in html and PAPER_TOTAL in html  # the other scenario keeps its figures
    compare = client.get(f"/budget/comparer/?s={bad.pk}&s={good.pk}")
    assert compare.status_code == 200 and NOTICE_1E30 in page(compare) and PAPER_TOTAL in page(compare)
    # One scenario alone is not a comparison: the French page says so and links to its own page.
    alone = client.get(f"/budget/comparer/?s={bad.pk}")
    assert alone.status_code == 400 and f'href="/budget/scenarios/{bad.pk}/"' in page(alone)


@pytest.mark.parametrize(
    "stored, words",
    [
        ({"parameters": {"pupils": "1e30"}}, "Élèves du collège : 1e30 élèves, maximum 5"),
        (
            {"parameters": {"pupils": "0"}},
            "Élèves du collège : un coût par élève demande des élèves (0 élève, minimum 1 élève)",
        ),
        ({"parameters": {"desktop_price": "NaN"}}, "Prix d'un ordinateur fixe : nombre fini attendu"),
        ({"parameters": {"desktop_price": [1, 2]}}, "Prix d'un ordinateur fixe : nombre attendu"),
        ({"parameters": {"tablet_prize": "300"}}, "paramètre inconnu"),
        ({"parameters": [1, 2]}, "doit être un dictionnaire"),
        ({"horizon": 32767}, "Horizon : 32"),
        ({"cohorts": 1000}, "Cohortes d'équipement : 1 000 années, maximum 30"),
        ({"strategy": "tablettes"}, "stratégie inconnue « tablettes »"),
        ({"current_mbps": float("inf")}, "Débit internet actuel : nombre fini attendu"),  # the engine's label
        ({"current_mbps": 1e30}, "Débit internet actuel : 1e30 Mbit/s, maximum 100"),
        ({"base_preset": "preset-disparu"}, "préréglage inconnu « preset-disparu »"),
    ],
)
def test_any_stored_value_out_of_its_domain_gives_a_notice_not_a_500(users, login, stored, words):
    bad = broken(**stored)
    good = make_scenario(name="Livre blanc")
    client = login(users["loiret_editor"])
    for url, status in (
        (f"/budget/scenarios/{bad.pk}/", 200),
        (f"/budget/scenarios/{bad.pk}/export.csv", 409),
        (f"/budget/scenarios/{bad.pk}/export.xlsx", 409),
        ("/budget/departements/45/", 200),
        (f"/budget/comparer/?s={bad.pk}&s={good.pk}", 200),
        (f"/budget/comparer/export.xlsx?s={bad.pk}&s={good.pk}", 409),
        (f"/budget/scenarios/{bad.pk}/modifier/", 200),
    ):
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        html = page(response).replace(NNBSP, " ")
        assert (
            "Le scénario « Plan 2025 »" in html and words in html and "Modifiez-le pour le corriger." in html
        ), url


def test_the_edit_link_shows_every_field_to_correct_and_saving_fixes_the_scenario(users, login):
    bad = broken(parameters={"mobile_device_price": "1e30", "pupils": "0"}, cohorts=1000)
    client = login(users["loiret_editor"])
    html = page(client.get(f"/budget/scenarios/{bad.pk}/modifier/"))
    assert NOTICE_1E30.split(" (")[0] in html
    # The stored values are shown, each with its own error naming the label and the bound.
    assert 'value="1e30"' in html and f"maximum 10{NNBSP}000 €/appareil" in html
    assert "Élèves du collège : un coût par élève demande des élèves (0 élève, minimum 1 élève)" in html
    assert (
        "Cohortes d&#x27;équipement" in client.get(f"/budget/scenarios/{bad.pk}/modifier/").content.decode()
    )
    response = client.post(
        f"/budget/scenarios/{bad.pk}/modifier/", form_data(name="Plan 2025", p_mobile_device_price="420")
    )
    assert response.status_code == 302
    bad.refresh_from_db()
    assert bad.parameters == {"mobile_device_price": "420"} and bad.cohorts == 1
    assert planning_data.run(bad).total_per_year > 0
    assert client.get(f"/budget/scenarios/{bad.pk}/export.csv").status_code == 200


def test_a_departement_scenario_whose_college_data_is_out_of_bounds(users, login, territories):
    loiret = Departement.objects.get(code="45")
    College.objects.create(uai="0459999Z", name="Collège géant", departement=loiret, public=True, pupils=9000)
    College.objects.create(uai="0459998Y", name="Collège normal", departement=loiret, public=True, pupils=400)
    scenario = make_scenario(scope=Scenario.Scope.DEPARTEMENT, name="Plan 2025")
    client = login(users["loiret_viewer"])
    for url, status in (
        (f"/budget/scenarios/{scenario.pk}/", 200),
        (f"/budget/scenarios/{scenario.pk}/export.csv", 409),
        ("/budget/departements/45/", 200),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        html = page(response)
        assert (
            "Le scénario « Plan 2025 » ne peut pas être calculé (effectif hors limites" in html
            and "0459999Z" in html
        )


def test_a_scaled_scenario_that_would_leave_the_bounds_is_explained(users, login, territories):
    loiret = Departement.objects.get(code="45")
    College.objects.create(uai="0459997X", name="Grand collège", departement=loiret, public=True, pupils=1900)
    scenario = make_scenario(
        scope=Scenario.Scope.DEPARTEMENT, name="Plan 2025", scale_equipment=True, parameters={"pupils": "1"}
    )
    response = login(users["loiret_viewer"]).get(f"/budget/scenarios/{scenario.pk}/")
    assert response.status_code == 200
    assert "équipement proportionnel à l'effectif : pour un collège de 1 900 élèves" in page(
        response
    ).replace(NNBSP, " ")


# -- IDs in URLs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, status",
    [
        ("s=99999999999999999999", 404),
        ("s=9223372036854775807", 404),
        ("s=9223372036854775808", 404),
        ("s=0", 404),
        ("s=" + "9" * 5000, 404),
        ("s=-9223372036854775809", 400),
        ("s=-1", 400),
        ("s=abc", 400),
        ("s=1.5", 400),
        ("s=%EF%BC%91", 400),
        ("s=", 400),
        ("", 400),
        ("s=1&s=2&s=3&s=4&s=5", 400),
    ],
)
def test_comparison_ids_out_of_range_are_404_and_not_integers_a_french_400(users, login, query, status):
    client = login(users["loiret_viewer"])
    for path in ("/budget/comparer/", "/budget/comparer/export.csv", "/budget/comparer/export.xlsx"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == status, (path, query)
        if status == 400:
            html = page(response)
            assert "Comparaison impossible" in html and (
                "Identifiant de scénario invalide" in html or "scénario" in html
            )


@pytest.mark.parametrize("pk", ["99999999999999999999", "9223372036854775808", "0", "9" * 5000])
def test_scenario_ids_out_of_range_are_404(users, login, pk):
    client = login(users["loiret_editor"])
    for suffix in ("", "modifier/", "supprimer/", "export.csv", "export.xlsx"):
        assert client.get(f"/budget/scenarios/{pk}/{suffix}").status_code == 404, suffix


# -- the usage dashboard's cost section ----------------------------------------------------------


def test_usage_cost_section_names_a_refused_scenario_and_links_to_its_form(client, login, world):  # noqa: F811
    bad = broken(scope=Scenario.Scope.DEPARTEMENT, parameters={"mobile_device_price": "1e30"})
    login(world["loiret_editor"])
    response = client.get("/usages/departements/45/")
    assert response.status_code == 200
    section = _cost_section(response.content.decode())
    assert NOTICE_1E30 in section
    assert f'href="/budget/scenarios/{bad.pk}/modifier/"' in section
    assert "préréglage du livre blanc de l'ADF (2017)" in section  # its figures are skipped
    export = client.get("/usages/departements/45/cout-par-eleve-actif.csv")
    assert export.status_code == 200 and "1e30" in export.content.decode("utf-8-sig")
    # A viewer is told too, without a link to a form it may not use.
    client.logout()
    login(world["loiret_viewer"])
    section = _cost_section(client.get("/usages/departements/45/").content.decode())
    assert NOTICE_1E30 in section and "/modifier/" not in section


def test_usage_cost_section_when_scaled_equipment_leaves_the_bounds(client, login, world):  # noqa: F811
    scenario = make_scenario(
        scope=Scenario.Scope.DEPARTEMENT, name="Plan 2025", scale_equipment=True, parameters={"pupils": "1"}
    )
    login(world["loiret_editor"])
    response = client.get("/usages/departements/45/")
    assert response.status_code == 200
    section = _cost_section(response.content.decode())
    assert (
        "Le scénario « Plan 2025 » contient une valeur hors limites (équipement proportionnel à l'effectif"
        in section
    )
    assert f'href="/budget/scenarios/{scenario.pk}/modifier/"' in section


# -- the scenario form, driven with arbitrary numbers --------------------------------------------

odd_numbers = st.one_of(
    # Plausible values too, so that saves happen (and are checked).
    st.integers(min_value=1, max_value=30).map(str),
    st.decimals(min_value=0, max_value=1, places=2).map(lambda d: str(d).replace(".", ",")),
    st.sampled_from(
        [
            "1e30",
            "-1e30",
            "inf",
            "-inf",
            "nan",
            "NaN",
            "sNaN",
            "Infinity",
            "-0",
            "0",
            "0,5",
            "1,5",
            "12,5",
            "1 000",
            f"1{NNBSP}000",
            "1_000",
            "",
            "   ",
            "abc",
            "1,2,3",
            "²",
            "١٢",
            "9" * 39,
            "9" * 41,
            "1e999999999999999999",
            "0x1A",
            "+3",
            "3.",
            ".5",
            "-1",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: repr(f).replace(".", ",")),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
    st.text(max_size=10),
)
FIELDS = sorted(["p_" + name for name in budget.PARAMETERS] + ["horizon", "cohorts", "current_mbps"])


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    changes=st.dictionaries(st.sampled_from(FIELDS), odd_numbers, min_size=1, max_size=3),
    base=st.sampled_from(budget.list_presets()),
)
def test_the_scenario_form_never_fails_and_never_saves_an_out_of_bound_value(users, login, changes, base):
    client = login(users["loiret_editor"])
    before = set(Scenario.objects.values_list("pk", flat=True))
    response = client.post(
        "/budget/departements/45/nouveau/", form_data(base=base, base_preset=base, **changes)
    )
    assert response.status_code in (302, 400), response.status_code
    event(f"status {response.status_code}")
    created = Scenario.objects.exclude(pk__in=before)
    if response.status_code == 400:
        assert not created.exists()
        html = page(response)
        assert "Le scénario n'est pas enregistré" in html
        # Every refused field is named by its label, with its bounds, all at once.
        form = response.context["form"]
        for name in form.errors:
            label = form.fields[name].label
            for message in form.errors[name]:
                assert message.startswith(f"{label} : "), message
                assert any(word in message for word in ("minimum", "maximum", "entre", "entier")), message
        return
    scenario = created.get()
    engine = scenario.to_engine()  # the saved scenario always passes the engine's bounds
    budget.check_scenario(engine)
    assert OPTION_SPECS["horizon"].minimum <= scenario.horizon <= OPTION_SPECS["horizon"].maximum
    assert OPTION_SPECS["cohorts"].minimum <= scenario.cohorts <= OPTION_SPECS["cohorts"].maximum
    if scenario.current_mbps is not None:
        assert (
            BANDWIDTH_SPECS["current_mbps"].minimum
            <= scenario.current_mbps
            <= BANDWIDTH_SPECS["current_mbps"].maximum
        )
    result = planning_data.run(scenario)
    assert result.total_per_year.is_finite() and result.per_pupil_per_year.is_finite()
    export = client.get(f"/budget/scenarios/{scenario.pk}/export.xlsx")
    assert export.status_code == 200
    openpyxl.load_workbook(io.BytesIO(export.content))
