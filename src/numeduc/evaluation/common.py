"""What strategies and pilots share: the referential group of each collège, the value of an
indicator over a period, the French words for indicators and profiles."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from numeduc.usage.referential import DENSITY_LABEL, size_class

# The project's threshold: no comparison is shown on fewer collèges than this (docs/evaluation.md).
MIN_COLLEGES = 5
CONFIDENCE = 0.95

PROFILE_WORDS = {
    "ELEVE": "élèves",
    "PARENT": "parents",
    "ENSEIGNANT": "enseignants",
    "PERSONNEL": "personnels",
    "AUTRE": "autres comptes",
    "": "",
}
# Indicators read as shares (0-1): their differences are given in percentage points.
SHARE_PREFIXES = (
    "account_activation_rate",
    "monthly_active_rate",
    "regular_use_share",
    "parents_never_grades_share",
    "out_of_school_share",
    "device_activity_rate",
    "device_utilisation",
    "weekly_regularity",
    "service_mix_share_",
    "service_reach_",
)
INDICATOR_WORDS = {
    "account_activation_rate": "la part des comptes activés",
    "monthly_active_rate": "la part de {who} qui se connectent dans le mois",
    "sessions_per_user": "le nombre de connexions par {one} et par mois",
    "sessions_per_active_user": "le nombre de connexions par {one} actif et par mois",
    "regular_use_share": "la part d'élèves qui se connectent au moins 8 fois par mois",
    "weekly_regularity": "la part des semaines de classe où les {who} actifs se connectent",
    "parents_never_grades_share": "la part de parents qui ne consultent jamais les notes",
    "out_of_school_share": "la part de l'activité hors du temps scolaire",
    "device_activity_rate_30d": "la part des équipements utilisés dans les 30 derniers jours",
    "device_activity_rate_7d": "la part des équipements utilisés dans les 7 derniers jours",
    "device_utilisation": "le taux d'utilisation des équipements",
}
ONE_WORD = {"ELEVE": "élève", "PARENT": "parent", "ENSEIGNANT": "enseignant", "PERSONNEL": "personnel"}


def is_share(indicator: str) -> bool:
    return indicator.startswith(SHARE_PREFIXES)


def indicator_words(indicator: str, profile: str = "") -> str:
    """« la part de élèves… » in plain French; the identifier itself when no wording is known."""
    template = INDICATOR_WORDS.get(indicator)
    if template is None:
        if indicator.startswith("service_reach_"):
            return f"la part de {PROFILE_WORDS.get(profile, profile) or 'comptes'} qui utilisent « {indicator[14:]} »"
        if indicator.startswith("service_mix_share_"):
            return f"la part des connexions qui passent par « {indicator[18:]} »"
        return f"l'indicateur « {indicator} »" + (
            f" ({PROFILE_WORDS.get(profile, profile)})" if profile else ""
        )
    who = PROFILE_WORDS.get(profile, profile) or "comptes"
    text = template.format(who=who, one=ONE_WORD.get(profile, "compte"))
    return text.replace("de élèves", "d'élèves").replace("de enseignants", "d'enseignants")


def referential_groups(establishments: pd.DataFrame) -> pd.Series:
    """uai -> « densité · taille · EP », the strict group of numeduc.usage.referential (no fallback:
    a comparison is only made between collèges of the same density, size and priority education)."""
    est = establishments.drop_duplicates("uai", keep="last")
    density = est["density_grid3"].map(lambda d: DENSITY_LABEL.get(d, d)).astype(str)
    size = est["pupils"].map(size_class).astype(str)
    ep = np.where(est["ep"].isin(["REP", "REP+"]), "EP", "hors EP")
    return pd.Series(
        (density + " · " + size + " · " + ep).to_numpy(), index=est["uai"].to_numpy(), name="group"
    )


def period_values(
    indicators: pd.DataFrame, indicator: str, profile: str = "", months: Iterable[str] | None = None
) -> pd.Series:
    """uai -> the indicator over the months: Σ numerators / Σ denominators (so a month with more
    pupils weighs more), the mean of the monthly values where there is no numerator."""
    rows = indicators[(indicators["indicator"] == indicator) & (indicators["profile"].fillna("") == profile)]
    if months is not None:
        rows = rows[rows["month"].isin(list(months))]
    rows = rows.dropna(subset=["value"])
    if rows.empty:
        return pd.Series(dtype=float, name="value")
    if {"numerator", "denominator"} <= set(rows.columns) and rows["denominator"].notna().all():
        sums = rows.groupby("uai")[["numerator", "denominator"]].sum()
        out = sums["numerator"] / sums["denominator"].where(sums["denominator"] > 0)
    else:
        out = rows.groupby("uai")["value"].mean()
    return out.dropna().rename("value")


def monthly_values(indicators: pd.DataFrame, indicator: str, profile: str = "") -> pd.DataFrame:
    """Collèges × months of the indicator's value."""
    rows = indicators[(indicators["indicator"] == indicator) & (indicators["profile"].fillna("") == profile)]
    if rows.empty:
        return pd.DataFrame()
    return rows.pivot_table(index="uai", columns="month", values="value", aggfunc="mean").sort_index(axis=1)
