"""Stories under concurrent editors, against a real server (gunicorn on a fresh SQLite file, or a
new PostgreSQL database when ``DATABASE_URL`` names one): stories told at once are all stored;
editors saving the same story from the same version: one wins, the others get 409 and nothing
is overwritten; the public feed answers meanwhile; nothing answers 500."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
from liveserver import LiveNumeduc, SignedInClient, http, run_async, session_for  # noqa: E402

pytestmark = [pytest.mark.slow]
THIS_FILE = Path(__file__).resolve()
EDITORS = 6
STORIES_EACH = 3


def _form(title: str, version: str = "") -> dict:
    return {
        "title": title,
        "told_on": "09/12/2024",
        "text": "Ce qui a été fait.",
        "status": "publiee",
        "share_open_data": "on",
        "version": version,
    }


def setup_world(spec: dict) -> dict:
    import datetime as dt

    from numeduc.web.accounts.models import Role, User
    from numeduc.web.stories.models import Story
    from numeduc.web.stories.services import create_story
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
    shared = create_story(
        loiret,
        {
            "title": "À modifier",
            "told_on": dt.date(2024, 12, 1),
            "text": "Départ.",
            "status": Story.Status.DRAFT,
        },
        editors[0],
    )
    return {"sessions": [session_for(e) for e in editors], "shared": shared.pk}


def check_world(spec: dict) -> dict:
    from numeduc.web.stories.models import Story

    shared = Story.objects.get(pk=spec["shared"])
    return {
        "titles": sorted(Story.objects.exclude(pk=shared.pk).values_list("title", flat=True)),
        "shared": [shared.title, shared.version, shared.is_published],
    }


@pytest.fixture(scope="module")
def live():
    with LiveNumeduc(label="stories") as instance:
        instance.world = instance.run_django(THIS_FILE, "setup_world", {})
        instance.start()
        yield instance


def test_editors_telling_and_changing_stories_at_once_lose_nothing(live):
    world = live.world
    editors = [SignedInClient(live.port, session) for session in world["sessions"]]

    async def tell(editor: SignedInClient, k: int) -> list[int]:
        return [
            await editor.post("/reussites/departements/45/nouvelle/", _form(f"Réussite {k}-{i}"))
            for i in range(STORIES_EACH)
        ]

    async def feed() -> list[int]:
        return [(await http(live.port, "GET", "/reussites/flux.atom", ""))[0] for _ in range(5)]

    async def scenario():
        told = [tell(e, k) for k, e in enumerate(editors)]
        edits = [
            e.post(f"/reussites/{world['shared']}/modifier/", _form(f"Par {k}", "1"))
            for k, e in enumerate(editors)
        ]
        return await asyncio.gather(asyncio.gather(*told), asyncio.gather(*edits), feed())

    told, edited, fed = run_async(scenario())
    log = live.server_log()
    assert "Traceback" not in log, log[-3000:]
    assert all(status == 302 for statuses in told for status in statuses), told
    assert sorted(edited) == [302] + [409] * (EDITORS - 1), edited
    assert fed == [200] * 5, fed
    stored = live.run_django(THIS_FILE, "check_world", {"shared": world["shared"]})
    assert stored["titles"] == sorted(
        f"Réussite {k}-{i}" for k in range(EDITORS) for i in range(STORIES_EACH)
    )
    winner = edited.index(302)
    assert stored["shared"] == [f"Par {winner}", 2, True]
