"""Declared (a school survey) beside measured (the usage logs), for the same collèges and the same
months. Pure: the cell summaries of ``rollup.summarise`` and the long indicator frame of
``numeduc.usage.indicators.compute_indicators`` in, ``Comparison`` rows out.

The paper's distinction between *utilisation* (how often) and *usage* (what for) is what makes
the pairing possible: a survey item asks how often someone goes to one ENT service for one
purpose, and the warehouse's ``service_reach_<category>`` counts, per month, the people of a
profile whose logs show that service category. The declared side counts the answers « at least
once a month » (the reach is a monthly measure); the measured side sums the numerators and
denominators of the same collèges over the survey's months, so that a big collège weighs as
many pupils as it has (a mean of collège rates would not).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from numeduc.school_surveys.rollup import CellSummary, DeclaredMeasured
from numeduc.usage.calendar import school_year_of

# Answers to a « how often » item that mean « at least once a month ».
AT_LEAST_MONTHLY = ("mensuel", "hebdomadaire", "quotidien")


@dataclass(frozen=True)
class Pairing:
    """One survey item and the indicator that measures the same thing in the logs."""

    questionnaire: str  # slug
    item: str
    yes_values: tuple[str, ...]
    indicator: str
    profile: str  # the warehouse's profile: ELEVE, PARENT, ENSEIGNANT, PERSONNEL
    title: str  # what is compared, in plain words
    declared_label: str  # follows a percentage: « 62 % disent … »
    measured_label: str  # follows a percentage: « 41 % … »


def _ent(questionnaire, item, category, profile, title, who, purpose) -> Pairing:
    return Pairing(
        questionnaire,
        item,
        AT_LEAST_MONTHLY,
        f"service_reach_{category}",
        profile,
        title,
        f"disent aller sur l'ENT {purpose} au moins une fois par mois",
        f"des {who} ont ouvert ce service dans le mois",
    )


# (questionnaire, item, service category, profile, title, who, purpose)
_ENT_ITEMS = [
    ("college-eleves", "ent_notes", "notes_competences", "ELEVE", "Notes en ligne", "élèves", "pour voir leurs notes"),
    ("college-eleves", "ent_devoirs", "cahier_de_textes", "ELEVE", "Devoirs (cahier de textes)", "élèves",
     "pour voir leurs devoirs"),
    ("college-eleves", "ent_messages", "messagerie", "ELEVE", "Messagerie", "élèves", "pour leurs messages"),
    ("college-eleves", "ent_ressources", "ressources", "ELEVE", "Ressources (exercices, manuels, vidéos)",
     "élèves", "pour des ressources"),
    ("college-parents", "ent_notes", "notes_competences", "PARENT", "Notes en ligne", "parents",
     "pour voir les notes"),
    ("college-parents", "ent_devoirs", "cahier_de_textes", "PARENT", "Devoirs (cahier de textes)", "parents",
     "pour voir les devoirs"),
    ("college-parents", "ent_messages", "messagerie", "PARENT", "Messagerie", "parents", "pour leurs messages"),
    ("college-parents", "ent_absences", "absences_vie_scolaire", "PARENT", "Absences et vie scolaire", "parents",
     "pour les absences"),
    ("college-enseignants", "usage_communication_familles", "messagerie", "ENSEIGNANT",
     "Communication avec les familles", "enseignants", "pour communiquer avec les familles"),
]  # fmt: skip
PAIRINGS: tuple[Pairing, ...] = tuple(_ent(*row) for row in _ENT_ITEMS)


def pairings_for(questionnaire: str) -> tuple[Pairing, ...]:
    return tuple(p for p in PAIRINGS if p.questionnaire == questionnaire)


def survey_months(opens_on: dt.date, closes_on: dt.date) -> list[str]:
    """The months (``YYYY-MM``) a survey was open in: the logs of these months are its period."""
    if closes_on < opens_on:
        raise ValueError("la clôture précède l'ouverture")
    months, year, month = [], opens_on.year, opens_on.month
    while (year, month) <= (closes_on.year, closes_on.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def school_year_of_month(month: str) -> str:
    """« 2024-2025 » for ``2024-11`` (the usage calendar's rule: the year turns in August)."""
    year, number = (int(part) for part in month.split("-"))
    return school_year_of(dt.date(year, number, 1))


def measured_share(
    indicators: pd.DataFrame, uais: Iterable[str], months: Sequence[str], indicator: str, profile: str
) -> float | None:
    """Σ numerators / Σ denominators of ``indicator`` for ``profile`` over these collèges and
    months; None when the logs hold none of them (or only empty populations)."""
    wanted = set(uais)
    if indicators.empty or not wanted:
        return None
    rows = indicators[
        (indicators["indicator"] == indicator)
        & (indicators["profile"] == profile)
        & indicators["month"].isin(list(months))
        & indicators["uai"].isin(wanted)
    ]
    denominator = float(pd.to_numeric(rows["denominator"], errors="coerce").fillna(0).sum())
    if denominator <= 0:
        return None
    return float(pd.to_numeric(rows["numerator"], errors="coerce").fillna(0).sum()) / denominator


@dataclass(frozen=True)
class Comparison:
    pairing: Pairing
    answered: int  # people of the cell who answered the item (0 when hidden)
    result: DeclaredMeasured


def declared_share(summary: CellSummary | None, pairing: Pairing) -> tuple[float | None, int]:
    """The share of the cell answering one of the pairing's ``yes_values``, and how many answered
    the item; (None, 0) when the cell or the item may not be shown."""
    if summary is None or not summary.shown:
        return None, 0
    item = summary.items.get(pairing.item)
    if item is None or item.counts is None or item.answered == 0:
        return None, 0
    return sum(item.counts.get(v, 0) for v in pairing.yes_values) / item.answered, item.answered


def compare(
    summary: CellSummary | None,
    questionnaire: str,
    indicators: pd.DataFrame,
    uais: Iterable[str],
    months: Sequence[str],
) -> list[Comparison]:
    """Every pairing of the questionnaire for one cell (a collège, or a roll-up whose collèges
    are ``uais``): the declared share if the cell may be shown, the measured one if the logs
    cover these collèges in these months."""
    uais = list(uais)
    rows = []
    for pairing in pairings_for(questionnaire):
        declared, answered = declared_share(summary, pairing)
        measured = measured_share(indicators, uais, months, pairing.indicator, pairing.profile)
        rows.append(
            Comparison(
                pairing,
                answered,
                DeclaredMeasured(declared, measured, pairing.declared_label, pairing.measured_label),
            )
        )
    return rows


def gaps_by_college(
    summaries: Mapping[tuple[str, str, str], CellSummary],
    questionnaire: str,
    audience: str,
    indicators: pd.DataFrame,
    months: Sequence[str],
) -> dict[str, list[Comparison]]:
    """``compare`` for every collège cell of the audience, by UAI."""
    return {
        key: compare(summary, questionnaire, indicators, [key], months)
        for (level, key, aud), summary in sorted(summaries.items())
        if level == "college" and aud == audience
    }
