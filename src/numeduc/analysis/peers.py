"""Peer groups as the pages show them: names, portraits, profiles and per-département notes.

The clustering itself is ``numeduc.stats.peer_groups`` (Ward on the four standardised INSEE
indicators, number of groups by the inertia-gain rule, Paris computed apart); this module only
shapes its result for people.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from numeduc.reference import INDICATOR_LABELS, PEER_INDICATORS
from numeduc.stats import PeerGroupResult, peer_groups

# Words for a group's standardised mean on each indicator (|z| >= 0.5 is worth saying).
_PORTRAIT_WORDS = {
    "density": ("peu dense", "dense"),
    "poverty_rate": ("pauvreté faible", "pauvreté élevée"),
    "population_growth": ("population stable ou en baisse", "population en forte croissance"),
    "share_0_19": ("population plutôt âgée", "population jeune"),
}


@dataclass
class PeerGroups:
    groups: pd.Series  # code -> group number
    profiles: pd.DataFrame  # group -> mean of each indicator, original units
    standardised_profiles: pd.DataFrame  # group -> mean of the standardised indicators
    national_means: pd.Series
    group_names: dict
    portraits: dict
    notes: list[str]
    imputed: list[tuple[str, str]]
    outliers: list[str]
    result: PeerGroupResult

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
    result = peer_groups(departements[list(PEER_INDICATORS)])
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
        national_means=departements[list(PEER_INDICATORS)].mean(),
        group_names=names,
        portraits=portraits,
        notes=list(result.notes),
        imputed=list(result.imputed),
        outliers=list(result.outliers),
        result=result,
    )
