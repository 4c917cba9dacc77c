"""The catalogue of resources and applications that proved themselves (docs/resources.md): each
entry, curated by the coordinator and the DAN, and the départements' structured feedback on it
(one per département, updated in place)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from numeduc.web.territories.models import College, Departement


class Resource(models.Model):
    class Kind(models.TextChoices):
        APPLICATION = "application", "Application"
        SERVICE_ENT = "service_ent", "Service de l'ENT"
        RESSOURCE = "ressource", "Ressource pédagogique"
        TYPE_EQUIPEMENT = "type_equipement", "Type d'équipement"
        FORMAT_FORMATION = "format_formation", "Format de formation"
        FORMAT_EVENEMENT = "format_evenement", "Format d'événement"

    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    title = models.CharField("titre", max_length=200)
    description = models.TextField("description")
    cost_model = models.CharField("modèle de coût", max_length=300)
    yearly_cost_per_pupil = models.DecimalField(
        "coût annuel par élève (€)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    url = models.URLField("adresse", blank=True)
    # The module's name as the ENT exports write it in the usage warehouse (``ent_events.module``).
    ent_module = models.CharField("module de l'ENT", max_length=60, blank=True)
    departements = models.ManyToManyField(Departement, blank=True, related_name="catalogue_resources")
    colleges = models.ManyToManyField(College, blank=True, related_name="catalogue_resources")
    # Ids of the action catalogue's actions this resource serves (numeduc.actions): a plan's
    # action of that catalogue id shows the resource (docs/resources.md).
    actions = models.JSONField("actions du catalogue liées", default=list, blank=True)
    published = models.BooleanField("publiée", default=False)
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class Feedback(models.Model):
    class Recommend(models.TextChoices):
        YES = "oui", "Oui"
        RESERVED = "reserves", "Avec réserves"
        NO = "non", "Non"

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="feedbacks")
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="resource_feedbacks")
    purpose = models.CharField("pour quoi faire", max_length=300)
    colleges_count = models.PositiveIntegerField("nombre de collèges")
    what_worked = models.TextField("ce qui a marché")
    what_did_not = models.TextField("ce qui n'a pas marché", blank=True)
    would_recommend = models.CharField("le recommanderiez-vous ?", max_length=10, choices=Recommend.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField("données de démonstration", default=False)

    class Meta:
        ordering = ["departement__code"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "departement"], name="one_feedback_per_departement")
        ]

    def __str__(self) -> str:
        return f"{self.resource} — {self.departement.code}"
