"""The département's survey writes under concurrent editors, against a real server (gunicorn on a
fresh SQLite file, or a new PostgreSQL database when ``DATABASE_URL`` names one): surveys opened
at once are all stored with their links, a DAN let in by several editors at the same moment has
one open access, the same indicator added at once is one row, and nothing answers 500."""

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
SURVEYS_EACH = 3


def setup_world(spec: dict) -> dict:
    from numeduc.web.accounts.models import Role, User
    from numeduc.web.territories.loading import load_reference
    from numeduc.web.territories.models import College, Departement

    load_reference(colleges=False)
    loiret = Departement.objects.get(code="45")
    for k in range(1, 5):
        College.objects.create(uai=f"045000{k}A", name=f"Collège {k}", departement=loiret, density_code="5")
    editors = [
        User.objects.create(
            email=f"ed45.{k}@live.test",
            username=f"ed45.{k}@live.test",
            role=Role.DEPARTEMENT_EDITOR,
            departement=loiret,
        )
        for k in range(EDITORS)
    ]
    dan = User.objects.create(
        email="dan@live.test", username="dan@live.test", role=Role.DAN, academie=loiret.academie
    )
    return {"sessions": [session_for(e) for e in editors], "dan": dan.pk}


def check_world(spec: dict) -> dict:
    from numeduc.web.school_surveys.models import (
        CollegeSurvey,
        EvaluationAccess,
        SchoolSurvey,
        SharedIndicator,
    )

    return {
        "titles": sorted(SchoolSurvey.objects.values_list("title", flat=True)),
        "links": CollegeSurvey.objects.count(),
        "tokens": CollegeSurvey.objects.values("token").distinct().count(),
        "open_accesses": EvaluationAccess.objects.filter(revoked_at__isnull=True).count(),
        "indicators": [(k, str(t)) for k, t in SharedIndicator.objects.values_list("key", "target_percent")],
    }


@pytest.fixture(scope="module")
def live():
    with LiveNumeduc(label="school-surveys-departement") as instance:
        instance.world = instance.run_django(THIS_FILE, "setup_world", {})
        instance.start()
        yield instance


def test_editors_opening_granting_and_agreeing_at_once_lose_nothing(live):
    world = live.world
    editors = [SignedInClient(live.port, session) for session in world["sessions"]]
    base = "/enquetes/departements/45"

    async def open_surveys(editor: SignedInClient, k: int) -> list[int]:
        return [
            await editor.post(
                f"{base}/",
                {
                    "questionnaire": "college-eleves",
                    "title": f"Enquête {k}-{i}",
                    "opens_on": "05/01/2026",
                    "closes_on": "30/01/2026",
                    "colleges": ["0450001A", "0450002A"],
                },
            )
            for i in range(SURVEYS_EACH)
        ]

    async def scenario():
        opens = [open_surveys(e, k) for k, e in enumerate(editors)]
        grants = [e.post(f"{base}/evaluation/acces/", {"dan": world["dan"]}) for e in editors]
        indicators = [
            e.post(
                f"{base}/evaluation/indicateurs/",
                {"key": "declare:college-eleves:ent_notes", "target": "60", "year": "2026-2027"},
            )
            for e in editors
        ]
        return await asyncio.gather(
            asyncio.gather(*opens), asyncio.gather(*grants), asyncio.gather(*indicators)
        )

    opened, granted, agreed = run_async(scenario())
    log = live.server_log()
    assert "Traceback" not in log, log[-3000:]
    assert all(status == 302 for statuses in opened for status in statuses), opened
    assert granted == [302] * EDITORS and agreed == [302] * EDITORS, (granted, agreed)
    stored = live.run_django(THIS_FILE, "check_world", {})
    assert stored["titles"] == sorted(f"Enquête {k}-{i}" for k in range(EDITORS) for i in range(SURVEYS_EACH))
    assert stored["links"] == stored["tokens"] == EDITORS * SURVEYS_EACH * 2
    assert stored["open_accesses"] == 1
    assert [(key, float(target)) for key, target in stored["indicators"]] == [
        ("declare:college-eleves:ent_notes", 60.0)
    ]
