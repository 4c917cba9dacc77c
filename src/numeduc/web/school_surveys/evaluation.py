"""The département's joint evaluation group with the académie: the DAN's access (granted and
revoked by the département, recorded), the indicators the group follows with their targets, and
their values year by year — declared from the département's school surveys, measured from its
usage logs (docs/school-surveys.md, « Groupe d'évaluation »)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from numeduc.budget.parameters import to_decimal
from numeduc.formatting import fr_percent
from numeduc.school_surveys.compare import PAIRINGS, declared_share, measured_share, school_year_of_month
from numeduc.usage.calendar import school_year_of
from numeduc.web.accounts.models import Role, User
from numeduc.web.usage_dashboard.labels import PROFILE_LABELS, full_label

from .models import EvaluationAccess, EvaluationGroup, SchoolSurvey, SharedIndicator
from .services import SurveyRefused

log = logging.getLogger(__name__)

SCHOOL_YEAR = re.compile(r"^(20\d\d)-(20\d\d)$")
# Beside the survey pairings' own indicators: whether people connect at all, and the devices.
EXTRA_MEASURED = [
    ("monthly_active_rate", "ELEVE"),
    ("monthly_active_rate", "PARENT"),
    ("monthly_active_rate", "ENSEIGNANT"),
    ("device_activity_rate_30d", ""),
]


@dataclass(frozen=True)
class IndicatorChoice:
    key: str
    label: str
    source: str  # « enquête » | « journaux »
    questionnaire: str = ""
    item: str = ""
    indicator: str = ""
    profile: str = ""


def catalogue() -> dict[str, IndicatorChoice]:
    """Every indicator a group may follow, by key: each survey item paired with the logs (the share
    answering « at least once a month ») and each measured indicator (a monthly share)."""
    choices: dict[str, IndicatorChoice] = {}
    for p in PAIRINGS:
        who = PROFILE_LABELS.get(p.profile, "")
        key = f"declare:{p.questionnaire}:{p.item}"
        choices[key] = IndicatorChoice(
            key,
            f"{p.title} : {who} qui déclarent l'utiliser au moins une fois par mois (enquête)",
            "enquête",
            questionnaire=p.questionnaire,
            item=p.item,
        )
    for indicator, profile in [(p.indicator, p.profile) for p in PAIRINGS] + EXTRA_MEASURED:
        key = f"mesure:{indicator}:{profile}"
        if key not in choices:
            choices[key] = IndicatorChoice(
                key,
                f"{full_label(indicator, profile)} (journaux)",
                "journaux",
                indicator=indicator,
                profile=profile,
            )
    return choices


def group_of(departement) -> EvaluationGroup:
    group, _ = EvaluationGroup.objects.get_or_create(departement=departement)
    return group


def dan_candidates(departement):
    """The DAN accounts of the département's académie: the only ones it may let in."""
    return User.objects.filter(role=Role.DAN, academie_id=departement.academie_id, is_active=True).order_by(
        "email"
    )


def open_accesses(departement):
    return EvaluationAccess.objects.filter(
        group__departement=departement, revoked_at__isnull=True
    ).select_related("user", "granted_by")


def grant_access(departement, dan: User, by: User) -> EvaluationAccess:
    """Let a DAN of the département's académie in; a second grant of an open access is a no-op."""
    if dan.role != Role.DAN or dan.academie_id is None or dan.academie_id != departement.academie_id:
        raise SurveyRefused(
            f"« DAN de l'académie » : seul un délégué académique au numérique de l'académie "
            f"{departement.academie.name_of if departement.academie else ''} peut rejoindre le groupe "
            f"d'évaluation {departement.name_of}."
        )
    group = group_of(departement)
    try:
        with transaction.atomic():
            existing = EvaluationAccess.objects.filter(group=group, user=dan, revoked_at__isnull=True).first()
            if existing:
                return existing
            return EvaluationAccess.objects.create(group=group, user=dan, granted_by=by)
    except IntegrityError:
        # Two editors granting at the same moment: the unique open access is the other one.
        return EvaluationAccess.objects.get(group=group, user=dan, revoked_at__isnull=True)


def revoke_access(access: EvaluationAccess, by: User) -> bool:
    """Close an open access (kept, dated); False if it was already closed."""
    return bool(
        EvaluationAccess.objects.filter(pk=access.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
    )


def parse_target(raw: str) -> Decimal:
    try:
        value = to_decimal((raw or "").strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        raise SurveyRefused(
            "« Cible » : un pourcentage entre 0 et 100 est attendu (par exemple 60 ou 62,5)."
        ) from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise SurveyRefused("« Cible » : un pourcentage entre 0 et 100 est attendu (par exemple 60 ou 62,5).")
    return value.quantize(Decimal("0.1"))


def parse_school_year(raw: str) -> str:
    match = SCHOOL_YEAR.match((raw or "").strip())
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise SurveyRefused(
            "« Année scolaire de la cible » : une année scolaire comme 2025-2026 est attendue."
        )
    return match.group(0)


def add_indicator(departement, key: str, target: str, year: str, by: User) -> SharedIndicator:
    if key not in catalogue():
        raise SurveyRefused("« Indicateur » : choisissez un indicateur de la liste.")
    target_percent, target_year = parse_target(target), parse_school_year(year)
    group = group_of(departement)
    try:
        with transaction.atomic():
            indicator, created = SharedIndicator.objects.get_or_create(
                group=group,
                key=key,
                defaults={"target_percent": target_percent, "target_year": target_year, "added_by": by},
            )
    except IntegrityError:
        indicator, created = SharedIndicator.objects.get(group=group, key=key), False
    if not created:
        # The group changed its mind on the target: the latest agreement holds.
        SharedIndicator.objects.filter(pk=indicator.pk).update(
            target_percent=target_percent, target_year=target_year, added_by=by, added_at=timezone.now()
        )
        indicator.refresh_from_db()
    return indicator


def remove_indicator(departement, pk: int) -> bool:
    return bool(SharedIndicator.objects.filter(group__departement=departement, pk=pk).delete()[0])


@dataclass(frozen=True)
class YearValue:
    school_year: str
    share: float | None
    reached: bool | None  # None when there is no value

    @property
    def text(self) -> str:
        return fr_percent(None if self.share is None else self.share * 100, 0)


def _declared_by_year(departement, choice: IndicatorChoice) -> dict[str, float | None]:
    """The département-level share of each school year's latest survey of the questionnaire."""
    from .data import survey_results

    pairing = next(p for p in PAIRINGS if p.questionnaire == choice.questionnaire and p.item == choice.item)
    out: dict[str, float | None] = {}
    surveys = SchoolSurvey.objects.filter(departement=departement, questionnaire_slug=choice.questionnaire)
    for survey in surveys.order_by("closes_on", "pk"):
        _, cells, _ = survey_results(survey)
        share, _ = declared_share(cells.get(("departement", departement.code, survey.audience)), pairing)
        out[school_year_of(survey.closes_on)] = share
    return out


def _measured_by_year(departement, choice: IndicatorChoice) -> dict[str, float | None]:
    from numeduc.web.usage_dashboard import store

    try:
        data = store.load(departement.code)
    except Exception:  # noqa: BLE001 - a damaged warehouse leaves the row empty, never the page broken
        log.exception("indicateurs d'usage illisibles pour %s", departement.code)
        return {}
    if data is None or data.indicators.empty:
        return {}
    uais = data.indicators["uai"].unique()
    years: dict[str, list[str]] = {}
    for month in data.months:
        years.setdefault(school_year_of_month(month), []).append(month)
    return {
        year: measured_share(data.indicators, uais, months, choice.indicator, choice.profile)
        for year, months in years.items()
    }


def followed_rows(departement) -> tuple[list[dict], list[str]]:
    """The group's indicators with their value per school year and whether the target is met,
    and the school years that have a value for any of them (the table's columns)."""
    choices = catalogue()
    rows: list[dict[str, Any]] = []
    for shared in SharedIndicator.objects.filter(group__departement=departement).select_related("added_by"):
        choice = choices.get(shared.key)
        if choice is None:  # an indicator the catalogue no longer knows: shown, not computed
            rows.append({"shared": shared, "label": shared.key, "source": "", "values": {}})
            continue
        values = (
            _declared_by_year(departement, choice)
            if choice.source == "enquête"
            else _measured_by_year(departement, choice)
        )
        rows.append({"shared": shared, "label": choice.label, "source": choice.source, "values": values})
    years = sorted({year for row in rows for year in row["values"]})
    for row in rows:
        target = float(row["shared"].target_percent) / 100
        row["target"] = fr_percent(
            float(row["shared"].target_percent), 1 if row["shared"].target_percent % 1 else 0
        )
        cells = []
        for year in years:
            share = row["values"].get(year)
            reached = None if share is None or not row["source"] else share >= target
            cells.append(YearValue(year, share, reached))
        row["cells"] = cells
    return rows, years


def current_school_year(today: dt.date | None = None) -> str:
    return school_year_of(today or timezone.localdate())
