"""Creating accounts (CLI and coordinator pages share this)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction

from numeduc.web.territories.models import Academie, College, Departement

from .models import Invitation, Role, User


class AccountError(ValueError):
    """A French message saying what is wrong with the requested account."""


def _scope(role: str, departement: str | None, academie: str | None, uai: str | None) -> dict:
    scope: dict = {"departement": None, "academie": None, "college": None}
    if role in (Role.DEPARTEMENT_EDITOR, Role.DEPARTEMENT_VIEWER):
        if not departement:
            raise AccountError(f"Le rôle {role} exige --departement CODE.")
        scope["departement"] = Departement.objects.filter(code=departement).first()
        if scope["departement"] is None:
            raise AccountError(f"Département inconnu : {departement!r} (codes « 01 » à « 976 »).")
    elif role == Role.DAN:
        if not academie:
            raise AccountError("Le rôle dan exige --academie CODE.")
        scope["academie"] = Academie.objects.filter(code=academie).first()
        if scope["academie"] is None:
            raise AccountError(f"Académie inconnue : {academie!r}.")
    elif role == Role.SCHOOL:
        if not uai:
            raise AccountError("Le rôle school exige --uai UAI.")
        scope["college"] = College.objects.filter(uai=uai.upper()).first()
        if scope["college"] is None:
            raise AccountError(f"Collège inconnu : UAI {uai!r}.")
    return scope


@transaction.atomic
def create_user(
    email: str,
    role: str,
    *,
    departement: str | None = None,
    academie: str | None = None,
    uai: str | None = None,
    password: str | None = None,
    created_by=None,
    base_url: str = "http://127.0.0.1:8000",
) -> tuple[User, str | None]:
    """Create an account; with no password, e-mail an invitation link and return it."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise AccountError(f"Adresse e-mail invalide : {email!r}.") from exc
    if role not in Role.values:
        raise AccountError(f"Rôle inconnu : {role!r}. Rôles possibles : {', '.join(Role.values)}.")
    if User.objects.filter(email=email).exists():
        raise AccountError(f"Un compte existe déjà pour {email}.")
    scope = _scope(role, departement, academie, uai)
    user = User(email=email, username=email, role=role, **scope)
    if password is not None:
        from django.contrib.auth.password_validation import validate_password

        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise AccountError("Mot de passe refusé : " + " ".join(exc.messages)) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    link = None
    if password is None:
        link = send_invitation(user, created_by=created_by, base_url=base_url)
    return user, link


def send_invitation(user: User, *, created_by=None, base_url: str = "http://127.0.0.1:8000") -> str:
    _, token = Invitation.issue(user, created_by=created_by)
    link = f"{base_url.rstrip('/')}/compte/invitation/{token}/"
    send_mail(
        subject="Votre accès à numeduc",
        message=(
            f"Bonjour,\n\nUn compte numeduc ({user.get_role_display()}, {user.scope_label}) a été créé "
            f"pour {user.email}.\nChoisissez votre mot de passe en suivant ce lien, valable "
            f"{settings.INVITATION_VALIDITY_DAYS} jours et utilisable une seule fois :\n\n{link}\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    return link
