"""Principal component analysis with FactoMineR's conventions (``FactoMineR::PCA``).

Every rule here follows ``specs/statistics.md`` §1: row weights 1/n (or user weights
normalised to 1), weighted means, *population* standard deviations, eigenvalues from the
SVD of ``Z * sqrt(r)``, ``ncp = min(ncp, n - 1, p)`` kept dimensions and the sign rule
"the sum of the loadings of each dimension is positive".
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

SD_FLOOR = 1e-16
_YES_NO = {"y", "n", "yes", "no", "o", "oui", "non", "true", "false"}


def dim_names(k: int) -> list[str]:
    return [f"Dim.{i + 1}" for i in range(k)]


@dataclass
class PCAResult:
    """All the tables of ``FactoMineR::PCA`` as pandas objects (dimensions named ``Dim.k``)."""

    eig: pd.DataFrame  # index "comp 1"..; columns eigenvalue, percent, cumulative
    var_coord: pd.DataFrame
    var_cor: pd.DataFrame
    var_cos2: pd.DataFrame
    var_contrib: pd.DataFrame
    ind_coord: pd.DataFrame
    ind_cos2: pd.DataFrame
    ind_contrib: pd.DataFrame
    ind_dist: pd.Series
    quanti_sup_coord: pd.DataFrame | None = None
    quanti_sup_cos2: pd.DataFrame | None = None
    quali_sup_coord: pd.DataFrame | None = None
    quali_sup_cos2: pd.DataFrame | None = None
    quali_sup_v_test: pd.DataFrame | None = None
    quali_sup_eta2: pd.DataFrame | None = None
    ncp: int = 5
    scale: bool = True
    # Unnormalised row weights (FactoMineR's ``row.w.init``): HCPC uses them.
    row_weights_init: np.ndarray = field(default_factory=lambda: np.zeros(0))
    means: pd.Series | None = None
    sds: pd.Series | None = None
    imputed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def n_individuals(self) -> int:
        return len(self.ind_coord)


def _weighted_standardise(x: np.ndarray, r: np.ndarray, scale: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mean = r @ x
    centred = x - mean
    if scale:
        sd = np.sqrt(r @ (centred**2))
        sd = np.where(sd <= SD_FLOOR, 1.0, sd)
    else:
        sd = np.ones(x.shape[1])
    return centred / sd, mean, sd


def _fill_missing(frame: pd.DataFrame, what: str) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    mask = frame.isna()
    if not mask.to_numpy().any():
        return frame, []
    cells = [(str(frame.index[i]), str(frame.columns[j])) for i, j in zip(*np.nonzero(mask.to_numpy()))]
    warnings.warn(
        f"{len(cells)} valeur(s) manquante(s) dans les {what} remplacée(s) par la moyenne de la colonne.",
        stacklevel=3,
    )
    return frame.fillna(frame.mean()), cells


def _level_names(name: str, levels: Sequence, all_levels: set[str]) -> list[str]:
    """FactoMineR prefixes a level by its variable when the bare level would be ambiguous
    (levels that look like numbers or yes/no, or shared with another variable)."""
    labels = [str(level) for level in levels]
    ambiguous = any(
        lab.strip().lower() in _YES_NO or lab.strip().lstrip("-").replace(".", "", 1).isdigit() for lab in labels
    ) or any(lab in all_levels for lab in labels)
    return [f"{name}.{lab}" if ambiguous else lab for lab in labels]


def pca(
    data: pd.DataFrame,
    *,
    quanti_sup: Sequence[str] = (),
    quali_sup: Sequence[str] = (),
    ncp: int = 5,
    scale: bool = True,
    row_weights: Sequence[float] | np.ndarray | None = None,
) -> PCAResult:
    """PCA of the numeric columns of ``data`` that are not supplementary (FactoMineR::PCA).

    ``quanti_sup``/``quali_sup`` name supplementary quantitative/qualitative columns: they get
    coordinates but do not build the axes. ``ncp`` dimensions are kept (default 5, capped at
    ``min(n - 1, p)``). ``scale=True`` is FactoMineR's ``scale.unit=TRUE`` (population sd).
    Missing values are replaced by the column mean, with a warning; the imputed cells are
    listed in ``result.imputed``.
    """
    if not isinstance(data, pd.DataFrame):
        data = pd.DataFrame(data)
    quanti_sup, quali_sup = list(quanti_sup), list(quali_sup)
    for col in [*quanti_sup, *quali_sup]:
        if col not in data.columns:
            raise KeyError(f"colonne absente : {col!r}")
    active_cols = [c for c in data.columns if c not in quanti_sup and c not in quali_sup]
    if not active_cols:
        raise ValueError("aucune variable active")
    active = data[active_cols]
    for col in active_cols:
        if not pd.api.types.is_numeric_dtype(active[col]):
            raise ValueError(f"la variable active {col!r} n'est pas numérique")
    n, p = active.shape
    if n < 3:
        raise ValueError(f"il faut au moins 3 lignes (reçu {n})")
    active, imputed = _fill_missing(active.astype(float), "variables actives")
    x = active.to_numpy(dtype=float)

    w_init = np.ones(n) if row_weights is None else np.asarray(row_weights, dtype=float)
    if w_init.shape != (n,) or np.any(w_init < 0) or w_init.sum() <= 0:
        raise ValueError("poids des lignes invalides")
    r = w_init / w_init.sum()

    z, mean, sd = _weighted_standardise(x, r, scale)
    sqrt_r = np.sqrt(r)
    _, s, vt = np.linalg.svd(z * sqrt_r[:, None], full_matrices=False)
    n_eig = min(p, n - 1)
    eigen = s[:n_eig] ** 2
    ncp = int(min(ncp, n - 1, p))
    v = vt[:ncp].T.copy()
    # FactoMineR's sign rule: the loadings of each dimension sum to a positive number.
    signs = np.where(v.sum(axis=0) < 0, -1.0, 1.0)
    v *= signs
    sk = s[:ncp]
    lam = sk**2
    dims = dim_names(ncp)
    idx = data.index
    comp = [f"comp {i + 1}" for i in range(n_eig)]
    percent = 100 * eigen / eigen.sum()
    eig = pd.DataFrame(
        {"eigenvalue": eigen, "percent": percent, "cumulative": np.cumsum(percent)}, index=comp
    )

    ind_coord = z @ v
    dist2 = (z**2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ind_cos2 = ind_coord**2 / dist2[:, None]
    ind_contrib = 100 * r[:, None] * ind_coord**2 / lam
    var_coord = v * sk
    var_dist = np.sqrt(r @ z**2)
    var_cor = var_coord / var_dist[:, None]
    var_cos2 = var_coord**2 / (var_dist**2)[:, None]
    var_contrib = 100 * var_coord**2 / lam

    frame = lambda values, index: pd.DataFrame(values, index=index, columns=dims)  # noqa: E731
    result = PCAResult(
        eig=eig,
        var_coord=frame(var_coord, active_cols),
        var_cor=frame(var_cor, active_cols),
        var_cos2=frame(var_cos2, active_cols),
        var_contrib=frame(var_contrib, active_cols),
        ind_coord=frame(ind_coord, idx),
        ind_cos2=frame(ind_cos2, idx),
        ind_contrib=frame(ind_contrib, idx),
        ind_dist=pd.Series(np.sqrt(dist2), index=idx, name="dist"),
        ncp=ncp,
        scale=scale,
        row_weights_init=w_init,
        means=pd.Series(mean, index=active_cols),
        sds=pd.Series(sd, index=active_cols),
        imputed=imputed,
    )
    u = ind_coord / sk  # unit-variance (weighted) left singular vectors

    if quanti_sup:
        sup = data[quanti_sup]
        for col in quanti_sup:
            if not pd.api.types.is_numeric_dtype(sup[col]):
                raise ValueError(f"la variable supplémentaire {col!r} n'est pas numérique")
        sup, imputed_sup = _fill_missing(sup.astype(float), "variables supplémentaires")
        result.imputed.extend(imputed_sup)
        zs, _, _ = _weighted_standardise(sup.to_numpy(dtype=float), r, scale)
        coord = (zs * r[:, None]).T @ u
        cos2 = coord**2 / (r @ zs**2)[:, None]
        result.quanti_sup_coord = frame(coord, quanti_sup)
        result.quanti_sup_cos2 = frame(cos2, quanti_sup)

    if quali_sup:
        rows_coord, rows_cos2, rows_vtest, names, eta2 = [], [], [], [], []
        n_total = w_init.sum()
        seen: set[str] = set()
        for col in quali_sup:
            values = data[col]
            if isinstance(values.dtype, pd.CategoricalDtype):
                levels = [lv for lv in values.cat.categories if (values == lv).any()]
            else:
                levels = sorted(values.dropna().unique(), key=str)
            names.extend(_level_names(str(col), levels, seen))
            seen.update(str(lv) for lv in levels)
            eta = np.zeros(ncp)
            for level in levels:
                member = (values == level).to_numpy()
                n_c = w_init[member].sum()
                bary = (r[member] @ z[member]) / r[member].sum()
                coord = bary @ v
                rows_coord.append(coord)
                rows_cos2.append(coord**2 / (bary**2).sum())
                if n_total > 1:
                    factor = np.sqrt(n_c / ((n_total - n_c) / (n_total - 1))) if n_total != n_c else np.inf
                else:
                    factor = np.sqrt(n_c)
                rows_vtest.append(coord / np.sqrt(lam) * factor)
                eta += (n_c / n_total) * coord**2 / lam
            eta2.append(eta)
        result.quali_sup_coord = frame(np.array(rows_coord), names)
        result.quali_sup_cos2 = frame(np.array(rows_cos2), names)
        result.quali_sup_v_test = frame(np.array(rows_vtest), names)
        result.quali_sup_eta2 = frame(np.array(eta2), [str(c) for c in quali_sup])
    return result
