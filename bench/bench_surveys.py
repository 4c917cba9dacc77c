"""A whole year group answering a collège's survey at once (issue 13, item 6).

Starts `numeduc serve` (gunicorn) on 127.0.0.1 with a fresh database (SQLite file, or a new
database on a PostgreSQL server), opens the pupils' survey for one collège, then N respondents
start together: each loads the form (GET, as a tablet does: CSRF cookie and the form's random
value read from the page) and submits it (POST). Side by side, the baseline: the same N clients
fetching a static file of the same server at once. Prints requests, errors (any answer but
200, or a connection failure), p50/p99 of the answer pages and of the static file, the p99
ratio, and answers acknowledged vs stored (read back from the database). Loopback only;
bounded by ``--timeout``.

    .venv/bin/python bench/bench_surveys.py [--respondents 200] [--database sqlite|postgresql|both]
        [--workers 2] [--threads 4] [--postgres-url postgres://…]

Without ``--postgres-url`` the PostgreSQL pass starts a throwaway PostgreSQL 15 cluster.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from liveserver import LiveNumeduc, ThrowawayPostgres, http, run_async  # noqa: E402

NONCE = re.compile(rb'name="nonce" value="([^"]+)"')
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
STATIC = "/static/numeduc/numeduc.css"


def setup(spec: dict) -> dict:
    from numeduc.web.school_surveys import services
    from numeduc.web.territories.loading import load_reference
    from numeduc.web.territories.models import College, Departement

    load_reference(colleges=False)
    loiret = Departement.objects.get(code="45")
    College.objects.create(
        uai="0450001A", name="Collège du banc", departement=loiret, density_code="5", pupils=600
    )
    survey = services.open_survey("college-eleves", loiret, None)
    link = survey.colleges.get()
    form = {}
    for k, item in enumerate(survey.questionnaire.items):
        if item.type == "choice":
            form[f"item-{item.id}"] = item.choices[k % len(item.choices)].value
    return {"token": link.token, "link": link.pk, "form": form}


def stored(spec: dict) -> dict:
    from numeduc.web.school_surveys.models import Submission

    return {"stored": Submission.objects.filter(link_id=spec["link"]).count()}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def respondent(port: int, path: str, form: dict, out: dict) -> None:
    start = time.perf_counter()
    try:
        status, headers, body = await http(port, "GET", path, "")
    except (TimeoutError, OSError, ConnectionError):
        out["errors"] += 1
        return
    out["requests"] += 1
    out["get_ms"].append((time.perf_counter() - start) * 1000)
    nonce, csrf_field = NONCE.search(body), CSRF.search(body)
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", ""))
    if status != 200 or not nonce or not csrf_field or not cookie:
        out["errors"] += 1
        return
    payload = urlencode(
        {**form, "nonce": nonce.group(1).decode(), "csrfmiddlewaretoken": csrf_field.group(1).decode()}
    )
    start = time.perf_counter()
    try:
        status, _, body = await http(
            port,
            "POST",
            path,
            f"csrftoken={cookie.group(1)}",
            payload.encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{port}{path}",
            },
        )
    except (TimeoutError, OSError, ConnectionError):
        out["errors"] += 1
        return
    out["requests"] += 1
    out["post_ms"].append((time.perf_counter() - start) * 1000)
    if status == 200 and "Vos réponses sont enregistrées".encode() in body:
        out["acknowledged"] += 1
    else:
        out["errors"] += 1


async def static_client(port: int, out: dict) -> None:
    start = time.perf_counter()
    try:
        status, _, _ = await http(port, "GET", STATIC, "")
    except (TimeoutError, OSError, ConnectionError):
        out["static_errors"] += 1
        return
    out["static_ms"].append((time.perf_counter() - start) * 1000)
    if status != 200:
        out["static_errors"] += 1


def run_database(label: str, postgres_url: str, args) -> dict:
    with LiveNumeduc(
        postgres_url=postgres_url, workers=args.workers, threads=args.threads, label=f"bench-surveys-{label}"
    ) as live:
        made = live.run_django(__file__, "setup", {})
        live.start()
        path = f"/enquete/{made['token']}/"
        out = {
            "requests": 0,
            "errors": 0,
            "acknowledged": 0,
            "get_ms": [],
            "post_ms": [],
            "static_ms": [],
            "static_errors": 0,
        }

        async def baseline():
            await asyncio.gather(*(static_client(live.port, out) for _ in range(args.respondents)))

        async def burst():
            await asyncio.wait_for(
                asyncio.gather(
                    *(respondent(live.port, path, made["form"], out) for _ in range(args.respondents))
                ),
                args.timeout,
            )

        load_average = os.getloadavg()[0]  # the machine is shared: say how busy it was
        run_async(baseline())
        started = time.perf_counter()
        run_async(burst())
        out["seconds"] = time.perf_counter() - started
        out.update(live.run_django(__file__, "stored", {"link": made["link"]}))
        out["tracebacks"] = live.server_log().count("Traceback")
    pages = out["get_ms"] + out["post_ms"]
    return {
        "respondents": args.respondents,
        "requests": out["requests"],
        "errors": out["errors"],
        "acknowledged": out["acknowledged"],
        "stored": out["stored"],
        "lost": max(0, out["acknowledged"] - out["stored"]),
        "p50_ms": percentile(pages, 0.5),
        "p99_ms": percentile(pages, 0.99),
        "get_p99_ms": percentile(out["get_ms"], 0.99),
        "post_p99_ms": percentile(out["post_ms"], 0.99),
        "static_p50_ms": percentile(out["static_ms"], 0.5),
        "static_p99_ms": percentile(out["static_ms"], 0.99),
        "static_errors": out["static_errors"],
        "seconds": out["seconds"],
        "tracebacks": out["tracebacks"],
        "load_average": load_average,
    }


def print_results(label: str, r: dict) -> None:
    ratio = r["p99_ms"] / r["static_p99_ms"] if r["static_p99_ms"] else float("nan")
    print(
        f"{label:<11} répondants {r['respondents']:>4}  requêtes {r['requests']:>4}  erreurs {r['errors']:>3}  "
        f"acquittées {r['acknowledged']:>4}  enregistrées {r['stored']:>4}  perdues {r['lost']:>2}  "
        f"p50 {r['p50_ms']:>6.0f} ms  p99 {r['p99_ms']:>6.0f} ms (formulaire {r['get_p99_ms']:.0f}, envoi "
        f"{r['post_p99_ms']:.0f})  fichier statique p50 {r['static_p50_ms']:.0f} / p99 {r['static_p99_ms']:.0f} ms  "
        f"p99 ÷ statique ×{ratio:.1f}  durée {r['seconds']:.1f} s  tracebacks {r['tracebacks']}  "
        f"charge {r['load_average']:.2f}"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = {}
    if args.database in ("sqlite", "both"):
        results["sqlite"] = run_database("sqlite", "", args)
        print_results("SQLite", results["sqlite"])
    if args.database in ("postgresql", "both"):
        if args.postgres_url:
            results["postgresql"] = run_database("postgresql", args.postgres_url, args)
        else:
            with ThrowawayPostgres() as url:
                results["postgresql"] = run_database("postgresql", url, args)
        print_results("PostgreSQL", results["postgresql"])
    if args.json:
        print(json.dumps(results))
    return 1 if any(r["errors"] or r["lost"] or r["tracebacks"] for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
