"""Principal component analysis with FactoMineR's conventions (``FactoMineR::PCA``).

Every rule here follows FactoMineR (docs/statistics.md): row weights 1/n (or user weights
normalised to 1), weighted means, *population* standard deviations, eigenvalues from the
SVD of ``Z * sqrt(r)``, ``ncp = min(ncp, n - 1, p)`` kept dimensions and the sign rule
"the sum of the loadings of each dimension is positive".
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from .checks import (
    SD_FLOOR,
    OverflowColumnError,
    StatsInputError,
    check_min_rows,
    check_spread,
    check_unique_columns,
    check_values,
    constant_columns,
)

# An eigenvalue below this fraction of the first one is zero up to rounding (exactly
# collinear variables or duplicated individuals): its axis has no direction, and its
# contributions would be 0/0. Such axes are not kept (ncp is lowered, with a warning).
NULL_EIGENVALUE = 1e-16
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
    # With constant="keep": the constant (or empty) variables kept as columns of zeros.
    constant_columns: list = field(default_factory=list)


def _weighted_standardise(
    x: np.ndarray,
    r: np.ndarray,
    scale: bool,
    columns: Sequence[object] | None = None,
    what: str = "variable active",
    kept_constant: Sequence[int] = (),
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centre (and reduce) with weights ``r``. With ``columns``, the spread of each column is
    checked first (:func:`numeduc.stats.checks.check_spread`): an overflow, a null or a
    negligible standard deviation is refused instead of giving NaN or noise. Columns in
    ``kept_constant`` (``constant="keep"``) are centred to exact zeros: centring a constant
    like 1e5 by a computed mean leaves rounding noise that reducing would blow up to ±1."""
    kept = list(kept_constant)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        mean = r @ np.where(np.isnan(x), 0.0, x) if kept else r @ x
        centred = x - mean
        if kept:
            centred[:, kept] = 0.0
            mean[kept] = [np.nanmax(x[:, j]) if not np.isnan(x[:, j]).all() else np.nan for j in kept]
        spread = np.sqrt(r @ (centred**2))
    if columns is not None:
        check_spread(columns, x, spread, what=what, skip=kept)
        if not scale:
            # Unscaled, the total inertia (and each individual's squared distance, up to n
            # times larger) must stay finite too.
            with np.errstate(over="ignore"):
                total = len(x) * float(np.sum(spread**2))
            if not np.isfinite(total):
                worst = columns[int(np.argmax(spread))]
                raise OverflowColumnError(
                    f"{what} « {worst} » : valeurs trop grandes pour une ACP non normée (l'inertie totale "
                    "dépasse la capacité des nombres à virgule flottante, environ 1,8e308) ; changez "
                    "d'unité ou réduisez les variables",
                    column=worst,
                )
    if scale:
        sd = np.where(spread <= SD_FLOOR, 1.0, spread)
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
        lab.strip().lower() in _YES_NO or lab.strip().lstrip("-").replace(".", "", 1).isdigit()
        for lab in labels
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
    constant: Literal["refuse", "keep"] = "refuse",
) -> PCAResult:
    """PCA of the numeric columns of ``data`` that are not supplementary (FactoMineR::PCA).

    ``quanti_sup``/``quali_sup`` name supplementary quantitative/qualitative columns: they get
    coordinates but do not build the axes. ``ncp`` dimensions are kept (default 5, capped at
    ``min(n - 1, p)``). ``scale=True`` is FactoMineR's ``scale.unit=TRUE`` (population sd).
    Missing values are replaced by the column mean, with a warning; the imputed cells are
    listed in ``result.imputed``.

    Refused (:class:`numeduc.stats.checks.StatsInputError`, French message naming the
    column): duplicate column names, fewer than 3 rows, a non-numeric, empty (all missing),
    constant, infinite or overflowing active or supplementary quantitative variable, a
    qualitative variable with fewer than two levels. Axes whose eigenvalue is zero up to
    rounding are not kept (``ncp`` is lowered, with a warning).

    ``constant="keep"`` is FactoMineR's tolerance instead: a constant (or empty) active or
    supplementary quantitative variable is kept as a column of zeros, with no inertia, a
    contribution of 0 and an undefined (NaN) correlation and cos²; it is listed in
    ``result.constant_columns``. For callers (the national analysis of a campaign) that must
    show every factor even when every respondent gave the same level.
    """
    if constant not in ("refuse", "keep"):
        raise ValueError(f"constant vaut « refuse » ou « keep » (reçu {constant!r})")
    keep = constant == "keep"
    if not isinstance(data, pd.DataFrame):
        data = pd.DataFrame(data)
    check_unique_columns(data.columns)
    quanti_sup, quali_sup = list(quanti_sup), list(quali_sup)
    for col in [*quanti_sup, *quali_sup]:
        if col not in data.columns:
            raise KeyError(f"colonne absente : {col!r}")
    both = [c for c in quanti_sup if c in quali_sup]
    if both:
        raise StatsInputError(
            f"la colonne « {both[0]} » est à la fois quantitative et qualitative supplémentaire",
            column=both[0],
        )
    active_cols = [c for c in data.columns if c not in quanti_sup and c not in quali_sup]
    if not active_cols:
        raise StatsInputError("aucune variable active")
    active = data[active_cols]
    n, p = active.shape
    check_min_rows(n, 3)
    check_values(active, active_cols, what="variable active", require_variation=not keep, allow_empty=keep)
    if quanti_sup:
        check_values(
            data, quanti_sup, what="variable supplémentaire", require_variation=not keep, allow_empty=keep
        )
    kept_active = constant_columns(active) if keep else []
    kept_pos = [active_cols.index(c) for c in kept_active]

    w_init = np.ones(n) if row_weights is None else np.asarray(row_weights, dtype=float)
    if w_init.shape != (n,) or not np.isfinite(w_init).all() or np.any(w_init < 0) or w_init.sum() <= 0:
        raise StatsInputError(
            "poids des lignes invalides (il faut n nombres positifs ou nuls, finis, de somme non nulle)"
        )
    r = w_init / w_init.sum()

    active, imputed = _fill_missing(active.astype(float), "variables actives")
    x = active.to_numpy(dtype=float)

    z, mean, sd = _weighted_standardise(x, r, scale, active_cols, kept_constant=kept_pos)
    sqrt_r = np.sqrt(r)
    _, s, vt = np.linalg.svd(z * sqrt_r[:, None], full_matrices=False)
    n_eig = min(p, n - 1)
    eigen = s[:n_eig] ** 2
    ncp = int(min(ncp, n - 1, p))
    non_null = int(np.sum(eigen > NULL_EIGENVALUE * eigen[0])) if eigen[0] > 0 else 0
    if non_null == 0:
        raise StatsInputError("aucune variable active ne varie : l'ACP n'a aucune inertie à résumer")
    if non_null < ncp:
        kept_dims = "une seule dimension a" if non_null == 1 else f"seules {non_null} dimensions ont"
        warnings.warn(
            f"{kept_dims} une inertie non nulle (variables colinéaires ou individus confondus) : "
            f"{non_null} gardée(s) au lieu de {ncp}.",
            stacklevel=2,
        )
        ncp = non_null
    eigen[non_null:] = 0.0  # rounding noise (1e-32...), not inertia
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
    var_coord[kept_pos] = 0.0  # exactly, not LAPACK's 1e-17
    var_dist = np.sqrt(r @ z**2)
    with np.errstate(invalid="ignore", divide="ignore"):  # 0/0 only for kept constant columns
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
        constant_columns=list(kept_active),
    )
    u = ind_coord / sk  # unit-variance (weighted) left singular vectors

    if quanti_sup:
        sup = data[quanti_sup]
        sup, imputed_sup = _fill_missing(sup.astype(float), "variables supplémentaires")
        result.imputed.extend(imputed_sup)
        kept_sup = constant_columns(sup) if keep else []
        result.constant_columns.extend(kept_sup)
        zs, _, _ = _weighted_standardise(
            sup.to_numpy(dtype=float),
            r,
            scale,
            quanti_sup,
            "variable supplémentaire",
            kept_constant=[quanti_sup.index(c) for c in kept_sup],
        )
        coord = (zs * r[:, None]).T @ u
        with np.errstate(invalid="ignore", divide="ignore"):  # 0/0 only for kept constant columns
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
            if len(levels) < 2:
                detail = f"une seule modalité (« {levels[0]} »)" if levels else "aucune modalité renseignée"
                raise StatsInputError(
                    f"variable qualitative supplémentaire « {col} » : {detail} ; il en faut au moins deux "
                    "pour que ses coordonnées et valeurs-test aient un sens",
                    column=col,
                )
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
    _check_finite(result)
    return result


def _check_finite(result: PCAResult) -> None:
    """Last guard: after the checks on the input, every table must be finite, except the cos²
    of an individual (or a category) sitting exactly at the centre, which is 0/0 (NaN, as in
    FactoMineR). Anything else would be a silently wrong figure: refuse it."""
    tables = {
        "valeurs propres": result.eig,
        "coordonnées des variables": result.var_coord,
        "corrélations des variables": result.var_cor,
        "cos² des variables": result.var_cos2,
        "contributions des variables": result.var_contrib,
        "coordonnées des individus": result.ind_coord,
        "contributions des individus": result.ind_contrib,
        "distances des individus": result.ind_dist,
        "coordonnées des variables supplémentaires": result.quanti_sup_coord,
        "cos² des variables supplémentaires": result.quanti_sup_cos2,
        "coordonnées des modalités supplémentaires": result.quali_sup_coord,
        "valeurs-test des modalités supplémentaires": result.quali_sup_v_test,
        "eta² des variables qualitatives": result.quali_sup_eta2,
    }
    undefined_rows = {
        "corrélations des variables",
        "cos² des variables",
        "cos² des variables supplémentaires",
    }
    for label, table in tables.items():
        if table is None:
            continue
        if label in undefined_rows:  # NaN rows of the constant variables kept on request
            table = table.drop(index=[c for c in result.constant_columns if c in table.index])
        values = table.to_numpy(dtype=float)
        if not np.isfinite(values).all():
            raise StatsInputError(
                f"calcul impossible : {label} non finies (valeurs trop grandes ou trop petites pour la "
                "précision des nombres à virgule flottante) ; changez d'unité"
            )
