"""``numeduc users add``: create accounts (with a password or an invitation)."""

from __future__ import annotations

import sys

import typer

from .django_setup import migrate, setup_django
from .errors import fail

app = typer.Typer(help="Comptes utilisateurs.", no_args_is_help=True)


@app.command("add")
def add(
    email: str = typer.Argument(..., help="Adresse e-mail (identifiant de connexion)."),
    role: str = typer.Option(
        ..., "--role", help="coordinator, departement-editor, departement-viewer, dan ou school."
    ),
    departement: str | None = typer.Option(
        None, "--departement", help="Code du département (rôles département)."
    ),
    academie: str | None = typer.Option(None, "--academie", help="Code de l'académie (rôle dan)."),
    uai: str | None = typer.Option(None, "--uai", help="UAI du collège (rôle school)."),
    password_stdin: bool = typer.Option(
        False,
        "--password-stdin",
        help="Lit le mot de passe sur l'entrée standard ; sinon une invitation est envoyée.",
    ),
    base_url: str = typer.Option(
        "http://127.0.0.1:8000", help="Adresse publique du site, pour le lien d'invitation."
    ),
) -> None:
    """Crée un compte. Sans --password-stdin, envoie par e-mail un lien d'invitation à usage unique."""
    setup_django()
    migrate()
    from numeduc.web.accounts.services import AccountError, create_user

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            fail("aucun mot de passe lu sur l'entrée standard.")
    try:
        user, link = create_user(
            email,
            role,
            departement=departement,
            academie=academie,
            uai=uai,
            password=password,
            base_url=base_url,
        )
    except AccountError as exc:
        fail(str(exc))
    typer.echo(f"Compte créé : {user.email} ({user.get_role_display()}, {user.scope_label}).")
    if link:
        typer.echo(f"Invitation envoyée ; lien à usage unique : {link}")


@app.command("token")
def token(
    email: str = typer.Argument(..., help="Adresse e-mail du compte."),
    name: str = typer.Option("script", "--name", help="Nom du jeton (pour le reconnaître et le révoquer)."),
) -> None:
    """Crée un jeton personnel pour l'API REST (affiché une seule fois)."""
    setup_django()
    migrate()
    from numeduc.web.accounts.models import ApiToken, User

    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        fail(f"aucun compte pour {email}.")
    _, value = ApiToken.issue(user, name)
    typer.echo(f"Jeton « {name} » pour {user.email} (conservez-le, il ne sera plus affiché) :\n{value}")
    typer.echo("Usage : curl -H 'Authorization: Bearer <jeton>' http://127.0.0.1:8000/api/v1/campaigns")
