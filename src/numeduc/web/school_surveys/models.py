"""Anonymous surveys of the people of the collèges (docs/school-surveys.md).

A ``SchoolSurvey`` is one questionnaire (one audience: pupils, teachers, parents or staff) opened
by a département for some of its collèges; each collège gets a ``CollegeSurvey`` with its public
link (an unguessable token) and, for a class session, a short code that expires. A
``Submission`` is one anonymous answer: **no account, no name, no IP address, no user agent and
no time of day** — the day only — and a random primary key, so that not even the order of the
rows tells who answered first.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_BYTES = 18  # 24 URL-safe characters: not guessable, short enough for a QR code


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class SchoolSurvey(models.Model):
    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.CASCADE, related_name="school_surveys"
    )
    questionnaire_slug = models.CharField(max_length=64)
    questionnaire_version = models.CharField(max_length=32)
    audience = models.CharField(max_length=16)  # eleve | enseignant | parent | personnel
    title = models.CharField("titre", max_length=200)
    opens_on = models.DateField("ouverture")
    closes_on = models.DateField("clôture")
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opens_on", "pk"]
        verbose_name = "enquête dans les collèges"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="school_survey_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.departement_id})"

    @property
    def questionnaire(self):
        from numeduc.questionnaires import load_questionnaire

        return load_questionnaire(self.questionnaire_slug, self.questionnaire_version)


class CollegeSurvey(models.Model):
    """One collège's link to a survey: what the head of the collège shares and closes."""

    survey = models.ForeignKey(SchoolSurvey, on_delete=models.CASCADE, related_name="colleges")
    college = models.ForeignKey("territories.College", on_delete=models.CASCADE, related_name="surveys")
    token = models.CharField(max_length=40, unique=True, default=new_token)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The code a teacher writes on the board for a class session, valid until ``class_code_until``.
    class_code = models.CharField(max_length=8, null=True, blank=True, unique=True)
    class_code_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "college__name", "college__uai"]
        constraints = [models.UniqueConstraint(fields=["survey", "college"], name="one_link_per_college")]

    def __str__(self) -> str:
        return f"{self.survey.title} — {self.college_id}"

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.closed_at is None and self.survey.opens_on <= today <= self.survey.closes_on


class Submission(models.Model):
    """One anonymous answer. ``nonce`` is the random value of the form it was typed in: the same
    form sent twice (a double tap, a reload) is stored once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    link = models.ForeignKey(CollegeSurvey, on_delete=models.CASCADE, related_name="submissions")
    answered_on = models.DateField()
    nonce = models.CharField(max_length=40)
    answers = models.JSONField(default=dict)  # item id → parsed value
    is_demo = models.BooleanField(default=False)

    class Meta:
        # No ordering by creation: there is no creation time, and the key is random.
        ordering = ["answered_on", "id"]
        constraints = [models.UniqueConstraint(fields=["link", "nonce"], name="one_submission_per_form")]

    def __str__(self) -> str:
        return f"Réponse anonyme du {self.answered_on:%d/%m/%Y}"


class EvaluationGroup(models.Model):
    """The département's joint evaluation group with the académie (the white paper's « co-évaluer
    les usages »): its staff and the DAN the département lets in read the school surveys and the
    usage indicators of its collèges together and follow the indicators they agreed on."""

    departement = models.OneToOneField(
        "territories.Departement", on_delete=models.CASCADE, related_name="evaluation_group"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "groupe d'évaluation"

    def __str__(self) -> str:
        return f"Groupe d'évaluation ({self.departement_id})"


class EvaluationAccess(models.Model):
    """A DAN's access, granted by the département. Never deleted: a revocation is dated, so the
    record says who let whom in, when, and until when."""

    group = models.ForeignKey(EvaluationGroup, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluation_accesses"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"], condition=models.Q(revoked_at__isnull=True), name="one_open_access"
            )
        ]

    def __str__(self) -> str:
        return f"Accès de {self.user_id} au groupe {self.group_id}"


class SharedIndicator(models.Model):
    """An indicator the group agreed to follow, with its target (a share, in %)."""

    group = models.ForeignKey(EvaluationGroup, on_delete=models.CASCADE, related_name="indicators")
    key = models.CharField(max_length=120)  # numeduc.school_surveys.shared: « declare:… » or « mesure:… »
    target_percent = models.DecimalField("cible (%)", max_digits=4, decimal_places=1)
    target_year = models.CharField("année scolaire de la cible", max_length=9)  # « 2025-2026 »
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "key"], name="one_shared_indicator_per_key"),
            models.CheckConstraint(
                condition=models.Q(target_percent__gte=0, target_percent__lte=100),
                name="shared_target_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.target_percent} % en {self.target_year}"
