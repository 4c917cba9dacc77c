"""Fleet figures (numeduc.usage.fleet) against hand computations on a tiny hand-written warehouse."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from numeduc.usage import fleet as f
from numeduc.usage.ingest import ingest

EST_HEADER = (
    "uai,name,departement,commune_insee,commune_name,density_grid3,density_grid7,ep,depp_type,pupils,"
    "teachers,staff,parent_accounts,school_year,holiday_zone,strategy,bw_down_mbps,bw_up_mbps,"
    "n_classrooms,n_aps"
)
EST = [
    "0480001R,Collège A,48,48027,A,rural,6,none,,40,4,4,50,2024-2025,C,eim,20,10,5,2",
    "0480002S,Collège B,48,48051,B,rural,6,none,,30,3,3,40,2024-2025,C,none,100,50,5,5",
]
MDM_HEADER = (
    "snapshot_date,device_id,uai,device_class,os,os_version,model,ownership,assignment,cart_id,"
    "enrolled_at,last_checkin_at,compliance,status,purchase_date,purchase_price_eur"
)
SNAP = "2024-11-30"
DEVICES = [
    # past its 4-year life (5 years old), seen 5 days before the snapshot
    f"{SNAP},D1,0480001R,tablet,,,,departement,individual,,,2024-11-25T08:00:00Z,compliant,in_service,2019-09-01,",
    # 2 years old, last seen 60 days before: not seen for 30 days
    f"{SNAP},D2,0480001R,tablet,,,,departement,cart,,,2024-10-01T08:00:00Z,compliant,spare,2022-01-15,",
    # no purchase date: age from the enrolment (0 years); never seen
    f"{SNAP},D3,0480001R,laptop,,,,etat,staff,,2023-12-01T00:00:00Z,,compliant,repair,,",
    # 4 years old desktop (5-year life); seen on the snapshot day
    f"{SNAP},D4,0480001R,desktop,,,,departement,room,,,2024-11-30T10:00:00Z,compliant,in_service,2020-06-01,",
    # not counted: lost, personal
    f"{SNAP},D5,0480001R,tablet,,,,departement,individual,,,,compliant,lost,2019-01-01,",
    f"{SNAP},D6,0480001R,tablet,,,,personal,individual,,,,compliant,in_service,2019-01-01,",
    # a whiteboard: not a pupil device, but renewed (10-year life, 9 years old)
    f"{SNAP},D7,0480001R,tbi,,,,departement,room,,,,compliant,in_service,2015-01-01,",
    # an older snapshot of the same collège: ignored
    "2024-10-31,D9,0480001R,tablet,,,,departement,individual,,,,compliant,in_service,2010-01-01,",
]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    src = tmp_path_factory.mktemp("fleet_src")
    wh = tmp_path_factory.mktemp("fleet_wh")
    (src / "establishments.csv").write_text("\n".join([EST_HEADER, *EST]) + "\n", encoding="utf-8")
    (src / "mdm_devices.csv").write_text("\n".join([MDM_HEADER, *DEVICES]) + "\n", encoding="utf-8")
    for kind in ("establishments", "mdm_devices"):
        results = ingest(kind, [src / f"{kind}.csv"], wh, "48")
        assert [r.status for r in results] == ["ingéré"], results
    return f.fleet(wh)


def test_lifetimes_and_prices_are_the_budget_parameters():
    assert f.default_lifetimes()["tablet"] == 4 and f.default_lifetimes()["desktop"] == 5
    assert f.default_lifetimes()["tbi"] == 10
    assert f.default_prices()["tablet"] == 350 and f.default_prices()["desktop"] == 800
    assert f.default_prices()["tbi"] == 1600


# Device ids are pseudonymised at ingestion: the devices are told apart by their purchase date.
BOUGHT = {
    "D1": dt.date(2019, 9, 1),
    "D2": dt.date(2022, 1, 15),
    "D3": dt.date(2023, 12, 1),
    "D4": dt.date(2020, 6, 1),
    "D7": dt.date(2015, 1, 1),
}


def test_devices_counted_ages_and_flags(small):
    d = small.devices.set_index("bought").rename(index={v: k for k, v in BOUGHT.items()})
    assert sorted(d.index) == ["D1", "D2", "D3", "D4", "D7"]  # D5 lost, D6 personal, D9 old snapshot
    assert d.loc["D1", "age"] == 5 and bool(d.loc["D1", "past_life"])
    assert d.loc["D2", "age"] == 2 and not d.loc["D2", "past_life"]
    assert d.loc["D3", "age"] == 0  # from the enrolment date
    assert d.loc["D4", "age"] == 4 and not d.loc["D4", "past_life"]
    assert d.loc["D7", "age"] == 9
    assert [bool(d.loc[k, "unseen_30d"]) for k in ("D1", "D2", "D3", "D4")] == [False, True, True, False]
    assert d.loc["D2", "due"] == dt.date(2026, 1, 15)


def test_fleet_table(small):
    t = small.table.set_index("uai")
    a = t.loc["0480001R"]
    assert a["devices"] == 4 and a["whiteboards"] == 1 and a["pupils"] == 40
    assert a["pupils_per_device"] == pytest.approx(10.0)  # « 1 équipement pour 10 élèves »
    assert a["devices_per_pupil"] == pytest.approx(0.1)
    assert a["median_age"] == pytest.approx(3.0)  # ages 5, 2, 0, 4
    assert a["past_life"] == 1 and a["past_life_share"] == pytest.approx(0.25)
    assert a["unseen_30d"] == 2 and a["unseen_30d_share"] == pytest.approx(0.5)
    assert a["snapshot_date"] == dt.date(2024, 11, 30)
    b = t.loc["0480002S"]
    assert b["devices"] == 0 and pd.isna(b["pupils_per_device"]) and pd.isna(b["past_life_share"])
    dep = t.loc[""]
    assert dep["pupils"] == 70 and dep["devices"] == 4
    assert dep["pupils_per_device"] == pytest.approx(17.5)
    assert list(small.table["uai"]) == ["0480001R", "0480002S", ""]


def test_age_distribution(small):
    ages = small.ages.set_index("age_label")
    assert list(small.ages["age_label"]) == f.AGE_LABELS
    assert ages.loc["moins d'1 an", "devices"] == 1  # D3
    assert ages.loc["2 à 3 ans", "devices"] == 1  # D2
    assert ages.loc["4 à 5 ans", "devices"] == 1  # D4
    assert ages.loc["5 à 6 ans", "devices"] == 1 and ages.loc["5 à 6 ans", "past_life"] == 1  # D1
    assert ages.loc["6 ans et plus", "devices"] == 1  # D7, the whiteboard
    assert ages["devices"].sum() == 5


def test_renewal_forecast_and_investment(small):
    fc = small.forecast
    by_year = fc.groupby("year")["devices"].sum().to_dict()
    # D1 overdue -> 2024 then 2028; D4 desktop and D7 whiteboard -> 2025; D2 -> 2026; D3 -> 2027
    assert by_year == {2024: 1, 2025: 2, 2026: 1, 2027: 1, 2028: 1}
    assert fc[fc["overdue"] > 0][["year", "device_class"]].values.tolist() == [[2024, "tablet"]]
    plan = small.plan
    assert list(plan["year"]) == list(range(2024, 2030))
    assert list(plan["investment_eur"]) == [350.0, 2400.0, 350.0, 350.0, 350.0, 0.0]
    assert list(plan["devices"]) == [1, 2, 1, 1, 1, 0]
    # one device a year: nothing to spread
    assert list(plan["smoothed_investment_eur"]) == list(plan["investment_eur"])


def test_smoothing_rule():
    assert f.smooth([9, 0, 0, 3], 3) == ([3, 3, 3, 1], 2)
    assert f.smooth([5], 2) == ([3], 2)  # the earlier year takes the remainder
    assert f.smooth([4, 4], 1) == ([4, 4], 0)
    with pytest.raises(ValueError):
        f.smooth([1], 0)


def test_investment_plan_smoothed_peak():
    forecast = pd.DataFrame(
        {"year": [2025, 2026], "device_class": ["tablet", "desktop"], "devices": [90, 3], "overdue": [0, 0]}
    )
    forecast.attrs.update(start_year=2025, horizon=4)
    plan = f.investment_plan(forecast, smoothing_years=3)
    assert list(plan["investment_eur"]) == [31500.0, 2400.0, 0.0, 0.0]
    assert list(plan["smoothed_devices"]) == [30, 31, 31, 1]
    assert list(plan["smoothed_investment_eur"]) == [10500.0, 10500 + 800.0, 10500 + 800.0, 800.0]
    assert plan.attrs["carried_devices"] == 0
    cheaper = f.investment_plan(forecast, {"tablet": 300}, smoothing_years=3)
    assert cheaper["investment_eur"].iloc[0] == 27000.0
