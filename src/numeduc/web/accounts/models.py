"""Users, their role and the territory their role applies to; invitations."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordination nationale"
    DEPARTEMENT_EDITOR = "departement-editor", "Département (saisie)"
    DEPARTEMENT_VIEWER = "departement-viewer", "Département (lecture)"
    DAN = "dan", "Délégation académique au numérique (DAN)"
    SCHOOL = "school", "Chef d'établissement (collège)"


class NumeducUserManager(UserManager):
    def create_user(self, email, password=None, **extra):
        extra.setdefault("username", email)
        return super().create_user(extra.pop("username"), email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("username", email)
        extra.setdefault("role", Role.COORDINATOR)
        return super().create_superuser(extra.pop("username"), email, password, **extra)


class User(AbstractUser):
    """A person; signs in with their e-mail address."""

    email = models.EmailField("adresse e-mail", unique=True)
    role = models.CharField("rôle", max_length=24, choices=Role.choices)
    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    academie = models.ForeignKey(
        "territories.Academie", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    college = models.ForeignKey(
        "territories.College", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["username"]
    objects = NumeducUserManager()

    class Meta:
        verbose_name = "utilisateur"

    def __str__(self) -> str:
        return self.email

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def scope_label(self) -> str:
        if self.departement_id:
            return str(self.departement)
        if self.academie_id:
            return str(self.academie)
        if self.college_id:
            return str(self.college)
        return "national"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A single-use, expiring link that lets a person choose their password.

    Only a hash of the token is stored: a database leak does not leak usable links.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Invitation de {self.user} du {self.created_at:%d/%m/%Y}"

    @classmethod
    def issue(cls, user, *, created_by=None, days: int | None = None) -> tuple[Invitation, str]:
        token = secrets.token_urlsafe(32)
        days = days if days is not None else settings.INVITATION_VALIDITY_DAYS
        invitation = cls.objects.create(
            user=user,
            token_hash=_hash_token(token),
            expires_at=timezone.now() + timezone.timedelta(days=days),
            created_by=created_by,
        )
        return invitation, token

    @classmethod
    def find(cls, token: str) -> Invitation | None:
        return cls.objects.select_related("user").filter(token_hash=_hash_token(token)).first()

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and timezone.now() < self.expires_at


class ApiToken(models.Model):
    """A personal token for the REST API (scripts, notebooks). Only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("nom", max_length=80)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Jeton « {self.name} » de {self.user} du {self.created_at:%d/%m/%Y}"

    @classmethod
    def issue(cls, user, name: str) -> tuple[ApiToken, str]:
        token = "nde_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, token_hash=_hash_token(token)), token

    @classmethod
    def authenticate(cls, token: str):
        found = (
            cls.objects.select_related("user")
            .filter(token_hash=_hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        cls.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found.user
