"""Several editors writing one plan at the same moment: every write lands, in one history.

Real threads, each with its own database connection. It runs on PostgreSQL (``.ci/run`` runs the
suite against it): pytest-django's SQLite test database is an in-memory shared-cache database,
whose table locks (« database table is locked ») are not those of the WAL file the server uses,
so there the test says why it is skipped rather than testing the wrong thing."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from numeduc.web.action_plans import services
from numeduc.web.action_plans.models import PlanEvent, PlannedAction
from numeduc.web.territories.models import Departement

from .conftest import make_user

WRITERS = 6
ACTIONS_EACH = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_editors_adding_and_changing_actions_lose_nothing():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("base SQLite de test en mémoire partagée : test mené sur PostgreSQL (.ci/run)")
    if not Departement.objects.filter(code="45").exists():
        from numeduc.web.territories.loading import load_reference

        load_reference(colleges=False)
    editor = make_user("editeur.concurrent@test.fr", "departement-editor", departement="45")
    plan = services.create_plan(Departement.objects.get(code="45"), 2030, "Plan concurrent", editor)
    shared = services.add_action(
        plan,
        {
            "title": "Commune",
            "owner": "DSI",
            "starts_on": dt.date(2030, 9, 1),
            "ends_on": dt.date(2031, 6, 30),
        },
        editor,
    )
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(ACTIONS_EACH):
                services.add_action(
                    plan,
                    {
                        "title": f"Action {n}-{i}",
                        "owner": f"Équipe {n}",
                        "starts_on": dt.date(2030, 9, 1),
                        "ends_on": dt.date(2031, 6, 30),
                    },
                    editor,
                )
                services.set_status(shared, "en_cours", f"Note {n}-{i}", editor)
        except BaseException as error:  # reported below, with the others
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    actions = PlannedAction.objects.filter(plan=plan)
    assert actions.count() == 1 + WRITERS * ACTIONS_EACH
    # The plan's row lock serialises the writers: positions are distinct and contiguous.
    assert sorted(actions.values_list("position", flat=True)) == list(range(1, 2 + WRITERS * ACTIONS_EACH))
    assert shared.notes.count() == WRITERS * ACTIONS_EACH
    assert PlanEvent.objects.filter(plan=plan, field="note").count() == WRITERS * ACTIONS_EACH
    assert PlanEvent.objects.filter(plan=plan, field="status").count() == 1
