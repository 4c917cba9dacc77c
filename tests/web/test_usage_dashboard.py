"""Usage dashboards: pages from a small generated warehouse, values, exports, cache, refusals."""

from __future__ import annotations

import csv
import io
import shutil

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from numeduc.usage.indicators import INDICATORS
from numeduc.usage.ingest import ingest
from numeduc.web.surveys.models import Campaign
from numeduc.web.territories.models import Departement
from numeduc.web.usage_dashboard import store
from numeduc.web.usage_dashboard.data import is_demo
from numeduc.web.usage_dashboard.demo import RealWarehouseError, load_demo_usage
from numeduc.web.usage_dashboard.labels import INDICATOR_LABELS, format_value, full_label
from numeduc.web.usage_dashboard.models import UsageWarehouse

from .conftest import USAGE_MONTH_1, USAGE_MONTH_2, submit_response

pytestmark = pytest.mark.django_db
MONTH_1, MONTH_2 = USAGE_MONTH_1, USAGE_MONTH_2


def value_of(expected, uai, month, indicator, profile=""):
    row = expected[
        (expected.uai == uai)
        & (expected.month == month)
        & (expected.indicator == indicator)
        & (expected.profile == profile)
    ]
    assert len(row) == 1
    return float(row["value"].iloc[0])


def read_csv(content: bytes) -> list[dict]:
    """French spreadsheet CSV (numeduc.web.downloads): BOM, ';' and decimal comma read back."""
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def num(text: str) -> float:
    return float(text.replace(",", "."))


def test_every_indicator_has_a_french_label_and_an_explanation():
    for indicator in INDICATORS:
        info = INDICATOR_LABELS[indicator]
        assert info.label and info.explanation.endswith(")") or info.explanation.endswith(".")
    assert full_label("monthly_active_rate", "ELEVE") == "Utilisateurs actifs dans le mois (élèves)"
    assert format_value("monthly_active_rate", 0.4567) == "45,7\u00a0%"
    assert format_value("bandwidth_kbps_per_user", 1234.4) == "1\u202f234\u00a0kbit/s"


def test_dashboard_shows_the_colleges_with_the_core_values(client, login, world, expected):
    login(world["loiret_editor"])
    page = client.get(
        "/usages/departements/45/", {"mois": MONTH_2, "indicateur": "monthly_active_rate:ELEVE"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Utilisateurs actifs dans le mois (élèves)" in html
    assert "Personnes ayant au moins une activité sur" in html  # how it is computed
    for college in world["colleges"]:
        assert college.name in html
        shown = format_value(
            "monthly_active_rate", value_of(expected, college.uai, MONTH_2, "monthly_active_rate", "ELEVE")
        )
        assert f'data-uai="{college.uai}"' in html
        row = html.split(f'data-uai="{college.uai}"')[1].split("</tr>")[0]
        assert f'<td class="num value">{shown}</td>' in row
    # Four collèges: every comparison falls back to the whole warehouse, and the page says so.
    assert "repli" in html and "trop petit" in html
    assert "<svg" in html and "par mois" in html  # monthly series
    assert "données de démonstration" not in html  # real (not registered as demo) warehouse


def test_device_indicator_and_overview(client, login, world, expected):
    login(world["loiret_viewer"])
    page = client.get("/usages/departements/45/", {"mois": MONTH_1, "indicateur": "device_activity_rate_30d"})
    assert page.status_code == 200
    html = page.content.decode()
    uai = world["colleges"][1].uai
    row = html.split(f'data-uai="{uai}"')[1].split("</tr>")[0]
    assert (
        format_value("device_activity_rate_30d", value_of(expected, uai, MONTH_1, "device_activity_rate_30d"))
        in row
    )
    # Overview: pooled département value = Σ numerators / Σ denominators.
    sel = expected[(expected.month == MONTH_1) & (expected.indicator == "regular_use_share")]
    pooled = sel.numerator.sum() / sel.denominator.sum()
    overview = html.split('id="overview"')[1].split("</table>")[0]
    assert format_value("regular_use_share", pooled) in overview


def test_unknown_parameters_fall_back_to_defaults(client, login, world):
    login(world["coordinator"])
    page = client.get("/usages/departements/45/", {"mois": "1999-01", "indicateur": "<script>"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html.split("<main")[1]
    assert f'<option value="{MONTH_2}" selected>' in html  # latest month by default


def test_csv_export_matches_the_core_and_marks_demo_data(client, login, world, expected, export_reader):
    login(world["loiret_editor"])
    params = {"mois": MONTH_2, "indicateur": "regular_use_share:ELEVE"}
    response = client.get("/usages/departements/45/export.csv", params)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = read_csv(response.content)
    assert {r["Code UAI"] for r in rows} == {c.uai for c in world["colleges"]}
    for r in rows:
        assert num(r["Valeur"]) == pytest.approx(
            value_of(expected, r["Code UAI"], MONTH_2, "regular_use_share", "ELEVE")
        )
        assert r["Indicateur"] == "Élèves utilisateurs réguliers"
        assert r["Groupe élargi"] in ("oui", "non")
    assert {r["Avertissement"] for r in rows} == {""}
    query = "mois=" + MONTH_2 + "&indicateur=regular_use_share:ELEVE"
    page = client.get("/usages/departements/45/", params).content.decode()
    assert (
        f'href="/usages/departements/45/export.csv?{query.replace("&", "&amp;")}&amp;format=csv-machine"'
        in page
    )
    assert 'href="/usages/departements/45/cout-par-eleve-actif.csv?format=schema"' in page
    _, machine, _ = export_reader.web_variants(client, f"/usages/departements/45/export.csv?{query}")
    assert set(machine["indicator"]) == {"regular_use_share"} and set(machine["profile"]) == {"ELEVE"}
    UsageWarehouse.objects.create(departement=Departement.objects.get(code="45"), is_demo=True)
    response = client.get("/usages/departements/45/export.csv", params)
    assert "demonstration" in response["Content-Disposition"]
    rows = read_csv(response.content)
    assert rows and all(r["Avertissement"] == "données de démonstration" for r in rows)
    page = client.get("/usages/departements/45/", params).content.decode()
    assert page.count("données de démonstration") >= 3  # title badge, export link, chart
    college = client.get(f"/usages/colleges/{world['colleges'][0].uai}/").content.decode()
    assert "données de démonstration" in college


def test_college_page_for_its_school_head(client, login, world, expected):
    own = world["colleges"][0]
    login(world["school"])
    assert client.get("/usages/").url == f"/usages/colleges/{own.uai}/"
    page = client.get(f"/usages/colleges/{own.uai}/", {"mois": MONTH_1})
    assert page.status_code == 200
    html = page.content.decode()
    assert own.name in html
    row = html.split('data-indicator="monthly_active_rate:PARENT"')[1].split("</tr>")[0]
    assert (
        format_value(
            "monthly_active_rate", value_of(expected, own.uai, MONTH_1, "monthly_active_rate", "PARENT")
        )
        in row
    )
    assert "Tous les collèges du département" not in html  # no link to a page it may not see
    assert f'href="/usages/colleges/{own.uai}/export.csv?mois={MONTH_1}&amp;format=csv-machine"' in html
    export = client.get(f"/usages/colleges/{own.uai}/export.csv", {"mois": MONTH_1})
    rows = read_csv(export.content)
    assert {r["Code UAI"] for r in rows} == {own.uai} and {r["Mois"] for r in rows} == {MONTH_1}
    assert len(rows) == len(expected[(expected.uai == own.uai) & (expected.month == MONTH_1)])


@pytest.mark.parametrize("who", ["nord_editor", "dan_loiret", "dan_other", "school"])
def test_refusals_of_the_departement_dashboard_and_export(client, login, world, who):
    login(world[who])
    assert client.get("/usages/departements/45/").status_code == 403
    assert client.get("/usages/departements/45/export.csv").status_code == 403


@pytest.mark.parametrize("who", ["nord_editor", "dan_loiret", "school"])
def test_refusals_of_another_college(client, login, world, who):
    login(world[who])
    other = world["colleges"][1]
    assert client.get(f"/usages/colleges/{other.uai}/").status_code == 403
    assert client.get(f"/usages/colleges/{other.uai}/export.csv").status_code == 403


def test_departement_users_see_their_colleges_and_not_the_others(client, login, world):
    login(world["loiret_viewer"])
    assert client.get(f"/usages/colleges/{world['colleges'][2].uai}/").status_code == 200
    assert client.get(f"/usages/colleges/{world['nord_college'].uai}/").status_code == 403
    assert client.get("/usages/").url == "/usages/departements/45/"


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    response = client.get("/usages/departements/45/")
    assert response.status_code == 302 and "/compte/" in response.url


def test_coordinator_index_and_a_departement_without_warehouse(client, login, world):
    login(world["coordinator"])
    index = client.get("/usages/").content.decode()
    assert "Loiret (45)" in index
    page = client.get("/usages/departements/59/")
    assert page.status_code == 200
    assert "pas encore chargé de journaux" in page.content.decode()
    assert client.get("/usages/departements/59/export.csv").status_code == 404
    login(world["dan_loiret"])
    assert client.get("/usages/").status_code == 403


def test_indicators_are_cached_and_recomputed_when_the_manifest_changes(
    settings, warehouse_root, generated, tmp_path, monkeypatch
):
    root = tmp_path / "root"
    shutil.copytree(warehouse_root / "45", root / "45", ignore=shutil.ignore_patterns("_web_cache"))
    settings.USAGE_WAREHOUSE_ROOT = root
    store.clear_memo()
    calls = []
    real = store._compute
    monkeypatch.setattr(store, "_compute", lambda path: calls.append(path) or real(path))
    first = store.load("45")
    store.clear_memo()  # a new process: reads the Parquet cache, does not recompute
    second = store.load("45")
    assert len(calls) == 1
    pd.testing.assert_frame_equal(first.indicators, second.indicators)
    # A new ingested file changes the manifest: the indicators are computed again, once.
    extra = tmp_path / "establishments.csv"
    est = pd.read_csv(generated / "establishments.csv", dtype=str)
    est.loc[0, "pupils"] = str(int(est.loc[0, "pupils"]) * 2)
    est.to_csv(extra, index=False)
    assert [r.status for r in ingest("establishments", [extra], root / "45", "45")] == ["ingéré"]
    third = store.load("45")
    store.load("45")
    assert len(calls) == 2 and third.signature != first.signature
    assert len(list((root / "45" / "_web_cache").glob("indicators-*.parquet"))) == 1


def _submitted(campaign, code, full_answers):
    return submit_response(campaign, code, full_answers(3))


def test_results_page_shows_declared_levels_beside_measured_indicators(
    client, login, world, expected, campaign_factory, full_answers
):
    campaign = campaign_factory(2017, Campaign.Status.CLOSED)
    for code in ("45", "59"):
        _submitted(campaign, code, full_answers)
    login(world["loiret_viewer"])
    html = client.get(f"/resultats/{campaign.pk}/departements/45/").content.decode()
    assert "Ce que vous déclarez, ce que mesurent vos journaux" in html
    section = html.split('id="usage-compare-title"')[1].split("</section>")[0]
    assert "niveau 3 sur 4" in section
    sel = expected[
        (expected.month == MONTH_2)
        & (expected.indicator == "monthly_active_rate")
        & (expected.profile == "ELEVE")
    ]
    assert format_value("monthly_active_rate", sel.numerator.sum() / sel.denominator.sum()) in section
    assert "Terminaux actifs sur 30 jours" in section and "4 collèges" in section
    campaign.published = True
    campaign.save()
    login(world["dan_loiret"])  # reads the published results, not the usage logs
    page = client.get(f"/resultats/{campaign.pk}/departements/45/")
    assert page.status_code == 200 and "Votre profil sur les 13 facteurs" in page.content.decode()
    assert "ce que mesurent vos journaux" not in page.content.decode()
    login(world["nord_editor"])  # no warehouse for the Nord: no such table
    html = client.get(f"/resultats/{campaign.pk}/departements/59/").content.decode()
    assert "ce que mesurent vos journaux" not in html


def test_load_demo_usage_marks_the_warehouse_as_demo(settings, tmp_path, territories):
    settings.USAGE_WAREHOUSE_ROOT = tmp_path
    store.clear_memo()
    summary = load_demo_usage("45", months=1, seed=3, pupils=300, max_colleges=3)
    assert summary["colleges"] == 3 and summary["months"] == ["2024-09"] and summary["indicator_rows"] > 0
    assert UsageWarehouse.objects.get(departement__code="45").is_demo
    data = store.load("45")
    # The demo school account's collège (first public Loiret collège by UAI) has data.
    assert "0450003J" in set(data.indicators["uai"])
    # A recreated database forgets the registry; the folder's marker still says « demo ».
    UsageWarehouse.objects.all().delete()
    assert is_demo(Departement.objects.get(code="45"))
    again = load_demo_usage("45", months=1, seed=3, pupils=300, max_colleges=3)  # replaces the demo
    assert again["events"] == summary["events"]
    # A warehouse of real logs (no marker, not registered as demo) is never replaced.
    (tmp_path / "45" / store.DEMO_MARKER).unlink()
    UsageWarehouse.objects.filter(departement__code="45").update(is_demo=False)
    assert not is_demo(Departement.objects.get(code="45"))
    with pytest.raises(RealWarehouseError):
        load_demo_usage("45", months=1, seed=3, pupils=300, max_colleges=3)
    assert (tmp_path / "45" / "establishments").is_dir()  # left untouched


def test_overview_counts_the_colleges_flagged_in_the_table(settings, warehouse_root):
    from numeduc.web.usage_dashboard import presenters as services
    from numeduc.web.usage_dashboard.labels import parse_key

    settings.USAGE_WAREHOUSE_ROOT = warehouse_root
    store.clear_memo()
    data = store.load("45")
    for month in data.months:
        for row in services.overview(data, month):
            indicator, profile = parse_key(row["key"])
            table = services.college_rows(data, month, indicator, profile)
            assert row["watch"] == sum(r["flag_css"] == "watch" for r in table)
            assert row["n"] == len(table)


def test_refresh_command_recomputes_and_refuses_a_departement_without_warehouse(settings, warehouse_root):
    from django.core.management import CommandError, call_command

    settings.USAGE_WAREHOUSE_ROOT = warehouse_root
    out = io.StringIO()
    call_command("refresh_usage_indicators", "45", stdout=out)
    assert out.getvalue().startswith(f"45 : {len(store.load('45').indicators)} lignes")
    with pytest.raises(CommandError, match="pas d'entrepôt"):
        call_command("refresh_usage_indicators", "59")


def test_a_read_only_warehouse_is_computed_in_memory(settings, warehouse_root, expected, monkeypatch):
    settings.USAGE_WAREHOUSE_ROOT = warehouse_root
    store.clear_memo()

    def refused(cache):
        raise PermissionError(13, "Permission non accordée", str(cache))

    monkeypatch.setattr(store, "_locked", refused)
    data = store.load("45")
    assert len(data.indicators) == len(expected)
    assert data.indicators["value"].sum() == pytest.approx(expected["value"].sum())


@given(
    percentile=st.one_of(st.none(), st.floats(0, 100)),
    z=st.one_of(st.none(), st.floats(-50, 50)),
    indicator=st.sampled_from(sorted(INDICATOR_LABELS)),
)
def test_flag_marks_the_unfavourable_quartile_only(percentile, z, indicator):
    from numeduc.web.usage_dashboard.presenters import flag

    text, css = flag(indicator, {"percentile": percentile, "robust_z": z})
    direction = INDICATOR_LABELS[indicator].direction
    if percentile is None:
        assert (text, css) == ("", "")
        return
    low, high = percentile < 25, percentile > 75
    assert (css == "watch") == ((low and direction > 0) or (high and direction < 0))
    assert (css == "good") == ((low and direction < 0) or (high and direction > 0))
    assert text.startswith("à regarder") == (css == "watch")
    assert ("très éloigné" in text) == (z is not None and abs(z) >= 2)
    assert ("25 % les plus bas" in text) == low and ("25 % les plus hauts" in text) == high


# -- « Coût par élève actif » ------------------------------------------------------------------


def _cost_expected(warehouse_root, expected, scenario, scale=True):
    from numeduc.usage.cost import cost_per_active_pupil, departement_cost
    from numeduc.usage.engines import connect
    from numeduc.usage.indicators import establishments_frame

    est = establishments_frame(connect(warehouse_root / "45"))
    costs = cost_per_active_pupil(expected, est, scenario, scale_equipment=scale)
    return costs.set_index("uai"), departement_cost(costs)


def _cost_section(html: str) -> str:
    import html as html_lib

    return html_lib.unescape(html.split('id="cost-title"')[1].split("</section>")[0])


def _planning(name, scope="departement", **extra):
    from numeduc.web.planning.models import Scenario

    fields = {"base_preset": "livre-blanc-2017", "strategy": "classe_mobile", **extra}
    return Scenario.objects.create(
        departement=Departement.objects.get(code="45"), name=name, scope=scope, **fields
    )


def test_cost_section_with_the_white_paper_preset(client, login, world, warehouse_root, expected):
    from numeduc import budget
    from numeduc.formatting import fr_euro

    costs, dep = _cost_expected(warehouse_root, expected, budget.load_preset("livre-blanc-2017"))
    login(world["loiret_viewer"])
    html = client.get("/usages/departements/45/").content.decode()
    section = _cost_section(html)
    assert "Coût par élève actif" in html.split('id="cost-title"')[1].split("</h2>")[0]
    assert "préréglage du livre blanc de l'ADF (2017)" in section
    assert "le département n'a pas encore de scénario de budget" in section
    assert "données de démonstration" not in section  # a real (not demo) warehouse
    for college in world["colleges"]:
        row = section.split(f'data-uai="{college.uai}"')[1].split("</tr>")[0]
        assert fr_euro(costs.loc[college.uai, "tco_year"]) in row
        assert f'<td class="num value">{fr_euro(costs.loc[college.uai, "cost_per_active_pupil"])}</td>' in row
    total = section.split('class="total"')[1].split("</tr>")[0]
    assert fr_euro(dep["cost_per_active_pupil"]) in total and fr_euro(dep["tco_year"]) in total
    assert f"{dep['n_measured']} collèges mesurés sur 4" in total


def test_cost_section_uses_the_latest_departement_scenario(client, login, world, warehouse_root, expected):
    from numeduc.formatting import fr_euro

    _planning("Ancien scénario", strategy="byod")
    recent = _planning(
        "Plan EIM 2025", strategy="eim", scale_equipment=False, parameters={"mobile_device_price": "420"}
    )
    _planning(
        "Collège type plus récent", scope="college", strategy="hybride"
    )  # one typical collège: not used
    costs, dep = _cost_expected(warehouse_root, expected, recent.to_engine(), scale=False)
    login(world["loiret_editor"])
    section = _cost_section(client.get("/usages/departements/45/").content.decode())
    assert "scénario de budget du département « Plan EIM 2025 »" in section
    assert "même équipement dans chaque collège" in section
    assert f'href="/budget/scenarios/{recent.pk}/"' in section
    uai = world["colleges"][2].uai
    assert (
        fr_euro(costs.loc[uai, "cost_per_active_pupil"])
        in section.split(f'data-uai="{uai}"')[1].split("</tr>")[0]
    )
    # An edit of the scenario changes the figures at the next view (not a stale cached table).
    recent.parameters = {"mobile_device_price": "500"}
    recent.save()
    costs2, _ = _cost_expected(warehouse_root, expected, recent.to_engine(), scale=False)
    assert costs2.loc[uai, "tco_year"] > costs.loc[uai, "tco_year"]
    section = _cost_section(client.get("/usages/departements/45/").content.decode())
    assert fr_euro(costs2.loc[uai, "tco_year"]) in section.split(f'data-uai="{uai}"')[1].split("</tr>")[0]


def test_cost_section_says_why_a_college_scenario_is_not_used(client, login, world):
    _planning("Collège type", scope="college")
    login(world["coordinator"])
    section = _cost_section(client.get("/usages/departements/45/").content.decode())
    assert "préréglage du livre blanc" in section and "portent sur un collège type" in section


def test_cost_is_computed_from_the_cached_indicators(client, login, world, monkeypatch):
    store.load("45")  # the Parquet cache exists (written now or by an earlier test)
    store.clear_memo()  # a fresh process
    calls = []
    real = store._compute
    monkeypatch.setattr(store, "_compute", lambda path: calls.append(path) or real(path))
    import numeduc.usage.indicators as core

    monkeypatch.setattr(core, "compute_indicators", lambda *a, **k: pytest.fail("indicators recomputed"))
    login(world["loiret_editor"])
    assert client.get("/usages/departements/45/").status_code == 200
    data = store.load("45")
    assert [k for k in data.derived if isinstance(k, tuple) and k[0] == "cost"] == [
        ("cost", "preset-livre-blanc-2017")
    ]
    assert client.get("/usages/departements/45/cout-par-eleve-actif.csv").status_code == 200
    assert calls == []


def test_cost_export_matches_the_core_and_marks_demo_data(
    client, login, world, warehouse_root, expected, export_reader
):
    from numeduc import budget

    costs, dep = _cost_expected(warehouse_root, expected, budget.load_preset("livre-blanc-2017"))
    login(world["loiret_editor"])
    response = client.get("/usages/departements/45/cout-par-eleve-actif.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = read_csv(response.content)
    assert [r["Code UAI"] for r in rows[:-1]] == sorted(c.uai for c in world["colleges"])
    for r in rows[:-1]:
        assert num(r["Coût annuel (€)"]) == costs.loc[r["Code UAI"], "tco_year"]
        assert num(r["Coût par élève actif (€/élève actif/an)"]) == pytest.approx(
            costs.loc[r["Code UAI"], "cost_per_active_pupil"]
        )
        assert r["Scénario de budget"] == "livre-blanc-2017"
    assert rows[-1]["Code UAI"] == "" and rows[-1]["Collège"] == "Ensemble du département"
    assert num(rows[-1]["Coût par élève actif (€/élève actif/an)"]) == pytest.approx(
        dep["cost_per_active_pupil"]
    )
    assert {r["Avertissement"] for r in rows} == {""}
    export_reader.web_variants(client, "/usages/departements/45/cout-par-eleve-actif.csv")
    UsageWarehouse.objects.create(departement=Departement.objects.get(code="45"), is_demo=True)
    response = client.get("/usages/departements/45/cout-par-eleve-actif.csv")
    assert "demonstration" in response["Content-Disposition"]
    assert all(r["Avertissement"] == "données de démonstration" for r in read_csv(response.content))
    section = _cost_section(client.get("/usages/departements/45/").content.decode())
    assert section.lower().count("données de démonstration") >= 3  # badge, sentence, export link


@pytest.mark.parametrize("who", ["nord_editor", "dan_loiret", "dan_other", "school"])
def test_refusals_of_the_cost_export(client, login, world, who):
    _planning("Plan du Loiret")
    login(world[who])
    response = client.get("/usages/departements/45/cout-par-eleve-actif.csv")
    assert response.status_code == 403
    assert "Plan du Loiret" not in response.content.decode()


def test_cost_export_of_a_departement_without_warehouse(client, login, world):
    login(world["coordinator"])
    assert client.get("/usages/departements/59/cout-par-eleve-actif.csv").status_code == 404
    login(world["nord_editor"])
    assert client.get("/usages/departements/59/cout-par-eleve-actif.csv").status_code == 404


def test_labels_of_the_cost_and_of_the_weekly_regularity():
    from numeduc.web.usage_dashboard.labels import label_for

    assert format_value("cost_per_active_pupil", 1234.5) == "1\u202f234,50\u00a0€"
    assert format_value("cost_per_active_pupil", float("nan")) == "—"
    assert label_for("cost_per_active_pupil").direction == -1
    info = label_for("weekly_regularity")
    assert (info.label, info.unit, info.direction) == ("Régularité hebdomadaire", "percent", 1)
    assert info.explanation.startswith("Parmi les personnes actives dans le mois, part médiane des semaines")
    for profile, who in (
        ("ELEVE", "élèves"),
        ("PARENT", "parents"),
        ("ENSEIGNANT", "enseignants"),
        ("PERSONNEL", "personnels"),
    ):
        assert full_label("weekly_regularity", profile) == f"Régularité hebdomadaire ({who})"
    assert format_value("weekly_regularity", 0.75) == "75,0\u00a0%"


def test_cost_basis_never_reads_a_budget_the_user_may_not_read(world):
    from numeduc.web.usage_dashboard.presenters import cost_basis

    _planning("Plan du Loiret")
    loiret = Departement.objects.get(code="45")
    assert cost_basis(loiret, world["loiret_viewer"]).planning_scenario.name == "Plan du Loiret"
    for who in ("nord_editor", "dan_loiret", "school"):
        basis = cost_basis(loiret, world[who])
        assert basis.planning_scenario is None and basis.engine.name == "livre-blanc-2017"
        assert (
            "Plan du Loiret" not in basis.description and "ne vous sont pas accessibles" in basis.description
        )


def test_cost_basis_skips_a_scenario_the_engine_refuses(world):
    from numeduc.web.usage_dashboard.presenters import cost_basis

    _planning("Plan cassé", base_preset="preset-disparu")
    basis = cost_basis(Departement.objects.get(code="45"), world["loiret_editor"])
    assert basis.engine.name == "livre-blanc-2017" and "« Plan cassé » n'est plus valide" in basis.description
