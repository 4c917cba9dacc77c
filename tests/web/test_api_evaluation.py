"""REST API « Did it work? »: strategies compared, pilots evaluated (numeduc.evaluation), the fleet
and bandwidth tables (numeduc.usage.fleet, numeduc.usage.bandwidth) — values equal to the pure
core's on the same data, the pages' visibility rules and every refusal."""

from __future__ import annotations

import json
import math

import pytest

from numeduc.evaluation.pilot import Pilot as PilotSpec
from numeduc.evaluation.pilot import evaluate
from numeduc.evaluation.strategies import POOLED, WARNING, compare_strategies
from numeduc.usage import bandwidth as usage_bandwidth
from numeduc.usage import fleet as usage_fleet
from numeduc.web.accounts.models import ApiToken
from numeduc.web.evaluation import services
from numeduc.web.territories.models import Departement
from numeduc.web.usage_dashboard.models import UsageWarehouse

from . import test_evaluation
from .test_evaluation import PILOTS, START, STRATEGY_OF, frames, uai

pytestmark = pytest.mark.django_db
# The evaluation pages' fixture: 24 Loiret collèges of one group, declared strategies, its warehouse
# served, school heads of a pilot collège and of another one, the DAN in the evaluation group.
ev = test_evaluation.ev


def bearer(user) -> dict:
    _, token = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get(client, url, user=None, **params):
    return client.get(url, params, **(bearer(user) if user is not None else {}))


def no_nan(response) -> dict:
    """The body parses as strict JSON (no NaN, no Infinity)."""

    def refuse(name):
        raise AssertionError(f"non-JSON constant {name}")

    return json.loads(response.content, parse_constant=refuse)


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and (b is None or (isinstance(b, float) and math.isnan(b)))
    return math.isclose(a, float(b), rel_tol=1e-9, abs_tol=1e-12)


STRATEGIES = "/api/v1/evaluation/departements/45/strategies"


# -- strategies ---------------------------------------------------------------------------------


def test_strategies_are_the_cores_comparison(client, ev):
    response = get(client, STRATEGIES, ev["people"]["loiret_editor"])
    assert response.status_code == 200
    body = no_nan(response)
    ind, est = frames()
    strategies = {uai(i): s for i, s in enumerate(STRATEGY_OF)}
    core = compare_strategies(ind, est, strategies, "monthly_active_rate", "ELEVE")
    assert body["warning"] == WARNING and "ne sont pas tirées au sort" in body["warning"]
    assert body["indicator"] == "monthly_active_rate" and body["profile"] == "ELEVE" and body["share"]
    assert body["reference"] == "aucune" and body["notice"] == "" and not body["demo"]
    expected = core.contrasts
    got = body["pooled"] + body["groups"]
    assert len(got) == len(expected)
    for row in got:
        match = expected[
            ((expected["group"] == POOLED) == row["pooled"])
            & (expected["group"] == row["group"])
            & (expected["strategy"] == row["strategy"])
        ].iloc[0]
        for field in ("difference", "ci_low", "ci_high", "hedges_g", "g_ci_low", "g_ci_high", "mean"):
            assert close(row[field], match[field]), (row, field)
        assert row["n"] == match["n"] and row["n_reference"] == match["n_reference"]
    eim = next(r for r in body["pooled"] if r["strategy"] == "eim")
    assert eim["significant"] and eim["n"] == 8 and eim["n_reference"] == 8
    assert eim["difference"] > 0
    assert body["sentences"] == core.sentences()
    assert {c["strategy"] for c in body["cells"]} == {"eim", "classe_mobile", "aucune"}
    assert len(body["declarations"]) == 24 and body["n_declared"] == 24 and not body["own_only"]


def test_strategies_other_indicator_and_reference(client, ev):
    body = no_nan(
        get(
            client,
            STRATEGIES,
            ev["people"]["coordinator"],
            indicator="sessions_per_user|ELEVE",
            reference="classe_mobile",
        )
    )
    ind, est = frames()
    core = compare_strategies(
        ind,
        est,
        {uai(i): s for i, s in enumerate(STRATEGY_OF)},
        "sessions_per_user",
        "ELEVE",
        reference="classe_mobile",
    )
    pooled = core.pooled().set_index("strategy")
    for row in body["pooled"]:
        assert close(row["difference"], pooled.loc[row["strategy"], "difference"])
    assert {r["strategy"] for r in body["pooled"]} == {"eim", "byod", "hybride", "aucune"}
    # strategies nobody declared: refused, with the reason, and null figures (never NaN)
    byod = next(r for r in body["pooled"] if r["strategy"] == "byod")
    assert byod["refused"] and byod["difference"] is None and byod["reason"]
    bad = get(client, STRATEGIES, ev["people"]["coordinator"], indicator="nope|X")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "indicator"


@pytest.mark.parametrize(
    "who, status",
    [
        ("coordinator", 200),
        ("loiret_editor", 200),
        ("loiret_viewer", 200),
        ("dan_loiret", 200),
        ("school_other", 200),
        ("nord_editor", 403),
        ("nord_viewer", 403),
        ("dan_other", 403),
    ],
)
def test_who_reads_the_strategies(client, ev, who, status):
    response = get(client, STRATEGIES, ev["people"][who])
    assert response.status_code == status
    if status == 403:
        assert "ne vous sont pas accessibles" in response.json()["detail"]


def test_a_school_head_reads_its_own_declaration_only(client, ev):
    body = get(client, STRATEGIES, ev["people"]["school_other"]).json()
    assert body["own_only"] and [d["uai"] for d in body["declarations"]] == [uai(0)]
    assert body["n_declared"] == 24


def test_a_dan_outside_the_evaluation_group_is_refused(client, ev):
    ev["people"]["dan_loiret"].evaluation_accesses.all().delete()
    assert get(client, STRATEGIES, ev["people"]["dan_loiret"]).status_code == 403


def test_strategies_refusals(client, ev):
    anonymous = get(client, STRATEGIES)
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"].startswith("Bearer")
    bad_token = client.get(STRATEGIES, HTTP_AUTHORIZATION="Bearer nde_faux")
    assert bad_token.status_code == 401 and "Authentification requise" in bad_token.json()["detail"]
    unknown = get(client, "/api/v1/evaluation/departements/975/strategies", ev["people"]["coordinator"])
    assert unknown.status_code == 404 and unknown.json()["detail"] == "Département inconnu."
    assert (
        get(client, "/api/v1/evaluation/departements/00/strategies", ev["people"]["coordinator"]).status_code
        == 422
    )


def test_strategies_without_logs_say_so(client, ev, monkeypatch):
    from numeduc.web.evaluation import data

    monkeypatch.setattr(data.store, "load", lambda code, **kw: None)
    body = no_nan(get(client, STRATEGIES, ev["people"]["loiret_editor"]))
    assert (
        "Aucun journal d'usage" in body["notice"] and body["pooled"] == [] and len(body["declarations"]) == 24
    )


def test_the_national_comparison_is_the_coordinators(client, ev):
    body = no_nan(get(client, "/api/v1/evaluation/strategies", ev["people"]["coordinator"]))
    assert body["departement"] is None and body["warning"] == WARNING
    eim = next(r for r in body["pooled"] if r["strategy"] == "eim")
    assert eim["significant"]
    for who in ("loiret_editor", "dan_loiret", "school_pilot"):
        refused = get(client, "/api/v1/evaluation/strategies", ev["people"][who])
        assert (
            refused.status_code == 403 and "réservée à la coordination nationale" in refused.json()["detail"]
        )
    assert get(client, "/api/v1/evaluation/strategies").status_code == 401


def test_demo_declarations_flag_the_answer(client, ev):
    from numeduc.web.evaluation.models import CollegeStrategy

    CollegeStrategy.objects.filter(college=ev["colleges"][0]).update(is_demo=True)
    assert get(client, STRATEGIES, ev["people"]["loiret_editor"]).json()["demo"] is True


# -- pilots ------------------------------------------------------------------------------------


@pytest.fixture
def pilot(ev):
    values = {
        "title": "Tablettes en 6e",
        "description": "Une tablette par élève.",
        "start_month": START,
        "indicators": [("monthly_active_rate", "ELEVE"), ("sessions_per_user", "ELEVE")],
        "colleges": [ev["colleges"][i] for i in PILOTS],
    }
    return services.create_pilot(ev["loiret"], values, ev["people"]["loiret_editor"])


def test_the_pilot_is_the_cores_difference_in_differences(client, ev, pilot):
    response = get(client, f"/api/v1/evaluation/pilots/{pilot.pk}", ev["people"]["loiret_editor"])
    assert response.status_code == 200
    body = no_nan(response)
    ind, est = frames()
    spec = PilotSpec(
        tuple(uai(i) for i in PILOTS),
        START,
        (("monthly_active_rate", "ELEVE"), ("sessions_per_user", "ELEVE")),
    )
    matching, results = evaluate(ind, est, spec)
    assert body["title"] == "Tablettes en 6e" and body["start"] == "décembre 2024"
    assert body["n_colleges"] == 4 and [c["uai"] for c in body["colleges"]] == sorted(uai(i) for i in PILOTS)
    assert body["method"] == matching.method and body["reused"] == matching.reused
    assert [(p["pilot"], p["match"], p["rank"]) for p in body["pairs"]] == list(
        zip(matching.pairs["pilot"], matching.pairs["match"], matching.pairs["rank"], strict=True)
    )
    assert len(body["results"]) == 2
    for got, core in zip(body["results"], results, strict=True):
        assert (got["indicator"], got["profile"]) == (core.indicator, core.profile)
        for name in ("overall", "gap_before", "placebo", "ratio"):
            iv = getattr(core, name)
            assert close(got[name]["estimate"], iv.estimate) and close(got[name]["low"], iv.low)
            assert close(got[name]["high"], iv.high) and got[name]["n"] == iv.n
        assert [m["month"] for m in got["months"]] == core.months
        for m, r in zip(got["months"], core.by_month.to_dict("records"), strict=True):
            assert close(m["did"], r["did"]) and close(m["low"], r["low"]) and close(m["high"], r["high"])
            assert m["period"] == r["period"]
        assert got["sentences"] == core.sentences
    active = body["results"][0]
    assert (
        active["overall"]["low"] > 0.05 and active["overall"]["covers_zero"] is False
    )  # +10 points injected
    # months before the start: their DiD is near 0 and has no NaN
    assert all(m["did"] is not None for m in active["months"])


def test_the_pilots_list(client, ev, pilot):
    rows = get(client, "/api/v1/evaluation/departements/45/pilots", ev["people"]["loiret_viewer"]).json()
    assert [(r["id"], r["title"], r["colleges"]) for r in rows] == [(pilot.pk, "Tablettes en 6e", 4)]
    assert get(client, "/api/v1/evaluation/departements/45/pilots", ev["people"]["school_other"]).json() == []
    assert (
        len(get(client, "/api/v1/evaluation/departements/45/pilots", ev["people"]["school_pilot"]).json())
        == 1
    )
    assert (
        get(client, "/api/v1/evaluation/departements/45/pilots", ev["people"]["nord_editor"]).status_code
        == 403
    )
    assert (
        get(client, "/api/v1/evaluation/departements/975/pilots", ev["people"]["coordinator"]).status_code
        == 404
    )


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
def test_who_reads_a_pilot(client, ev, pilot, who, status):
    response = get(client, f"/api/v1/evaluation/pilots/{pilot.pk}", ev["people"][who])
    assert response.status_code == status
    if status == 403:
        assert "Ce pilote ne vous est pas accessible" in response.json()["detail"]


def test_a_school_head_reads_its_own_colleges_rows_of_a_pilot(client, ev, pilot):
    body = get(client, f"/api/v1/evaluation/pilots/{pilot.pk}", ev["people"]["school_pilot"]).json()
    own = uai(16)
    assert body["own_only"] and [c["uai"] for c in body["colleges"]] == [own]
    assert {p["pilot"] for p in body["pairs"]} == {own} and len(body["pairs"]) == 3
    assert body["n_colleges"] == 4 and len(body["results"]) == 2


def test_pilot_refusals(client, ev, pilot):
    url = f"/api/v1/evaluation/pilots/{pilot.pk}"
    assert get(client, url).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer nde_faux").status_code == 401
    unknown = get(client, "/api/v1/evaluation/pilots/999", ev["people"]["coordinator"])
    assert unknown.status_code == 404 and unknown.json()["detail"] == "Pilote introuvable."
    assert get(client, "/api/v1/evaluation/pilots/0", ev["people"]["coordinator"]).status_code == 422


def test_a_pilot_without_logs_is_declared_but_not_evaluated(client, ev, pilot, monkeypatch):
    from numeduc.web.evaluation import data

    monkeypatch.setattr(data.store, "load", lambda code, **kw: None)
    body = no_nan(get(client, f"/api/v1/evaluation/pilots/{pilot.pk}", ev["people"]["loiret_editor"]))
    assert "Aucun journal d'usage" in body["notice"] and body["results"] == [] and body["n_colleges"] == 4


# -- fleet and bandwidth -----------------------------------------------------------------------

FLEET, BANDWIDTH = "/api/v1/usage/departements/45/fleet", "/api/v1/usage/departements/45/bandwidth"


@pytest.fixture(scope="module")
def core(warehouse_root):
    from numeduc.usage.indicators import compute_indicators

    wh = warehouse_root / "45"
    return usage_fleet.fleet(wh), usage_bandwidth.departement_bandwidth(wh, compute_indicators(wh))


def test_the_fleet_is_the_cores(client, world, core):
    fleet, _ = core
    response = get(client, FLEET, world["loiret_viewer"])
    assert response.status_code == 200
    body = no_nan(response)
    table = fleet.table
    assert [r["uai"] for r in body["colleges"]] == [u for u in table["uai"] if u]
    for row in [*body["colleges"], body["departement_row"]]:
        core_row = table[table["uai"] == row["uai"]].iloc[0]
        assert row["devices"] == int(core_row["devices"]) and row["past_life"] == int(core_row["past_life"])
        assert row["unseen_30d"] == int(core_row["unseen_30d"])
        assert close(row["pupils_per_device"], core_row["pupils_per_device"])
        assert close(row["median_age"], core_row["median_age"])
    assert body["departement_row"]["college"] == "Ensemble du département"
    assert [(a["age_label"], a["devices"]) for a in body["ages"]] == list(
        zip(fleet.ages["age_label"], fleet.ages["devices"], strict=True)
    )
    assert [(p["year"], p["devices"], p["smoothed_investment_eur"]) for p in body["plan"]] == list(
        zip(fleet.plan["year"], fleet.plan["devices"], fleet.plan["smoothed_investment_eur"], strict=True)
    )
    assert body["smoothing_years"] == 3 and body["unknown_age"] == fleet.unknown_age
    assert {c["device_class"] for c in body["classes"]} >= {"tablet", "desktop", "tbi"}
    assert body["demo"] is False


def test_the_bandwidth_is_the_cores(client, world, core):
    _, bw = core
    body = no_nan(get(client, BANDWIDTH, world["loiret_editor"]))
    assert [r["uai"] for r in body["colleges"]] == list(bw["uai"])
    for row, r in zip(body["colleges"], bw.to_dict("records"), strict=True):
        for field in (
            "link_mbps",
            "baseline_mbps",
            "ratio_baseline",
            "pressure",
            "peak_clients",
            "kbps_per_user",
        ):
            assert close(row[field], r[field]), field
        assert row["to_upgrade"] == bool(r["to_upgrade"]) and row["rung"] == r["rung"]
    assert [(lad["key"], lad["colleges"]) for lad in body["ladder"]] == [
        (rung.key, n) for rung, n in usage_bandwidth.ladder_counts(bw)
    ]
    assert [u["uai"] for u in body["to_upgrade"]] == list(bw.loc[bw["to_upgrade"], "uai"])
    assert body["upgrade_links_eur_per_year"] == pytest.approx(bw["link_eur_per_year"].fillna(0).sum())


def test_fleet_and_bandwidth_refusals(client, world):
    for url in (FLEET, BANDWIDTH):
        assert get(client, url).status_code == 401
        assert client.get(url, HTTP_AUTHORIZATION="Bearer nde_faux").status_code == 401
        for who in ("nord_editor", "dan_other", "dan_loiret"):  # the DAN: not in the evaluation group
            refused = get(client, url, world[who])
            assert refused.status_code == 403
            assert refused.json()["detail"] == "Les usages de ce département ne vous sont pas accessibles."
        assert get(client, url, world["school"]).status_code == 403  # its collège's page only
        unknown = get(client, url.replace("/45/", "/975/"), world["coordinator"])
        assert unknown.status_code == 404 and unknown.json()["detail"] == "Département inconnu."
        no_logs = get(client, url.replace("/45/", "/59/"), world["coordinator"])
        assert no_logs.status_code == 404 and "Aucun journal d'usage" in no_logs.json()["detail"]


def test_fleet_and_bandwidth_carry_the_demo_flag(client, world):
    UsageWarehouse.objects.create(departement=Departement.objects.get(code="45"), is_demo=True, note="essai")
    for url in (FLEET, BANDWIDTH):
        body = get(client, url, world["loiret_editor"]).json()
        assert body["demo"] is True and body["demo_note"] == "essai"
