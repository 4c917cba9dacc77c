"""The plan's forms under concurrent editors, against a real server: every acknowledged write is
stored, two tabs on one action never overwrite each other silently, nothing answers 500.

One ``numeduc serve`` (gunicorn, 2 processes × 4 threads) on a fresh database of the kind the
suite runs on (a SQLite file, or a new PostgreSQL database when ``DATABASE_URL`` names one),
driven by concurrent asyncio clients posting the HTML forms as a browser does
(``bench/liveserver.py``). Set-up and checks run in a child process on the server's database.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
from liveserver import LiveNumeduc, SignedInClient, run_async, session_for  # noqa: E402

pytestmark = [pytest.mark.slow]
THIS_FILE = Path(__file__).resolve()
EDITORS = 6
ACTIONS_EACH = 5
TABS = 8


# -- run in the child process (Django set up on the live server's database) ------------------


def setup_world(spec: dict) -> dict:
    """A plan of the Loiret with one action, and six editors of the Loiret signed in."""
    import datetime as dt

    from numeduc.web.accounts.models import Role, User
    from numeduc.web.action_plans import services
    from numeduc.web.territories.loading import load_reference
    from numeduc.web.territories.models import Departement

    load_reference(colleges=False)
    loiret = Departement.objects.get(code="45")
    editors = [
        User.objects.create(
            email=f"ed45.{k}@live.test",
            username=f"ed45.{k}@live.test",
            role=Role.DEPARTEMENT_EDITOR,
            departement=loiret,
        )
        for k in range(EDITORS)
    ]
    plan = services.create_plan(loiret, 2030, "Plan en direct", editors[0])
    shared = services.add_action(
        plan,
        {
            "title": "Action commune",
            "owner": "DSI",
            "starts_on": dt.date(2030, 9, 1),
            "ends_on": dt.date(2031, 6, 30),
        },
        editors[0],
    )
    return {
        "plan": plan.pk,
        "shared": shared.pk,
        "version": shared.version,
        "sessions": [session_for(e) for e in editors],
    }


def check_world(spec: dict) -> dict:
    from numeduc.web.action_plans.models import ActionNote, PlanEvent, PlannedAction

    actions = PlannedAction.objects.filter(plan_id=spec["plan"])
    shared = actions.get(pk=spec["shared"])
    return {
        "titles": sorted(actions.exclude(pk=spec["shared"]).values_list("title", flat=True)),
        "positions": sorted(actions.values_list("position", flat=True)),
        "created_events": PlanEvent.objects.filter(
            plan_id=spec["plan"], field="created", action__isnull=False
        ).count(),
        "shared_title": shared.title,
        "shared_version": shared.version,
        "title_events": list(
            PlanEvent.objects.filter(action_id=spec["shared"], field="title").values_list(
                "new_value", flat=True
            )
        ),
        "notes": sorted(ActionNote.objects.filter(action_id=spec["shared"]).values_list("text", flat=True)),
    }


# -- the test --------------------------------------------------------------------------------------


def _form(n: int, **overrides) -> dict:
    values = {
        "title": f"Action {n}",
        "owner": "Service éducation",
        "starts_on": "01/09/2030",
        "ends_on": "30/06/2031",
        "investment": "1 000",
        "running": "250,50",
        "usage_comparison": "ge",
        "variant": "median",
    }
    values.update(overrides)
    return values


@pytest.fixture(scope="module")
def live():
    with LiveNumeduc(label="plans") as instance:
        instance.world = instance.run_django(THIS_FILE, "setup_world", {})
        instance.start()
        yield instance


def test_concurrent_editors_lose_nothing_and_two_tabs_never_overwrite_silently(live):
    world = live.world
    editors = [SignedInClient(live.port, session) for session in world["sessions"]]
    plan, shared = world["plan"], world["shared"]

    async def add_all(editor: SignedInClient, k: int) -> list[int]:
        return [
            await editor.post(f"/plans/{plan}/actions/nouvelle/", _form(k * 100 + i, title=f"Action {k}-{i}"))
            for i in range(ACTIONS_EACH)
        ]

    async def tab(editor: SignedInClient, k: int) -> int:
        # Every tab opened the form on the same version: exactly one save may land.
        return await editor.post(
            f"/plans/actions/{shared}/modifier/", _form(k, title=f"Onglet {k}", version=str(world["version"]))
        )

    async def note(editor: SignedInClient, k: int) -> int:
        return await editor.post(
            f"/plans/actions/{shared}/statut/",
            {"status": "prevue", "noted_on": "02/12/2030", "note": f"Note {k}"},
        )

    async def scenario():
        adds = [add_all(editors[k], k) for k in range(EDITORS)]
        tabs = [tab(editors[k % EDITORS], k) for k in range(TABS)]
        notes = [note(editors[k], k) for k in range(EDITORS)]
        return await asyncio.gather(asyncio.gather(*adds), asyncio.gather(*tabs), asyncio.gather(*notes))

    added, tabs, notes = run_async(scenario())
    log = live.server_log()
    assert "Traceback" not in log, log[-3000:]
    assert all(status == 302 for statuses in added for status in statuses), added
    assert sorted(tabs) == [302] + [409] * (TABS - 1), tabs  # one lands, the others are told
    assert all(status == 302 for status in notes), notes

    stored = live.run_django(THIS_FILE, "check_world", {"plan": plan, "shared": shared})
    expected = sorted(f"Action {k}-{i}" for k in range(EDITORS) for i in range(ACTIONS_EACH))
    assert stored["titles"] == expected  # every acknowledged action is there, once
    total = EDITORS * ACTIONS_EACH + 1
    assert stored["positions"] == list(range(1, total + 1))  # no two at the same place
    assert stored["created_events"] == total
    assert stored["shared_title"].startswith("Onglet ") and len(stored["title_events"]) == 1
    assert stored["title_events"] == [stored["shared_title"]]
    assert stored["notes"] == sorted(f"Note {k}" for k in range(EDITORS))
