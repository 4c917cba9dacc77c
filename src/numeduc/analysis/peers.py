"""Peer groups as the pages show them: names, portraits, profiles and per-département notes.

The clustering itself is ``numeduc.stats.peer_groups`` (Ward on the four standardised INSEE
indicators, number of groups by the inertia-gain rule, Paris computed apart); this module only
shapes its result for people.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from numeduc.formatting import fr_number
from numeduc.reference import INDICATOR_LABELS, PEER_INDICATORS
from numeduc.stats import PeerGroupResult, peer_groups
from numeduc.stats.hclust import cutree_k

# Words for a group's standardised mean on each indicator (|z| >= 0.5 is worth saying).
_PORTRAIT_WORDS = {
    "density": ("peu dense", "dense"),
    "poverty_rate": ("pauvreté faible", "pauvreté élevée"),
    "population_growth": ("population stable ou en baisse", "population en forte croissance"),
    "share_0_19": ("population plutôt âgée", "population jeune"),
}


@dataclass(frozen=True)
class IndicatorSummary:
    """An indicator over a set of départements: median and range of the known values.

    A median, not a mean: one very dense département (Paris, about 20,000 inhabitants per km²)
    pulls a group's mean density far from every one of its members."""

    median: float
    low: float
    high: float
    n: int  # départements with a known value


def indicator_summaries(values: pd.DataFrame) -> dict[str, IndicatorSummary]:
    """``IndicatorSummary`` of each column of ``values`` (rows: départements); a column without any
    known value is left out."""
    summaries = {}
    for column in values.columns:
        known = values[column].dropna().astype(float)
        if len(known):
            summaries[column] = IndicatorSummary(
                float(known.median()), float(known.min()), float(known.max()), len(known)
            )
    return summaries


def summary_words(summary: IndicatorSummary | None, decimals: int = 1) -> str:
    """« 137,1 (de 43,3 à 21 066,8) »: the median, then the lowest and highest values."""
    if summary is None:
        return "non disponible"
    median, low, high = (fr_number(v, decimals) for v in (summary.median, summary.low, summary.high))
    return median if summary.n == 1 else f"{median} (de {low} à {high})"


def moved_after_cut(result: PeerGroupResult) -> list[str]:
    """Codes whose final group is not the one the tree cut gave them.

    HCPC cuts Ward's tree into k groups, then consolidates them with k-means, which moves a few
    départements to a nearer group centre: the tree and the final groups then disagree on
    those. Each tree-cut group is named after the final group most of its members end in."""
    res = result.hcpc_result
    if not res.sorted_labels:
        return []
    cut = pd.Series(
        cutree_k(res.tree_ia, res.tree_ib, res.n_clusters), index=[str(x) for x in res.sorted_labels]
    )
    final = pd.Series([int(res.clusters[x]) for x in res.sorted_labels], index=cut.index)
    majority = final.groupby(cut).agg(lambda values: values.value_counts().idxmax())
    named_cut = cut.map(majority)
    return sorted(code for code in cut.index if final[code] != named_cut[code])


@dataclass
class PeerGroups:
    groups: pd.Series  # code -> group number
    profiles: pd.DataFrame  # group -> mean of each indicator, original units (not shown: see group_summaries)
    standardised_profiles: pd.DataFrame  # group -> mean of the standardised indicators
    group_summaries: dict  # group -> indicator -> IndicatorSummary (what the pages show)
    national_summary: dict[str, IndicatorSummary]
    moved: list[str]  # codes moved to another group by the consolidation after the tree cut
    group_names: dict
    portraits: dict
    notes: list[str]
    imputed: list[tuple[str, str]]
    outliers: list[str]
    result: PeerGroupResult

    def sizes(self) -> dict[int, int]:
        """Départements in each group (every département, Paris included): the one count that the
        tree, the table and the map all show."""
        return {int(g): int(n) for g, n in self.groups.value_counts().sort_index().items()}

    def notes_for(self, code: str) -> list[str]:
        notes = []
        cells = [column for c, column in self.imputed if c == code]
        if cells:
            labels = ", ".join(INDICATOR_LABELS[c][0].lower() for c in cells if c in INDICATOR_LABELS)
            notes.append(
                f"Indicateur non publié par l'Insee pour ce département ({labels}) : la moyenne nationale "
                "l'a remplacé pour le calcul des groupes."
            )
        if code in self.outliers:
            notes.append(
                "Valeurs très éloignées de celles des autres départements : comme dans le livre blanc de 2017, "
                "le département est mis à part pour former les groupes, puis rattaché au groupe le plus proche."
            )
        return notes


def compute_peer_groups(departements: pd.DataFrame) -> PeerGroups:
    """Peer groups of ``departements`` (index: code; columns include the four indicators)."""
    indicators = departements[list(PEER_INDICATORS)]
    result = peer_groups(indicators)
    model = result.model_data
    standardised = (model - model.mean()) / model.std(ddof=0).replace(0, 1)
    standardised_profiles = standardised.groupby(result.groups.reindex(standardised.index)).mean()
    profiles = result.profiles[[c for c in PEER_INDICATORS if c in result.profiles.columns]]
    names, portraits = {}, {}
    for group in sorted(result.groups.unique()):
        words = []
        if group in standardised_profiles.index:
            for column, (low, high) in _PORTRAIT_WORDS.items():
                z = standardised_profiles.loc[group].get(column, np.nan)
                if not np.isnan(z) and abs(z) >= 0.5:
                    words.append(high if z > 0 else low)
        names[group] = f"groupe {group}"
        portraits[group] = ", ".join(words) if words else "proche de la moyenne sur les quatre indicateurs"
    return PeerGroups(
        groups=result.groups,
        profiles=profiles,
        standardised_profiles=standardised_profiles,
        group_summaries={
            group: indicator_summaries(indicators.loc[result.groups.index[result.groups == group]])
            for group in sorted(result.groups.unique())
        },
        national_summary=indicator_summaries(indicators),
        moved=moved_after_cut(result),
        group_names=names,
        portraits=portraits,
        notes=list(result.notes),
        imputed=list(result.imputed),
        outliers=list(result.outliers),
        result=result,
    )
