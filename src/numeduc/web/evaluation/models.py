"""A département's declaration of each collège's equipment strategy, and its pilots."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from numeduc.experiences.model import STRATEGIES
from numeduc.web.validators import no_control_characters, no_control_characters_multiline

MAX_TITLE = 120
MAX_DESCRIPTION = 2000
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def valid_month(value: str) -> None:
    if not MONTH.match(value or ""):
        raise ValidationError("Mois attendu sous la forme AAAA-MM, par exemple 2024-11.")


class CollegeStrategy(models.Model):
    """One row per collège (unique): the strategy its département declares, since when."""

    college = models.OneToOneField(
        "territories.College",
        on_delete=models.CASCADE,
        related_name="equipment_strategy",
        verbose_name="collège",
    )
    strategy = models.CharField("stratégie d'équipement", max_length=16, choices=list(STRATEGIES.items()))
    since = models.DateField("depuis", null=True, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    declared_at = models.DateTimeField("déclarée le", default=timezone.now)
    is_demo = models.BooleanField("données de démonstration", default=False)

    class Meta:
        ordering = ["college__name"]
        verbose_name = "stratégie d'équipement d'un collège"

    def __str__(self) -> str:
        return f"{self.college} : {self.strategy}"


class Pilot(models.Model):
    """Some collèges, a start month, what changed, the indicators it should move."""

    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.CASCADE, related_name="pilots"
    )
    title = models.CharField("titre", max_length=MAX_TITLE, validators=[no_control_characters])
    description = models.TextField(
        "ce qui a changé", max_length=MAX_DESCRIPTION, validators=[no_control_characters_multiline]
    )
    start_month = models.CharField("mois de début", max_length=7, validators=[valid_month])
    colleges = models.ManyToManyField(
        "territories.College", related_name="+", verbose_name="collèges pilotes"
    )
    # [[indicator, profile], …] in the usage warehouse's identifiers
    indicators = models.JSONField("indicateurs suivis", default=list)
    action = models.ForeignKey(
        "action_plans.PlannedAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="action du plan",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField("données de démonstration", default=False)

    class Meta:
        ordering = ["-start_month", "-pk"]
        verbose_name = "pilote"

    def __str__(self) -> str:
        return self.title

    def includes_college(self, college_id: int | None) -> bool:
        return college_id is not None and self.colleges.filter(pk=college_id).exists()

    @property
    def indicator_pairs(self) -> list[tuple[str, str]]:
        return [(str(i), str(p or "")) for i, p in self.indicators or []]
