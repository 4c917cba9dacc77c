"""Benchmark: numeduc.charts (hand-written SVG) against matplotlib's SVG output.

Run (from the repository root):

    uv run python bench/bench_charts.py             # 15 repetitions
    uv run python bench/bench_charts.py --repeat 5

Same data on both sides: a 13-axis radar with 3 series, grouped bars (5 categories x 3
series) and the map of the 101 départements. Baseline ("référence"): matplotlib 3 with the
Agg backend, ``savefig(format="svg")`` with ``svg.fonttype = "none"`` (text kept as text, the
fairest size comparison; matplotlib's default turns every glyph into a path), a polar axis
for the radar, ``bar`` for the bars, a ``PolyCollection`` of the unsimplified outlines for
the map. Time is the median over the repetitions; size is the SVG in kilobytes. Neither
side's output is identical (ours also carries titles, tooltips, legend and tables), so this
measures what a page pays per chart, not the same drawing twice.
"""

from __future__ import annotations

import argparse
import io
import math
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from numeduc.charts import Series, bar, choropleth, load_departements, radar  # noqa: E402
from numeduc.charts.choropleth import COS_LAT, _rings  # noqa: E402
from numeduc.charts.gallery import FACTORS  # noqa: E402

SERIES = [
    Series("Votre département", [3, 2, 2.5, 4, 3, 1, 2, 2, 3, 2, 3, 4, 3], "primary"),
    Series("Médiane nationale", [2.5, 2, 2, 3, 3, 2, 2, 2, 2.5, 2, 2, 3, 3], "reference"),
    Series("Médiane du groupe de pairs", [3, 2.5, 2, 3.5, 3, 2, 2.5, 2, 3, 2.5, 2.5, 3, 3.5], "secondary"),
]
YEARS = ["2019", "2020", "2021", "2022", "2023"]
BARS = [
    Series("Équipements", [45451.43, 52300, 61000.5, 38000, 40250]),
    Series("Maintenance", [12000, 13500, -2500, 15800, 16400]),
    Series("Formation", [5000, 6000, 7200, 8100, 9050.75]),
]


def mpl_svg(fig) -> str:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    return buffer.getvalue()


def mpl_radar() -> str:
    import matplotlib.pyplot as plt

    n = len(FACTORS)
    angles = [2 * math.pi * i / n for i in range(n)] + [0.0]
    fig = plt.figure(figsize=(7.6, 6.4))
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    for serie, style in zip(SERIES, ["-o", "--s", ":^"]):
        ax.plot(angles, list(serie.values) + [serie.values[0]], style, label=serie.name)
    ax.set_xticks(angles[:-1], [str(i + 1) for i in range(n)])
    ax.set_ylim(0, 4)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.15), ncol=3)
    ax.set_title("Niveaux par facteur")
    return mpl_svg(fig)


def mpl_bar() -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.6, 4.5))
    width = 0.26
    for j, serie in enumerate(BARS):
        xs = [i + (j - 1) * width for i in range(len(YEARS))]
        rects = ax.bar(xs, serie.values, width, label=serie.name, hatch=["", "//", ".."][j])
        ax.bar_label(rects, labels=[f"{v:,.0f}" for v in serie.values], rotation=90, padding=3)
    ax.set_xticks(range(len(YEARS)), YEARS)
    ax.axhline(0, color="black")
    ax.legend()
    ax.set_title("Dépenses par poste et par année")
    return mpl_svg(fig)


def mpl_map(geo: dict, values: dict) -> str:
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    polys, colours = [], []
    lo, hi = min(values.values()), max(values.values())
    cmap = plt.get_cmap("Blues")
    for feature in geo["features"]:
        code = feature["properties"]["code"]
        for ring in _rings(feature["geometry"]):
            polys.append([(x * COS_LAT, y) for x, y in ring])
            colours.append(cmap((values[code] - lo) / (hi - lo)))
    fig, ax = plt.subplots(figsize=(7.6, 6.4))
    ax.add_collection(PolyCollection(polys, facecolors=colours, edgecolors="white", linewidths=0.4))
    ax.autoscale_view()
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Carte par département")
    return mpl_svg(fig)


def timed(fn, repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
        size = len(out.encode("utf-8"))
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"
    geo = load_departements()
    values = {f["properties"]["code"]: float(i % 17) for i, f in enumerate(geo["features"])}
    cases = [
        ("radar 13 axes x 3 séries", mpl_radar, lambda: radar(FACTORS, SERIES, id_prefix="b").svg),
        ("barres 5 x 3", mpl_bar, lambda: bar(YEARS, BARS, unit="€", id_prefix="b").svg),
        (
            "carte 101 départements",
            lambda: mpl_map(geo, values),
            lambda: choropleth(geo, values, id_prefix="b").svg,
        ),
    ]
    for _, base, ours in cases:  # warm-up (imports, font cache)
        base()
        ours()
    print(
        f"Python {platform.python_version()}, matplotlib {matplotlib.__version__}, médiane de {args.repeat} passes"
    )
    header = (
        f"{'graphique':<28}{'réf. (ms)':>10}{'actuel (ms)':>12}{'ratio':>7}"
        f"{'réf. (Ko)':>11}{'actuel (Ko)':>12}{'ratio':>7}"
    )
    print(header)
    for name, base, ours in cases:
        t_base, s_base = timed(base, args.repeat)
        t_ours, s_ours = timed(ours, args.repeat)
        print(
            f"{name:<28}{t_base * 1000:>10.1f}{t_ours * 1000:>12.1f}{t_base / t_ours:>7.1f}"
            f"{s_base / 1024:>11.1f}{s_ours / 1024:>12.1f}{s_base / s_ours:>7.1f}"
        )


if __name__ == "__main__":
    main()
