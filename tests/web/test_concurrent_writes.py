"""Concurrent writers against a real server: nothing acknowledged is lost, nothing answers 500.

One ``numeduc serve`` (gunicorn, 2 processes × 4 threads) on a fresh database of the kind
the suite runs on — a SQLite file, or a new database on the PostgreSQL server of
``DATABASE_URL`` — driven by concurrent asyncio clients. Set-up and checks run in a child
process with the server's own settings (``bench/liveserver.py``); the autosave scenario is
the benchmark's (``bench/bench_answers.py``) at a small size, kill -9 included.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import sys
import types
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
import bench_answers  # noqa: E402
from liveserver import LiveNumeduc, http, run_async, session_for  # noqa: E402

pytestmark = [pytest.mark.slow]
THIS_FILE = Path(__file__).resolve()


# -- run in the child process (Django set up on the live server's database) ------------------


def setup_world(spec: dict) -> dict:
    """A coordinator, an editor of the Loiret with an almost complete response to an open
    public campaign, and an invited account with its link."""
    import datetime as dt

    from django.contrib.auth.hashers import make_password

    from numeduc.questionnaires import load_questionnaire
    from numeduc.web.accounts.models import Invitation, Role, User
    from numeduc.web.surveys import services
    from numeduc.web.surveys.models import Campaign, Response
    from numeduc.web.territories.loading import load_reference
    from numeduc.web.territories.models import Departement

    load_reference(colleges=False)
    questionnaire = load_questionnaire("autodiagnostic")
    campaign = Campaign.objects.create(
        title="Concurrence",
        questionnaire_slug=questionnaire.slug,
        questionnaire_version=questionnaire.version,
        year=2031,
        opens_on=dt.date(2031, 1, 1),
        closes_on=dt.date(2031, 12, 31),
        status=Campaign.Status.OPEN,
        public=True,
    )
    campaign.target_departements.set(Departement.objects.all())
    loiret = Departement.objects.get(code="45")
    coordinator = User.objects.create(
        email="coord@live.test", username="coord@live.test", role=Role.COORDINATOR
    )
    editor = User.objects.create(
        email="ed45@live.test", username="ed45@live.test", role=Role.DEPARTEMENT_EDITOR, departement=loiret
    )
    response = Response.objects.create(campaign=campaign, departement=loiret)
    required = [item for item in questionnaire.items if item.required]
    for item in required[:-1]:
        raw = (
            "3"
            if item.type == "level"
            else (item.choices[0].value if item.type == "choice" else str(int(item.min or 0) + 1))
        )
        services.save_answer(response, item.id, raw, None, editor)
    invited = User.objects.create(
        email="invite@live.test",
        username="invite@live.test",
        role=Role.DEPARTEMENT_EDITOR,
        departement=Departement.objects.get(code="59"),
        password=make_password(None),
    )
    _, token = Invitation.issue(invited, created_by=coordinator)
    last = required[-1]
    comment_item = next(item for item in questionnaire.items if item.allow_comment)
    return {
        "campaign": campaign.pk,
        "response": response.pk,
        "token": token,
        "coordinator": session_for(coordinator),
        "editor": session_for(editor),
        "last_item": last.id,
        "last_value": "2" if last.type == "level" else "1",
        "comment_item": comment_item.id,
    }


def check_world(spec: dict) -> dict:
    from numeduc.web.accounts.models import Invitation, User
    from numeduc.web.surveys.models import Campaign, Response, ResponseEvent

    response = Response.objects.get(pk=spec["response"])
    events = list(ResponseEvent.objects.filter(response=response).order_by("changed_at", "id"))
    status_events = [e for e in events if e.field == "status"]
    submitted_at = next((e.changed_at for e in status_events if e.new_value == "submitted"), None)
    comment_events = [e for e in events if e.field == "comment" and e.item_id == spec["comment_item"]]
    late = [e.new_value for e in comment_events if submitted_at and e.changed_at > submitted_at]
    consent_events = [e for e in events if e.field == "consent"]
    invitation = Invitation.objects.get(user__email="invite@live.test")
    answer = response.answers.filter(item_id=spec["comment_item"]).first()
    return {
        "status": response.status,
        "status_changes": [(e.old_value, e.new_value) for e in status_events],
        "comments_in_history": [e.new_value for e in comment_events],
        "comments_after_submission": late,
        "stored_comment": answer.comment if answer else None,
        "consent": response.share_consent,
        "consent_changes": [(e.old_value, e.new_value) for e in consent_events],
        "campaign_status": Campaign.objects.get(pk=spec["campaign"]).status,
        "invitation_used": invitation.used_at is not None,
        "invited_has_password": User.objects.get(email="invite@live.test").has_usable_password(),
    }


def setup_invitations(spec: dict) -> dict:
    """An open campaign for three départements, two of them with an editor's account already,
    and two coordinators signed in."""
    import datetime as dt

    from numeduc.questionnaires import load_questionnaire
    from numeduc.web.accounts.models import Role, User
    from numeduc.web.surveys.models import Campaign
    from numeduc.web.territories.models import Departement

    questionnaire = load_questionnaire("autodiagnostic")
    tag = spec["tag"]  # each test its own campaign and accounts
    campaign = Campaign.objects.create(
        title=f"Invitations simultanées {tag}",
        questionnaire_slug=questionnaire.slug,
        questionnaire_version=questionnaire.version,
        year=2032,
        opens_on=dt.date(2032, 1, 1),
        closes_on=dt.date(2032, 12, 31),
        status=Campaign.Status.OPEN,
    )
    campaign.target_departements.set(Departement.objects.filter(code__in=["18", "28", "36"]))
    for code in ("18", "28"):
        User.objects.create(
            email=f"ed{code}.{tag}@live.test",
            username=f"ed{code}.{tag}@live.test",
            role=Role.DEPARTEMENT_EDITOR,
            departement=Departement.objects.get(code=code),
        )
    coordinators = [
        User.objects.create(
            email=f"coord{k}.{tag}@live.test", username=f"coord{k}.{tag}@live.test", role=Role.COORDINATOR
        )
        for k in (2, 3)
    ]
    return {"tag": tag, "campaign": campaign.pk, "coordinators": [session_for(c) for c in coordinators]}


def check_invitations(spec: dict) -> dict:
    from numeduc.web.accounts.models import User
    from numeduc.web.surveys.models import Campaign, CampaignNotice

    campaign = Campaign.objects.get(pk=spec["campaign"])
    return {
        "accounts_36": User.objects.filter(email=f"ed36.{spec['tag']}@live.test").count(),
        "notices": sorted(
            CampaignNotice.objects.filter(campaign=campaign).values_list("user__email", flat=True)
        ),
        "status": campaign.status,
        "closed_at": campaign.closed_at.isoformat() if campaign.closed_at else None,
    }


# -- the tests -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live():
    with LiveNumeduc(label="concurrency") as instance:
        instance.world = instance.run_django(THIS_FILE, "setup_world", {})
        instance.start()
        yield instance


class Client:
    def __init__(self, live, session: str | None):
        self.port = live.port
        self.csrf = secrets.token_hex(16)
        self.cookies = f"csrftoken={self.csrf}" + (f"; sessionid={session}" if session else "")

    async def post(self, path: str, *, json_body: dict | None = None, form: dict | None = None):
        if json_body is not None:
            body, kind = json.dumps(json_body).encode(), "application/json"
        else:
            from urllib.parse import urlencode

            body, kind = (
                urlencode({**(form or {}), "csrfmiddlewaretoken": self.csrf}).encode(),
                "application/x-www-form-urlencoded",
            )
        status, headers, payload = await http(
            self.port, "POST", path, self.cookies, body, {"Content-Type": kind, "X-CSRFToken": self.csrf}
        )
        return status, headers, payload


def gather(*coroutines):
    async def run():
        return await asyncio.gather(*coroutines)

    return run_async(run())


def test_autosave_burst_two_tabs_and_kill9_lose_nothing(tmp_path):
    """The benchmark's scenario, small: 24 respondents at once, two tabs on one question, then
    a burst of comments during which the server is killed (SIGKILL) and restarted."""
    args = types.SimpleNamespace(
        respondents=24,
        think=0.05,
        tab_saves=10,
        kill_after=1.0,
        no_kill=False,
        timeout=180.0,
        workers=2,
        threads=4,
    )
    with LiveNumeduc(label="concurrency-burst") as live:
        made = live.run_django(BENCH / "bench_answers.py", "setup", {"respondents": args.respondents})
        live.start()
        results = bench_answers.run_phases(live, made, args)
        log = live.server_log()
    burst, crash = results["rafale"], results["kill -9"]
    assert burst["errors"] == 0, log[-3000:]
    assert "Traceback" not in log
    for phase in (burst, crash):
        assert phase["lost"] == 0, phase["lost_examples"]
        assert phase["never_acknowledged"] == 0
        assert phase["replay_mismatch"] == 0
        assert phase["integrity"] == "ok"
    # Each respondent saved every answer, then every comment; the two tabs 2 × 10 values.
    assert burst["acknowledged"] == args.respondents * len(made["items"]) + 2 * args.tab_saves
    assert crash["errors"] > 0, "the kill -9 happened after the burst: nothing was tested"


def test_submit_racing_autosaves_never_changes_a_submitted_response(live):
    world = live.world
    editor = Client(live, world["editor"])
    base = f"/reponses/{world['response']}"
    saves = [
        editor.post(f"{base}/enregistrer/", json_body={"item": world["comment_item"], "comment": f"n°{k}"})
        for k in range(12)
    ]
    last = editor.post(
        f"{base}/enregistrer/", json_body={"item": world["last_item"], "value": world["last_value"]}
    )
    outcomes = gather(last, *saves)
    assert outcomes[0][0] == 200
    submit = gather(
        editor.post(f"{base}/transmettre/"),
        *[
            editor.post(
                f"{base}/enregistrer/", json_body={"item": world["comment_item"], "comment": f"tard n°{k}"}
            )
            for k in range(12)
        ],
    )
    assert all(status in (200, 302, 409) for status, _, _ in outcomes + submit), [s for s, _, _ in submit]
    late_acknowledged = [json.loads(payload) for status, _, payload in submit[1:] if status == 200]
    refused = [json.loads(payload) for status, _, payload in submit[1:] if status == 409]
    assert all("transmise" in r["error"] for r in refused)
    state = live.run_django(THIS_FILE, "check_world", world)
    assert state["status"] == "submitted"
    assert state["status_changes"] == [["draft", "submitted"]]
    assert state["comments_after_submission"] == []
    assert len(late_acknowledged) + len(refused) == 12
    # The stored comment is the last one written before the submission.
    assert state["stored_comment"] == state["comments_in_history"][-1]


def test_concurrent_consent_changes_keep_one_history(live):
    world = live.world
    editor = Client(live, world["editor"])
    path = f"/reponses/{world['response']}/partage/"
    outcomes = gather(*[editor.post(path, form={"consent": "1"} if k % 2 == 0 else {}) for k in range(16)])
    assert all(status == 302 for status, _, _ in outcomes), [s for s, _, _ in outcomes]
    state = live.run_django(THIS_FILE, "check_world", world)
    changes = state["consent_changes"]
    assert changes, "no consent change recorded"
    # Every recorded change is a real change, each from the previous value, ending at the stored one.
    previous = False
    for old, new in changes:
        assert bool(old) == previous and bool(new) != previous
        previous = bool(new)
    assert previous == state["consent"]


def test_double_submitted_invitation_signs_in_once_without_error(live):
    world = live.world
    password = "trois mots sans rapport 42"
    clients = [Client(live, None) for _ in range(4)]
    outcomes = gather(
        *[
            c.post(
                f"/compte/invitation/{world['token']}/",
                form={"new_password1": password, "new_password2": password},
            )
            for c in clients
        ]
    )
    statuses = [status for status, _, _ in outcomes]
    assert statuses == [302] * 4, statuses  # the first one sets the password, the others sign in as it did
    assert all(headers["location"] == "/" for _, headers, _ in outcomes)
    other = gather(
        Client(live, None).post(
            f"/compte/invitation/{world['token']}/",
            form={"new_password1": "un autre mot de passe 7", "new_password2": "un autre mot de passe 7"},
        )
    )
    assert other[0][0] == 410
    state = live.run_django(THIS_FILE, "check_world", world)
    assert state["invitation_used"] and state["invited_has_password"]


def test_concurrent_campaign_actions_never_reopen_a_closed_campaign(live):
    world = live.world
    coordinator = Client(live, world["coordinator"])
    base = f"/campagnes/{world['campaign']}"
    actions = ["close", "open", "publish"] * 6
    outcomes = gather(*[coordinator.post(f"{base}/{action}/", form={"confirm": "oui"}) for action in actions])
    assert all(status == 302 for status, _, _ in outcomes), [s for s, _, _ in outcomes]
    state = live.run_django(THIS_FILE, "check_world", world)
    assert state["campaign_status"] == "closed"
    assert "Traceback" not in live.server_log()


def test_two_coordinators_sending_the_same_invitations_at_once_tell_each_account_once(live):
    world = live.run_django(THIS_FILE, "setup_invitations", {"tag": "invite"})
    first, second = (Client(live, session) for session in world["coordinators"])
    path = f"/campagnes/{world['campaign']}/invite/"
    lines = {"lines": "18;ed18.invite@live.test\n36;ed36.invite@live.test"}
    outcomes = gather(*[(first if k % 2 else second).post(path, form=lines) for k in range(8)])
    assert all(status == 302 for status, _, _ in outcomes), [s for s, _, _ in outcomes]
    state = live.run_django(THIS_FILE, "check_invitations", world)
    assert state["accounts_36"] == 1
    assert state["notices"] == ["ed18.invite@live.test", "ed28.invite@live.test", "ed36.invite@live.test"]
    log = live.server_log()
    assert "Traceback" not in log
    # The console mail backend writes each message to the server's log, headers first.
    mails = [block for block in log.split("-" * 79) if "\nTo: " in block]

    def sent(marker: str, email: str) -> int:
        return sum(1 for m in mails if marker in m and re.search(rf"^To: {re.escape(email)}$", m, re.M))

    for email in state["notices"]:
        assert sent("Subject: numeduc : une campagne vous attend", email) == 1, email
    assert sent("/compte/invitation/", "ed36.invite@live.test") == 1  # its account's invitation, once


def test_two_coordinators_confirming_close_at_once_close_it_once(live):
    world = live.run_django(THIS_FILE, "setup_invitations", {"tag": "close"})
    first, second = (Client(live, session) for session in world["coordinators"])
    path = f"/campagnes/{world['campaign']}/close/"
    outcomes = gather(*[(first if k % 2 else second).post(path, form={"confirm": "oui"}) for k in range(8)])
    assert all(status == 302 for status, _, _ in outcomes), [s for s, _, _ in outcomes]
    assert all(headers["location"] == f"/campagnes/{world['campaign']}/" for _, headers, _ in outcomes)
    state = live.run_django(THIS_FILE, "check_invitations", world)
    assert state["status"] == "closed" and state["closed_at"]
    assert "Traceback" not in live.server_log()
