"""What the results page's template receives besides the profile: the radar's series and the
table of the indicators that define the peer group; the profile table of the CSV export (its
columns and rows). No request, no query."""

from __future__ import annotations

import pandas as pd

from numeduc import names, reference
from numeduc.actions import PARTNERS, Situation, load_catalogue, suggest
from numeduc.analysis.peers import PeerGroups, summary_words
from numeduc.analysis.profile import Profile
from numeduc.charts import Series
from numeduc.exports import Column, Table
from numeduc.formatting import fr_number


def radar_series(profile: Profile, departement_name: str) -> list[Series]:
    """The département, then the national and peer medians, each legend saying how many answered
    (the peer group's legend also says out of how many départements)."""
    series = [Series(departement_name, [r.level for r in profile.factors], "primary")]
    if profile.national:
        series.append(
            Series(
                f"Médiane nationale ({profile.national.n} départements)",
                [r.national_median for r in profile.factors],
                "reference",
            )
        )
    if profile.peers:
        series.append(
            Series(
                f"Médiane des départements comparables : {profile.peers.answered_words}",
                [r.peer_median for r in profile.factors],
                "secondary",
            )
        )
    return series


def indicator_rows(values: dict[str, float | None], peers: PeerGroups, own_group) -> list[dict]:
    """One row per INSEE indicator: the département's value (``values``: indicator -> value), the
    median and range of its peer group, and the national median and range. Medians, not means:
    Paris and the petite couronne would pull a group's mean density far above any of its
    other members."""
    rows = []
    for column in reference.PEER_INDICATORS:
        label, unit, source = reference.INDICATOR_LABELS[column]
        value = values.get(column)
        group = peers.group_summaries.get(own_group, {}) if own_group is not None else {}
        rows.append(
            {
                "label": label,
                "unit": unit,
                "value": fr_number(value, 1) if value is not None else "non disponible",
                "group": summary_words(group.get(column)) if own_group is not None else "—",
                "national": summary_words(peers.national_summary.get(column)),
                "source": source,
            }
        )
    return rows


# -- the CSV export ----------------------------------------------------------------------------

LEVEL = "niveau de 1 à 4"

RESULTS_TABLE = Table(
    "self-diagnosis-results",
    "Résultats de l'autodiagnostic d'un département",
    "un facteur de réussite du questionnaire",
    (
        Column("departement", "Code du département"),
        Column("campaign_year", "Campagne", "integer", "année"),
        Column("factor", "Numéro du facteur", "integer"),
        Column("label", "Facteur"),
        Column("level", "Niveau du département", "number", LEVEL, "niveau de maturité déclaré"),
        Column(
            "national_median",
            "Médiane nationale",
            "number",
            LEVEL,
            "niveau du milieu parmi les départements qui ont répondu (vide sous 5 réponses)",
        ),
        Column("national_respondents", "Départements répondants", "integer", "départements"),
        Column(
            "peer_median",
            "Médiane des départements comparables",
            "number",
            LEVEL,
            "parmi les départements semblables par leurs indicateurs de l'Insee",
        ),
        Column("peer_respondents", "Départements comparables répondants", "integer", "départements"),
        Column("previous_level", "Niveau à la campagne précédente", "number", LEVEL),
    ),
)


def results_frame(code: str, year: int, profile: Profile) -> pd.DataFrame:
    """One row per factor of ``profile`` (:data:`RESULTS_TABLE`)."""
    national = profile.national.n if profile.national else None
    peers = profile.peers.n if profile.peers else None
    rows = [
        {
            "departement": code,
            "campaign_year": year,
            "factor": r.factor,
            "label": r.label,
            "level": r.level,
            "national_median": r.national_median,
            "national_respondents": national,
            "peer_median": r.peer_median,
            "peer_respondents": peers,
            "previous_level": r.previous_level,
        }
        for r in profile.factors
    ]
    return pd.DataFrame(rows, columns=[c.name for c in RESULTS_TABLE.declared])


def next_steps(profile: Profile, own_code: str, *, limit: int = 3) -> list[dict]:
    """« Que faire maintenant ? »: the first actions of the catalogue that numeduc.actions.suggest
    ranks for this profile (gap to the peers' and the national medians, prerequisites first), each
    with its reason, how to start, partners, source and the départements whose white-paper sheet
    shows it done (the page's own département left out)."""
    suggestions = suggest(load_catalogue(), Situation.from_factor_results(profile.factors), limit=limit)
    steps = []
    for s in suggestions:
        sheets = [ref.departement for ref in s.action.source.sheets if ref.departement != own_code]
        steps.append(
            {
                "title": s.action.title,
                "family": s.action.family_label,
                "reason": s.reason,
                "how": s.action.how,
                "partners": [PARTNERS.get(p, p) for p in s.action.partners],
                "source": s.action.source.describe(),
                "sheets": [f"{names.departement_name(code).name} ({code})" for code in dict.fromkeys(sheets)],
                "prerequisite": bool(s.prerequisite_of),
            }
        )
    return steps
