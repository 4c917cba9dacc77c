"""A département's own experience sheet, kept by its editors and published by the coordinator
(docs/experiences.md, « Fiches tenues par les départements »).

Every save is a new ``SheetVersion`` (nothing typed is overwritten: the version history is the
list of saves); a version goes from draft to « à relire » when the département submits it, then
the coordinator publishes it or sends it back with a note. The published sheet is the latest
published version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class DepartementSheet(models.Model):
    departement = models.OneToOneField(
        "territories.Departement", on_delete=models.CASCADE, related_name="experience_sheet"
    )
    # The département agrees that its published sheet is open data (``numeduc opendata``, API).
    share_open_data = models.BooleanField("accord pour les données ouvertes", default=False)
    share_open_data_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "fiche d'un département"

    def __str__(self) -> str:
        return f"Fiche {self.departement_id}"

    def published(self) -> SheetVersion | None:
        return self.versions.filter(status=SheetVersion.Status.PUBLISHED).order_by("-number").first()

    def latest(self) -> SheetVersion | None:
        return self.versions.order_by("-number").first()


class SheetVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "brouillon", "brouillon"
        SUBMITTED = "a_relire", "à relire par la coordination"
        PUBLISHED = "publiee", "publiée"
        RETURNED = "renvoyee", "renvoyée au département"

    sheet = models.ForeignKey(DepartementSheet, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    # title, introduction, strategies, themes, history, objectives, projects, figures (forms.py)
    content = models.JSONField(default=dict)
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField("note de la coordination", blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["sheet", "number"], name="one_version_number")]

    def __str__(self) -> str:
        return f"Fiche {self.sheet.departement_id}, version {self.number} ({self.get_status_display()})"

    @property
    def title(self) -> str:
        return str(self.content.get("title", ""))
