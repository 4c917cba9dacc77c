"""Campaigns, responses, answers and the full history of every change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from numeduc.questionnaires import Questionnaire, load_questionnaire


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "En préparation"
        OPEN = "open", "Ouverte"
        CLOSED = "closed", "Clôturée"

    title = models.CharField("titre", max_length=200)
    questionnaire_slug = models.CharField("questionnaire", max_length=64)
    questionnaire_version = models.CharField("version", max_length=32)
    year = models.PositiveIntegerField("année")
    opens_on = models.DateField("ouverture")
    closes_on = models.DateField("clôture")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    published = models.BooleanField(
        "résultats nationaux publiés",
        default=False,
        help_text="Les agrégats nationaux sont visibles par tous les comptes connectés.",
    )
    is_demo = models.BooleanField("données de démonstration", default=False)
    public = models.BooleanField(
        "campagne publique",
        default=False,
        help_text="Chaque département pourra accepter que ses résultats soient consultables par les autres "
        "départements, une fois la campagne clôturée et publiée. Sans son accord, rien n'est partagé.",
    )
    target_departements = models.ManyToManyField(
        "territories.Departement", blank=True, related_name="campaigns", verbose_name="départements ciblés"
    )
    target_academies = models.ManyToManyField(
        "territories.Academie", blank=True, related_name="campaigns", verbose_name="académies ciblées"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-opens_on", "title"]
        verbose_name = "campagne"

    def __str__(self) -> str:
        return self.title

    @property
    def questionnaire(self) -> Questionnaire:
        return load_questionnaire(self.questionnaire_slug, self.questionnaire_version)

    @property
    def audience(self) -> str:
        return self.questionnaire.audience

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Response(models.Model):
    """One per respondent (département or académie) and campaign."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        SUBMITTED = "submitted", "Transmise"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    academie = models.ForeignKey(
        "territories.Academie", on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The respondent's agreement that other départements read its results when the campaign is
    # public; who changed it and when is in the history (ResponseEvent, field "consent").
    share_consent = models.BooleanField("accord de partage avec les autres départements", default=False)
    share_consent_at = models.DateTimeField(null=True, blank=True)
    share_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "réponse"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "departement"],
                name="one_response_per_departement",
                condition=models.Q(departement__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["campaign", "academie"],
                name="one_response_per_academie",
                condition=models.Q(academie__isnull=False),
            ),
            models.CheckConstraint(
                condition=models.Q(departement__isnull=False) ^ models.Q(academie__isnull=False),
                name="response_has_exactly_one_respondent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.respondent}"

    @property
    def respondent(self):
        return self.departement or self.academie

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def values(self) -> dict[str, object]:
        return {a.item_id: a.value for a in self.answers.all()}

    def comments(self) -> dict[str, str]:
        return {a.item_id: a.comment for a in self.answers.all() if a.comment}


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item_id = models.CharField(max_length=64)
    value = models.JSONField(null=True, blank=True)
    comment = models.TextField("commentaire / justificatif", blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item_id"], name="one_answer_per_item")]

    def __str__(self) -> str:
        return f"Réponse {self.response_id}, question {self.item_id}"


class ResponseEvent(models.Model):
    """One change: an answer's value or comment, or the response's status. Never updated or deleted."""

    class Field(models.TextChoices):
        VALUE = "value", "réponse"
        COMMENT = "comment", "commentaire"
        STATUS = "status", "statut"
        CONSENT = "consent", "accord de partage"

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="events")
    item_id = models.CharField(max_length=64, blank=True)
    field = models.CharField(max_length=8, choices=Field.choices)
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        what = f"{self.get_field_display()} {self.item_id}" if self.item_id else self.get_field_display()
        return f"Réponse {self.response_id} : {what}, le {self.changed_at:%d/%m/%Y %H:%M}"


class Reminder(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Relance de la campagne {self.campaign_id} du {self.sent_at:%d/%m/%Y} ({self.recipients} destinataires)"


class CampaignNotice(models.Model):
    """An account told by e-mail that a campaign awaits it (« Inviter et prévenir les comptes
    existants »): one per account and campaign, so that sending the list twice tells nobody twice."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="one_notice_per_account")]

    def __str__(self) -> str:
        return f"Campagne {self.campaign_id} annoncée au compte {self.user_id} le {self.sent_at:%d/%m/%Y}"
