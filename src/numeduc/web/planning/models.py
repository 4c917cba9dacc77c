"""Budget scenarios of a département: a base preset of ``numeduc.budget`` plus overrides."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from numeduc import budget


class Scenario(models.Model):
    """A département's budget scenario.

    ``parameters`` holds only the values that differ from the base preset (name -> decimal
    string, exact); everything else comes from the preset, so that a preset fix reaches the
    scenarios that did not change that value.  ``scope`` says whether the scenario is one
    typical collège (the preset's pupils) or every public collège of the département with its
    real number of pupils.
    """

    class Scope(models.TextChoices):
        COLLEGE = "college", "Un collège type (effectif du préréglage)"
        DEPARTEMENT = "departement", "Tous les collèges publics du département (effectifs réels)"

    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.CASCADE, related_name="budget_scenarios"
    )
    name = models.CharField("nom du scénario", max_length=120)
    base_preset = models.CharField("préréglage de départ", max_length=64, default="livre-blanc-2017")
    scope = models.CharField("périmètre", max_length=12, choices=Scope.choices, default=Scope.COLLEGE)
    strategy = models.CharField(
        "stratégie d'équipement", max_length=16, choices=list(budget.STRATEGIES.items())
    )
    mode = models.CharField(
        "mode de calcul", max_length=12, choices=list(budget.MODES.items()), default="annualised"
    )
    horizon = models.PositiveSmallIntegerField("horizon (années)", default=5)
    support = models.CharField(
        "support technique", max_length=12, choices=list(budget.SUPPORT_MODES.items()), default="none"
    )
    state_cofunding = models.BooleanField("cofinancement de l'État (EIM)", default=False)
    indirect_costs = models.BooleanField("coûts indirects", default=False)
    cohorts = models.PositiveSmallIntegerField("cohortes d'équipement", default=1)
    scale_equipment = models.BooleanField("équipement proportionnel à l'effectif", default=False)
    current_mbps = models.FloatField("débit internet actuel par collège (Mbit/s)", null=True, blank=True)
    parameters = models.JSONField("paramètres modifiés", default=dict, blank=True)
    description = models.TextField("notes", blank=True)
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["departement__code", "-updated_at", "pk"]
        verbose_name = "scénario budgétaire"

    def __str__(self) -> str:
        return f"{self.name} ({self.departement.code})"

    @property
    def is_departement_scope(self) -> bool:
        return self.scope == self.Scope.DEPARTEMENT

    def engine_dict(self) -> dict:
        """The dict ``numeduc.budget.scenario_from_dict`` reads (the engine validates it)."""
        return {
            "name": f"scenario-{self.pk or 'nouveau'}",
            "label": self.name,
            "base": self.base_preset,
            "strategy": self.strategy,
            "mode": self.mode,
            "horizon": self.horizon,
            "support": self.support,
            "state_cofunding": self.state_cofunding,
            "indirect_costs": self.indirect_costs,
            "cohorts": self.cohorts,
            # Not dict(...): a value written around the form (a list, a number) must reach the
            # engine as it is, to be refused with a French message rather than a TypeError here.
            "parameters": dict(self.parameters)
            if isinstance(self.parameters, dict)
            else (self.parameters or {}),
        }

    def to_engine(self) -> budget.Scenario:
        return budget.scenario_from_dict(self.engine_dict(), source=f"scénario « {self.name} »")
