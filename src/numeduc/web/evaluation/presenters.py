"""Core results (numeduc.evaluation) → what the templates show: French numbers, rows, charts."""

from __future__ import annotations

import math

import pandas as pd

from numeduc import charts
from numeduc.evaluation.common import is_share
from numeduc.evaluation.pilot import DidResult, Interval, Matching, month_words
from numeduc.evaluation.strategies import POOLED, SHORT_LABELS, StrategyComparison
from numeduc.formatting import fr_number, fr_percent
from numeduc.web.usage_dashboard.labels import full_label


def _nan(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def level(indicator: str, value) -> str:
    if _nan(value):
        return "—"
    return fr_percent(float(value) * 100, 1) if is_share(indicator) else fr_number(float(value), 2)


def gap(indicator: str, value) -> str:
    """A difference: signed, in points for a share."""
    if _nan(value):
        return "—"
    v = float(value)
    if is_share(indicator):
        text = fr_number(v * 100, 1)
        return f"{'+' if v > 0 and text != '0,0' else ''}{text}\u00a0pt"
    text = fr_number(v, 2)
    return f"{'+' if v > 0 and text != '0,00' else ''}{text}"


def interval(indicator: str, low, high) -> str:
    if _nan(low) or _nan(high):
        return "—"
    return f"{gap(indicator, low)} à {gap(indicator, high)}"


def comparison_rows(comparison: StrategyComparison, *, pooled: bool) -> list[dict]:
    ind = comparison.indicator
    frame = comparison.contrasts
    frame = frame[frame["group"] == POOLED] if pooled else frame[frame["group"] != POOLED]
    rows = []
    for r in frame.itertuples():
        rows.append(
            {
                "group": r.group,
                "strategy": SHORT_LABELS[r.strategy],
                "reference": SHORT_LABELS[r.reference],
                "n": int(r.n),
                "n_reference": int(r.n_reference),
                "mean": level(ind, r.mean),
                "mean_reference": level(ind, r.mean_reference),
                "difference": gap(ind, r.difference),
                "interval": interval(ind, r.ci_low, r.ci_high),
                "g": "—" if _nan(r.hedges_g) else fr_number(float(r.hedges_g), 2),
                "g_interval": "—"
                if _nan(r.g_ci_low)
                else f"{fr_number(float(r.g_ci_low), 2)} à {fr_number(float(r.g_ci_high), 2)}",
                "refused": bool(r.refused),
                "reason": r.reason,
                "significant": not bool(r.refused) and not (r.ci_low <= 0 <= r.ci_high),
            }
        )
    return rows


def cell_rows(comparison: StrategyComparison) -> list[dict]:
    ind = comparison.indicator
    return [
        {
            "group": r.group,
            "strategy": SHORT_LABELS[r.strategy],
            "n": int(r.n),
            "mean": "—" if r.refused else level(ind, r.mean),
            "refused": bool(r.refused),
        }
        for r in comparison.cells.itertuples()
        if r.n > 0
    ]


def _values(series: pd.Series, scale: float) -> list[float | None]:
    return [None if _nan(v) else float(v) * scale for v in series]


def did_charts(result: DidResult, *, demo: bool, prefix: str) -> list[str]:
    """The levels of the pilot and matched collèges, then the DiD by month (each with its table)."""
    ind = result.indicator
    share = is_share(ind)
    scale = 100.0 if share else 1.0
    labels = [month_words(m) for m in result.months]
    by = result.by_month
    name = full_label(ind, result.profile)
    levels = charts.line(
        labels,
        [
            charts.Series("Collèges pilotes", _values(by["pilot_mean"], scale), "primary"),
            charts.Series("Collèges comparables", _values(by["matched_mean"], scale), "reference"),
        ],
        unit="%" if share else "",
        value_format=(lambda v: fr_percent(v, 1)) if share else (lambda v: fr_number(v, 2)),
        include_zero=False,
        title=f"{name} : collèges pilotes et comparables, par mois",
        description=f"Début du pilote : {month_words(result.start_month)}.",
        id_prefix=f"{prefix}-levels",
        demo=demo,
        x_header="Mois",
    )
    did = charts.line(
        labels,
        [
            charts.Series("Différence de différences", _values(by["did"], scale), "primary"),
            charts.Series("Borne basse (95 %)", _values(by["low"], scale), "secondary"),
            charts.Series("Borne haute (95 %)", _values(by["high"], scale), "tertiary"),
        ],
        unit="points" if share else "",
        value_format=(lambda v: f"{fr_number(v, 1)}\u00a0pt") if share else (lambda v: fr_number(v, 2)),
        title=f"{name} : écart pilotes − comparables, par rapport à l'écart d'avant le pilote",
        description=(
            "0 = le même écart qu'avant le pilote. Les mois d'avant le début doivent rester près de 0 ; "
            f"début : {month_words(result.start_month)}."
        ),
        id_prefix=f"{prefix}-did",
        demo=demo,
        x_header="Mois",
    )
    return [levels.figure_html(), did.figure_html()]


def month_rows(result: DidResult) -> list[dict]:
    ind = result.indicator
    return [
        {
            "month": month_words(r.month),
            "period": r.period,
            "pilot": level(ind, r.pilot_mean),
            "matched": level(ind, r.matched_mean),
            "did": gap(ind, r.did),
            "interval": interval(ind, r.low, r.high),
            "n": int(r.n),
        }
        for r in result.by_month.itertuples()
    ]


def interval_text(indicator: str, iv: Interval | None) -> str:
    if iv is None:
        return "—"
    return f"{gap(indicator, iv.estimate)} ({interval(indicator, iv.low, iv.high)})"


def matching_rows(matching: Matching, names: dict[str, str], visible) -> list[dict]:
    """The pairs whose pilot collège the user may read (``visible(uai)``)."""
    return [
        {
            "pilot": names.get(r.pilot, r.pilot),
            "match": names.get(r.match, r.match),
            "rank": int(r.rank),
            "distance": fr_number(float(r.distance), 2),
            "group": r.group,
            "fallback": r.level != "densite_taille_ep",
            "reused": bool(r.reused),
        }
        for r in matching.pairs.itertuples()
        if visible(r.pilot)
    ]
