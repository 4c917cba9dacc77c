"""Success stories (« réussites »): a short dated story a département tells, linked to its sheet,
optionally to an action of its plan and to a measured result (docs/stories.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from numeduc.web.validators import no_control_characters, no_control_characters_multiline

MAX_TITLE = 120
MAX_TEXT = 2000
MAX_RESULT_TEXT = 300


class Story(models.Model):
    """One story. ``result_*`` is the measured result: a usage indicator of the warehouse (its
    id and profile, as the usage pages name them) with a value « before » and « after » stored
    in the warehouse's unit (a rate from 0 to 1) and their months ``YYYY-MM``; or, instead or as
    well, a result in the département's own words (``result_text``).

    ``share_open_data`` is the département's agreement that the story goes into the public Atom
    feed (``/reussites/flux.atom``); without it the story is read by signed-in users only.
    ``version`` is bumped by every change: a form opened on version n refuses (409) to save over
    version n + 1 (two tabs, two editors)."""

    class Status(models.TextChoices):
        DRAFT = "brouillon", "Brouillon"
        PUBLISHED = "publiee", "Publiée"

    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.CASCADE, related_name="stories"
    )
    title = models.CharField("titre", max_length=MAX_TITLE, validators=[no_control_characters])
    told_on = models.DateField("date de la réussite")
    text = models.TextField("récit", max_length=MAX_TEXT, validators=[no_control_characters_multiline])
    action = models.ForeignKey(
        "action_plans.PlannedAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="action du plan",
    )
    result_indicator = models.CharField("indicateur d'usage mesuré", max_length=64, blank=True)
    result_profile = models.CharField("profil de l'indicateur", max_length=16, blank=True, default="")
    result_before = models.FloatField("valeur avant", null=True, blank=True)
    result_before_month = models.CharField("mois de la valeur avant", max_length=7, blank=True)
    result_after = models.FloatField("valeur après", null=True, blank=True)
    result_after_month = models.CharField("mois de la valeur après", max_length=7, blank=True)
    result_text = models.CharField(
        "résultat en quelques mots",
        max_length=MAX_RESULT_TEXT,
        blank=True,
        validators=[no_control_characters],
    )
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.DRAFT)
    share_open_data = models.BooleanField("publiée aussi en données ouvertes (flux public)", default=False)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    is_demo = models.BooleanField("données de démonstration", default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-published_at", "-told_on", "-pk"]
        verbose_name = "réussite"
        indexes = [models.Index(fields=["status", "-published_at"], name="story_published_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="brouillon") | models.Q(published_at__isnull=False),
                name="story_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.departement_id})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def has_measure(self) -> bool:
        return bool(self.result_indicator)

    def clean(self) -> None:
        """The action must be one of the département's own plans."""
        action = self.action if self.action_id is not None else None
        if action is not None and action.plan.departement_id != self.departement_id:
            raise ValidationError(
                {"action": "« Action du plan » : cette action n'est pas dans un plan de ce département."}
            )
