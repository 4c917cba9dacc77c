"""Six editors of one département saving its sheet at the same moment, against a real server
(gunicorn on a SQLite file, or a new PostgreSQL database when ``DATABASE_URL`` names one): every
save is a version of its own, numbered 1 to 6, nothing typed is lost, nothing answers 500."""

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


def setup_world(spec: dict) -> dict:
    from numeduc.web.accounts.models import Role, User
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
    return {"sessions": [session_for(e) for e in editors]}


def check_world(spec: dict) -> dict:
    from numeduc.web.experiences.models import SheetVersion

    rows = SheetVersion.objects.filter(sheet__departement__code="45").values_list("number", "content")
    return {"numbers": sorted(n for n, _ in rows), "titles": sorted(c["title"] for _, c in rows)}


def _form(k: int) -> dict:
    return {
        "title": f"Loiret : version de l'éditeur {k}",
        "introduction": "Présentation.",
        "history-TOTAL_FORMS": "0",
        "history-INITIAL_FORMS": "0",
        "objectives-TOTAL_FORMS": "0",
        "objectives-INITIAL_FORMS": "0",
        "projects-TOTAL_FORMS": "0",
        "projects-INITIAL_FORMS": "0",
    }


@pytest.fixture(scope="module")
def live():
    with LiveNumeduc(label="experiences") as instance:
        instance.world = instance.run_django(THIS_FILE, "setup_world", {})
        instance.start()
        yield instance


def test_editors_saving_the_sheet_at_once_each_get_their_version(live):
    async def save(k: int, session: str) -> int:
        return await SignedInClient(live.port, session).post(
            "/experiences/departements/45/modifier/", _form(k)
        )

    async def scenario():
        return await asyncio.gather(*(save(k, s) for k, s in enumerate(live.world["sessions"])))

    statuses = run_async(scenario())
    log = live.server_log()
    assert "Traceback" not in log, log[-3000:]
    assert statuses == [302] * EDITORS, statuses
    stored = live.run_django(THIS_FILE, "check_world", {})
    assert stored["numbers"] == list(range(1, EDITORS + 1))
    assert stored["titles"] == sorted(f"Loiret : version de l'éditeur {k}" for k in range(EDITORS))
