"""A département's feedback on a catalogue entry under concurrent editors, against a real server
(gunicorn on a fresh SQLite file, or a new PostgreSQL database when ``DATABASE_URL`` names one):
editors of the same département saving at once give one feedback row, and nothing answers 500."""

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
SAVES_EACH = 3


def setup_world(spec: dict) -> dict:
    from numeduc.web.accounts.models import Role, User
    from numeduc.web.resources.models import Resource
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
    resource = Resource.objects.create(
        kind=Resource.Kind.SERVICE_ENT, title="Pronote", description="d", cost_model="c", published=True
    )
    return {"sessions": [session_for(e) for e in editors], "resource": resource.pk}


def check_world(spec: dict) -> dict:
    from numeduc.web.resources.models import Feedback

    return {
        "rows": Feedback.objects.count(),
        "purposes": list(Feedback.objects.values_list("purpose", flat=True)),
    }


@pytest.fixture(scope="module")
def live():
    with LiveNumeduc(label="resources-feedback") as instance:
        instance.world = instance.run_django(THIS_FILE, "setup_world", {})
        instance.start()
        yield instance


def test_editors_saving_the_same_feedback_at_once_make_one_row(live):
    world = live.world
    editors = [SignedInClient(live.port, session) for session in world["sessions"]]
    path = f"/ressources/{world['resource']}/retour/"

    async def saves(editor: SignedInClient, k: int) -> list[int]:
        return [
            await editor.post(
                path,
                {
                    "purpose": f"Retour {k}-{i}",
                    "colleges_count": "3",
                    "what_worked": "ok",
                    "what_did_not": "",
                    "would_recommend": "oui",
                },
            )
            for i in range(SAVES_EACH)
        ]

    async def scenario():
        return await asyncio.gather(*[saves(e, k) for k, e in enumerate(editors)])

    statuses = run_async(scenario())
    log = live.server_log()
    assert "Traceback" not in log, log[-3000:]
    assert all(s == 302 for each in statuses for s in each), statuses
    stored = live.run_django(THIS_FILE, "check_world", {})
    assert stored["rows"] == 1
    assert stored["purposes"][0] in {f"Retour {k}-{i}" for k in range(EDITORS) for i in range(SAVES_EACH)}
