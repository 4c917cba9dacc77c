"""Follow-up of a département's action plan: pure core, plain dataclasses, no Django.

Three views:

* ``FactorFollowUp``: for one action, how the level of its factor moved between the campaign the
  plan was made at and the next campaign, and whether the target level is reached;
* ``UsageFollowUp``: for one usage indicator measured from the logs of the named collèges over a
  period, whether the target is reached in each collège and overall;
* ``national_overview``: for the coordinator, per catalogue action, how many départements
  planned and completed it and how the factor moved for them compared with the others, with
  every figure over fewer than ``MIN_GROUP`` départements hidden (docs/visibility.md).

A change seen after an action does not prove the action caused it: pages show ``CAVEAT`` once,
next to the sentences, instead of repeating it in each sentence.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from numeduc.actions.model import FACTOR_IDS, HIGHEST_LEVEL, LOWEST_LEVEL
from numeduc.analysis.profile import MIN_GROUP
from numeduc.formatting import fr_date, fr_number

CAVEAT = "Une évolution ne prouve pas que l'action en est la cause : d'autres changements ont pu jouer."
DIRECTIONS = ("hausse", "stable", "baisse", "inconnu")
COMPARISONS = {"ge": "au moins", "le": "au plus"}
COMPLETED_STATUS = "realisee"
HIDDEN_REASON = f"moins de {MIN_GROUP} départements"

_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")


def _check_level(name: str, level: int | None) -> None:
    if level is None:
        return
    if isinstance(level, bool) or not isinstance(level, int):
        raise ValueError(f"{name} : niveau entier attendu, {level!r} trouvé")
    if not LOWEST_LEVEL <= level <= HIGHEST_LEVEL:
        raise ValueError(f"{name} : niveau entre {LOWEST_LEVEL} et {HIGHEST_LEVEL} attendu, {level} trouvé")


def _level_text(level: int | None) -> str:
    return "inconnu" if level is None else str(level)


@dataclass(frozen=True)
class FactorFollowUp:
    """Level of one action's factor at the plan's campaign (``baseline_level``) and at the next
    campaign (``level_now``, ``None`` while the département has not answered it)."""

    factor: str
    baseline_level: int | None
    target_level: int | None
    level_now: int | None

    def __post_init__(self) -> None:
        if self.factor not in FACTOR_IDS:
            raise ValueError(f"facteur inconnu : {self.factor!r} (f01 à f13 attendu)")
        _check_level("niveau de départ", self.baseline_level)
        _check_level("niveau cible", self.target_level)
        _check_level("niveau actuel", self.level_now)

    @property
    def change(self) -> int | None:
        if self.level_now is None or self.baseline_level is None:
            return None
        return self.level_now - self.baseline_level

    @property
    def direction(self) -> str:
        change = self.change
        if change is None:
            return "inconnu"
        if change > 0:
            return "hausse"
        if change < 0:
            return "baisse"
        return "stable"

    @property
    def target_met(self) -> bool | None:
        if self.level_now is None or self.target_level is None:
            return None
        return self.level_now >= self.target_level

    @property
    def sentence(self) -> str:
        start = f"Facteur {self.factor} : "
        if self.level_now is None:
            return (
                f"{start}niveau {_level_text(self.baseline_level)} à la campagne du plan, "
                "pas encore de réponse à la campagne suivante."
            )
        levels = f"niveau {_level_text(self.baseline_level)} → {self.level_now} à la campagne suivante"
        if self.target_level is None:
            target = "sans cible"
        elif self.target_met:
            target = f"cible {self.target_level} atteinte"
        else:
            target = f"cible {self.target_level} pas encore atteinte"
        return f"{start}{levels}, {target}."


def _finite(value: object) -> float | None:
    """A measured value, or ``None`` for no data (missing, NaN, infinite or not a number)."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _plain_number(value: float) -> str:
    """French number with as few decimals as needed (up to 3): ``0.6`` → ``0,6``, ``12.0`` → ``12``."""
    for decimals in range(4):
        if abs(round(value, decimals) - value) < 1e-9:
            return fr_number(value, decimals)
    return fr_number(value, 3)


def _month(text: str) -> dt.date:
    match = _MONTH.match(text)
    if match is None:
        raise ValueError(f"mois au format AAAA-MM attendu, {text!r} trouvé")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def _month_text(month: dt.date) -> str:
    # fr_date gives « 1er septembre 2024 »; the month is what is left after the day.
    return fr_date(month).split(" ", 1)[1]


@dataclass(frozen=True)
class CollegeUsage:
    """One named collège: its measured value (``None``: no logs) and whether it meets the target."""

    uai: str
    value: float | None
    met: bool | None


@dataclass(frozen=True)
class UsageFollowUp:
    """A usage indicator's target (``comparison`` "ge": at least, "le": at most) checked in each
    named collège over the months ``first_month`` … ``last_month`` ("2024-09")."""

    indicator: str
    comparison: str
    target: float
    values: Mapping[str, float | None]
    first_month: str
    last_month: str
    colleges: tuple[str, ...]
    # How the target reads in the indicator's unit (« 60 % »); the raw number when not given.
    target_text: str = ""
    per_college: tuple[CollegeUsage, ...] = field(init=False)

    def __post_init__(self) -> None:
        if self.comparison not in COMPARISONS:
            raise ValueError(f"comparaison « ge » ou « le » attendue, {self.comparison!r} trouvée")
        if _finite(self.target) is None:
            raise ValueError(f"cible numérique finie attendue, {self.target!r} trouvée")
        if _month(self.first_month) > _month(self.last_month):
            raise ValueError(f"période inversée : {self.first_month} est après {self.last_month}")
        uais = tuple(dict.fromkeys(self.colleges))
        object.__setattr__(self, "colleges", uais)
        rows = []
        for uai in uais:
            value = _finite(self.values.get(uai))
            rows.append(CollegeUsage(uai, value, None if value is None else self._meets(value)))
        object.__setattr__(self, "per_college", tuple(rows))

    def _meets(self, value: float) -> bool:
        if self.comparison == "ge":
            return value >= self.target
        return value <= self.target

    @property
    def college_count(self) -> int:
        return len(self.per_college)

    @property
    def with_data_count(self) -> int:
        return sum(1 for row in self.per_college if row.value is not None)

    @property
    def without_data_count(self) -> int:
        return self.college_count - self.with_data_count

    @property
    def met_count(self) -> int:
        return sum(1 for row in self.per_college if row.met)

    @property
    def met(self) -> bool | None:
        """True if every named collège with logs meets the target; None when none has logs."""
        if self.with_data_count == 0:
            return None
        return self.met_count == self.with_data_count

    @property
    def value(self) -> float | None:
        """Mean of the measured values over the collèges with logs."""
        measured = [row.value for row in self.per_college if row.value is not None]
        if not measured:
            return None
        return math.fsum(measured) / len(measured)

    @property
    def period_text(self) -> str:
        first = _month_text(_month(self.first_month))
        if self.first_month == self.last_month:
            return first
        return f"{first} – {_month_text(_month(self.last_month))}"

    @property
    def sentence(self) -> str:
        target = f"{COMPARISONS[self.comparison]} {self.target_text or _plain_number(self.target)}"
        period = self.period_text
        total = self.college_count
        if total == 0:
            return f"Aucun collège nommé pour la cible ({target}) sur {period}."
        if self.with_data_count == 0:
            noun = "du collège" if total == 1 else f"des {total} collèges"
            return f"Aucun journal {noun} sur {period} : cible ({target}) non vérifiable."
        met = self.met_count
        college = "collège" if met <= 1 else "collèges"
        verb = "atteint" if met <= 1 else "atteignent"
        text = f"{met} {college} sur {total} {verb} la cible ({target}) sur {period}"
        if self.without_data_count:
            text += f" ; {self.without_data_count} sans journaux"
        return text + "."


@dataclass(frozen=True)
class PlannedActionRecord:
    """One catalogue action in one département's plan, with the level change of one of its
    factors between the plan's campaign and the next (``None``: unknown)."""

    departement: str
    catalogue_id: str
    status: str
    factor: str
    change: float | None


@dataclass(frozen=True)
class ActionOverview:
    """National figures for one catalogue action and one of its factors; a figure over fewer than
    ``MIN_GROUP`` départements is ``None``, with ``hidden`` set and ``reason`` saying why."""

    catalogue_id: str
    factor: str
    planned: int | None
    completed: int | None
    mean_change_completed: float | None
    mean_change_others: float | None
    difference: float | None
    hidden: bool
    reason: str | None


def _shown_count(count: int) -> int | None:
    return count if count >= MIN_GROUP else None


def _shown_mean(values: list[float]) -> float | None:
    if len(values) < MIN_GROUP:
        return None
    return math.fsum(sorted(values)) / len(values)


def national_overview(
    rows: Iterable[PlannedActionRecord],
    peers_change: Mapping[str, Mapping[str, float | None]],
) -> list[ActionOverview]:
    """Per (catalogue action, factor): départements that planned it, that completed it (status
    "realisee"), mean factor change among those that completed it and among all the other
    départements (from ``peers_change``: factor → département → change), and the difference.

    Sorted by planned count, highest first, then by id and factor; a hidden planned count sorts
    as 0 so that the order does not tell hidden counts apart.
    """
    planned: dict[tuple[str, str], set[str]] = {}
    completed: dict[tuple[str, str], dict[str, float | None]] = {}
    for row in rows:
        key = (row.catalogue_id, row.factor)
        planned.setdefault(key, set()).add(row.departement)
        done = completed.setdefault(key, {})
        if row.status == COMPLETED_STATUS:
            change = _finite(row.change)
            if done.get(row.departement) is None:
                done[row.departement] = change

    result = []
    for key in sorted(planned):
        catalogue_id, factor = key
        done = completed[key]
        done_changes = [change for change in done.values() if change is not None]
        peers = peers_change.get(factor, {})
        other_changes = [
            change
            for departement, value in sorted(peers.items())
            if departement not in done and (change := _finite(value)) is not None
        ]
        planned_shown = _shown_count(len(planned[key]))
        completed_shown = _shown_count(len(done))
        mean_done = _shown_mean(done_changes)
        mean_others = _shown_mean(other_changes)
        difference = None if mean_done is None or mean_others is None else mean_done - mean_others
        hidden = None in (planned_shown, completed_shown, mean_done, mean_others)
        result.append(
            ActionOverview(
                catalogue_id=catalogue_id,
                factor=factor,
                planned=planned_shown,
                completed=completed_shown,
                mean_change_completed=mean_done,
                mean_change_others=mean_others,
                difference=difference,
                hidden=hidden,
                reason=HIDDEN_REASON if hidden else None,
            )
        )
    result.sort(key=lambda item: (-(item.planned or 0), item.catalogue_id, item.factor))
    return result
