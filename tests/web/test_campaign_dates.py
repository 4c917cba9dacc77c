"""Dates in French on every page (« 30 juin 2099 », « 1er mars 2018 »), through one filter."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template

import numeduc.web

TEMPLATES = sorted(Path(numeduc.web.__file__).parent.rglob("templates/**/*.html"))


def render(source: str, **context) -> str:
    return Template("{% load fr_dates %}" + source).render(Context(context))


def test_no_template_formats_a_date_with_django_s_date_filter():
    # « j M Y » abbreviates juin and juillet alike (« jui »); every date goes through fr_dates.
    offenders = [str(p) for p in TEMPLATES if re.search(r"\|\s*date\s*:", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_every_template_using_the_filters_loads_them():
    users = [p for p in TEMPLATES if re.search(r"\|\s*fr_date(time)?\b", p.read_text(encoding="utf-8"))]
    assert len(users) >= 6
    assert [str(p) for p in users if "{% load fr_dates %}" not in p.read_text(encoding="utf-8")] == []


def test_dates_and_first_of_the_month():
    assert render("{{ d|fr_date }}", d=dt.date(2099, 6, 30)) == "30 juin 2099"
    assert render("{{ d|fr_date }}", d=dt.date(2018, 3, 1)) == "1er mars 2018"
    assert render("{{ d|fr_date }}", d=dt.date(2018, 7, 14)) == "14 juillet 2018"
    assert render("{{ d|fr_date }}|{{ d|fr_datetime }}", d=None) == "—|—"


def test_datetimes_are_shown_in_the_site_s_time_zone():
    late_utc = dt.datetime(2099, 6, 30, 22, 30, 9, tzinfo=dt.UTC)  # already 1 July in Paris (UTC+2)
    assert render("{{ t|fr_datetime }}", t=late_utc) == "1er juillet 2099 à 0 h 30"
    assert render('{{ t|fr_datetime:"secondes" }}', t=late_utc) == "1er juillet 2099 à 0 h 30 min 09 s"
    assert render("{{ t|fr_date }}", t=late_utc) == "1er juillet 2099"


@pytest.mark.django_db
def test_campaign_pages_read_the_dates_in_french(client, login, users, campaign_factory):
    campaign = campaign_factory(2099)
    login(users["coordinator"])
    listing = client.get("/campagnes/").content.decode()
    assert "1er mars 2099 – 30 juin 2099" in listing
    detail = client.get(f"/campagnes/{campaign.pk}/").content.decode()
    assert "du 1er mars 2099 au 30 juin 2099" in detail
