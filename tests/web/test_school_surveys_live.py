"""A class answering at once, against a real server: every acknowledged answer is stored once,
nothing answers 500 (``bench/liveserver.py``: gunicorn on a fresh SQLite file, or a new
PostgreSQL database when ``DATABASE_URL`` names one)."""

from __future__ import annotations

import asyncio
import secrets
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
from liveserver import LiveNumeduc, http, run_async  # noqa: E402

pytestmark = [pytest.mark.slow]
THIS_FILE = Path(__file__).resolve()
PUPILS = 60
DOUBLE_TAPS = 10  # pupils who send the same form twice at once


def setup_world(spec: dict) -> dict:
    from numeduc.web.school_surveys import services
    from numeduc.web.territories.loading import load_reference
    from numeduc.web.territories.models import College, Departement

    load_reference(colleges=False)
    loiret = Departement.objects.get(code="45")
    College.objects.create(uai="0450001A", name="Collège A", departement=loiret, density_code="5", pupils=500)
    survey = services.open_survey("college-eleves", loiret, None)
    link = survey.colleges.get()
    questionnaire = survey.questionnaire
    form = {}
    for item in questionnaire.items:
        if item.type == "choice":
            form[f"item-{item.id}"] = item.choices[0].value
    return {"token": link.token, "link": link.pk, "form": form}


def check_world(spec: dict) -> dict:
    from numeduc.web.school_surveys.models import Submission

    return {"nonces": sorted(Submission.objects.filter(link_id=spec["link"]).values_list("nonce", flat=True))}


@pytest.fixture(scope="module")
def live():
    with LiveNumeduc(label="school-surveys") as instance:
        instance.world = instance.run_django(THIS_FILE, "setup_world", {})
        instance.start()
        yield instance


def test_a_class_answering_at_once_loses_nothing(live):
    world = live.world
    path = f"/enquete/{world['token']}/"

    async def pupil(k: int, nonce: str) -> int:
        csrf = secrets.token_hex(16)
        body = urlencode({**world["form"], "nonce": nonce, "csrfmiddlewaretoken": csrf}).encode()
        status, _, _ = await http(
            live.port,
            "POST",
            path,
            f"csrftoken={csrf}",
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{live.port}{path}",
            },
        )
        return status

    async def scenario():
        sends = [pupil(k, f"eleve-{k:03d}") for k in range(PUPILS)]
        sends += [pupil(k, f"eleve-{k:03d}") for k in range(DOUBLE_TAPS)]  # the same forms again
        return await asyncio.gather(*sends)

    statuses = run_async(scenario())
    log = live.server_log()
    assert "Traceback" not in log, log[-3000:]
    assert statuses == [200] * (PUPILS + DOUBLE_TAPS), statuses
    stored = live.run_django(THIS_FILE, "check_world", {"link": world["link"]})
    assert stored["nonces"] == sorted(f"eleve-{k:03d}" for k in range(PUPILS))  # each once
