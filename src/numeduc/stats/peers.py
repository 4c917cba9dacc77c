"""Peer groups of départements ("groupes de pairs"), as the 2017 white paper built them.

Ward clustering (through FactoMineR's HCPC) on four standardised INSEE indicators: density
(log scale by default: Paris has about 21,000 inhabitants per km², Lozère 15), poverty rate,
population growth and share of 0-19 year-olds. The number of groups comes from HCPC's
inertia-gain rule. Paris is an outlier: the white paper left it out; here it is left out
of the computation, then attached to the nearest group (by distance to the group centres
in the standardised space) and flagged.

Missing values are never a reason to drop a département: each missing cell is replaced by
the mean of its column (computed on the départements used for the clustering), the cells
are listed in ``imputed`` and the notes say so in French, so the interface can show it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from numeduc.formatting import fr_number

from .hcpc import HCPCResult, hcpc
from .pca import PCAResult, pca

INDICATORS = ("density", "poverty_rate", "population_growth", "share_0_19")
LABELS_FR = {
    "density": "densité de population",
    "log_density": "densité de population (échelle logarithmique)",
    "poverty_rate": "taux de pauvreté",
    "population_growth": "évolution de la population",
    "share_0_19": "part des 0-19 ans",
}


@dataclass
class PeerGroupResult:
    groups: pd.Series  # département code -> group number 1..k
    profiles: pd.DataFrame  # group -> mean of each indicator in original units, plus "n"
    notes: list[str]
    imputed: list[tuple[str, str]]  # (code, indicator) cells replaced by a column mean
    outliers: list[str]  # codes left out of the computation and attached afterwards
    flagged: pd.Series  # code -> True when attached afterwards (outlier)
    n_groups: int
    pca_result: PCAResult
    hcpc_result: HCPCResult
    model_data: pd.DataFrame = field(repr=False)  # values clustered (log density, imputed)

    def members(self, group: int) -> list[str]:
        return [code for code, g in self.groups.items() if g == group]


def _name(frame: pd.DataFrame, code: str) -> str:
    if "name" in frame.columns and isinstance(frame.loc[code, "name"], str):
        return f"{frame.loc[code, 'name']} ({code})"
    return code


def peer_groups(
    indicators: pd.DataFrame,
    *,
    log_density_column: str | None = "density",
    exclude_outliers: Sequence[str] = ("75",),
    min_group: int | None = None,
    columns: Sequence[str] = INDICATORS,
) -> PeerGroupResult:
    """Peer groups of départements from ``indicators`` (one row per département; the code
    is the index, or a ``code`` column).

    ``log_density_column`` is log-transformed (natural log) before standardisation (None:
    keep raw). ``exclude_outliers`` lists the codes computed apart and attached to the
    nearest group afterwards. ``min_group``: when a group has fewer départements, the tree
    is cut at one group fewer, until every group is large enough (said in the notes).
    """
    frame = indicators.copy()
    if "code" in frame.columns:
        frame = frame.set_index("code")
    frame.index = frame.index.astype(str)
    columns = list(columns)
    missing_cols = [c for c in columns if c not in frame.columns]
    if missing_cols:
        raise KeyError(f"indicateurs absents : {', '.join(missing_cols)}")
    original = frame[columns].astype(float)
    model = original.copy()
    notes: list[str] = []
    if log_density_column is not None and log_density_column in model.columns:
        if (model[log_density_column] <= 0).any():
            raise ValueError(f"{log_density_column} doit être strictement positive pour passer au logarithme")
        model[log_density_column] = np.log(model[log_density_column])
        model = model.rename(columns={log_density_column: "log_density"})
        notes.append(
            "La densité de population est prise en logarithme : sans cela, Paris (plus de "
            "20 000 habitants au km²) écraserait toutes les autres différences."
        )
    outliers = [code for code in exclude_outliers if code in model.index]
    fit_rows = [code for code in model.index if code not in outliers]
    fit = model.loc[fit_rows]

    imputed: list[tuple[str, str]] = []
    col_means = fit.mean()
    for code in model.index:
        for col_model, col_orig in zip(model.columns, columns):
            if math.isnan(model.loc[code, col_model]):
                imputed.append((code, col_orig))
    model = model.fillna(col_means)
    fit = model.loc[fit_rows]
    if imputed:
        by_code: dict[str, list[str]] = {}
        for code, col in imputed:
            by_code.setdefault(code, []).append(LABELS_FR.get(col, col))
        parts = [f"{_name(frame, code)} : {', '.join(cols)}" for code, cols in by_code.items()]
        notes.append(
            "Valeurs manquantes remplacées par la moyenne des autres départements (aucun "
            "département n'est écarté) - " + " ; ".join(parts) + "."
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pca_result = pca(fit, ncp=len(columns), scale=True)
    hcpc_result = hcpc(pca_result, "auto")
    k_auto = hcpc_result.n_clusters
    notes.append(
        f"Classification ascendante hiérarchique (Ward) sur les {len(columns)} indicateurs "
        f"centrés et réduits, {len(fit_rows)} départements ; nombre de groupes choisi par "
        f"la règle du gain d'inertie : {k_auto}, puis consolidation par k-means."
    )
    if min_group is not None:
        while hcpc_result.sizes.min() < min_group and hcpc_result.n_clusters > 2:
            smaller = hcpc_result.n_clusters - 1
            hcpc_result = hcpc(pca_result, smaller)
            notes.append(
                f"Un groupe comptait moins de {min_group} départements : découpage en "
                f"{hcpc_result.n_clusters} groupes."
            )
    groups = hcpc_result.clusters.copy()
    groups.index = groups.index.astype(str)
    flagged = pd.Series(False, index=model.index)

    if outliers:
        # Nearest group centre in the standardised space of the fitted départements.
        z_fit = (fit - pca_result.means) / pca_result.sds
        centres = z_fit.groupby(groups.loc[fit.index]).mean()
        for code in outliers:
            z = (model.loc[code] - pca_result.means) / pca_result.sds
            distances = ((centres - z) ** 2).sum(axis=1)
            nearest = int(distances.idxmin())
            groups.loc[code] = nearest
            flagged.loc[code] = True
            notes.append(
                f"{_name(frame, code)} est atypique : calculé à part, comme dans le livre "
                f"blanc de 2017, puis rattaché au groupe le plus proche (groupe {nearest})."
            )
    groups = groups.loc[model.index].astype(np.int64).rename("groupe")

    profiles = original.groupby(groups).mean()
    profiles["n"] = groups.value_counts().sort_index()
    profiles.index.name = "groupe"
    notes.append(
        "Profil de chaque groupe : moyenne de chaque indicateur dans son unité d'origine, "
        "sur les valeurs connues (les valeurs remplacées n'y entrent pas)."
    )
    for g, row in profiles.iterrows():
        desc = ", ".join(f"{LABELS_FR[c]} {fr_number(row[c], 1)}" for c in columns if c in LABELS_FR)
        notes.append(f"Groupe {g} ({int(row['n'])} départements) : {desc}.")
    return PeerGroupResult(
        groups=groups,
        profiles=profiles,
        notes=notes,
        imputed=imputed,
        outliers=outliers,
        flagged=flagged,
        n_groups=int(groups.nunique()),
        pca_result=pca_result,
        hcpc_result=hcpc_result,
        model_data=model,
    )


def load_departement_indicators() -> pd.DataFrame:
    """The packaged INSEE indicators (``numeduc/data/reference/departements.csv``)."""
    from importlib.resources import files

    path = files("numeduc.data").joinpath("reference/departements.csv")
    with path.open("r", encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype={"code": str, "region_code": str})
    return frame.set_index("code")
