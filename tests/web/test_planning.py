"""Budget scenarios (numeduc.web.planning): building, validation, comparison, exports, refusals."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from numeduc import budget
from numeduc.web.planning import data as planning_data
from numeduc.web.planning.demo import load_demo_scenarios
from numeduc.web.planning.forms import ScenarioForm, fr_input
from numeduc.web.planning.models import Scenario
from numeduc.web.surveys.models import Answer, Campaign, Response
from numeduc.web.territories.models import College, Departement

pytestmark = pytest.mark.django_db

NNBSP, NBSP = "\u202f", "\u00a0"
PAPER_TOTAL = f"45{NNBSP}451,43{NBSP}€"
PAPER_PER_PUPIL = f"113,63{NBSP}€"


@pytest.fixture
def loiret_colleges(territories):
    """Six public collèges of the Loiret (and a private one that must be ignored)."""
    loiret = Departement.objects.get(code="45")
    sizes = [250, 400, 400, 612, 780, None]
    for i, pupils in enumerate(sizes):
        College.objects.create(
            uai=f"04500{i:02d}X",
            name=f"Collège test {i}",
            departement=loiret,
            public=True,
            pupils=pupils,
            commune_name="Orléans",
        )
    College.objects.create(uai="0450099Z", name="Collège privé", departement=loiret, public=False, pupils=900)
    return loiret


def make_scenario(code="45", **extra) -> Scenario:
    data = {"name": "Livre blanc", "base_preset": "livre-blanc-2017", "strategy": "classe_mobile"}
    data.update(extra)
    return Scenario.objects.create(departement=Departement.objects.get(code=code), **data)


def form_data(**changes) -> dict:
    """A complete POST of the scenario form with the white paper's values."""
    preset = budget.load_preset(changes.pop("base", "livre-blanc-2017"))
    data = {
        "name": "Mon scénario",
        "base_preset": "livre-blanc-2017",
        "scope": "college",
        "strategy": preset.strategy,
        "mode": preset.mode,
        "horizon": str(preset.horizon),
        "support": preset.support,
        "cohorts": str(preset.cohorts),
        "current_mbps": "",
        "description": "",
    }
    data.update(
        {
            f"p_{name}": format(value.normalize(), "f").replace(".", ",")
            for name, value in preset.values.items()
        }
    )
    data.update(changes)
    return data


# -- pages and figures -----------------------------------------------------------------------


def test_paper_preset_page_shows_the_white_paper_figures_in_french(users, login):
    scenario = make_scenario()
    client = login(users["loiret_viewer"])
    page = client.get(f"/budget/scenarios/{scenario.pk}/").content.decode()
    assert PAPER_TOTAL in page
    assert PAPER_PER_PUPIL in page
    assert "Ordinateurs fixes" in page  # the lines are listed with their sources
    departement_page = client.get("/budget/departements/45/").content.decode()
    assert PAPER_TOTAL in departement_page and PAPER_PER_PUPIL in departement_page


def test_editor_creates_a_scenario_from_the_form(users, login):
    client = login(users["loiret_editor"])
    page = client.get("/budget/departements/45/nouveau/?base=byod")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "Wifi et très haut débit" in html and "€/borne" in html and "[WP]" in html
    )  # groups, units, sources
    response = client.post(
        "/budget/departements/45/nouveau/",
        form_data(base="byod", base_preset="byod", name="BYOD 2019", p_desktop_price="900"),
    )
    assert response.status_code == 302
    scenario = Scenario.objects.get(name="BYOD 2019")
    assert scenario.departement.code == "45" and scenario.created_by == users["loiret_editor"]
    assert scenario.strategy == "byod"
    # Only what differs from the preset is stored.
    assert scenario.parameters == {"desktop_price": "900"}
    expected = budget.simulate(budget.load_preset("byod").replace(values={"desktop_price": 900}))
    assert planning_data.run(scenario).total_per_year == expected.total_per_year


def test_french_decimal_comma_is_accepted(users, login):
    client = login(users["loiret_editor"])
    response = client.post(
        "/budget/departements/45/nouveau/", form_data(p_byod_loan_share="0,2", p_ent_per_pupil="5,6")
    )
    assert response.status_code == 302
    scenario = Scenario.objects.get()
    assert scenario.parameters == {"byod_loan_share": "0.2", "ent_per_pupil": "5.6"}


@pytest.mark.parametrize(
    "field, value, message",
    [
        (
            "p_desktop_life",
            "0",
            "Durée de vie d&#x27;un ordinateur fixe : une durée de vie doit être strictement positive "
            "(0 an, minimum 1 an)",
        ),
        (
            "p_byod_loan_share",
            "1,5",
            "Parc de prêt (BYOD, hybride) : une part doit être comprise entre 0 et 1, soit 0 % et 100 % "
            "(1,5, maximum 1)",
        ),
        ("p_desktops", "12,5", "Ordinateurs fixes : un nombre (postes) doit être entier"),
        (
            "p_desktop_price",
            "huit cents",
            "Prix d&#x27;un ordinateur fixe : nombre attendu, reçu « huit cents » (entre 0 et 10",
        ),
        ("horizon", "0", "Horizon : 0 an, minimum 1 an"),
        (
            "current_mbps",
            "-3",
            "Débit internet actuel de chaque collège : la valeur ne peut pas être négative "
            "(-3 Mbit/s, minimum 0 Mbit/s)",
        ),
    ],
)
def test_validation_errors_are_french_and_name_the_field(users, login, field, value, message):
    client = login(users["loiret_editor"])
    response = client.post("/budget/departements/45/nouveau/", form_data(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Scenario.objects.exists()


def test_every_wrong_parameter_is_reported_at_once(users, login):
    client = login(users["loiret_editor"])
    response = client.post(
        "/budget/departements/45/nouveau/", form_data(p_desktop_life="-1", p_tbi_price="-5")
    )
    html = response.content.decode()
    assert "Durée de vie d&#x27;un ordinateur fixe" in html and "Prix d&#x27;un TBI/VPI installé" in html


def test_editor_edits_and_deletes(users, login):
    scenario = make_scenario()
    client = login(users["loiret_editor"])
    assert client.get(f"/budget/scenarios/{scenario.pk}/modifier/").status_code == 200
    response = client.post(
        f"/budget/scenarios/{scenario.pk}/modifier/", form_data(name="Renommé", strategy="eim")
    )
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.name == "Renommé" and scenario.strategy == "eim" and scenario.parameters == {}
    assert client.post(f"/budget/scenarios/{scenario.pk}/supprimer/").status_code == 302
    assert not Scenario.objects.exists()


def test_departement_scope_uses_the_real_public_colleges(loiret_colleges):
    scenario = make_scenario(scope=Scenario.Scope.DEPARTEMENT)
    result = planning_data.run(scenario)
    assert result.n_colleges == 6  # the private collège is left out
    mean = round((250 + 400 + 400 + 612 + 780) / 5)
    assert result.pupils == 250 + 400 + 400 + 612 + 780 + mean
    # Without scaling, only the ENT line depends on pupils: 6 paper collèges + 3.75 € per extra pupil.
    paper = budget.simulate(budget.load_preset("livre-blanc-2017"))
    expected = 6 * paper.total_per_year_exact + Decimal("3.75") * (result.pupils - 6 * 400)
    assert result.total_per_year == budget.cents(expected)
    # The years by family add up to the engine's département total.
    assert sum((y.discounted_total for y in result.years), Decimal(0)) / len(result.years) == pytest.approx(
        expected
    )
    assert budget.cents(sum(result.mean_by_family().values(), Decimal(0))) == pytest.approx(
        result.total_per_year, abs=Decimal("0.05")
    )


def test_bandwidth_lists_the_colleges_below_target(loiret_colleges):
    scenario = make_scenario(scope=Scenario.Scope.DEPARTEMENT, current_mbps=300)
    below = planning_data.below_target(planning_data.run(scenario))
    # 1 Mbit/s per user with one adult for ten pupils: a collège is below 300 Mbit/s from 273 pupils.
    assert list(below["pupils"]) == [780, 612, 488, 400, 400]
    assert below.iloc[0]["gap_target_mbps"] == pytest.approx(780 + 78 - 300)


# -- comparison and exports ----------------------------------------------------------------


def test_compare_two_scenarios_shows_both_totals_and_charts(users, login, loiret_colleges):
    paper = make_scenario()
    byod = make_scenario(
        name="BYOD collèges",
        base_preset="byod",
        strategy="byod",
        scope=Scenario.Scope.DEPARTEMENT,
        current_mbps=100,
    )
    client = login(users["loiret_viewer"])
    response = client.get(f"/budget/comparer/?s={paper.pk}&s={byod.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    byod_total = planning_data.run(byod).total_per_year
    assert PAPER_TOTAL in html
    from numeduc.formatting import fr_euro

    assert fr_euro(float(byod_total)) in html
    assert html.count("<svg") >= 4  # family bars, per pupil, cumulative, tornado
    assert "Sensibilité" in html and "Collèges sous l'objectif" in html


def test_compare_refuses_more_than_four(users, login):
    ids = [make_scenario(name=f"S{i}").pk for i in range(5)]
    client = login(users["loiret_viewer"])
    response = client.get("/budget/comparer/?" + "&".join(f"s={i}" for i in ids))
    assert response.status_code == 400


def read_csv(content: bytes) -> list[dict]:
    """French spreadsheet CSV (numeduc.web.downloads): BOM, ';' and decimal comma read back."""
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def dec(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def test_scenario_exports_xlsx_and_csv_with_the_totals(users, login, export_reader):
    scenario = make_scenario()
    client = login(users["loiret_viewer"])
    response = client.get(f"/budget/scenarios/{scenario.pk}/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response.content)
    assert len(rows) == 12
    assert sum(dec(r["Montant annuel (€)"]) for r in rows) == Decimal("45451.43")
    assert {r["Avertissement"] for r in rows} == {""}
    assert {r["Famille"] for r in rows} <= set(budget.FAMILIES.values())
    page = client.get(f"/budget/scenarios/{scenario.pk}/").content.decode()
    assert f'href="/budget/scenarios/{scenario.pk}/export.csv?format=csv-machine"' in page
    assert f'href="/budget/scenarios/{scenario.pk}/export.csv?format=schema"' in page
    _, machine, _ = export_reader.web_variants(client, f"/budget/scenarios/{scenario.pk}/export.csv")
    assert set(machine["family"]) <= set(budget.FAMILIES) and machine["amount"].sum() == pytest.approx(
        45451.43
    )

    response = client.get(f"/budget/scenarios/{scenario.pk}/export.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["À lire", "Lignes", "Années", "Paramètres"]
    summary = {row[0]: row[1] for row in workbook["À lire"].iter_rows(min_row=2, values_only=True)}
    assert summary["Total (€/an)"] == pytest.approx(45451.43)
    assert summary["Coût par élève (€/élève/an)"] == pytest.approx(113.63)
    assert "Avertissement" not in summary
    lines = list(workbook["Lignes"].iter_rows(min_row=2, values_only=True))
    assert sum(Decimal(str(r[3])) for r in lines) == Decimal("45451.43")
    years = list(workbook["Années"].iter_rows(values_only=True))
    header = years[0]
    assert [r[header.index("Dépense de l'année (€)")] for r in years[1:]] == [pytest.approx(45451.43)] * 5


def test_demo_exports_carry_the_demo_mark(users, login, loiret_colleges, export_reader):
    paper, byod = load_demo_scenarios()
    client = login(users["loiret_viewer"])
    rows = read_csv(client.get(f"/budget/scenarios/{byod.pk}/export.csv").content)
    assert len(rows) == 6 and {r["Avertissement"] for r in rows} == {planning_data.DEMO_MARK}
    result = planning_data.run(byod)
    assert sum(dec(r["Coût annuel (€)"]) for r in rows) == pytest.approx(
        result.total_per_year, abs=Decimal("0.05")
    )
    french, machine, _ = export_reader.web_variants(client, f"/budget/scenarios/{byod.pk}/export.csv")
    assert set(machine["demo_warning"]) == {planning_data.DEMO_MARK}
    assert {"aucune", "REP", "REP+"} >= set(french["Éducation prioritaire"].dropna())
    assert {"none", "REP", "REP+"} >= set(machine["priority_education"].dropna())
    response = client.get(f"/budget/scenarios/{paper.pk}/export.xlsx")
    assert "demonstration" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    first = list(workbook["À lire"].iter_rows(min_row=2, max_row=2, values_only=True))[0]
    assert first[0] == "Avertissement" and "DÉMONSTRATION" in first[1]


def test_comparison_exports(users, login, loiret_colleges, export_reader):
    paper, byod = load_demo_scenarios()
    client = login(users["loiret_viewer"])
    rows = read_csv(client.get(f"/budget/comparer/export.csv?s={paper.pk}&s={byod.pk}").content)
    assert [r["Scénario"] for r in rows] == [paper.name, byod.name]
    assert dec(rows[0]["Coût annuel (€)"]) == Decimal("45451.43")
    assert dec(rows[0]["Coût par élève (€/élève/an)"]) == Decimal("113.63")
    assert dec(rows[1]["Coût annuel (€)"]) == planning_data.run(byod).total_per_year
    assert rows[0]["Avertissement"] == planning_data.DEMO_MARK
    assert rows[1]["Stratégie d'équipement"] == budget.STRATEGIES["byod"]
    page = client.get(f"/budget/comparer/?s={paper.pk}&s={byod.pk}").content.decode()
    assert f'href="/budget/comparer/export.csv?s={paper.pk}&amp;s={byod.pk}&amp;format=csv-machine"' in page
    _, machine, _ = export_reader.web_variants(
        client, f"/budget/comparer/export.csv?s={paper.pk}&s={byod.pk}"
    )
    assert list(machine["strategy"]) == [paper.strategy, byod.strategy] and byod.strategy == "byod"
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/budget/comparer/export.xlsx?s={paper.pk}&s={byod.pk}").content)
    )
    assert workbook.sheetnames == ["À lire", "Synthèse", "Années"]
    years = list(workbook["Années"].iter_rows(values_only=True))
    assert len(years) == 1 + 5 + 5


def test_load_demo_scenarios_is_idempotent(territories):
    load_demo_scenarios()
    load_demo_scenarios()
    assert Scenario.objects.filter(is_demo=True, departement__code="45").count() == 2
    paper = Scenario.objects.get(scope=Scenario.Scope.COLLEGE, is_demo=True)
    assert planning_data.run(paper).total_per_year == Decimal("45451.43")


# -- permissions -----------------------------------------------------------------------------


def scenario_urls(pk: int) -> list[str]:
    return [
        f"/budget/scenarios/{pk}/",
        f"/budget/scenarios/{pk}/modifier/",
        f"/budget/scenarios/{pk}/supprimer/",
        f"/budget/scenarios/{pk}/export.csv",
        f"/budget/scenarios/{pk}/export.xlsx",
        f"/budget/comparer/?s={pk}",
        f"/budget/comparer/export.csv?s={pk}",
        f"/budget/comparer/export.xlsx?s={pk}",
    ]


@pytest.mark.parametrize("who", ["nord_editor", "dan_loiret", "dan_other"])
def test_other_users_are_refused_everywhere(users, login, who):
    scenario = make_scenario(name="Secret du Loiret")
    client = login(users[who])
    for url in scenario_urls(scenario.pk) + ["/budget/departements/45/", "/budget/departements/45/nouveau/"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"Secret du Loiret" not in response.content
    assert client.post(f"/budget/scenarios/{scenario.pk}/supprimer/").status_code == 403
    assert (
        client.post(f"/budget/scenarios/{scenario.pk}/modifier/", form_data(name="Piraté")).status_code == 403
    )
    assert client.post("/budget/departements/45/nouveau/", form_data()).status_code == 403
    scenario.refresh_from_db()
    assert scenario.name == "Secret du Loiret"


def test_mixing_an_allowed_and_a_refused_scenario_in_a_comparison_is_refused(users, login):
    own, other = make_scenario(), make_scenario(code="59", name="Nord")
    client = login(users["loiret_viewer"])
    assert client.get(f"/budget/comparer/?s={own.pk}&s={other.pk}").status_code == 403
    assert client.get(f"/budget/comparer/export.xlsx?s={own.pk}&s={other.pk}").status_code == 403


def test_viewer_reads_but_cannot_change(users, login):
    scenario = make_scenario()
    client = login(users["loiret_viewer"])
    for url in (
        f"/budget/scenarios/{scenario.pk}/",
        f"/budget/scenarios/{scenario.pk}/export.csv",
        "/budget/departements/45/",
    ):
        assert client.get(url).status_code == 200
    for url in (
        f"/budget/scenarios/{scenario.pk}/modifier/",
        f"/budget/scenarios/{scenario.pk}/supprimer/",
        "/budget/departements/45/nouveau/",
    ):
        assert client.get(url).status_code == 403
    assert client.post(f"/budget/scenarios/{scenario.pk}/supprimer/").status_code == 403
    assert Scenario.objects.filter(pk=scenario.pk).exists()
    assert "Modifier</a>" not in client.get(f"/budget/scenarios/{scenario.pk}/").content.decode()


def test_coordinator_reads_all_but_cannot_change(users, login):
    loiret, nord = make_scenario(), make_scenario(code="59", name="Nord")
    client = login(users["coordinator"])
    index = client.get("/budget/").content.decode()
    assert "Loiret" in index and "Nord" in index
    assert client.get(f"/budget/comparer/?s={loiret.pk}&s={nord.pk}").status_code == 200
    assert client.get(f"/budget/scenarios/{nord.pk}/export.xlsx").status_code == 200
    assert client.get(f"/budget/scenarios/{nord.pk}/modifier/").status_code == 403
    assert client.get("/budget/departements/59/nouveau/").status_code == 403


def test_departement_users_land_on_their_own_page(users, login):
    assert login(users["loiret_editor"]).get("/budget/")["Location"] == "/budget/departements/45/"


def test_anonymous_is_sent_to_login(client, territories):
    scenario = make_scenario()
    response = client.get(f"/budget/scenarios/{scenario.pk}/export.csv")
    assert response.status_code == 302 and "/compte/" in response["Location"]


# -- budget per pupil against the national distribution ---------------------------------------


def answer_budgets(campaign, code, investment, operation):
    response = Response.objects.create(
        campaign=campaign, departement=Departement.objects.get(code=code), status=Response.Status.SUBMITTED
    )
    Answer.objects.create(response=response, item_id="budget_investissement_par_eleve", value=investment)
    Answer.objects.create(response=response, item_id="budget_fonctionnement_par_eleve", value=operation)


def test_positioning_in_the_white_paper_bands_and_peer_median(users, login, campaign_factory):
    from numeduc.web.surveys.data import reference_peer_groups

    closed = campaign_factory(2017, Campaign.Status.CLOSED)
    peers = reference_peer_groups()
    group = peers.groups["45"]
    members = sorted(c for c, g in peers.groups.items() if g == group and c != "45")
    others = sorted(c for c, g in peers.groups.items() if g != group)
    # Loiret 60 + 22 = 82 €/pupil; five peers 40, 60, 80, 100, 120 -> peer median (with Loiret) 80.
    answer_budgets(closed, "45", 60, 22)
    for code, total in zip(members[:5], (40, 60, 80, 100, 120)):
        answer_budgets(closed, code, total - 10, 10)
    for code, total in zip(others[:4], (30, 55, 70, 90)):
        answer_budgets(closed, code, total, 0)
    pos = planning_data.positioning(Departement.objects.get(code="45"))
    assert pos.own_value == 82 and pos.n == 10
    # < 50: 40, 30; 50-75: 60, 55, 70; 75-100: 82, 80, 90; > 100: 100, 120.
    assert pos.shares == {"moins de 50 €": 20.0, "50 à 75 €": 30.0, "75 à 100 €": 30.0, "plus de 100 €": 20.0}
    assert pos.peer_n == 6 and pos.peer_median == 81.0
    html = login(users["loiret_viewer"]).get("/budget/departements/45/").content.decode()
    assert f"82,00{NBSP}€" in html and "tranche « 75 à 100 € »" in html
    assert f"81,00{NBSP}€" in html  # the peer median


def test_positioning_hides_small_groups(users, login, campaign_factory):
    closed = campaign_factory(2017, Campaign.Status.CLOSED)
    for code in ("45", "59", "62"):
        answer_budgets(closed, code, 50, 10)
    pos = planning_data.positioning(Departement.objects.get(code="45"))
    assert pos.campaign is None and pos.peer_median is None
    html = login(users["loiret_viewer"]).get("/budget/departements/45/").content.decode()
    assert "la distribution nationale n'est pas affichée" in html


# -- properties of the form: what is saved is what was typed ---------------------------------


# Within the bounds of « Prix d'un ordinateur fixe » (0 to 10 000 €).
money = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)
share = st.decimals(min_value=0, max_value=1, places=3, allow_nan=False, allow_infinity=False)


@given(st.one_of(money, share))
def test_form_display_of_a_value_reads_back_exactly(value):
    shown = fr_input(value)
    assert "." not in shown
    assert budget.scenario_from_dict({"parameters": {"desktop_price": shown}})["desktop_price"] == value


@hsettings(max_examples=40, deadline=None)
@given(
    price=money,
    loan=share,
    desktops=st.integers(min_value=0, max_value=500),
    strategy=st.sampled_from(sorted(budget.STRATEGIES)),
    base=st.sampled_from(budget.list_presets()),
)
def test_saved_overrides_rebuild_the_validated_scenario(price, loan, desktops, strategy, base):
    data = form_data(
        base=base,
        base_preset=base,
        strategy=strategy,
        p_desktop_price=fr_input(price),
        p_byod_loan_share=fr_input(loan),
        p_desktops=str(desktops),
    )
    form = ScenarioForm(data, base=budget.load_preset(base))
    assert form.is_valid(), form.errors
    scenario = form.save(Scenario(departement=Departement(code="45", name="Loiret")))
    rebuilt = scenario.to_engine()
    assert dict(rebuilt.values) == dict(form.engine_scenario.values)
    assert rebuilt.strategy == strategy
    assert (rebuilt["desktop_price"], rebuilt["byod_loan_share"], rebuilt["desktops"]) == (
        price,
        loan,
        desktops,
    )
    # Only the values that differ from the base preset are stored.
    preset = budget.load_preset(base)
    assert all(Decimal(v) != preset[k] for k, v in scenario.parameters.items())


def test_a_scenario_the_engine_rejects_is_reported_not_crashed(users, login):
    scenario = make_scenario(parameters={"desktop_life": "0"})  # stored before a rule changed, say
    client = login(users["loiret_viewer"])
    response = client.get(f"/budget/scenarios/{scenario.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Le scénario « Livre blanc » contient une valeur hors limites (Durée de vie d&#x27;un "
        "ordinateur fixe : une durée de vie doit être strictement positive (0 an, minimum 1 an))" in html
    )
    assert PAPER_TOTAL not in html  # its figures are skipped


def test_positioning_without_a_declared_budget_places_the_scenarios(users, login, campaign_factory):
    closed = campaign_factory(2017, Campaign.Status.CLOSED)
    for code, total in zip(("59", "62", "75", "13", "33", "69"), (40, 60, 70, 80, 110, 130)):
        answer_budgets(closed, code, total, 0)
    make_scenario(name="Livre blanc")
    pos = planning_data.positioning(Departement.objects.get(code="45"))
    assert pos.own_value is None and pos.n == 6
    html = login(users["loiret_viewer"]).get("/budget/departements/45/").content.decode()
    assert "n'a pas encore déclaré son budget" in html
    assert "Scénario « Livre blanc » : 113,63" in html  # the scenario is placed on the strip


def test_a_control_character_in_the_scenario_name_is_refused(users, login):
    client = login(users["loiret_editor"])
    response = client.post("/budget/departements/45/nouveau/", form_data(name="Scénario\x07 bip"))
    assert response.status_code == 400
    assert "U+0007" in response.content.decode()
    assert not Scenario.objects.filter(departement__code="45").exists()


def test_two_tabs_editing_one_scenario_lose_nothing(users, login):
    """The second tab's save does not overwrite the first one's: it comes back with its values
    typed and a notice (409); sent again, it replaces the stored version."""
    scenario = make_scenario()
    client = login(users["loiret_editor"])
    edit_url = f"/budget/scenarios/{scenario.pk}/modifier/"
    version = re.search(r'name="version" value="([^"]+)"', client.get(edit_url).content.decode()).group(1)
    first = client.post(edit_url, form_data(name="Onglet 1", version=version))
    assert first.status_code == 302
    second = client.post(edit_url, form_data(name="Onglet 2", p_desktop_price="777", version=version))
    assert second.status_code == 409
    page = second.content.decode()
    assert "Ce scénario a été modifié ailleurs" in page and "non enregistrées" in page
    assert 'value="Onglet 2"' in page and 'value="777"' in page  # what was typed is still there
    scenario.refresh_from_db()
    assert scenario.name == "Onglet 1"
    new_version = re.search(r'name="version" value="([^"]+)"', page).group(1)
    assert (
        client.post(
            edit_url, form_data(name="Onglet 2", p_desktop_price="777", version=new_version)
        ).status_code
        == 302
    )
    scenario.refresh_from_db()
    assert scenario.name == "Onglet 2" and scenario.parameters["desktop_price"] == "777"
