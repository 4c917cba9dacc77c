"""Did the pilot work? A pilot = some collèges, a start month, the indicators it should move. Each
pilot collège is compared with matched collèges that did not take part, before and after the start
(difference-in-differences).

**Matching** (``match_colleges``): for each pilot collège, the ``k`` (default 3) closest collèges
that are not in the pilot, in the same referential group (density × size × priority education);
closeness = Euclidean distance between the pre-pilot values (Σ numerators / Σ denominators over the
months before the start) of the pilot's indicators, each standardised (minus its mean, divided by
its standard deviation over every collège with a value — an indicator without spread weighs
nothing). Greedy, in rounds: at each round every pilot collège (in UAI order) takes its nearest
collège not yet taken; **without replacement** while the group has collèges left, then with
replacement (the row says ``reused``). A group with no collège outside the pilot falls back to
density × size, then density (``level`` says so). Several pilot collèges sharing a match make
their clusters dependent: the page says when it happens.

**Difference-in-differences** (``difference_in_differences``), indicator by indicator: for pilot
collège p and month t, the gap d(p, t) = y(p, t) − mean of its matched collèges' y(m, t); before =
months before the start, after = the start month and later.

- by month: δ(p, t) = d(p, t) − mean of d(p, ·) before; estimate = mean over p;
- overall: δ(p) = mean of d(p, ·) after − mean before; estimate = mean over p;
- interval: each pilot collège with its matched collèges is one cluster and gives one δ(p); the
  95 % interval is mean ± t(P − 1) · sd / √P over the P pilot collèges — the ordinary least squares
  of δ(p) on a constant with cluster-robust standard error (one cluster per pilot collège, P − 1
  degrees of freedom). Analytic, no random draw;
- « l'écart existait-il avant ? »: the gap before (mean of d(p, ·) before, same interval) and a
  placebo: the same DiD on the pre-pilot months only, the first half playing « before » and the
  second half « after » (needs 2 months before the start). A placebo interval that excludes 0
  means the gap was already moving: the estimate may be biased;
- ratio: mean after of the pilot collèges / what they would have had without the pilot (their
  mean before + the matched collèges' change), interval from the DiD's with that level held fixed.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from numeduc.formatting import fr_number

from .common import (
    CONFIDENCE,
    ONE_WORD,
    PROFILE_WORDS,
    indicator_words,
    is_share,
    monthly_values,
    period_values,
    referential_groups,
)

K = 3
MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
MATCH_COLUMNS = ["pilot", "match", "rank", "distance", "group", "level", "reused"]


def month_words(month: str) -> str:
    """« 2024-10 » -> « octobre 2024 »."""
    return f"{MONTHS_FR[int(month[5:7]) - 1]} {month[:4]}"


@dataclass(frozen=True)
class Pilot:
    colleges: tuple[str, ...]
    start_month: str  # AAAA-MM
    indicators: tuple[tuple[str, str], ...]  # (indicator, profile)


@dataclass
class Matching:
    pairs: pd.DataFrame  # MATCH_COLUMNS
    unmatched: dict[str, str]  # pilot uai -> reason, in French
    method: str = (
        "Pour chaque collège pilote, les collèges les plus proches hors pilote, du même groupe de "
        "référence (densité × taille × éducation prioritaire), d'après les valeurs des indicateurs "
        "du pilote avant son début (distance euclidienne sur les valeurs standardisées) ; chaque "
        "collège de comparaison ne sert qu'une fois tant que le groupe en compte assez."
    )

    def matches_of(self, pilot: str) -> list[str]:
        return self.pairs.loc[self.pairs["pilot"] == pilot, "match"].tolist()

    @property
    def reused(self) -> bool:
        return bool(self.pairs["reused"].any()) if len(self.pairs) else False


def pre_months(indicators: pd.DataFrame, start_month: str) -> list[str]:
    return sorted(m for m in indicators["month"].dropna().unique() if m < start_month)


def match_colleges(
    indicators: pd.DataFrame,
    establishments: pd.DataFrame,
    pilot_colleges: Iterable[str],
    start_month: str,
    features: Sequence[tuple[str, str]],
    *,
    k: int = K,
) -> Matching:
    """The k closest non-pilot collèges of each pilot collège (module docstring)."""
    pilots = sorted(set(pilot_colleges))
    before = pre_months(indicators, start_month)
    groups = referential_groups(establishments)
    unmatched: dict[str, str] = {}
    if not before:
        return Matching(
            pd.DataFrame(columns=MATCH_COLUMNS),
            dict.fromkeys(pilots, f"aucune donnée avant {month_words(start_month)}"),
        )
    x = pd.DataFrame({f"{i}|{p}": period_values(indicators, i, p, before) for i, p in features}).dropna()
    sd = x.std(ddof=0).replace(0, np.inf)
    z = (x - x.mean()) / sd
    candidates = sorted(u for u in z.index if u not in set(pilots) and u in groups.index)
    label_parts = {c: groups[c].split(" · ") for c in candidates}
    rows = []
    used: set[str] = set()
    taken: dict[str, list[str]] = {p: [] for p in pilots}
    pools: dict[str, tuple[list[str], str]] = {}
    for p in pilots:
        if p not in z.index:
            unmatched[p] = "pas de valeur avant le début du pilote pour ses indicateurs"
            continue
        if p not in groups.index:
            unmatched[p] = "collège absent du référentiel des établissements"
            continue
        parts = groups[p].split(" · ")
        for level, n_parts in (("densite_taille_ep", 3), ("densite_taille", 2), ("densite", 1)):
            prefix = " · ".join(parts[:n_parts])
            pool = [c for c in candidates if " · ".join(label_parts[c][:n_parts]) == prefix]
            if pool:
                pools[p] = (pool, level)
                break
        else:
            unmatched[p] = "aucun collège hors pilote de même densité"
    zv = z.to_numpy(float)
    row_of = {u: i for i, u in enumerate(z.index)}
    for rank in range(1, k + 1):
        for p in pilots:
            if p not in pools:
                continue
            pool, level = pools[p]
            left = [c for c in pool if c not in taken[p]]
            if not left:
                continue
            choice = [c for c in left if c not in used] or left
            dist = np.sqrt(((zv[[row_of[c] for c in choice]] - zv[row_of[p]]) ** 2).sum(axis=1))
            at = int(np.argmin(dist))  # the first of equal distances: pool order, i.e. UAI order
            best = choice[at]
            taken[p].append(best)
            rows.append(
                {
                    "pilot": p,
                    "match": best,
                    "rank": rank,
                    "distance": float(dist[at]),
                    "group": groups[p],
                    "level": level,
                    "reused": best in used,
                }
            )
            used.add(best)
    return Matching(pd.DataFrame(rows, columns=MATCH_COLUMNS), unmatched)


@dataclass
class Interval:
    estimate: float
    low: float
    high: float
    n: int  # pilot collèges (clusters)

    @property
    def covers_zero(self) -> bool:
        return self.low <= 0 <= self.high


def t_interval(values: np.ndarray, confidence: float = CONFIDENCE) -> Interval:
    v = np.asarray(values, float)
    v = v[~np.isnan(v)]
    n = len(v)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    mean = float(v.mean())
    if n < 2:
        return Interval(mean, math.nan, math.nan, n)
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * float(v.std(ddof=1)) / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n)


@dataclass
class DidResult:
    indicator: str
    profile: str
    start_month: str
    months: list[str]
    by_month: pd.DataFrame  # month, period, pilot_mean, matched_mean, did, low, high, n
    overall: Interval
    gap_before: Interval
    placebo: Interval | None
    pilot_before: float
    pilot_after: float
    matched_before: float
    matched_after: float
    n_pilots: int
    n_matched: int
    sentences: list[str] = field(default_factory=list)

    @property
    def counterfactual(self) -> float:
        return self.pilot_before + (self.matched_after - self.matched_before)

    @property
    def ratio(self) -> Interval:
        cf = self.counterfactual
        if not cf or math.isnan(cf) or cf <= 0:
            return Interval(math.nan, math.nan, math.nan, self.overall.n)
        o = self.overall
        return Interval((cf + o.estimate) / cf, (cf + o.low) / cf, (cf + o.high) / cf, o.n)


def difference_in_differences(
    indicators: pd.DataFrame,
    matching: Matching,
    indicator: str,
    profile: str,
    start_month: str,
    *,
    confidence: float = CONFIDENCE,
) -> DidResult:
    """Pilot minus matched, after minus before, by month and overall (module docstring)."""
    y = monthly_values(indicators, indicator, profile)
    months = [str(m) for m in y.columns] if len(y) else []
    before = np.array([m < start_month for m in months], dtype=bool)
    after = ~before
    row_of = {u: i for i, u in enumerate(y.index)}
    yv = y.to_numpy(float) if len(y) else np.zeros((0, 0))
    matches: dict[str, list[int]] = {}
    for pilot, match in zip(matching.pairs["pilot"], matching.pairs["match"], strict=True):
        if pilot in row_of and match in row_of:
            matches.setdefault(pilot, []).append(row_of[match])
    pilots = list(matches)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)  # all-NaN months give NaN
        pv = yv[[row_of[p] for p in pilots]] if pilots else np.zeros((0, len(months)))
        mv = np.array([np.nanmean(yv[matches[p]], axis=0) for p in pilots]).reshape(len(pilots), len(months))
        d = pv - mv
        base = np.nanmean(d[:, before], axis=1) if before.any() else np.full(len(pilots), np.nan)
        rows = []
        for j, m in enumerate(months):
            iv = t_interval(d[:, j] - base, confidence)
            rows.append(
                {
                    "month": m,
                    "period": "avant" if before[j] else "après",
                    "pilot_mean": float(np.nanmean(pv[:, j])) if pilots else math.nan,
                    "matched_mean": float(np.nanmean(mv[:, j])) if pilots else math.nan,
                    "did": iv.estimate,
                    "low": iv.low,
                    "high": iv.high,
                    "n": iv.n,
                }
            )
        after_gap = np.nanmean(d[:, after], axis=1) if after.any() else np.full(len(pilots), np.nan)
        overall = t_interval(after_gap - base, confidence)
        gap_before = t_interval(base, confidence)
        placebo = None
        pre_idx = np.flatnonzero(before)
        if len(pre_idx) >= 2 and pilots:
            half = len(pre_idx) // 2
            first, second = pre_idx[:half], pre_idx[half:]
            placebo = t_interval(
                np.nanmean(d[:, second], axis=1) - np.nanmean(d[:, first], axis=1), confidence
            )

        def mean_over(values: np.ndarray, cols: np.ndarray) -> float:
            if not len(values) or not cols.any():
                return math.nan
            return float(np.nanmean(np.nanmean(values[:, cols], axis=1)))

        pb, pa, mb, ma = (
            mean_over(pv, before),
            mean_over(pv, after),
            mean_over(mv, before),
            mean_over(mv, after),
        )
    by_month = pd.DataFrame(
        rows, columns=["month", "period", "pilot_mean", "matched_mean", "did", "low", "high", "n"]
    )
    n_matched = matching.pairs.loc[matching.pairs["pilot"].isin(pilots), "match"].nunique()
    result = DidResult(
        indicator,
        profile,
        start_month,
        months,
        by_month,
        overall,
        gap_before,
        placebo,
        pb,
        pa,
        mb,
        ma,
        len(pilots),
        int(n_matched),
    )
    result.sentences = did_sentences(result)
    return result


def evaluate(
    indicators: pd.DataFrame, establishments: pd.DataFrame, pilot: Pilot, *, k: int = K
) -> tuple[Matching, list[DidResult]]:
    """Matching on all the pilot's indicators, then one DiD per indicator."""
    matching = match_colleges(
        indicators, establishments, pilot.colleges, pilot.start_month, pilot.indicators, k=k
    )
    return matching, [
        difference_in_differences(indicators, matching, i, p, pilot.start_month) for i, p in pilot.indicators
    ]


# -- plain words -----------------------------------------------------------------------------


def amount(indicator: str, value: float, *, signed: bool = False) -> str:
    """A share's difference in points (« 6,2 points »), anything else as a number (« 1,35 »)."""
    if math.isnan(value):
        return "—"
    v = value if signed else abs(value)
    if is_share(indicator):
        return f"{fr_number(v * 100, 1)}\u00a0point{'s' if abs(value) * 100 >= 2 else ''}"
    return fr_number(v, 2)


def _interval_words(indicator: str, iv: Interval) -> str:
    if math.isnan(iv.low):
        return "pas d'intervalle : il faut au moins 2 collèges pilotes"
    return (
        f"intervalle de confiance à 95 % : {amount(indicator, iv.low, signed=True)} à "
        f"{amount(indicator, iv.high, signed=True)}"
    )


def did_sentences(r: DidResult) -> list[str]:
    """What the evaluation lead can say to the conseil départemental, in plain words."""
    ind, iv = r.indicator, r.overall
    if r.n_pilots == 0 or math.isnan(iv.estimate):
        return [
            "Pas d'estimation : aucun collège pilote n'a à la fois des collèges de comparaison et des valeurs "
            "avant et après le début."
        ]
    what = indicator_words(ind, r.profile)
    since = month_words(r.start_month)
    who = PROFILE_WORDS.get(r.profile, "") or "comptes"
    n = f"{r.n_pilots} collège{'s' if r.n_pilots > 1 else ''} pilote{'s' if r.n_pilots > 1 else ''}"
    cmp_ = f"{r.n_matched} collège{'s' if r.n_matched > 1 else ''} comparable{'s' if r.n_matched > 1 else ''}"
    out = []
    ratio = r.ratio
    if ind == "sessions_per_user" and not math.isnan(ratio.estimate):
        more = "plus" if ratio.estimate >= 1 else "moins"
        factor = ratio.estimate if ratio.estimate >= 1 else 1 / ratio.estimate
        out.append(
            f"Depuis {since}, les {who} des {n} se connectent {fr_number(factor, 1)} fois {more} que ce qu'on "
            f"attendrait sans le pilote, d'après l'évolution de {cmp_} "
            f"({'+' if iv.estimate >= 0 else '−'}{amount(ind, iv.estimate)} connexion par "
            f"{ONE_WORD.get(r.profile, 'compte')} et par mois ; {_interval_words(ind, iv)})."
        )
    else:
        more = "plus" if iv.estimate >= 0 else "moins"
        out.append(
            f"Depuis {since}, {what} a progressé de {amount(ind, iv.estimate)} de {more} dans les {n} que dans "
            f"{cmp_} ({_interval_words(ind, iv)})."
        )
    if math.isnan(iv.low):
        pass
    elif iv.covers_zero:
        out.append("On ne peut pas conclure : l'intervalle contient 0, l'écart peut venir du hasard.")
    else:
        out.append("Cet écart ne s'explique pas par le hasard : l'intervalle ne contient pas 0.")
    gb = r.gap_before
    if not math.isnan(gb.estimate):
        if not math.isnan(gb.low) and gb.covers_zero:
            out.append(
                "L'écart existait-il avant ? Avant le pilote, les collèges pilotes et leurs collèges de "
                f"comparaison étaient au même niveau (écart {amount(ind, gb.estimate, signed=True)}, "
                f"{_interval_words(ind, gb)})."
            )
        else:
            side = "au-dessus" if gb.estimate > 0 else "en dessous"
            out.append(
                f"L'écart existait-il avant ? Oui : avant le pilote, les collèges pilotes étaient déjà {side} "
                f"de {amount(ind, gb.estimate)} ; la différence de différences retire cet écart de départ."
            )
    if r.placebo is None:
        out.append(
            "Un seul mois avant le pilote : on ne peut pas vérifier que l'écart était stable avant son début."
        )
    elif math.isnan(r.placebo.low) or r.placebo.covers_zero:
        out.append(
            "Avant le pilote, l'écart ne bougeait pas (même calcul sur les seuls mois d'avant : "
            f"{amount(ind, r.placebo.estimate, signed=True)}, {_interval_words(ind, r.placebo)}) : la "
            "comparaison est crédible."
        )
    else:
        out.append(
            "Attention : l'écart bougeait déjà avant le pilote (même calcul sur les seuls mois d'avant : "
            f"{amount(ind, r.placebo.estimate, signed=True)}, {_interval_words(ind, r.placebo)}) : une "
            "partie de l'effet mesuré peut venir de cette tendance."
        )
    return out
