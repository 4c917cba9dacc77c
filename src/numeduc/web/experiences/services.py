"""Writes of the départements' sheets: save (a new version, never an overwrite), submit for
review, publish or send back (the coordinator), the open-data consent. Every refusal is a
``SheetRefused`` with a French message."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from .models import DepartementSheet, SheetVersion

SAVE_ATTEMPTS = 5


class SheetRefused(ValueError):
    """A write refused, with the French message to show."""


def sheet_of(departement) -> DepartementSheet:
    try:
        with transaction.atomic():
            sheet, _ = DepartementSheet.objects.get_or_create(departement=departement)
    except IntegrityError:  # two first saves at once: the other one created it
        sheet = DepartementSheet.objects.get(departement=departement)
    return sheet


def save_version(departement, content: dict, user, *, is_demo: bool = False) -> SheetVersion:
    """A new draft version with ``content``; its number is the next one (two editors saving at the
    same moment both get theirs: the unique number is retried, nothing typed is lost)."""
    sheet = sheet_of(departement)
    for _ in range(SAVE_ATTEMPTS):
        number = (sheet.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                return SheetVersion.objects.create(
                    sheet=sheet, number=number, content=content, created_by=user, is_demo=is_demo
                )
        except IntegrityError:
            continue
    raise SheetRefused(
        "Enregistrement impossible pour l'instant : d'autres versions arrivent en même temps. Réessayez."
    )


def submit(version: SheetVersion) -> bool:
    """Ask the coordinator to review this version; False if it is not a draft or sent back."""
    return bool(
        SheetVersion.objects.filter(
            pk=version.pk, status__in=[SheetVersion.Status.DRAFT, SheetVersion.Status.RETURNED]
        ).update(status=SheetVersion.Status.SUBMITTED)
    )


def review(version: SheetVersion, user, *, publish: bool, note: str = "") -> bool:
    """Publish a submitted version, or send it back with a note; False if it is not waiting."""
    note = (note or "").strip()
    if not publish and not note:
        raise SheetRefused("« Note pour le département » : dites ce qu'il faut revoir avant publication.")
    status = SheetVersion.Status.PUBLISHED if publish else SheetVersion.Status.RETURNED
    return bool(
        SheetVersion.objects.filter(pk=version.pk, status=SheetVersion.Status.SUBMITTED).update(
            status=status, reviewed_by=user, reviewed_at=timezone.now(), review_note=note
        )
    )


def set_open_data(departement, consent: bool) -> DepartementSheet:
    sheet = sheet_of(departement)
    DepartementSheet.objects.filter(pk=sheet.pk).update(
        share_open_data=consent, share_open_data_at=timezone.now() if consent else None
    )
    sheet.refresh_from_db()
    return sheet
