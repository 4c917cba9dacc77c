"""Concurrent answers: N respondents saving at once, two tabs on one question, and a kill -9.

Starts `numeduc serve` (gunicorn) on 127.0.0.1 with a fresh database (SQLite file, or a
database created on a PostgreSQL server), creates one open self-diagnosis campaign per 101
départements needed and one editor account per respondent, then:

1. **burst** — N respondents (distinct départements; past 101 the respondents answer further
   campaigns, one response each) open the questionnaire at the same moment and save every
   answer through the autosave endpoint, ``--think`` seconds apart, while two tabs of one
   more editor alternate saves on one question;
2. **kill** — the same again with the comments of every factor, and the server is killed
   (SIGKILL, master and workers) in the middle of the burst, then restarted.

Clients behave like the browser's autosave: a save that fails (5xx, connection refused or
cut) is sent again with a growing delay until acknowledged; a 4xx is a refusal. After each
phase every response is read back from the database: a save is **lost** when it was
acknowledged and is not what is stored (or missing from the history), or when it was refused
and stored anyway. Prints saves sent, acknowledged, errors (any non-2xx answer or connection
failure, before retries), lost, p50/p99 latency of acknowledged saves (retries included),
and the database's integrity check. Loopback only; every loop is bounded by ``--timeout``.

    .venv/bin/python bench/bench_answers.py [--respondents 200] [--database sqlite|postgresql|both]
        [--think 1.0] [--workers 2] [--threads 4] [--postgres-url postgres://…] [--no-kill]

Without ``--postgres-url`` the PostgreSQL pass starts a throwaway PostgreSQL 15 cluster (as
``.ci/run`` does; needs /usr/lib/postgresql/15 and root to run it as ``postgres``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from liveserver import LiveNumeduc, ThrowawayPostgres, http, run_async, session_for  # noqa: E402

RETRY_DELAYS = [0.25, 0.5, 1, 2, 4, 8]


# -- the database side: run in a child process with the server's settings (LiveNumeduc) ----


def setup(spec: dict) -> dict:
    import datetime as dt

    from numeduc.questionnaires import load_questionnaire
    from numeduc.web.accounts.models import Role, User
    from numeduc.web.surveys.models import Campaign
    from numeduc.web.territories.loading import load_reference
    from numeduc.web.territories.models import Departement

    load_reference(colleges=False)
    questionnaire = load_questionnaire("autodiagnostic")
    departements = list(Departement.objects.order_by("code"))
    n = spec["respondents"] + 1  # + the editor with two tabs
    campaigns = []
    for k in range((n + len(departements) - 1) // len(departements)):
        campaign = Campaign.objects.create(
            title=f"Banc d'essai {k + 1}",
            questionnaire_slug=questionnaire.slug,
            questionnaire_version=questionnaire.version,
            year=2030 + k,
            opens_on=dt.date(2030, 1, 1),
            closes_on=dt.date(2030, 12, 31),
            status=Campaign.Status.OPEN,
        )
        campaign.target_departements.set(departements)
        campaigns.append(campaign)
    clients = []
    for i in range(n):
        departement = departements[i % len(departements)]
        email = f"banc{i}@bench.numeduc.test"
        user = User.objects.create(
            email=email, username=email, role=Role.DEPARTEMENT_EDITOR, departement=departement
        )
        clients.append(
            {"session": session_for(user), "campaign": campaigns[i // len(departements)].pk, "email": email}
        )
    items = []
    for item in questionnaire.items:
        if item.type == "level":
            values = [str(level.value) for level in item.levels]
        elif item.type == "choice":
            values = [choice.value for choice in item.choices]
        elif item.type == "number":
            low = 0 if item.min is None else int(item.min)
            high = low + 1000 if item.max is None else int(item.max)
            values = [str(v) for v in range(low, min(high, low + 50) + 1)]
        else:
            values = ["Réponse du banc d'essai."]
        items.append(
            {
                "id": item.id,
                "values": values,
                "comment": item.allow_comment,
                "number": item.type == "number" and (item.max is None or item.max - (item.min or 0) >= 500),
            }
        )
    return {"clients": clients, "items": items}


def verify(spec: dict) -> dict:
    from django.db import connection

    from numeduc.questionnaires import load_questionnaire
    from numeduc.web.surveys.models import Answer, Response, ResponseEvent

    questionnaire = load_questionnaire("autodiagnostic")
    lost = []
    checked = 0
    responses = {r.pk: r for r in Response.objects.all()}
    answers = {(a.response_id, a.item_id): a for a in Answer.objects.all()}
    history: dict[tuple, list] = {}
    for event in ResponseEvent.objects.order_by("changed_at", "id"):
        history.setdefault((event.response_id, event.item_id, event.field), []).append(event.new_value)
    for record in spec["records"]:
        key = (record["response"], record["item"])
        field_name = record["field"]
        stored = answers.get(key)
        stored_value = None if stored is None else (stored.value if field_name == "value" else stored.comment)
        parsed = record["parsed"]
        checked += 1
        in_history = parsed in history.get((record["response"], record["item"], field_name), [])
        if record["outcome"] == "ack":
            if record.get("final") and stored_value != parsed:
                lost.append({**record, "stored": stored_value})
            elif not in_history and stored_value != parsed:
                lost.append({**record, "stored": stored_value, "why": "absent de l'historique"})
        elif record["outcome"] == "refused" and in_history:
            lost.append({**record, "why": "refusé mais enregistré"})
    # The history replays to the stored answers (nothing half-written).
    replay_mismatch = 0
    for (response_id, item_id), answer in answers.items():
        values = history.get((response_id, item_id, "value"), [])
        if values and values[-1] != answer.value:
            replay_mismatch += 1
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            integrity = cursor.fetchone()[0]
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM surveys_answer a LEFT JOIN surveys_response r ON r.id = a.response_id "
                "WHERE r.id IS NULL"
            )
            integrity = "ok" if cursor.fetchone()[0] == 0 else "orphan answers"
    return {
        "checked": checked,
        "lost": len(lost),
        "lost_examples": lost[:5],
        "replay_mismatch": replay_mismatch,
        "integrity": integrity,
        "responses": len(responses),
        "items": len(questionnaire.items),
    }


# -- the clients ----------------------------------------------------------------------------


@dataclass
class Stats:
    sent: int = 0
    acknowledged: int = 0
    errors: int = 0
    refused: int = 0
    latencies: list = field(default_factory=list)
    records: list = field(default_factory=list)


class Respondent:
    def __init__(self, client: dict, port: int, stats: Stats, deadline: float):
        self.csrf = secrets.token_hex(16)
        self.cookies = f"sessionid={client['session']}; csrftoken={self.csrf}"
        self.client, self.port, self.stats, self.deadline = client, port, stats, deadline
        self.response_id: int | None = None

    async def open(self) -> None:
        for attempt in range(len(RETRY_DELAYS) + 20):
            try:
                status, headers, _ = await http(
                    self.port, "GET", f"/campagnes/{self.client['campaign']}/repondre/", self.cookies
                )
                if status == 302 and "/reponses/" in headers.get("location", ""):
                    self.response_id = int(headers["location"].rstrip("/").split("/")[-1])
                    return
            except (TimeoutError, OSError, ConnectionError, ValueError):
                pass
            await asyncio.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)])
        raise RuntimeError(f"{self.client['email']} n'a pas pu ouvrir sa réponse")

    async def save(self, item: str, field_name: str, raw: str, parsed, final: bool) -> None:
        body = json.dumps({"item": item, field_name: raw}).encode()
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.csrf}
        start = time.perf_counter()
        attempt = 0
        outcome = "unknown"
        while time.monotonic() < self.deadline:
            self.stats.sent += 1
            try:
                status, _, payload = await http(
                    self.port,
                    "POST",
                    f"/reponses/{self.response_id}/enregistrer/",
                    self.cookies,
                    body,
                    headers,
                )
            except (TimeoutError, OSError, ConnectionError, ValueError, IndexError):
                status, payload = None, b""
            if status == 200 and json.loads(payload or b"{}").get("ok"):
                outcome = "ack"
                self.stats.acknowledged += 1
                self.stats.latencies.append(time.perf_counter() - start)
                break
            self.stats.errors += 1
            if status is not None and 400 <= status < 500 and status not in (408, 429):
                outcome = "refused"
                self.stats.refused += 1
                break
            await asyncio.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)] * (0.5 + random.random()))
            attempt += 1
        self.stats.records.append(
            {
                "response": self.response_id,
                "item": item,
                "field": field_name,
                "parsed": parsed,
                "outcome": outcome,
                "final": final,
            }
        )


def _parsed(item: dict, raw: str):
    if item["values"][0].lstrip("-").isdigit():
        return int(raw)
    return raw


async def run_respondent(
    resp: Respondent,
    items: list,
    think: float,
    start_at: float,
    comments: bool,
    tag: str,
    same_instant: bool = False,
) -> None:
    rng = random.Random(resp.client["email"] + tag)
    # People do not all click in the same millisecond: each starts somewhere in the first
    # pause, unless --same-instant asks for the adversarial burst.
    offset = 0.0 if same_instant else rng.uniform(0, think)
    await asyncio.sleep(max(0.0, start_at + offset - time.monotonic()))
    for item in items:
        if comments:
            if not item["comment"]:
                continue
            text = f"Commentaire {tag} de {resp.client['email']}."
            await resp.save(item["id"], "comment", text, text, True)
        else:
            raw = rng.choice(item["values"])
            await resp.save(item["id"], "value", raw, _parsed(item, raw), True)
        await asyncio.sleep(think * (0.5 + rng.random()))


async def run_two_tabs(resp: Respondent, item: dict, saves: int, think: float, start_at: float) -> None:
    """Two tabs of one editor alternately saving distinct values of one number question."""
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    if resp.response_id is None:
        await resp.open()
    low = int(item["values"][0])

    async def tab(offset: int):
        for k in range(saves):
            value = low + 2 * k + offset
            await resp.save(item["id"], "value", str(value), value, False)
            await asyncio.sleep(think / 4)

    await asyncio.gather(tab(0), tab(1))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# -- one database, both phases ----------------------------------------------------------------


def run_database(label: str, postgres_url: str | None, args) -> dict:
    """Both phases against one fresh database; returns the figures of each phase."""
    results = {}
    with LiveNumeduc(
        postgres_url=postgres_url or "",
        workers=args.workers,
        threads=args.threads,
        keep=args.keep,
        label=f"bench-answers-{label}",
    ) as live:
        made = live.run_django(__file__, "setup", {"respondents": args.respondents})
        live.start()
        results = run_phases(live, made, args)
    return results


def run_phases(live: LiveNumeduc, made: dict, args) -> dict:
    results = {}
    respondents_clients = made["clients"][:-1]
    tabs_client = made["clients"][-1]
    items = made["items"]
    number_item = next(item for item in items if item["number"])
    phases = [("rafale", False)] + ([] if args.no_kill else [("kill -9", True)])
    respondents: list[Respondent] = []
    tabs: Respondent | None = None
    for name, kill in phases:
        stats = Stats()
        deadline = time.monotonic() + args.timeout
        if not respondents:
            respondents = [Respondent(c, live.port, stats, deadline) for c in respondents_clients]
            tabs = Respondent(tabs_client, live.port, stats, deadline)
        for r in respondents + [tabs]:
            r.stats, r.deadline = stats, deadline

        async def phase(respondents=respondents, tabs=tabs, kill=kill, name=name):
            # Everyone opens the questionnaire first (creating the responses is not what is timed).
            await asyncio.gather(*[r.open() for r in respondents + [tabs] if r.response_id is None])
            start_at = time.monotonic() + 0.5
            jobs = [
                run_respondent(
                    r,
                    items,
                    args.think,
                    start_at,
                    comments=kill,
                    tag=name,
                    same_instant=getattr(args, "same_instant", False),
                )
                for r in respondents
            ]
            jobs.append(run_two_tabs(tabs, number_item, args.tab_saves, args.think, start_at))
            if kill:

                async def killer():
                    await asyncio.sleep(0.5 + args.kill_after)
                    await asyncio.to_thread(live.kill9)
                    await asyncio.sleep(1.0)
                    await asyncio.to_thread(live.start)

                jobs.append(killer())
            await asyncio.gather(*jobs)

        began = time.perf_counter()
        run_async(phase())
        elapsed = time.perf_counter() - began
        check = live.run_django(__file__, "verify", {"records": stats.records})
        unknown = sum(1 for r in stats.records if r["outcome"] == "unknown")
        results[name] = {
            "sent": stats.sent,
            "acknowledged": stats.acknowledged,
            "errors": stats.errors,
            "refused": stats.refused,
            "never_acknowledged": unknown,
            "lost": check["lost"],
            "lost_examples": check["lost_examples"],
            "replay_mismatch": check["replay_mismatch"],
            "integrity": check["integrity"],
            "p50_ms": 1000 * percentile(stats.latencies, 0.5),
            "p99_ms": 1000 * percentile(stats.latencies, 0.99),
            "seconds": elapsed,
            "saves_per_second": stats.acknowledged / elapsed,
        }
    return results


def print_results(label: str, results: dict, args) -> None:
    start = "départ au même instant" if args.same_instant else f"départs étalés sur {args.think} s"
    print(
        f"\n== {label} : {args.respondents} répondants + 2 onglets, pause {args.think} s, {start}, "
        f"{args.workers} processus × {args.threads} fils =="
    )
    header = (
        f"{'phase':<9} {'envoyés':>8} {'acquittés':>9} {'erreurs':>8} {'refusés':>8} {'perdus':>7} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'saves/s':>8} intégrité"
    )
    print(header)
    for name, r in results.items():
        print(
            f"{name:<9} {r['sent']:>8} {r['acknowledged']:>9} {r['errors']:>8} {r['refused']:>8} "
            f"{r['lost'] + r['never_acknowledged']:>7} {r['p50_ms']:>8.0f} {r['p99_ms']:>8.0f} "
            f"{r['saves_per_second']:>8.0f} {r['integrity']}"
        )
        for example in r["lost_examples"]:
            print("   perdu :", example)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument(
        "--think", type=float, default=1.0, help="secondes entre deux réponses d'un répondant"
    )
    parser.add_argument("--tab-saves", type=int, default=40, help="enregistrements par onglet (deux onglets)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--kill-after", type=float, default=3.0, help="secondes de rafale avant le kill -9")
    parser.add_argument("--no-kill", action="store_true")
    parser.add_argument(
        "--same-instant",
        action="store_true",
        help="tous les répondants envoient leur première réponse au même instant",
    )
    parser.add_argument("--timeout", type=float, default=300, help="borne de chaque phase (secondes)")
    parser.add_argument("--keep", action="store_true", help="garder le dossier de travail")
    parser.add_argument("--json", action="store_true", help="résultats en JSON sur la sortie standard")
    args = parser.parse_args(argv)
    all_results = {}
    if args.database in ("sqlite", "both"):
        all_results["sqlite"] = run_database("sqlite", "", args)
        print_results("SQLite", all_results["sqlite"], args)
    if args.database in ("postgresql", "both"):
        if args.postgres_url:
            all_results["postgresql"] = run_database("postgresql", args.postgres_url, args)
        else:
            with ThrowawayPostgres() as url:
                all_results["postgresql"] = run_database("postgresql", url, args)
        print_results("PostgreSQL", all_results["postgresql"], args)
    if args.json:
        print(json.dumps(all_results))
    bad = any(
        r["lost"] or r["never_acknowledged"] or r["replay_mismatch"] or r["integrity"] != "ok"
        for res in all_results.values()
        for r in res.values()
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
