"""Plans d'actions: one per département and year, its actions, their dated notes and the full
history of every change (docs/action-plans.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from numeduc.actions.model import FACTOR_IDS, HIGHEST_LEVEL, LOWEST_LEVEL

FACTOR_CHOICES = [(factor, factor) for factor in FACTOR_IDS]


class Plan(models.Model):
    """The plan of a département for the school year that starts in September of ``year``.

    ``baseline_campaign`` is the self-diagnosis campaign whose levels the plan starts from; the
    follow-up compares them with the département's levels at the next campaign of the same
    questionnaire. ``share_consent`` is the département's agreement that the other départements
    read the plan (given or withdrawn by its editors, each change in the history)."""

    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.CASCADE, related_name="action_plans"
    )
    year = models.PositiveIntegerField("année scolaire (rentrée)")
    title = models.CharField("titre", max_length=200)
    baseline_campaign = models.ForeignKey(
        "surveys.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="campagne de départ",
    )
    share_consent = models.BooleanField("accord de partage avec les autres départements", default=False)
    share_consent_at = models.DateTimeField(null=True, blank=True)
    share_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Bumped by every write of services.py (an action, a note, the agreement): the cache key of
    # everything computed from the plan.
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["departement__code", "-year"]
        verbose_name = "plan d'actions"
        constraints = [
            models.UniqueConstraint(fields=["departement", "year"], name="one_plan_per_departement_and_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="plan_year_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.departement_id}, {self.year}-{self.year + 1})"

    @property
    def school_year(self) -> str:
        return f"{self.year}-{self.year + 1}"


class UsageProfile(models.TextChoices):
    """The people a usage indicator counts, as the warehouse names them (numeduc.usage.schemas)."""

    ALL = "", "Sans objet (équipements, wifi)"
    PUPILS = "ELEVE", "Élèves"
    PARENTS = "PARENT", "Parents"
    TEACHERS = "ENSEIGNANT", "Enseignants"
    STAFF = "PERSONNEL", "Personnels"


class PlannedAction(models.Model):
    """One action of a plan, made SMART: who, with whom, when, how much, and what should move
    (a factor's level at the next campaign; optionally a usage indicator in named collèges)."""

    class Status(models.TextChoices):
        PLANNED = "prevue", "Prévue"
        IN_PROGRESS = "en_cours", "En cours"
        DONE = "realisee", "Réalisée"
        ABANDONED = "abandonnee", "Abandonnée"

    class Variant(models.TextChoices):
        # An action belongs to its variant and to every larger one: minimal ⊂ médian ⊂ maximal.
        MINIMAL = "minimal", "Minimale"
        MEDIAN = "median", "Médiane"
        MAXIMAL = "maximal", "Maximale"

    class Comparison(models.TextChoices):
        AT_LEAST = "ge", "au moins"
        AT_MOST = "le", "au plus"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    # The id of the catalogue's action it comes from (numeduc/content/actions); blank for an
    # action written by the département itself.
    catalogue_id = models.CharField("action du catalogue", max_length=64, blank=True)
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("description", blank=True)
    factor = models.CharField("facteur visé", max_length=3, choices=FACTOR_CHOICES, blank=True)
    # The factor's level at the plan's baseline campaign, copied when the action is created so
    # that the follow-up compares with what the plan started from even if that answer changes.
    baseline_level = models.PositiveSmallIntegerField("niveau de départ", null=True, blank=True)
    target_level = models.PositiveSmallIntegerField(
        "niveau visé à la prochaine campagne", null=True, blank=True
    )
    owner = models.CharField("responsable", max_length=200)
    partners = models.JSONField("partenaires", default=list, blank=True)
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    investment = models.DecimalField("investissement (€)", max_digits=14, decimal_places=2, default=0)
    running = models.DecimalField("fonctionnement (€ par an)", max_digits=14, decimal_places=2, default=0)
    scenario = models.ForeignKey(
        "planning.Scenario",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="scénario budgétaire",
    )
    usage_indicator = models.CharField("indicateur d'usage", max_length=64, blank=True)
    # Who the indicator counts (the warehouse's profiles: ELEVE, PARENT…); blank for the
    # indicators measured for everyone (devices, wifi) or when the collège has a single profile.
    usage_profile = models.CharField(
        "profil de l'indicateur", max_length=16, choices=UsageProfile.choices, blank=True, default=""
    )
    usage_comparison = models.CharField(
        "sens de la cible", max_length=2, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    usage_target = models.FloatField("cible de l'indicateur", null=True, blank=True)
    usage_colleges = models.ManyToManyField(
        "territories.College", blank=True, related_name="+", verbose_name="collèges de la cible"
    )
    variant = models.CharField("variante", max_length=8, choices=Variant.choices, default=Variant.MEDIAN)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.PLANNED)
    position = models.PositiveIntegerField(default=0)
    # Incremented by every change of the action's fields: a form opened on version n refuses
    # (409) to save over version n + 1 (two tabs, two editors).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = "action planifiée"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_level__isnull=True)
                | models.Q(target_level__gte=LOWEST_LEVEL, target_level__lte=HIGHEST_LEVEL),
                name="planned_target_level_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(baseline_level__isnull=True)
                | models.Q(baseline_level__gte=LOWEST_LEVEL, baseline_level__lte=HIGHEST_LEVEL),
                name="planned_baseline_level_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="planned_dates_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(investment__gte=0, running__gte=0), name="planned_costs_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (plan {self.plan_id})"

    @property
    def yearly_cost(self):
        """Euros per year: the running cost plus the investment spread over the budget engine's
        horizon, as the catalogue's suggestions count it (``numeduc.actions.plans.yearly_cost``)."""
        from numeduc.actions.plans import yearly_cost

        return yearly_cost(self.investment, self.running)


class ActionNote(models.Model):
    """A dated note on an action: the département's follow-up (optionally with the status it set)
    or a comment of the académie's DAN when the DAN is one of the action's partners."""

    class Kind(models.TextChoices):
        NOTE = "note", "Note de suivi"
        COMMENT = "comment", "Commentaire du partenaire"

    action = models.ForeignKey(PlannedAction, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField("texte")
    status = models.CharField(max_length=10, choices=PlannedAction.Status.choices, blank=True)
    noted_on = models.DateField("date")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-noted_on", "-created_at", "-pk"]
        verbose_name = "note de suivi"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} sur l'action {self.action_id} du {self.noted_on:%d/%m/%Y}"


class PlanEvent(models.Model):
    """One change of a plan or of one of its actions. Never updated or deleted: an action that is
    removed keeps its history (``action`` becomes null, ``action_title`` stays)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    action = models.ForeignKey(
        PlannedAction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action_title = models.CharField(max_length=200, blank=True)
    # "created", "deleted", "consent", "note", "comment" or the name of the changed field.
    field = models.CharField(max_length=32)
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"Plan {self.plan_id} : {self.field}, le {self.changed_at:%d/%m/%Y %H:%M}"
