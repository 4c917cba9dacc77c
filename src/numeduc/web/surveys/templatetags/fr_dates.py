"""Dates in French on every page: ``{% load fr_dates %}`` then ``{{ campaign.closes_on|fr_date }}``
(« 30 juin 2099 », « 1er mars 2018 ») or ``{{ response.updated_at|fr_datetime }}`` (« 30 juin 2099
à 14 h 05 »; ``|fr_datetime:"secondes"`` adds the seconds).

Django's ``date:"j M Y"`` abbreviates months ambiguously in French (« jui » for juin and
juillet); the wording lives once in ``numeduc.formatting``. Datetimes are shown in the site's
time zone (``TIME_ZONE``), as Django's own filter does. The library sits in ``surveys``, below
every app whose pages show dates (results, planning, usage_dashboard, the home page).
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from numeduc.formatting import fr_date as format_date
from numeduc.formatting import fr_datetime as format_datetime

register = template.Library()


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def fr_date(value: dt.date | dt.datetime | None) -> str:
    """« 30 juin 2099 »; a datetime gives its date in local time; ``None`` or "" gives « — »."""
    if not value:
        return format_date(None)
    if isinstance(value, dt.datetime):
        value = _local(value)
    return format_date(value)


@register.filter
def fr_datetime(value: dt.datetime | None, precision: str = "") -> str:
    """« 30 juin 2099 à 14 h 05 » in local time; ``"secondes"`` adds « min 09 s »."""
    if not value:
        return format_datetime(None)
    return format_datetime(_local(value), seconds=precision == "secondes")
