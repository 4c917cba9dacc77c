"""Sample charts on made-up figures, rendered to PNG with headless Chromium for review.

python -m numeduc.charts.gallery docs/img/charts [name ...]
python -m numeduc.charts.gallery --gray docs/img/charts radar   # black-and-white check
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from .model import Chart, Series


def factor_labels() -> list[str]:
    """The 13 factors' labels, as the self-diagnosis questionnaire words them."""
    from numeduc.questionnaires import load_questionnaire

    return [item.label for item in load_questionnaire("autodiagnostic").factor_items()]


FACTORS = factor_labels()


def sample_radar() -> Chart:
    from .radar import radar

    return radar(
        FACTORS,
        [
            Series("Votre département", [3, 2, 2.5, 4, 3, 1, 2, None, 3, 2, 3, 4, 3], "primary"),
            Series("Médiane nationale", [2.5, 2, 2, 3, 3, 2, 2, 2, 2.5, 2, 2, 3, 3], "reference"),
            Series(
                "Médiane du groupe de pairs", [3, 2.5, 2, 3.5, 3, 2, 2.5, 2, 3, 2.5, 2.5, 3, 3.5], "secondary"
            ),
        ],
        title="Niveaux des 13 facteurs : votre département et ses références",
        id_prefix="radar-demo",
        demo=True,
    )


def sample_bar() -> Chart:
    from .bar import bar

    return bar(
        ["2019", "2020", "2021", "2022", "2023"],
        [
            Series("Équipements", [45451.43, 52300, 61000.5, 38000, 40250], "primary"),
            Series("Maintenance", [12000, 13500, -2500, 15800, 16400], "secondary"),
            Series("Formation", [5000, None, 7200, 8100, 9050.75], "reference"),
        ],
        unit="€",
        title="Dépenses par poste et par année",
        id_prefix="bar-demo",
        demo=True,
    )


def sample_bar_stacked() -> Chart:
    from .bar import bar

    return bar(
        [
            "Collèges ruraux",
            "Collèges urbains hors éducation prioritaire",
            "Collèges REP / REP+",
            "Collèges de montagne",
        ],
        [
            Series("Tablettes", [120, 340, 210, 35]),
            Series("Ordinateurs portables", [80, 150, 90, 20]),
            Series("Vidéoprojecteurs interactifs", [30, 60, 45, 8]),
        ],
        horizontal=True,
        stacked=True,
        title="Équipements déployés par type de collège",
        id_prefix="bar-stacked",
        category_header="Type de collège",
    )


MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


def sample_line() -> Chart:
    from .line import line

    labels = [f"{m} {y}" for y in (2022, 2023) for m in MONTHS]
    ent = [
        1200 + 90 * i + (300 if i % 12 in (8, 9) else 0) - (700 if i % 12 in (6, 7) else 0) for i in range(24)
    ]
    mdm = [None if i in (4, 5) else 800 + 40 * i for i in range(24)]
    return line(
        labels,
        [
            Series("Connexions à l'ENT (milliers)", ent, "primary"),
            Series("Tablettes actives (MDM)", mdm, "secondary"),
        ],
        title="Indicateurs mensuels d'usage",
        id_prefix="line-demo",
        demo=True,
    )


def sample_scree() -> Chart:
    from .scree import scree

    # Decathlon (FactoMineR's example data), eigenvalues of the normed PCA on the 10 events.
    return scree(
        [
            3.2719055,
            1.7371310,
            1.4049167,
            1.0568504,
            0.6847735,
            0.5992687,
            0.4512353,
            0.3968766,
            0.2148149,
            0.1822275,
        ],
        reference_line=1.0,
        reference_label="Critère de Kaiser (valeur propre 1)",
        id_prefix="scree-demo",
        source="jeu de données « decathlon » du paquet R FactoMineR",
    )


def _decathlon_pca():
    """Normed PCA of FactoMineR's decathlon data (10 events active, Rank and Points
    supplementary), by plain SVD: coordinates of variables and individuals on Dim.1-2."""
    import numpy as np
    import pandas as pd

    root = Path(__file__).resolve().parents[3]
    frame = pd.read_csv(root / "tests" / "fixtures" / "decathlon.csv")
    active = frame.columns[1:11]
    x = frame[active].to_numpy(float)
    mean, std = x.mean(axis=0), x.std(axis=0)
    z = (x - mean) / std
    u, sv, vt = np.linalg.svd(z / np.sqrt(len(z)), full_matrices=False)
    eig = sv**2
    # FactoMineR's sign convention is arbitrary; flip so that 100m loads negatively on Dim.1
    signs = np.sign(vt[:, 0] * -1) if vt[0, 0] > 0 else np.ones(len(vt))
    var_coord = (vt.T * sv) * signs
    ind_coord = (z @ vt.T) * signs
    supp = {}
    for name in ("Rank", "Points"):
        col = frame[name].to_numpy(float)
        supp[name] = tuple(float(np.corrcoef(col, ind_coord[:, d])[0, 1]) for d in range(2))
    variables = {name: (float(var_coord[i, 0]), float(var_coord[i, 1])) for i, name in enumerate(active)}
    return frame, eig, variables, supp, ind_coord


def sample_corcircle() -> Chart:
    from numeduc.formatting import fr_percent

    from .factor import correlation_circle

    _, eig, variables, supp, _ = _decathlon_pca()
    share = 100 * eig / eig.sum()
    return correlation_circle(
        variables,
        supplementary=supp,
        dim_labels=(f"Dim.1 ({fr_percent(share[0])})", f"Dim.2 ({fr_percent(share[1])})"),
        title="Cercle des corrélations (décathlon, ACP normée)",
        id_prefix="corcircle-demo",
    )


def sample_scatter() -> Chart:
    from numeduc.formatting import fr_percent

    from .factor import scatter
    from .model import Point

    frame, eig, _, _, ind = _decathlon_pca()
    share = 100 * eig / eig.sum()
    points = [
        Point(str(frame["athlete"][i]), float(ind[i, 0]), float(ind[i, 1]), str(frame["Competition"][i]))
        for i in range(len(frame))
    ]
    return scatter(
        points,
        x_label=f"Dim.1 ({fr_percent(share[0])})",
        y_label=f"Dim.2 ({fr_percent(share[1])})",
        title="Carte des athlètes (décathlon)",
        id_prefix="scatter-demo",
        label_header="Athlète",
        group_header="Compétition",
    )


def sample_heatmap() -> Chart:
    import numpy as np
    import pandas as pd
    from scipy import stats

    from .heatmap import heatmap

    frame, *_ = _decathlon_pca()
    data = frame[frame.columns[1:11]]
    corr = data.corr()
    n = len(data)
    t_stat = corr.to_numpy() * np.sqrt((n - 2) / np.clip(1 - corr.to_numpy() ** 2, 1e-12, None))
    p = 2 * stats.t.sf(np.abs(t_stat), n - 2)
    significant = p < 0.05
    np.fill_diagonal(significant, False)
    mark = pd.DataFrame(significant, index=corr.index, columns=corr.columns)
    return heatmap(
        corr,
        mark=mark,
        title="Corrélations entre épreuves (décathlon)",
        id_prefix="heatmap-demo",
        source="jeu de données « decathlon » du paquet R FactoMineR",
    )


def sample_dendrogram() -> Chart:
    from scipy.cluster.hierarchy import linkage

    from .dendrogram import dendrogram

    frame, _, _, _, ind = _decathlon_pca()
    z = linkage(ind[:, :5], method="ward")
    cut = float((z[-3, 2] + z[-2, 2]) / 2)  # three groups
    return dendrogram(
        z,
        labels=list(frame["athlete"]),
        cut_height=cut,
        title="Classification des athlètes (Ward sur 5 dimensions)",
        id_prefix="dendrogram-demo",
        label_header="Athlète",
    )


def _departements():
    import pandas as pd

    root = Path(__file__).resolve().parents[1] / "data" / "reference" / "departements.csv"
    return pd.read_csv(root, dtype={"code": str})


def sample_map() -> Chart:
    from .choropleth import choropleth

    frame = _departements()
    values = {
        row.code: (None if row.poverty_rate != row.poverty_rate else float(row.poverty_rate))
        for row in frame.itertuples()
    }
    return choropleth(
        None,
        values,
        unit="%",
        legend_title="Taux de pauvreté 2013 (%)",
        source="INSEE, Filosofi 2013 (non couvert pour les départements d'outre-mer)",
        title="Taux de pauvreté par département",
        id_prefix="map-demo",
        value_header="Taux de pauvreté",
    )


def sample_map_categories() -> Chart:
    from .choropleth import choropleth

    frame = _departements()

    def kind(density: float) -> str | None:
        if density != density:
            return None
        if density < 50:
            return "Peu dense (< 50 hab./km²)"
        if density < 150:
            return "Intermédiaire (50 à 150 hab./km²)"
        return "Dense (≥ 150 hab./km²)"

    values = {row.code: kind(row.density) for row in frame.itertuples()}
    return choropleth(
        None,
        values,
        categorical=True,
        legend_title="Densité de population",
        categories=[
            "Peu dense (< 50 hab./km²)",
            "Intermédiaire (50 à 150 hab./km²)",
            "Dense (≥ 150 hab./km²)",
        ],
        source="INSEE, population 2014 et superficies 2024",
        title="Départements par densité",
        id_prefix="map-cat",
        value_header="Densité",
    )


def sample_tornado() -> Chart:
    from .tornado import tornado

    return tornado(
        [
            ("Prix unitaire d'une tablette (250 à 450 €)", 1_790_000, 2_410_000),
            ("Durée de renouvellement (4 à 6 ans)", 2_330_000, 1_870_000),
            ("Taux d'équipement des élèves (60 à 100 %)", 1_720_000, 2_280_000),
            ("Coût de maintenance par appareil (20 à 40 €/an)", 1_995_000, 2_205_000),
            ("Débit internet par établissement (100 à 200 Mbit/s)", 2_060_000, 2_160_000),
            ("Subvention de l'État (0 à 30 %)", 2_100_000, 2_100_000 - 420_000),
        ],
        2_100_000,
        title="Coût annuel : sensibilité aux hypothèses",
        id_prefix="tornado-demo",
        demo=True,
    )


def sample_strip() -> Chart:
    from .distribution import Band, Marker, distribution_strip

    # Shares: ADF white paper 2017 (43 answers); the two markers are made up.
    bands = [
        Band("moins de 50 €", None, 50, 9.3),
        Band("50 à 75 €", 50, 75, 44.2),
        Band("75 à 100 €", 75, 100, 25.6),
        Band("plus de 100 €", 100, None, 20.9),
    ]
    return distribution_strip(
        bands,
        [Marker("Votre département", 62, "primary"), Marker("Médiane du groupe de pairs", 80, "secondary")],
        unit="€",
        title="Budget du numérique éducatif par élève et par an",
        id_prefix="strip-demo",
        source="Livre blanc ADF 2017, 43 départements répondants",
        demo=True,
    )


def sample_boxstrip() -> Chart:
    from .distribution import Marker, boxplot_strip

    frame = _departements()
    rates = [float(v) for v in frame["poverty_rate"] if v == v]
    nord = float(frame.loc[frame["code"] == "59", "poverty_rate"].iloc[0])
    lozere = float(frame.loc[frame["code"] == "48", "poverty_rate"].iloc[0])
    return boxplot_strip(
        rates,
        [Marker("Nord", nord, "primary"), Marker("Lozère", lozere, "secondary")],
        unit="%",
        title="Taux de pauvreté 2013 : position parmi les départements",
        id_prefix="boxstrip-demo",
        source="INSEE, Filosofi 2013 (96 départements métropolitains)",
    )


SAMPLES: dict[str, Callable[[], Chart]] = {
    "radar": sample_radar,
    "bar": sample_bar,
    "bar-stacked": sample_bar_stacked,
    "line": sample_line,
    "scree": sample_scree,
    "corcircle": sample_corcircle,
    "scatter": sample_scatter,
    "heatmap": sample_heatmap,
    "dendrogram": sample_dendrogram,
    "map": sample_map,
    "map-categories": sample_map_categories,
    "tornado": sample_tornado,
    "strip": sample_strip,
    "boxstrip": sample_boxstrip,
}

PAGE = """<!doctype html><html lang="fr"><meta charset="utf-8">
<style>body{{margin:0;padding:8px;background:#fff;font-family:Arial,sans-serif}}
.wrap{{width:{width}px;{extra}}}</style><body><div class="wrap">{svg}</div></body></html>"""


def render(chart: Chart, out_png: Path, *, width: int = 880, height: int = 760, gray: bool = False) -> None:
    """Screenshot of the chart in a page; ``gray`` shows it as a black-and-white printer would."""
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "chart.html"
        extra = "filter:grayscale(1)" if gray else ""
        html.write_text(PAGE.format(svg=chart.svg, width=width - 16, extra=extra), encoding="utf-8")
        subprocess.run(
            [
                "/usr/bin/chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--screenshot={out_png}",
                f"--window-size={width},{height}",
                html.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main(argv: list[str]) -> None:
    gray = "--gray" in argv
    argv = [x for x in argv if x != "--gray"]
    out_dir = Path(argv[0]) if argv else Path("docs/img/charts")
    names = argv[1:] or list(SAMPLES)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        chart = SAMPLES[name]()
        stem = f"{name}-gris" if gray else name
        if not gray:
            (out_dir / f"{name}.svg").write_text(chart.svg, encoding="utf-8")
        render(chart, out_dir / f"{stem}.png", gray=gray)
        print(out_dir / f"{stem}.png")


if __name__ == "__main__":
    main(sys.argv[1:])
