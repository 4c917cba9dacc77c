"""Accounts: login, invitations (single use, expiring), password reset by e-mail, CLI."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from typer.testing import CliRunner

from numeduc.cli.main import app
from numeduc.web.accounts.models import Invitation, Role, User
from numeduc.web.accounts.services import AccountError, create_user

pytestmark = pytest.mark.django_db


def invitation_path(link: str) -> str:
    return re.search(r"/compte/invitation/[^/]+/", link).group(0)


def test_login_with_email_and_wrong_password_message(client, users):
    page = client.post("/compte/connexion/", {"username": "editeur45@test.fr", "password": "wrong-password"})
    assert page.status_code == 200 and "incorrect" in page.content.decode()
    ok = client.post(
        "/compte/connexion/", {"username": "editeur45@test.fr", "password": "correct-horse-battery"}
    )
    assert ok.status_code == 302
    assert "Loiret" in client.get("/").content.decode()
    client.post("/compte/deconnexion/")
    assert "Se connecter" in client.get("/").content.decode()


def test_invitation_link_sets_the_password_once(client, territories):
    user, link = create_user("nouveau@loiret.fr", Role.DEPARTEMENT_EDITOR, departement="45")
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body
    path = invitation_path(link)
    assert "nouveau@loiret.fr" in client.get(path).content.decode()
    done = client.post(
        path, {"new_password1": "un-mot-de-passe-solide", "new_password2": "un-mot-de-passe-solide"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("un-mot-de-passe-solide")
    client.logout()
    again = client.post(
        path, {"new_password1": "autre-mot-de-passe-1", "new_password2": "autre-mot-de-passe-1"}
    )
    assert again.status_code == 410 and "déjà servi" in again.content.decode()
    user.refresh_from_db()
    assert user.check_password("un-mot-de-passe-solide")


def test_expired_or_unknown_invitation_is_refused(client, territories):
    user, link = create_user("tard@loiret.fr", Role.DEPARTEMENT_VIEWER, departement="45")
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    page = client.get(invitation_path(link))
    assert page.status_code == 410 and "expiré" in page.content.decode()
    assert client.get("/compte/invitation/pas-un-jeton/").status_code == 410
    # Only a hash of the token is stored.
    token = invitation_path(link).split("/")[-2]
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_password_reset_by_email(client, users):
    client.post("/compte/mot-de-passe/oubli/", {"email": "editeur45@test.fr"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/compte/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    set_url = form.redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "nouveau-secret-long", "new_password2": "nouveau-secret-long"})
    assert User.objects.get(email="editeur45@test.fr").check_password("nouveau-secret-long")


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"role": "departement-editor"}, "exige --departement"),
        ({"role": "departement-editor", "departement": "99"}, "Département inconnu"),
        ({"role": "dan", "academie": "ZZ"}, "Académie inconnue"),
        ({"role": "school", "uai": "0000000A"}, "Collège inconnu"),
        ({"role": "superadmin"}, "Rôle inconnu"),
    ],
)
def test_account_errors_are_explained(territories, kwargs, message):
    with pytest.raises(AccountError, match=message):
        create_user("x@test.fr", **kwargs)
    assert not User.objects.filter(email="x@test.fr").exists()


def test_cli_users_add_with_password_and_with_invitation(territories, capsys):
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "users",
            "add",
            "cli@test.fr",
            "--role",
            "departement-editor",
            "--departement",
            "59",
            "--password-stdin",
        ],
        input="mot-de-passe-en-ligne\n",
    )
    assert result.exit_code == 0, result.output
    user = User.objects.get(email="cli@test.fr")
    assert user.departement.code == "59" and user.check_password("mot-de-passe-en-ligne")

    result = runner.invoke(
        app,
        ["users", "add", "dan.cli@test.fr", "--role", "dan", "--academie", user.departement.academie.code],
    )
    assert result.exit_code == 0 and "/compte/invitation/" in result.output
    duplicate = runner.invoke(app, ["users", "add", "cli@test.fr", "--role", "coordinator"])
    assert duplicate.exit_code == 2 and "existe déjà" in duplicate.output
