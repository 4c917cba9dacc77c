"""The plan pages: what each role gets, the variants' figures, the history, the demo mark."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from numeduc.web.action_plans import services
from numeduc.web.territories.models import College, Departement


@pytest.fixture
def plan(users):
    loiret = Departement.objects.get(code="45")
    College.objects.create(uai="0450001A", name="Collège A", departement=loiret, pupils=300)
    College.objects.create(uai="0450002B", name="Collège B", departement=loiret, pupils=200)
    editor = users["loiret_editor"]
    plan = services.create_plan(loiret, 2024, "Plan numérique 2024", editor)
    common = {"owner": "Service éducation", "starts_on": dt.date(2024, 9, 1), "ends_on": dt.date(2025, 6, 30)}
    first = services.add_action(
        plan,
        {
            **common,
            "title": "Former les référents",
            "factor": "f07",
            "target_level": 3,
            "running": "1000",
            "variant": "minimal",
            "partners": ["dan"],
        },
        editor,
        baseline_level=1,
    )
    services.add_action(
        plan, {**common, "title": "Câbler les salles", "investment": "50000", "variant": "maximal"}, editor
    )
    services.set_status(
        first, "en_cours", "Première session le 3 octobre", editor, noted_on=dt.date(2024, 10, 3)
    )
    return plan


def test_the_editor_reads_actions_variants_and_history(client, users, plan):
    client.force_login(users["loiret_editor"])
    page = client.get(reverse("action_plans:plan", args=[plan.pk])).content.decode()
    page = page.replace("\u202f", " ").replace("\xa0", " ")  # French number spacing
    assert "Plan numérique 2024" in page and "du Loiret" in page
    assert "Former les référents" in page and "1 → 3" in page
    assert "1 000,00 €" in page  # minimal variant: running cost only
    assert "11 000,00 €" in page  # maximal: + 50 000 € spread over five years
    assert "2,00 €" in page and "22,00 €" in page  # per pupil, 500 pupils
    assert "Première session le 3 octobre" in page and "3 octobre 2024" in page
    assert "données de démonstration" not in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("loiret_viewer", 200),
        ("coordinator", 200),
        ("dan_loiret", 200),
        ("nord_editor", 403),
        ("dan_other", 403),
    ],
)
def test_who_reads_the_plan(client, users, plan, who, status):
    client.force_login(users[who])
    assert client.get(reverse("action_plans:plan", args=[plan.pk])).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in_and_unknown_plans_are_404(client, users, plan):
    assert client.get(reverse("action_plans:plan", args=[plan.pk])).status_code == 302
    client.force_login(users["loiret_editor"])
    assert client.get(reverse("action_plans:plan", args=[plan.pk + 99])).status_code == 404
    assert client.get("/plans/99999999999999999999/").status_code == 404


def test_a_shared_plan_says_why_the_other_departement_reads_it(client, users, plan):
    services.set_plan_consent(plan, True, users["loiret_editor"])
    client.force_login(users["nord_editor"])
    page = client.get(reverse("action_plans:plan", args=[plan.pk])).content.decode()
    assert "accepté de le partager" in page


def test_the_departement_list_and_the_demo_mark(client, users, plan):
    client.force_login(users["loiret_viewer"])
    page = client.get(reverse("action_plans:departement", args=["45"])).content.decode()
    assert "Plan numérique 2024" in page and "2024-2025" in page
    assert "données de démonstration" not in page
    type(plan).objects.filter(pk=plan.pk).update(is_demo=True)
    assert (
        "données de démonstration"
        in client.get(reverse("action_plans:plan", args=[plan.pk])).content.decode()
    )
    client.force_login(users["nord_editor"])
    assert client.get(reverse("action_plans:departement", args=["45"])).status_code == 403
