"""Web benchmark: pages of the self-diagnosis journey against a static file, same server.

Starts `numeduc serve` (gunicorn, SQLite, demo data) on 127.0.0.1, signs in as the demo Loiret
editor, and for each URL sends requests from a few client threads for a bounded time. Prints
requests per second, median and 95th-percentile latency, and the ratio to the static CSS file
served by the same process (the baseline). Only loopback traffic; every loop is bounded.

    uv run python bench/bench_web.py [--seconds 8] [--clients 4] [--workers 2]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
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


def opener_with_login(base: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/compte/connexion/").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode({"username": "loiret@demo.numeduc.fr", "password": "numeduc-demo",
                                   "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(f"{base}/compte/connexion/", data=body, headers={"Referer": base + "/"})
    opener.open(request).read()
    return opener


def hammer(opener, url: str, seconds: float, clients: int) -> tuple[int, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        local = []
        while time.monotonic() < deadline:
            start = time.perf_counter()
            with opener.open(url) as response:
                response.read()
                assert response.status == 200
            local.append(time.perf_counter() - start)
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="numeduc-bench-web-")
    env = {**os.environ, "NUMEDUC_VAR_DIR": var}
    env.pop("DATABASE_URL", None)
    subprocess.run([str(NUMEDUC), "demo", "setup"], env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([str(NUMEDUC), "serve", "--port", str(args.port), "--workers", str(args.workers)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        opener = opener_with_login(base)
        # Campaign ids of the demo: 1 = 2017 (closed), 2 = 2018 (open).
        urls = {
            "fichier statique (CSS) — référence": "/static/numeduc/numeduc.css",
            "accueil du département": "/",
            "page de résultats (radar, pairs)": "/resultats/1/departements/45/",
            "API : profil du département": "/api/v1/campaigns/1/departements/45/profile",
            "questionnaire (24 questions)": "/campagnes/2/repondre/",
        }
        rows = []
        for label, path in urls.items():
            hammer(opener, base + path, 1, 1)  # warm-up (caches, peer groups)
            count, latencies = hammer(opener, base + path, args.seconds, args.clients)
            rows.append((label, count / args.seconds, statistics.median(latencies) * 1000,
                         sorted(latencies)[int(0.95 * (len(latencies) - 1))] * 1000))
    finally:
        server.terminate()
        server.wait(timeout=10)
    baseline = rows[0][1]
    print(f"gunicorn {args.workers} workers, {args.clients} clients, {args.seconds:.0f} s par URL, SQLite, démo")
    print(f"{'URL':40s} {'req/s':>8s} {'médiane ms':>11s} {'p95 ms':>8s} {'ratio / statique':>17s}")
    for label, rps, median, p95 in rows:
        print(f"{label:40s} {rps:8.1f} {median:11.1f} {p95:8.1f} {baseline / rps:17.1f}")


if __name__ == "__main__":
    sys.exit(main())
