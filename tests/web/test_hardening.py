"""Sign-in throttling, password rules, secret key, HTTPS mode, CSP, error pages and logging."""

from __future__ import annotations

import logging
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import include, path

from numeduc.web.accounts.models import Invitation, Role, User

from .conftest import PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]
NUMEDUC = ROOT / ".venv" / "bin" / "numeduc"
TEMPLATES = ROOT / "src" / "numeduc" / "web"


def sign_in(client, email, password, address="10.0.0.1"):
    return client.post("/compte/connexion/", {"username": email, "password": password}, REMOTE_ADDR=address)


# -- sign-in throttling (django-axes) ---------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(client, users, settings):
    editor = users["loiret_editor"]
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        answer = sign_in(client, editor.email, "pas le bon mot de passe")
        assert answer.status_code == 200
        assert "incorrect" in answer.content.decode()
    locked = sign_in(client, editor.email, "pas le bon mot de passe")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Connexion suspendue pour 15 minutes" in page and "même avec le bon mot de passe" in page
    right = sign_in(client, editor.email, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # From another address the account stays locked (per-account rule).
    assert sign_in(Client(), editor.email, PASSWORD, address="10.9.9.9").status_code == 429


def test_one_address_trying_many_accounts_is_locked(client, users, settings):
    emails = [u.email for u in users.values()]
    for k in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, emails[k % len(emails)], "mauvais", address="10.0.0.7")
    # A correct password from that address is now refused too, for any account.
    assert sign_in(client, users["nord_editor"].email, PASSWORD, address="10.0.0.7").status_code == 429
    # Another address is not concerned for an account that had fewer failures.
    fresh = make_user("neuf@test.fr", Role.DEPARTEMENT_EDITOR, departement="45")
    assert sign_in(Client(), fresh.email, PASSWORD, address="10.0.0.8").status_code == 302


def test_a_successful_sign_in_resets_the_count(client, users, settings):
    editor = users["loiret_editor"]
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, editor.email, "faux")
    assert sign_in(client, editor.email, PASSWORD).status_code == 302
    client.post("/compte/deconnexion/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, editor.email, "faux").status_code == 200
    assert sign_in(client, editor.email, PASSWORD).status_code == 302


def test_api_tokens_are_not_throttled_by_failed_sign_ins(client, users, settings):
    from numeduc.web.accounts.models import ApiToken

    editor = users["loiret_editor"]
    _, token = ApiToken.issue(editor, "essai")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, editor.email, "faux")
    assert Client().get("/api/v1/campaigns", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


# -- password rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, why",
    [
        ("          ", "espaces"),
        ("marie.dupont@loiret.fr", "trop semblable"),
        ("motdepasse1", "trop courant"),
        ("MotDePasse2024!", "trop courant"),
        ("azerty123456", "trop courant"),
        ("Marseille13013", "trop courant"),
        ("aaaaaaaaaaaa", "trop courant"),
        ("court1", "trop court"),
    ],
)
def test_weak_passwords_are_refused_in_french(db, territories, password, why):
    user = User(
        email="marie.dupont@loiret.fr",
        username="marie.dupont@loiret.fr",
        first_name="Marie",
        last_name="Dupont",
        role=Role.DEPARTEMENT_EDITOR,
    )
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert why in " ".join(refused.value.messages)


@pytest.mark.parametrize(
    "password", ["trois mots sans rapport 42", "Girafe-cartable-orage", "correct-horse-battery"]
)
def test_reasonable_passwords_pass(db, password):
    user = User(
        email="marie.dupont@loiret.fr", username="marie.dupont@loiret.fr", role=Role.DEPARTEMENT_EDITOR
    )
    validate_password(password, user)


def test_invitation_refuses_a_weak_password_and_accepts_a_double_submit(client, users):
    invited = make_user("invite@test.fr", Role.DEPARTEMENT_EDITOR, departement="45")
    invited.set_unusable_password()
    invited.save()
    _, token = Invitation.issue(invited, created_by=users["coordinator"])
    url = f"/compte/invitation/{token}/"
    weak = client.post(url, {"new_password1": "motdepasse1", "new_password2": "motdepasse1"})
    assert weak.status_code == 200 and "trop courant" in weak.content.decode()
    good = {"new_password1": "trois mots sans rapport 42", "new_password2": "trois mots sans rapport 42"}
    assert client.post(url, good).status_code == 302
    # The same form sent again (another tab, a double click): signed in as the first one was.
    again = Client()
    assert again.post(url, good).status_code == 302
    assert again.session["_auth_user_id"] == str(invited.pk)
    # Another password on a used link: refused.
    other = {"new_password1": "un autre mot de passe 7", "new_password2": "un autre mot de passe 7"}
    assert Client().post(url, other).status_code == 410
    invited.refresh_from_db()
    assert invited.check_password("trois mots sans rapport 42")


# -- secret key, HTTPS mode, check --deploy ----------------------------------------------------


def _numeduc(args, tmp_path, **env):
    # Not the test run's own variables (pytest-playwright sets DJANGO_ALLOW_ASYNC_UNSAFE).
    full = {k: v for k, v in os.environ.items() if not k.startswith(("NUMEDUC_", "DJANGO_"))}
    full.update({"NUMEDUC_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT / "src"), **env})
    if "DATABASE_URL" in os.environ:
        full.pop("DATABASE_URL")  # a throwaway SQLite file under tmp_path is enough here
    return subprocess.run([str(NUMEDUC), *args], env=full, capture_output=True, text=True, timeout=120)


def test_serve_refuses_to_start_without_a_secret_key(tmp_path):
    result = _numeduc(["serve", "--port", "1"], tmp_path)
    assert result.returncode == 2
    assert "NUMEDUC_SECRET_KEY n'est pas défini" in result.stderr
    assert "numeduc demo setup" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_demo_keeps_its_own_secret_key(tmp_path, settings):
    from numeduc.cli.demo import _keep_demo_secret_key

    settings.DEMO_SECRET_KEY_FILE = tmp_path / "demo-secret-key"
    _keep_demo_secret_key()
    key = settings.DEMO_SECRET_KEY_FILE.read_text().strip()
    assert len(key) >= 50
    assert settings.DEMO_SECRET_KEY_FILE.stat().st_mode & 0o777 == 0o600
    _keep_demo_secret_key()  # kept, not replaced: sessions survive a new « make demo »
    assert settings.DEMO_SECRET_KEY_FILE.read_text().strip() == key
    shown = _numeduc(
        [
            "manage",
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.SECRET_KEY_SOURCE, settings.SECRET_KEY)",
        ],
        tmp_path,
    )
    assert shown.stdout.split() == ["demo", key]


def test_check_deploy_is_clean_in_https_mode(tmp_path):
    strong = "k" + "".join(chr(33 + (i * 7) % 90) for i in range(60))
    env = {"NUMEDUC_SECRET_KEY": strong, "NUMEDUC_HTTPS": "1", "NUMEDUC_ALLOWED_HOSTS": "numeduc.exemple.fr"}
    result = _numeduc(["manage", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
    plain = _numeduc(["manage", "check", "--deploy"], tmp_path, NUMEDUC_SECRET_KEY=strong)
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in plain.stderr + plain.stdout


def test_https_mode_sets_secure_cookies_and_hsts(tmp_path):
    code = (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.CSRF_TRUSTED_ORIGINS)"
    )
    result = _numeduc(
        ["manage", "shell", "--no-imports", "-c", code],
        tmp_path,
        NUMEDUC_SECRET_KEY="x" * 60,
        NUMEDUC_HTTPS="1",
        NUMEDUC_ALLOWED_HOSTS="numeduc.exemple.fr",
    )
    assert result.stdout.strip() == "True True True 31536000 ['https://numeduc.exemple.fr']"


# -- Content-Security-Policy ---------------------------------------------------------------------


def test_every_page_has_a_policy_without_inline_scripts(client, users, login):
    login(users["loiret_editor"])
    for url in ("/", "/compte/connexion/", "/budget/", "/sources/", "/api/v1/docs"):
        header = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())
        assert directives["script-src"] == "'self'", url
        assert "unsafe" not in directives["script-src"]
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"


def test_no_template_holds_an_inline_script_or_event_handler():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", text):
            if "src=" not in match.group(1) and "application/json" not in match.group(1):
                offenders.append(f"{template}: <script{match.group(1)}>")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{template}: attribut on…=")
    assert offenders == []


# -- error pages and logging ---------------------------------------------------------------------


def test_csrf_failure_page_is_in_french(db):
    client = Client(enforce_csrf_checks=True)
    answer = client.post("/compte/connexion/", {"username": "a@b.fr", "password": "x"})
    assert answer.status_code == 403
    page = answer.content.decode()
    assert "Le formulaire n'a pas pu être envoyé" in page and "rechargez-la" in page
    assert "CSRF verification failed" not in page


def _boom(request):
    raise RuntimeError("panne simulée pour le test")


urlpatterns = [path("panne/", _boom), path("", include("numeduc.web.urls"))]
handler500 = "numeduc.web.views.server_error"


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_an_error_is_logged_with_its_traceback_and_the_id_shown_to_the_person(db, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        answer = client.get("/panne/", HTTP_X_REQUEST_ID="bad id with spaces")
    assert answer.status_code == 500
    request_id = answer["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{12}", request_id)  # an unsafe incoming id is not reused
    page = answer.content.decode()
    assert "Une erreur inattendue s'est produite" in page and request_id in page
    records = [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR]
    assert records and records[0].exc_info and "panne simulée" in str(records[0].exc_info[1])
    from numeduc.web.middleware import RequestIdFilter

    RequestIdFilter().filter(records[0])
    assert records[0].request_id == request_id


def test_log_configuration_writes_errors_to_a_file_under_var(tmp_path):
    code = (
        "import logging; logging.getLogger('django.request').error('essai du journal', exc_info=False); "
        "from django.conf import settings; print(settings.LOG_FILE)"
    )
    result = _numeduc(
        ["manage", "shell", "--no-imports", "-c", code],
        tmp_path,
        NUMEDUC_LOG_FILE="1",
        NUMEDUC_SECRET_KEY="x" * 60,
    )
    log_file = Path(result.stdout.strip())
    assert log_file == tmp_path / "log" / "numeduc.log"
    assert "essai du journal" in log_file.read_text() and "essai du journal" in result.stderr


def test_coordinator_opens_a_departement_budget_page_without_script(client, users, login):
    login(users["coordinator"])
    answer = client.get("/budget/", {"code": "45"})
    assert answer.status_code == 302 and answer["Location"] == "/budget/departements/45/"
    assert client.get("/budget/", {"code": "ZZ"}).status_code == 404


@pytest.mark.parametrize(
    "host, port, shown",
    [
        ("127.0.0.1", 8000, "http://127.0.0.1:8000/"),
        ("127.0.0.1", 8765, "http://127.0.0.1:8765/"),
        ("0.0.0.0", 9000, "http://127.0.0.1:9000/"),
        ("::1", 8001, "http://[::1]:8001/"),
        ("numeduc.local", 80, "http://numeduc.local:80/"),
    ],
)
def test_serve_prints_the_address_it_really_listens_on(host, port, shown):
    from numeduc.cli.web import serving_message
    from numeduc.web.demo import DEMO_PASSWORD

    demo = serving_message(host, port, demo=True)
    assert f"numeduc sert {shown}" in demo and f"Ouvrez {shown}" in demo
    assert DEMO_PASSWORD in demo
    assert ("toutes les interfaces" in demo) is (host == "0.0.0.0")
    production = serving_message(host, port, demo=False)
    assert shown in production and DEMO_PASSWORD not in production
