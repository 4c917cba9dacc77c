"""A département's self-diagnosis profile against all respondents and against its peers.

Pure: takes the levels of a campaign's respondents as a DataFrame (index: département code,
columns: factor numbers 1..13, values 1..4 or missing) and returns dataclasses that the web
page, the API and the report render.

Disclosure rule (docs/visibility.md): an aggregate over fewer than ``MIN_GROUP`` respondents could
identify an answer, so it is never shown. A peer group that small is widened with the nearest
groups (by distance between the groups' profiles) until it is large enough, and the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MIN_GROUP = 5


@dataclass(frozen=True)
class AxisDefinition:
    id: str
    label: str
    factors: tuple[int, ...]


@dataclass(frozen=True)
class Comparison:
    """Who a département is compared with, and why."""

    label: str
    members: tuple[str, ...]  # codes of the respondents used
    note: str = ""  # French sentence when the group had to be widened or is missing
    # Départements of the group(s) compared with, respondents or not (0: not a group, e.g. national).
    group_size: int = 0

    @property
    def n(self) -> int:
        return len(self.members)

    @property
    def answered_words(self) -> str:
        """« 15 ayant répondu sur 42 »: how many of the group the medians are computed on."""
        if self.group_size:
            return f"{self.n} ayant répondu sur {self.group_size}"
        return f"{self.n} ayant répondu"


@dataclass(frozen=True)
class FactorResult:
    factor: int
    label: str
    level: float | None
    national_median: float | None
    peer_median: float | None
    previous_level: float | None

    @property
    def change(self) -> float | None:
        if self.level is None or self.previous_level is None:
            return None
        return self.level - self.previous_level


@dataclass(frozen=True)
class AxisScore:
    id: str
    label: str
    factors: tuple[int, ...]
    score: float | None
    national: float | None
    peer: float | None


@dataclass
class Profile:
    departement: str
    factors: list[FactorResult]
    axes: list[AxisScore]
    national: Comparison | None
    peers: Comparison | None
    strongest: list[FactorResult] = field(default_factory=list)
    weakest: list[FactorResult] = field(default_factory=list)


def _medians(frame: pd.DataFrame, members: tuple[str, ...]) -> pd.Series:
    """Median of each column over ``members``; missing where fewer than MIN_GROUP answered."""
    group = frame.loc[list(members)]
    return group.median().where(group.notna().sum() >= MIN_GROUP)


def axis_score(levels: pd.Series, factors: tuple[int, ...]) -> float | None:
    """Mean of the axis' factor levels (1-4) over the factors answered; None if none is."""
    values = levels.reindex(list(factors)).dropna()
    return float(values.mean()) if len(values) else None


def widen_group(
    groups: pd.Series, group_profiles: pd.DataFrame, own_group, respondents: set[str]
) -> tuple[tuple[str, ...], list]:
    """Members of ``own_group`` (and, while fewer than MIN_GROUP respondents, the nearest groups).

    ``groups`` maps département code -> group; ``group_profiles`` holds each group's mean of the
    standardised indicators (rows: groups). Returns the respondents used and the groups merged.
    """
    distances = ((group_profiles - group_profiles.loc[own_group]) ** 2).sum(axis=1).sort_values(kind="stable")
    merged = []
    members: list[str] = []
    for group in distances.index:
        merged.append(group)
        members = sorted(code for code in groups.index[groups.isin(merged)] if code in respondents)
        if len(members) >= MIN_GROUP:
            break
    return tuple(members), merged


def build_profile(
    departement: str,
    levels: pd.DataFrame,
    factor_labels: dict[int, str],
    axes: list[AxisDefinition],
    *,
    groups: pd.Series | None = None,
    group_profiles: pd.DataFrame | None = None,
    group_names: dict | None = None,
    own_levels: pd.Series | None = None,
    previous_levels: pd.Series | None = None,
    reference_label: str = "",
) -> Profile:
    """Profile of ``departement``.

    ``levels``: the comparison campaign's respondents (closed campaign). ``own_levels``: the
    département's levels to show (defaults to its row of ``levels``; given when it answers an
    open campaign compared with the last closed one). ``previous_levels``: its earlier answer.
    """
    factors = sorted(factor_labels)
    levels = levels.reindex(columns=factors).astype(float)
    if own_levels is None:
        own_levels = levels.loc[departement] if departement in levels.index else pd.Series(dtype=float)
    own_levels = own_levels.reindex(factors).astype(float)
    respondents = set(levels.index)

    national = None
    if len(respondents) >= MIN_GROUP:
        national = Comparison(
            label=f"Ensemble des répondants{reference_label}", members=tuple(sorted(respondents))
        )
    peers = None
    if groups is not None and departement in groups.index and group_profiles is not None:
        own_group = groups.loc[departement]
        name = (group_names or {}).get(own_group, f"groupe {own_group}")
        members, merged = widen_group(groups, group_profiles, own_group, respondents)
        note = ""
        if len(merged) > 1:
            others = ", ".join((group_names or {}).get(g, f"groupe {g}") for g in merged[1:])
            own_n = sum(1 for code in groups.index[groups == own_group] if code in respondents)
            note = (
                f"Votre {name} ne compte que {own_n} répondant{'s' if own_n > 1 else ''} : "
                f"pour ne révéler aucune réponse individuelle, la comparaison l'élargit à : {others}."
            )
        if len(members) >= MIN_GROUP:
            peers = Comparison(
                label=f"Départements comparables ({name})",
                members=members,
                note=note,
                group_size=int(groups.isin(merged).sum()),
            )

    national_medians = _medians(levels, national.members) if national else None
    peer_medians = _medians(levels, peers.members) if peers else None

    def median_for(medians: pd.Series | None, factor: int) -> float | None:
        return None if medians is None else _value(medians.get(factor))

    results = [
        FactorResult(
            factor=f,
            label=factor_labels[f],
            level=_value(own_levels.get(f)),
            national_median=median_for(national_medians, f),
            peer_median=median_for(peer_medians, f),
            previous_level=_value(previous_levels.get(f)) if previous_levels is not None else None,
        )
        for f in factors
    ]

    def group_axis(comparison: Comparison | None, axis: AxisDefinition) -> float | None:
        if comparison is None:
            return None
        # Each respondent's axis score: mean of its answered levels on the axis' factors.
        scores = levels.loc[list(comparison.members), list(axis.factors)].mean(axis=1, skipna=True)
        return float(scores.dropna().median()) if scores.notna().sum() >= MIN_GROUP else None

    axis_scores = [
        AxisScore(
            id=axis.id,
            label=axis.label,
            factors=axis.factors,
            score=axis_score(own_levels, axis.factors),
            national=group_axis(national, axis),
            peer=group_axis(peers, axis),
        )
        for axis in axes
    ]
    answered = [r for r in results if r.level is not None]

    def gap(result: FactorResult) -> float:
        reference = result.peer_median if result.peer_median is not None else result.national_median
        return 0.0 if reference is None else result.level - reference

    strongest = sorted(answered, key=lambda r: (-r.level, -gap(r), r.factor))[:3]
    weakest = sorted(answered, key=lambda r: (r.level, gap(r), r.factor))[:3]
    return Profile(departement, results, axis_scores, national, peers, strongest, weakest)


def _value(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if np.isnan(value) else value
