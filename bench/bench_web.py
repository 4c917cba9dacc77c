"""Web benchmark: pages of the self-diagnosis journey against a static file, same server.

Starts `numeduc serve` (gunicorn, SQLite, demo data) on 127.0.0.1, signs in as the demo Loiret
editor, and for each URL sends requests from a few clients for a bounded time, twice:

* the Python client (threads + urllib, one keep-alive-less request at a time per thread);
* `wrk` (compiled, event loop, HTTP/1.1 keep-alive), given the session cookie of the Python
  client's sign-in, so that the client itself is never what limits the rate.

For each URL and client it prints requests per second, median, 95th and 99th percentile
latency and the ratio of the static CSS file's rate (served by the same process: the baseline)
to the page's rate. Every response must be 200 (the Python client asserts it; wrk's non-2xx
count must be 0), so that an error page answered fast is never counted as a fast page.
Only loopback traffic; every loop is bounded.

    .venv/bin/python bench/bench_web.py [--seconds 8] [--clients 4] [--workers 2] [--no-wrk]
                                        [--var DIR]   # reuse a demo instance made by a previous run
                                        [--src DIR]   # serve another copy of src/ (before/after)
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NUMEDUC = ROOT / ".venv" / "bin" / "numeduc"

# Campaign ids of the demo: 1 = 2017 (closed, published), 2 = 2018 (open).
URLS = {
    "fichier statique (CSS) — référence": "/static/numeduc/numeduc.css",
    "accueil du département": "/",
    # Redirects to the editor's response (/reponses/<id>/); the page measured is the one it lands
    # on, resolved once after sign-in (the previous version of this script measured both requests).
    "questionnaire (24 questions)": "/campagnes/2/repondre/",
    "page de résultats (radar, pairs)": "/resultats/1/departements/45/",
    "API : profil du département": "/api/v1/campaigns/1/departements/45/profile",
    "analyse nationale": "/national/1/",
    "tableau de bord des usages (Loiret)": "/usages/departements/45/",
    "budget du département (Loiret)": "/budget/departements/45/",
}


def opener_with_login(base: str) -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/compte/connexion/").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode(
        {"username": "loiret@demo.numeduc.fr", "password": "numeduc-demo", "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(f"{base}/compte/connexion/", data=body, headers={"Referer": base + "/"})
    opener.open(request).read()
    if not any(c.name == "sessionid" for c in jar):
        raise SystemExit("connexion refusée : pas de cookie de session")
    return opener, jar


def percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(round(q * (len(sorted_values) - 1))))]


def hammer(opener, url: str, seconds: float, clients: int) -> dict:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        local = []
        while time.monotonic() < deadline:
            start = time.perf_counter()
            with opener.open(url) as response:
                response.read()
                assert response.status == 200, (url, response.status)
                assert response.url == url, f"redirigé vers {response.url}"
            local.append(time.perf_counter() - start)
        with lock:
            latencies.extend(local)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    return {
        "rps": len(ordered) / elapsed,
        "p50": statistics.median(ordered) * 1000,
        "p95": percentile(ordered, 0.95) * 1000,
        "p99": percentile(ordered, 0.99) * 1000,
    }


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def run_wrk(url: str, seconds: float, clients: int, cookie: str) -> dict:
    """One wrk run (1 thread: the client needs far less than a core; `clients` connections)."""
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{clients}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "--timeout",
            "10s",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit(f"wrk : réponses en erreur pour {url}\n{out}")
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", out, re.M))
    if "99" not in percentiles:
        raise SystemExit(f"wrk : sortie inattendue pour {url}\n{out}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(percentiles["50"]),
        "p95": float("nan"),
        "p99": _ms(percentiles["99"]),
    }


def wait_until_up(base: str) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/", timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("le serveur n'a pas démarré")


def print_table(title: str, rows: list[tuple[str, dict]]) -> None:
    baseline = rows[0][1]["rps"]
    print(title)
    print(f"{'URL':40s} {'req/s':>8s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} {'ratio / statique':>17s}")
    for label, r in rows:
        p95 = "" if r["p95"] != r["p95"] else f"{r['p95']:8.1f}"
        print(
            f"{label:40s} {r['rps']:8.1f} {r['p50']:8.1f} {p95:>8s} {r['p99']:8.1f} {baseline / r['rps']:17.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--no-wrk", action="store_true", help="Python client only")
    parser.add_argument("--no-python", action="store_true", help="wrk only")
    parser.add_argument(
        "--var", help="demo instance (NUMEDUC_VAR_DIR) to reuse; made by `numeduc demo setup` if empty"
    )
    parser.add_argument(
        "--src",
        help="serve this copy of src/ instead (e.g. `git archive` of an older commit), "
        "to measure before and after with the same script",
    )
    parser.add_argument("--only", nargs="*", help="paths to measure (the static baseline is always measured)")
    args = parser.parse_args()
    use_wrk = not args.no_wrk and shutil.which("wrk") is not None
    if not args.no_wrk and not use_wrk:
        print("wrk introuvable (apt-get install wrk) : client Python seul", file=sys.stderr)

    var = args.var or tempfile.mkdtemp(prefix="numeduc-bench-web-")
    env = {**os.environ, "NUMEDUC_VAR_DIR": var}
    env.pop("DATABASE_URL", None)
    if args.src:
        env["PYTHONPATH"] = os.pathsep.join([str(Path(args.src).resolve()), env.get("PYTHONPATH", "")])
    if not (Path(var) / "demo-secret-key").is_file():
        subprocess.run([str(NUMEDUC), "demo", "setup"], env=env, check=True, stdout=subprocess.DEVNULL)
    # --quiet: no access log, whose formatting and writing would be measured with every page.
    server = subprocess.Popen(
        [
            str(NUMEDUC),
            "serve",
            "--quiet",
            "--port",
            str(args.port),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{args.port}"
    urls = {
        label: path
        for i, (label, path) in enumerate(URLS.items())
        if i == 0 or not args.only or path in args.only
    }
    load_start = os.getloadavg()
    python_rows, wrk_rows = [], []
    try:
        wait_until_up(base)
        opener, jar = opener_with_login(base)
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar if c.name in ("sessionid", "csrftoken"))
        for label, path in urls.items():
            with opener.open(base + path) as landing:
                path = landing.url.removeprefix(base)
            # Warm-up in both workers (caches, peer groups): several parallel clients for 2 s.
            hammer(opener, base + path, 2, args.clients)
            if not args.no_python:
                python_rows.append((label, hammer(opener, base + path, args.seconds, args.clients)))
            if use_wrk:
                wrk_rows.append((label, run_wrk(base + path, args.seconds, args.clients, cookie)))
    finally:
        server.terminate()
        server.wait(timeout=10)
    load_end = os.getloadavg()
    header = (
        f"gunicorn {args.workers} workers x {args.threads} thread(s), {args.clients} clients, "
        f"{args.seconds:.0f} s par URL, SQLite, démo ; {os.cpu_count()} cœurs ; charge (1, 5, 15 min) "
        f"au début {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}, "
        f"à la fin {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}"
    )
    print(header)
    if python_rows:
        print_table("client Python (urllib, threads)", python_rows)
    if wrk_rows:
        print_table("wrk (1 thread, keep-alive ; p95 non donné par wrk)", wrk_rows)


if __name__ == "__main__":
    sys.exit(main())
