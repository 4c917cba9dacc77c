"""REST API: budget scenarios with their results, usage indicators per département and per collège,
the national count, the declared answers and the documentation page — with every refusal."""

from __future__ import annotations

import re

import pytest

from numeduc.web.accounts.models import ApiToken, Role, User
from numeduc.web.planning import data as planning
from numeduc.web.planning.models import Scenario
from numeduc.web.surveys import services
from numeduc.web.surveys.models import Campaign, Response
from numeduc.web.territories.models import College, Departement

from .conftest import PASSWORD, USAGE_MONTH_1, USAGE_MONTH_2

pytestmark = pytest.mark.django_db
MONTH_1, MONTH_2 = USAGE_MONTH_1, USAGE_MONTH_2


def bearer(user) -> dict:
    _, token = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get(client, url, user=None, **params):
    return client.get(url, params, **(bearer(user) if user is not None else {}))


def make_scenario(code="45", **extra) -> Scenario:
    data = {"name": "Livre blanc", "base_preset": "livre-blanc-2017", "strategy": "classe_mobile"}
    data.update(extra)
    return Scenario.objects.create(departement=Departement.objects.get(code=code), **data)


@pytest.fixture
def school(territories):
    college = College.objects.create(
        uai="0450001A", name="Collège du principal", departement=Departement.objects.get(code="45")
    )
    user = User(email="principal@test.fr", username="principal@test.fr", role=Role.SCHOOL, college=college)
    user.set_password(PASSWORD)
    user.save()
    return user


# -- budget scenarios ----------------------------------------------------------------------------


@pytest.fixture
def scenarios(territories):
    return {
        "paper": make_scenario(name="Collège type du livre blanc"),
        # Every public collège of the Nord (reference data: no College rows in these tests).
        "nord": make_scenario(
            code="59",
            name="Tous les collèges du Nord",
            scope=Scenario.Scope.DEPARTEMENT,
            base_preset="byod",
            strategy="byod",
            scale_equipment=True,
        ),
        # Stored before a rule of the engine changed: it no longer validates.
        "broken": make_scenario(name="Ancien scénario", parameters={"desktop_life": "0"}),
    }


def test_scenarios_list_the_pages_figures(client, users, scenarios):
    rows = get(client, "/api/v1/budget/scenarios", users["coordinator"]).json()
    assert [r["name"] for r in rows] == [
        "Ancien scénario",
        "Collège type du livre blanc",
        "Tous les collèges du Nord",
    ]
    by_name = {r["name"]: r for r in rows}
    paper = by_name["Collège type du livre blanc"]["results"]
    # The white paper's 400-pupil collège, as the planning page shows it.
    assert paper["total_per_year"] == 45451.43 and paper["per_pupil_per_year"] == 113.63
    assert paper["pupils"] == 400 and paper["n_colleges"] == 1 and paper["per_college_per_year"] == 45451.43
    assert {f["family"] for f in paper["by_family"]} >= {"terminal", "maintenance"}

    nord = by_name["Tous les collèges du Nord"]
    expected = planning.run(scenarios["nord"])
    assert nord["results"]["total_per_year"] == float(expected.total_per_year)
    assert nord["results"]["per_pupil_per_year"] == float(expected.per_pupil_per_year)
    assert nord["results"]["n_colleges"] == expected.n_colleges > 100
    assert nord["results"]["per_college_per_year"] == pytest.approx(
        float(expected.total_per_year) / expected.n_colleges, abs=0.01
    )
    assert nord["results"]["tco"] == float(expected.tco) and nord["error"] is None


def test_a_scenario_the_engine_rejects_has_null_figures_and_a_french_reason(client, users, scenarios):
    for url in ("/api/v1/budget/scenarios", f"/api/v1/budget/scenarios/{scenarios['broken'].pk}"):
        response = get(client, url, users["loiret_viewer"])
        assert response.status_code == 200
        body = response.json()
        broken = next(r for r in body if r["name"] == "Ancien scénario") if isinstance(body, list) else body
        assert broken["results"] is None
        assert "ne peut pas être calculé" in broken["error"] and "desktop_life" in broken["error"]
    # The other scenarios of the list are still computed.
    rows = get(client, "/api/v1/budget/scenarios", users["loiret_viewer"]).json()
    assert next(r for r in rows if r["name"] == "Collège type du livre blanc")["results"] is not None


def test_unreadable_stored_parameters_are_not_a_server_error(client, users, territories, monkeypatch):
    # A hand-edited row: parameters as a list instead of a name -> value mapping.
    scenario = make_scenario(parameters=["desktop_life"])
    response = get(client, f"/api/v1/budget/scenarios/{scenario.pk}", users["coordinator"])
    assert response.status_code == 200
    body = response.json()
    assert body["results"] is None and body["parameters"] == {} and body["years"] == []
    assert body["error"].startswith("Le scénario ne peut pas être calculé : ")
    # Whatever the engine adapter raises on stored values it cannot read, the answer is a 200
    # with null figures (not a 500), and the other scenarios are still computed.
    make_scenario(name="Sain")

    def unreadable(scenario, engine=None):
        if scenario.name != "Sain":
            raise ArithmeticError("decimal.InvalidOperation")
        return real_run(scenario, engine)

    real_run = planning.run
    monkeypatch.setattr(planning, "run", unreadable)
    rows = get(client, "/api/v1/budget/scenarios", users["coordinator"]).json()
    assert [r["error"] for r in rows if r["name"] == "Livre blanc"] == [
        "Le scénario ne peut pas être calculé : ses paramètres enregistrés sont illisibles."
    ]
    assert next(r for r in rows if r["name"] == "Sain")["results"]["per_pupil_per_year"] == 113.63


def test_scenario_detail_gives_years_and_each_college(client, users, scenarios):
    body = get(client, f"/api/v1/budget/scenarios/{scenarios['nord'].pk}", users["nord_editor"]).json()
    expected = planning.run(scenarios["nord"])
    assert len(body["colleges"]) == expected.n_colleges
    first = expected.colleges.sort_values("uai").iloc[0]
    assert body["colleges"][0]["uai"] == first["uai"]
    assert body["colleges"][0]["per_pupil_per_year"] == float(first["per_pupil_per_year"])
    assert [y["year"] for y in body["years"]] == list(range(1, expected.engine.horizon + 1))
    assert body["years"][-1]["cumulative"] == pytest.approx(float(expected.tco), abs=0.01)
    one = get(client, f"/api/v1/budget/scenarios/{scenarios['paper'].pk}", users["loiret_editor"]).json()
    assert one["colleges"] == [] and len(one["years"]) == 5


def test_each_departement_reads_only_its_scenarios(client, users, scenarios):
    for who in ("loiret_editor", "loiret_viewer"):
        names = {r["name"] for r in get(client, "/api/v1/budget/scenarios", users[who]).json()}
        assert names == {"Collège type du livre blanc", "Ancien scénario"}
        refused = get(client, f"/api/v1/budget/scenarios/{scenarios['nord'].pk}", users[who])
        assert refused.status_code == 403
        assert (
            refused.json()["detail"]
            == "Les scénarios budgétaires de ce département ne vous sont pas accessibles."
        )
        assert "Nord" not in refused.content.decode()
        assert get(client, "/api/v1/budget/scenarios", users[who], departement="59").status_code == 403
    nord = get(client, "/api/v1/budget/scenarios", users["nord_editor"]).json()
    assert [r["name"] for r in nord] == ["Tous les collèges du Nord"]
    own = get(client, "/api/v1/budget/scenarios", users["loiret_editor"], departement="45").json()
    assert len(own) == 2
    # The coordinator filters by département.
    assert len(get(client, "/api/v1/budget/scenarios", users["coordinator"], departement="59").json()) == 1


@pytest.mark.parametrize("who", ["dan_loiret", "dan_other", "school"])
def test_dan_and_school_heads_read_no_scenario(client, users, scenarios, school, who):
    user = school if who == "school" else users[who]
    listing = get(client, "/api/v1/budget/scenarios", user)
    assert listing.status_code == 403
    assert (
        listing.json()["detail"]
        == "Les scénarios budgétaires sont réservés aux départements et à la coordination."
    )
    for scenario in scenarios.values():
        refused = get(client, f"/api/v1/budget/scenarios/{scenario.pk}", user)
        assert refused.status_code == 403 and scenario.name not in refused.content.decode()
    assert get(client, "/api/v1/budget/scenarios", user, departement="45").status_code == 403


def test_budget_refusals_for_anonymous_unknown_and_malformed(client, users, scenarios):
    for url in ("/api/v1/budget/scenarios", f"/api/v1/budget/scenarios/{scenarios['paper'].pk}"):
        anonymous = client.get(url)
        assert anonymous.status_code == 401 and anonymous.json()["detail"].startswith(
            "Authentification requise"
        )
        assert anonymous["WWW-Authenticate"].startswith("Bearer")
    coordinator = users["coordinator"]
    missing = get(client, "/api/v1/budget/scenarios/999999", coordinator)
    assert missing.status_code == 404 and missing.json()["detail"] == "Scénario introuvable."
    # 975 (Saint-Pierre-et-Miquelon) has the shape of a code but is not one of the 101 départements.
    assert (
        get(client, "/api/v1/budget/scenarios", coordinator, departement="975").json()["detail"]
        == "Département inconnu."
    )
    malformed = get(client, "/api/v1/budget/scenarios/abc", coordinator)
    assert malformed.status_code == 422
    assert malformed.json()["errors"] == [
        {"location": "chemin", "field": "scenario_id", "message": "nombre entier attendu"}
    ]
    assert "nombre entier attendu" in malformed.json()["detail"]
    bad_code = get(client, "/api/v1/budget/scenarios", coordinator, departement="45; DROP")
    assert bad_code.status_code == 422 and bad_code.json()["errors"][0]["field"] == "departement"
    assert get(client, "/api/v1/budget/scenarios/0", coordinator).status_code == 422
    assert get(client, f"/api/v1/budget/scenarios/{2**63}", coordinator).status_code == 422


# -- usage indicators ----------------------------------------------------------------------------


def core_row(expected, uai, month, indicator, profile=""):
    row = expected[
        (expected.uai == uai)
        & (expected.month == month)
        & (expected.indicator == indicator)
        & (expected.profile == profile)
    ]
    assert len(row) == 1
    return row.iloc[0]


def test_departement_usage_gives_the_core_values_with_their_referential(client, world, expected):
    body = get(client, "/api/v1/usage/departements/45", world["loiret_editor"], month=MONTH_2).json()
    assert body["month"] == MONTH_2 and body["months"] == [MONTH_1, MONTH_2] and body["demo"] is False
    assert {v["uai"] for v in body["colleges"]} == {c.uai for c in world["colleges"]}
    for college in world["colleges"]:
        value = next(
            v
            for v in body["colleges"]
            if v["uai"] == college.uai and v["indicator"] == "monthly_active_rate" and v["profile"] == "ELEVE"
        )
        core = core_row(expected, college.uai, MONTH_2, "monthly_active_rate", "ELEVE")
        assert value["value"] == pytest.approx(core["value"]) and value["college"] == college.name
        assert value["referential"]["median"] == pytest.approx(core["median"])
        assert value["referential"]["group_size"] == int(core["group_size"])
        # Four collèges: every comparison falls back to the whole warehouse, and says why.
        assert value["referential"]["fallback"] is True and value["referential"]["fallback_reason"]
    # The département's pooled value: Σ numerators / Σ denominators.
    sel = expected[(expected.month == MONTH_2) & (expected.indicator == "regular_use_share")]
    pooled = next(v for v in body["departement_values"] if v["indicator"] == "regular_use_share")
    assert pooled["value"] == pytest.approx(sel.numerator.sum() / sel.denominator.sum())
    assert pooled["n_colleges"] == 4
    definition = next(d for d in body["definitions"] if d["key"] == "monthly_active_rate:ELEVE")
    assert definition["label"] == "Utilisateurs actifs dans le mois (élèves)" and definition["key_indicator"]
    assert definition["unit"] == "percent" and definition["explanation"].startswith("Personnes ayant")


def test_usage_filters_default_month_and_unknown_month(client, world):
    user = world["coordinator"]
    body = get(client, "/api/v1/usage/departements/45", user, indicator="device_activity_rate_30d").json()
    assert body["month"] == MONTH_2  # the latest by default
    assert {v["indicator"] for v in body["colleges"]} == {"device_activity_rate_30d"}
    assert [d["key"] for d in body["definitions"]] == ["device_activity_rate_30d"]
    profiled = get(client, "/api/v1/usage/departements/45", user, profile="PARENT").json()
    assert {v["profile"] for v in profiled["colleges"]} == {"PARENT"}
    unknown = get(client, "/api/v1/usage/departements/45", user, month="2023-01")
    assert unknown.status_code == 404
    assert (
        unknown.json()["detail"]
        == f"Aucun indicateur pour le mois 2023-01 ; mois disponibles : {MONTH_1}, {MONTH_2}."
    )
    assert get(client, "/api/v1/usage/departements/45", user, month="2024-13").status_code == 422
    wrong = get(client, "/api/v1/usage/departements/45", user, indicator="nope")
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "indicator"
    assert "valeurs possibles" in wrong.json()["errors"][0]["message"]


def test_college_usage_for_its_school_head(client, world, expected):
    college = world["colleges"][0]
    body = get(client, f"/api/v1/usage/colleges/{college.uai}", world["school"], month=MONTH_1).json()
    assert body["name"] == college.name and body["departement"] == "45" and body["month"] == MONTH_1
    assert {v["uai"] for v in body["values"]} == {college.uai}
    value = next(v for v in body["values"] if v["indicator"] == "device_activity_rate_30d")
    core = core_row(expected, college.uai, MONTH_1, "device_activity_rate_30d")
    assert value["value"] == pytest.approx(core["value"])
    assert value["referential"]["percentile"] == pytest.approx(core["percentile"])
    assert value["referential"]["group"] == core["group"]


@pytest.mark.parametrize("who", ["school", "nord_editor", "dan_loiret", "dan_other"])
def test_refusals_of_the_departement_usage(client, world, who):
    refused = get(client, "/api/v1/usage/departements/45", world[who])
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Les usages de ce département ne vous sont pas accessibles."
    assert world["colleges"][1].name not in refused.content.decode()


@pytest.mark.parametrize("who", ["school", "nord_editor", "dan_loiret", "dan_other"])
def test_refusals_of_another_college(client, world, who):
    other = world["colleges"][1]
    refused = get(client, f"/api/v1/usage/colleges/{other.uai}", world[who])
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Les usages de ce collège ne vous sont pas accessibles."
    assert other.name not in refused.content.decode()


def test_departement_users_read_their_colleges_not_the_others(client, world):
    for who in ("loiret_editor", "loiret_viewer", "coordinator"):
        assert (
            get(client, f"/api/v1/usage/colleges/{world['colleges'][2].uai}", world[who]).status_code == 200
        )
    assert (
        get(client, f"/api/v1/usage/colleges/{world['nord_college'].uai}", world["loiret_viewer"]).status_code
        == 403
    )


def test_usage_without_logs_unknown_and_anonymous(client, world):
    # The Nord has no warehouse: its editor may read it, there is nothing to read.
    empty = get(client, "/api/v1/usage/departements/59", world["nord_editor"])
    assert (
        empty.status_code == 404
        and empty.json()["detail"] == "Aucun journal d'usage chargé pour ce département."
    )
    no_logs = get(client, f"/api/v1/usage/colleges/{world['nord_college'].uai}", world["nord_editor"])
    assert (
        no_logs.status_code == 404
        and no_logs.json()["detail"] == "Aucun journal d'usage chargé pour ce collège."
    )
    assert (
        get(client, "/api/v1/usage/colleges/0459999Z", world["coordinator"]).json()["detail"]
        == "Collège inconnu."
    )
    assert get(client, "/api/v1/usage/departements/975", world["coordinator"]).status_code == 404
    assert get(client, "/api/v1/usage/colleges/pas-un-uai", world["coordinator"]).status_code == 422
    for url in ("/api/v1/usage/departements/45", f"/api/v1/usage/colleges/{world['colleges'][0].uai}"):
        assert client.get(url).status_code == 401


# -- national count --------------------------------------------------------------------------------


def submitted_survey(campaign_factory, n: int) -> Campaign:
    """A closed, published three-question survey (no factors) with n submitted responses."""
    survey = campaign_factory(2016, Campaign.Status.CLOSED, slug="enquete-trois-questions", published=True)
    for code in ["45", "59", "50", "54", "69", "75", "13", "33"][:n]:
        Response.objects.create(
            campaign=survey, departement=Departement.objects.get(code=code), status=Response.Status.SUBMITTED
        )
    # A draft never counts.
    Response.objects.create(campaign=survey, departement=Departement.objects.get(code="01"))
    return survey


def test_national_counts_submitted_responses_of_a_questionnaire_without_factors(
    client, users, campaign_factory
):
    survey = submitted_survey(campaign_factory, 6)
    response = get(client, f"/api/v1/campaigns/{survey.pk}/national", users["loiret_editor"])
    assert response.status_code == 200
    body = response.json()
    assert body["respondents"] == 6 and body["factors"] == {}
    assert "pas de facteurs" in body["notice"]


def test_national_refuses_under_five_submitted_responses(client, users, campaign_factory):
    survey = submitted_survey(campaign_factory, 4)
    refused = get(client, f"/api/v1/campaigns/{survey.pk}/national", users["coordinator"])
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Moins de 5 réponses transmises (4) : aucun agrégat n'est publié."


def test_national_medians_and_count_with_five_respondents(client, users, campaign_factory, full_answers):
    campaign = campaign_factory(2017, Campaign.Status.OPEN)
    for i, code in enumerate(["45", "59", "50", "54", "69"]):
        response = services.response_for(campaign, departement=Departement.objects.get(code=code))
        for item, value in full_answers(1 + i % 4).items():
            services.save_answer(response, item, value, None, users["coordinator"])
        services.submit(response, users["coordinator"])
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED, published=True)
    body = get(client, f"/api/v1/campaigns/{campaign.pk}/national", users["nord_editor"]).json()
    assert body["respondents"] == 5
    # Levels 1, 2, 3, 4, 1 on every factor: median 2.
    assert len(body["factors"]) == 13 and set(body["factors"].values()) == {2.0}


def test_national_refusals(client, users, campaign_factory):
    draft = campaign_factory(2019, Campaign.Status.OPEN)
    refused = get(client, f"/api/v1/campaigns/{draft.pk}/national", users["loiret_editor"])
    assert refused.status_code == 403
    assert refused.json()["detail"] == "L'analyse nationale de cette campagne n'est pas encore publiée."
    assert (
        get(client, "/api/v1/campaigns/999999/national", users["coordinator"]).json()["detail"]
        == "Campagne introuvable."
    )
    assert client.get(f"/api/v1/campaigns/{draft.pk}/national").status_code == 401


def test_profile_of_a_questionnaire_without_factors_is_not_found(client, users, campaign_factory):
    survey = submitted_survey(campaign_factory, 5)
    response = get(client, f"/api/v1/campaigns/{survey.pk}/departements/45/profile", users["coordinator"])
    assert response.status_code == 404
    assert response.json()["detail"] == "Ce questionnaire n'a pas de facteurs à comparer."
    assert (
        get(client, f"/api/v1/campaigns/{survey.pk}/departements/975/profile", users["coordinator"]).json()[
            "detail"
        ]
        == "Département inconnu."
    )


# -- schema and documentation ----------------------------------------------------------------------

DECLARED = {
    "/api/v1/departements": {"200"},
    "/api/v1/campaigns": {"200", "401", "422"},
    "/api/v1/responses/{response_id}": {"200", "401", "403", "404", "422"},
    "/api/v1/campaigns/{campaign_id}/departements/{code}/profile": {"200", "401", "403", "404", "422"},
    "/api/v1/campaigns/{campaign_id}/national": {"200", "401", "403", "404", "409", "422"},
    "/api/v1/budget/scenarios": {"200", "401", "403", "404", "422"},
    "/api/v1/budget/scenarios/{scenario_id}": {"200", "401", "403", "404", "422"},
    "/api/v1/usage/departements/{code}": {"200", "401", "403", "404", "422"},
    "/api/v1/usage/colleges/{uai}": {"200", "401", "403", "404", "422"},
    "/api/v1/actions/catalogue": {"200", "422"},
    "/api/v1/plans/departements/{code}": {"200", "401", "403", "404", "422"},
    "/api/v1/plans/{plan_id}": {"200", "401", "403", "404", "422"},
    "/api/v1/school-surveys/departements/{code}": {"200", "401", "403", "404", "422"},
    "/api/v1/school-surveys/{survey_id}/results": {"200", "401", "403", "404", "422"},
    "/api/v1/resources": {"200", "422"},
    "/api/v1/resources/{resource_id}": {"200", "404", "422"},
    "/api/v1/experiences": {"200", "422"},
    "/api/v1/experiences/{kind}/{code}": {"200", "404", "422"},
    "/api/v1/opendata": {"200", "422"},
    "/api/v1/evaluation/departements/{code}/strategies": {"200", "401", "403", "404", "422"},
    "/api/v1/evaluation/strategies": {"200", "401", "403", "422"},
    "/api/v1/evaluation/departements/{code}/pilots": {"200", "401", "403", "404", "422"},
    "/api/v1/evaluation/pilots/{pilot_id}": {"200", "401", "403", "404", "422"},
    "/api/v1/usage/departements/{code}/fleet": {"200", "401", "403", "404", "422"},
    "/api/v1/usage/departements/{code}/bandwidth": {"200", "401", "403", "404", "422"},
}


def test_schema_declares_every_answer_with_the_french_error_body(client, territories):
    schema = client.get("/api/v1/openapi.json").json()
    assert {path: set(ops["get"]["responses"]) for path, ops in schema["paths"].items()} == DECLARED
    for ops in schema["paths"].values():
        for status, answer in ops["get"]["responses"].items():
            if status != "200":
                assert (
                    answer["content"]["application/json"]["schema"]["$ref"]
                    == "#/components/schemas/ErrorSchema"
                )
                assert answer["description"] in {
                    "Ni session ni jeton valide.",
                    "Ressource introuvable.",
                    "Votre rôle ne permet pas de lire cette ressource.",
                    "La ressource existe mais ne peut pas être calculée ou publiée.",
                    "Paramètre invalide (format, bornes).",
                }


def test_docs_page_loads_only_same_origin_assets_and_no_inline_script(client, territories):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html), "ressource externe dans la page"
    assert "cdn" not in html.lower()
    urls = re.findall(r"(?:src|href)=\"([^\"]+)\"", html)
    assert "/static/ninja/swagger-ui-bundle.js" in urls and all(u.startswith("/") for u in urls)
    # Only JSON data inline: every executable script is a same-origin file (CSP script-src 'self').
    for script in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.DOTALL):
        attributes, body = script
        assert "src=" in attributes or 'type="application/json"' in attributes
        assert body.strip() == "" or 'type="application/json"' in attributes
    # Swagger UI would fetch a validity badge from validator.swagger.io without this.
    assert '"validatorUrl": null' in html
    for asset in (
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/ninja/swagger-ui.css",
    ):
        assert client.get(asset).status_code == 200, asset


def test_the_browser_session_gets_the_same_answers_as_a_token(client, login, world):
    """Signed in on the site (no token): same data, same refusals."""
    login(world["school"])
    own = client.get(f"/api/v1/usage/colleges/{world['colleges'][0].uai}")
    assert own.status_code == 200 and own.json()["uai"] == world["colleges"][0].uai
    assert client.get(f"/api/v1/usage/colleges/{world['colleges'][1].uai}").status_code == 403
    assert client.get("/api/v1/budget/scenarios").status_code == 403
    login(world["loiret_viewer"])
    assert client.get("/api/v1/usage/departements/45").status_code == 200
    assert client.get("/api/v1/budget/scenarios").json() == []
