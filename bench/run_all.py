"""Run every benchmark of bench/ in turn, each in its own process, with its quick settings.

`make bench` calls this. The full-size runs recorded in docs/benchmarks.md (for example the
50-million-event usage benchmark) are launched by hand with the commands written there.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PY = sys.executable

RUNS = [
    ("statistiques (ACP + HCPC)", ["bench_stats.py"]),
    ("budget", ["budget_bench.py", "--repeat", "3"]),
    ("graphiques SVG", ["bench_charts.py"]),
    ("entrepôt d'usages (2 millions d'événements)", ["bench_usage.py", "--events", "2000000"]),
    ("tableau de bord des usages", ["bench_usage_dashboard.py", "--repeat", "3"]),
    ("pages web", ["bench_web.py", "--seconds", "5"]),
    ("enquête d'un collège (200 élèves au même instant)", ["bench_surveys.py", "--database", "sqlite"]),
]


def main() -> int:
    failures = 0
    for label, args in RUNS:
        print(f"\n=== {label}: {' '.join(args)} ===", flush=True)
        failures += subprocess.call([PY, str(BENCH / args[0]), *args[1:]]) != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
