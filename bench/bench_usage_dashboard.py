"""Benchmark of the usage dashboard's cache: what a page view costs with and without it.

Side by side, on the same warehouse (a demo instance: `numeduc demo setup` then
`load_demo_usage()` in the same NUMEDUC_VAR_DIR):

- baseline: compute_indicators(warehouse) at every view (what the cache avoids);
- cached file: store.load() in a fresh process state (reads the Parquet cache);
- cached memory: store.load() again in the same process;
- page: the whole dashboard page (GET /usages/departements/45/) through Django's test client,
  cache warm, as the Loiret editor (demo account).

    NUMEDUC_VAR_DIR=/tmp/x .venv/bin/python bench/bench_usage_dashboard.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--departement", default="45")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--user", default="loiret@demo.numeduc.fr")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "numeduc.web.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from numeduc.usage.indicators import compute_indicators
    from numeduc.web.accounts.models import User
    from numeduc.web.usage_dashboard import store

    settings.ALLOWED_HOSTS = ["testserver"]
    path = store.warehouse_path(args.departement)
    if store.load(args.departement) is None:
        raise SystemExit(f"pas d'entrepôt dans {path} : lancez d'abord load_demo_usage()")
    baseline = timed(lambda: compute_indicators(path), max(1, args.repeat // 2))

    def cold():
        store.clear_memo()
        store.load(args.departement)

    cached_file = timed(cold, args.repeat)
    store.load(args.departement)
    cached_memory = timed(lambda: store.load(args.departement), args.repeat)
    client = Client()
    client.force_login(User.objects.get(email=args.user))
    url = f"/usages/departements/{args.departement}/"
    assert client.get(url).status_code == 200
    page = timed(lambda: client.get(url), args.repeat)
    rows = len(store.load(args.departement).indicators)
    print(f"entrepôt {path} : {rows} lignes d'indicateurs")
    print(f"{'mesure':<42}{'médiane (s)':>12}{'rapport':>10}")
    for name, value in [
        ("base : compute_indicators à chaque vue", baseline),
        ("cache : lecture du Parquet", cached_file),
        ("cache : copie en mémoire", cached_memory),
        ("page complète (cache chaud)", page),
    ]:
        print(f"{name:<42}{value:>12.4f}{baseline / value:>9.0f}×")


if __name__ == "__main__":
    main()
