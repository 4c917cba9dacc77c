"""`numeduc reference load` is idempotent: a second load creates and changes nothing."""

from __future__ import annotations

import pytest

from numeduc.web.territories.loading import load_reference
from numeduc.web.territories.models import Academie, College, Departement


@pytest.mark.django_db
def test_second_load_creates_and_updates_nothing(territories):
    first = load_reference()
    assert first.colleges == (7542, 0)
    assert (Academie.objects.count(), Departement.objects.count(), College.objects.count()) == (31, 101, 7542)
    second = load_reference()
    assert (second.academies, second.departements, second.colleges) == ((0, 0), (0, 0), (0, 0))
    loiret = Departement.objects.get(code="45")
    assert loiret.poverty_rate == pytest.approx(12.6) and loiret.academie.name
    assert Departement.objects.get(code="976").density is None  # missing in the source stays missing
