"""Which equipment strategy goes with which usage? Collèges compared by strategy **within the same
referential group** (density × size × priority education, numeduc.usage.referential, without its
fallbacks), then over the groups pooled.

Method (docs/evaluation.md):

- value of a collège = the indicator over the chosen months, Σ numerators / Σ denominators;
- in each group, each strategy s is compared with the reference strategy r (by default
  « aucune »): difference of means m_s − m_r with a 95 % Welch interval (scipy.stats.t, Welch-
  Satterthwaite degrees of freedom), and Hedges' g = J · (m_s − m_r) / s_p, s_p the pooled standard
  deviation, J = 1 − 3 / (4 (n_s + n_r) − 9), with the normal interval g ± 1.96 · SE,
  SE² = (n_s + n_r) / (n_s n_r) + g² / (2 (n_s + n_r)) (Hedges & Olkin 1985);
- a cell (group × strategy) with fewer than MIN_COLLEGES = 5 collèges is refused: no mean, no
  comparison, and the reason said;
- pooled over the groups where both cells are shown: weights w_g = n_s n_r / (n_s + n_r) (each
  group weighs as the precision of a difference between its two cells), difference
  Σ w_g d_g / Σ w_g with variance Σ w_g² V_g / (Σ w_g)², V_g the Welch variance; the same for g;
  normal 95 % interval. Analytic intervals: no random draw, the same answer every time.

Strategies are not assigned at random: WARNING says so in plain words, and every page shows it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from numeduc.experiences.model import STRATEGIES
from numeduc.formatting import fr_number

from .common import CONFIDENCE, MIN_COLLEGES, indicator_words, is_share, period_values, referential_groups

REFERENCE = "aucune"
POOLED = "ensemble des groupes (pondéré)"
# The usage warehouse's establishments file writes « none » for « aucune ».
ALIASES = {
    "none": "aucune",
    "aucune": "aucune",
    "eim": "eim",
    "classe_mobile": "classe_mobile",
    "byod": "byod",
    "hybride": "hybride",
}
SHORT_LABELS = {
    "eim": "un équipement individuel par élève (EIM)",
    "classe_mobile": "classes mobiles",
    "byod": "AVEC (équipement personnel)",
    "hybride": "plusieurs modèles (hybride)",
    "aucune": "sans stratégie d'équipement mobile",
}
WARNING = (
    "Attention : les stratégies d'équipement ne sont pas tirées au sort. Un collège qui a choisi "
    "l'équipement individuel diffère d'un autre par bien d'autres choses (son projet, son équipe, ses "
    "élèves, son réseau). Comparer des collèges du même groupe (même densité, même taille, même "
    "éducation prioritaire) retire ces trois différences-là, pas les autres. Un écart montre que les "
    "usages diffèrent entre stratégies ; il ne prouve pas que la stratégie en est la cause."
)
METHOD = (
    "Chaque collège est comparé aux collèges de son groupe de référence (densité × taille × éducation "
    "prioritaire) qui ont la stratégie de référence. Écart de moyennes avec un intervalle de confiance "
    "à 95 % (Welch), taille d'effet g de Hedges ; groupes regroupés avec des poids "
    "n₁n₂/(n₁+n₂). Une case de moins de 5 collèges n'est pas montrée."
)
CONTRAST_COLUMNS = [
    "group",
    "strategy",
    "reference",
    "n",
    "n_reference",
    "mean",
    "mean_reference",
    "difference",
    "ci_low",
    "ci_high",
    "hedges_g",
    "g_ci_low",
    "g_ci_high",
    "refused",
    "reason",
]


def normalise_strategy(value: object) -> str | None:
    """« none » -> « aucune »; anything outside STRATEGIES -> None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    key = ALIASES.get(str(value).strip().lower())
    return key if key in STRATEGIES else None


def hedges_g(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Hedges' g of a against b, and its standard error (NaN when the pooled SD is 0)."""
    n1, n2 = len(a), len(b)
    sp2 = ((n1 - 1) * np.var(a, ddof=1) + (n2 - 1) * np.var(b, ddof=1)) / (n1 + n2 - 2)
    if not sp2 > 0:
        return math.nan, math.nan
    j = 1 - 3 / (4 * (n1 + n2) - 9)
    g = j * (float(np.mean(a)) - float(np.mean(b))) / math.sqrt(sp2)
    se = math.sqrt((n1 + n2) / (n1 * n2) + g * g / (2 * (n1 + n2)))
    return g, se


def welch(a: np.ndarray, b: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float, float, float]:
    """Difference of means, its Welch variance and interval (low, high)."""
    n1, n2 = len(a), len(b)
    v1, v2 = np.var(a, ddof=1) / n1, np.var(b, ddof=1) / n2
    diff = float(np.mean(a) - np.mean(b))
    var = float(v1 + v2)
    if var <= 0:
        return diff, 0.0, diff, diff
    df = var**2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    half = float(stats.t.ppf(0.5 + confidence / 2, df)) * math.sqrt(var)
    return diff, var, diff - half, diff + half


@dataclass
class StrategyComparison:
    indicator: str
    profile: str
    reference: str
    cells: pd.DataFrame  # group, strategy, n, mean, sd, refused, reason
    contrasts: pd.DataFrame  # CONTRAST_COLUMNS; group POOLED for the pooled rows
    warning: str = WARNING
    method: str = METHOD

    def pooled(self) -> pd.DataFrame:
        return self.contrasts[self.contrasts["group"] == POOLED]

    def sentences(self) -> list[str]:
        return [s for s in (contrast_sentence(self, r) for r in self.pooled().itertuples()) if s]


def _refusal(n: int, label: str) -> str:
    return f"{label} : {n} collège{'s' if n > 1 else ''}, moins de {MIN_COLLEGES} — pas de comparaison."


def compare_strategies(
    indicators: pd.DataFrame,
    establishments: pd.DataFrame,
    strategies: Mapping[str, str],
    indicator: str,
    profile: str = "",
    *,
    months: Iterable[str] | None = None,
    reference: str = REFERENCE,
    confidence: float = CONFIDENCE,
) -> StrategyComparison:
    """Every strategy against ``reference``, group by group and pooled (module docstring)."""
    values = period_values(indicators, indicator, profile, months)
    groups = referential_groups(establishments)
    chosen = {uai: normalise_strategy(s) for uai, s in strategies.items()}
    frame = pd.DataFrame({"value": values})
    frame["group"] = groups.reindex(frame.index)
    frame["strategy"] = [chosen.get(u) for u in frame.index]
    frame = frame.dropna(subset=["group", "strategy", "value"])
    cells, rows = [], []
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    pooled: dict[str, list[tuple[float, ...]]] = {s: [] for s in STRATEGIES if s != reference}
    for group, g in sorted(frame.groupby("group"), key=lambda kv: str(kv[0])):
        by = {s: g.loc[g["strategy"] == s, "value"].to_numpy(float) for s in STRATEGIES}
        for s, v in by.items():
            ok = len(v) >= MIN_COLLEGES
            cells.append(
                {
                    "group": group,
                    "strategy": s,
                    "n": len(v),
                    "mean": float(v.mean()) if ok else math.nan,
                    "sd": float(v.std(ddof=1)) if ok else math.nan,
                    "refused": not ok,
                    "reason": "" if ok or not len(v) else _refusal(len(v), SHORT_LABELS[s]),
                }
            )
        ref = by[reference]
        for s in STRATEGIES:
            if s == reference or not len(by[s]):
                continue
            row: dict[str, object] = dict.fromkeys(CONTRAST_COLUMNS, math.nan)
            row.update(group=group, strategy=s, reference=reference, n=len(by[s]), n_reference=len(ref))
            short = [
                (len(v), SHORT_LABELS[k]) for k, v in ((s, by[s]), (reference, ref)) if len(v) < MIN_COLLEGES
            ]
            if short:
                row.update(refused=True, reason=" ; ".join(_refusal(n, label) for n, label in short))
                rows.append(row)
                continue
            diff, var, lo, hi = welch(by[s], ref, confidence)
            g_, se = hedges_g(by[s], ref)
            row.update(
                mean=float(by[s].mean()),
                mean_reference=float(ref.mean()),
                difference=diff,
                ci_low=lo,
                ci_high=hi,
                hedges_g=g_,
                g_ci_low=g_ - z * se,
                g_ci_high=g_ + z * se,
                refused=False,
                reason="",
            )
            rows.append(row)
            n1, n2 = len(by[s]), len(ref)
            pooled[s].append((n1 * n2 / (n1 + n2), diff, var, g_, se * se, n1, n2))
    for s, parts in pooled.items():
        row = dict.fromkeys(CONTRAST_COLUMNS, math.nan)
        row.update(group=POOLED, strategy=s, reference=reference)
        if not parts:
            row.update(
                n=0,
                n_reference=0,
                refused=True,
                reason=(
                    f"Aucun groupe ne compte au moins {MIN_COLLEGES} collèges « {SHORT_LABELS[s]} » et "
                    f"{MIN_COLLEGES} collèges « {SHORT_LABELS[reference]} » : pas de comparaison."
                ),
            )
            rows.append(row)
            continue
        w = np.array([p[0] for p in parts])
        d = np.array([p[1] for p in parts])
        v = np.array([p[2] for p in parts])
        gs = np.array([p[3] for p in parts])
        gv = np.array([p[4] for p in parts])
        diff = float((w * d).sum() / w.sum())
        se = math.sqrt(float((w * w * v).sum())) / w.sum()
        ok_g = ~np.isnan(gs)
        g_ = float((w[ok_g] * gs[ok_g]).sum() / w[ok_g].sum()) if ok_g.any() else math.nan
        g_se = math.sqrt(float((w[ok_g] ** 2 * gv[ok_g]).sum())) / w[ok_g].sum() if ok_g.any() else math.nan
        row.update(
            n=int(sum(p[5] for p in parts)),
            n_reference=int(sum(p[6] for p in parts)),
            difference=diff,
            ci_low=diff - z * se,
            ci_high=diff + z * se,
            hedges_g=g_,
            g_ci_low=g_ - z * g_se,
            g_ci_high=g_ + z * g_se,
            refused=False,
            reason=f"{len(parts)} groupe{'s' if len(parts) > 1 else ''}",
        )
        rows.append(row)
    return StrategyComparison(
        indicator,
        profile,
        reference,
        pd.DataFrame(cells, columns=["group", "strategy", "n", "mean", "sd", "refused", "reason"]),
        pd.DataFrame(rows, columns=CONTRAST_COLUMNS),
    )


def format_difference(indicator: str, value: float, *, signed: bool = False) -> str:
    """A share in points (« 4,2 points »), anything else as a number (« 1,3 »)."""
    if is_share(indicator):
        text = fr_number(abs(value) * 100 if not signed else value * 100, 1)
        return f"{text}\u00a0point{'s' if abs(value) * 100 >= 2 else ''}"
    return fr_number(abs(value) if not signed else value, 2)


def contrast_sentence(comparison: StrategyComparison, row) -> str:
    """« Dans des collèges comparables, la part d'élèves … est plus haute de 4,2 points … »."""
    if row.refused:
        label = SHORT_LABELS[row.strategy]
        return f"{label[0].upper()}{label[1:]} : {row.reason}"
    what = indicator_words(comparison.indicator, comparison.profile)
    direction = "plus haute" if row.difference > 0 else "plus basse"
    if not is_share(comparison.indicator):
        direction = "plus élevé" if row.difference > 0 else "plus faible"
    if row.ci_low <= 0 <= row.ci_high:
        verdict = "l'intervalle contient 0 : on ne peut pas dire qu'il y a un écart"
    else:
        verdict = "l'écart n'est pas dû au hasard de l'échantillon"
    g_text = f" ; taille d'effet g = {fr_number(row.hedges_g, 2)}" if not math.isnan(row.hedges_g) else ""
    return (
        f"Dans des collèges comparables ({int(row.n)} collèges « {SHORT_LABELS[row.strategy]} », "
        f"{int(row.n_reference)} « {SHORT_LABELS[row.reference]} »), {what} est {direction} de "
        f"{format_difference(comparison.indicator, row.difference)} (intervalle de confiance à 95 % : "
        f"{format_difference(comparison.indicator, row.ci_low, signed=True)} à "
        f"{format_difference(comparison.indicator, row.ci_high, signed=True)}{g_text}) : {verdict}."
    )
