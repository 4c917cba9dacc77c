"""The page cache across processes: a real ``numeduc serve`` (gunicorn, 2 processes), on a
SQLite file and on PostgreSQL when ``DATABASE_URL`` names one (bench/liveserver.py).

Both processes keep the questionnaire page; an answer saved through one of them, or written by
another process altogether (as the CLI would), must show on every following view, whichever
process answers it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
from liveserver import LiveNumeduc, http, run_async, session_for  # noqa: E402

pytestmark = [pytest.mark.slow]
THIS_FILE = Path(__file__).resolve()
ITEM = "f01_maturite_equipes"


# -- run in the child process (Django set up on the live server's database) ------------------


def setup_world(spec: dict) -> dict:
    import datetime as dt

    from numeduc.questionnaires import load_questionnaire
    from numeduc.web.accounts.models import Role, User
    from numeduc.web.surveys.models import Campaign, Response
    from numeduc.web.territories.loading import load_reference
    from numeduc.web.territories.models import Departement

    load_reference(colleges=False)
    questionnaire = load_questionnaire("autodiagnostic")
    campaign = Campaign.objects.create(
        title="Cache de pages",
        questionnaire_slug=questionnaire.slug,
        questionnaire_version=questionnaire.version,
        year=2031,
        opens_on=dt.date(2031, 1, 1),
        closes_on=dt.date(2031, 12, 31),
        status=Campaign.Status.OPEN,
    )
    loiret = Departement.objects.get(code="45")
    campaign.target_departements.set([loiret])
    editor = User.objects.create(
        email="ed45@live.test", username="ed45@live.test", role=Role.DEPARTEMENT_EDITOR, departement=loiret
    )
    response = Response.objects.create(campaign=campaign, departement=loiret)
    return {"session": session_for(editor), "response": response.pk}


def write_comment(spec: dict) -> dict:
    """A write from another process than the server's, through the ORM (as a CLI command)."""
    from numeduc.web.accounts.models import User
    from numeduc.web.surveys import services
    from numeduc.web.surveys.models import Response

    response = Response.objects.get(pk=spec["response"])
    services.save_answer(response, ITEM, None, spec["comment"], User.objects.get(email="ed45@live.test"))
    return {}


# -- the test ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live():
    with LiveNumeduc(label="page-cache", workers=2, threads=2) as instance:
        instance.world = instance.run_django(THIS_FILE, "setup_world", {})
        instance.start()
        yield instance


def test_a_change_shows_in_every_process_at_once(live):
    world = live.world
    csrf = "c" * 32
    cookies = f"csrftoken={csrf}; sessionid={world['session']}"
    url = f"/reponses/{world['response']}/"

    hits = []

    async def views(n: int) -> list[str]:
        pages = []
        for _ in range(n):
            status, headers, body = await http(live.port, "GET", url, cookies)
            assert status == 200
            hits.append(headers.get("x-numeduc-page-cache") == "hit")
            pages.append(body.decode("utf-8"))
        return pages

    async def views_in_parallel(n: int, clients: int = 4) -> list[str]:
        import asyncio

        hits.clear()
        batches = await asyncio.gather(*(views(n) for _ in range(clients)))
        assert sum(hits) >= len(hits) // 2, hits  # the page was kept: the test means something
        return [page for batch in batches for page in batch]

    async def autosave(comment: str) -> int:
        status, _, _ = await http(
            live.port,
            "POST",
            f"/reponses/{world['response']}/enregistrer/",
            cookies,
            json.dumps({"item": ITEM, "comment": comment}).encode(),
            {
                "Content-Type": "application/json",
                "X-CSRFToken": csrf,
                "Referer": f"http://127.0.0.1:{live.port}/",
            },
        )
        return status

    # both processes render and keep the page (parallel clients reach both)
    before = run_async(views_in_parallel(10))
    assert all("Commentaire par le serveur" not in page for page in before)
    assert run_async(autosave("Commentaire par le serveur")) == 200
    after = run_async(views_in_parallel(10))
    assert all("Commentaire par le serveur" in page for page in after), "page périmée servie"

    live.run_django(
        THIS_FILE, "write_comment", {"response": world["response"], "comment": "Écrit hors du serveur"}
    )
    later = run_async(views_in_parallel(10))
    assert all("Écrit hors du serveur" in page for page in later), "page périmée servie"
    assert "Traceback" not in live.server_log()
