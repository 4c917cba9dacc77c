"""Django settings of numeduc.

SQLite file by default (``var/numeduc.sqlite3``, nothing to start); PostgreSQL when
``DATABASE_URL`` says so (production, and the second pass of the CI).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Where mutable state lives (SQLite file, uploads, warehouses). Defaults to ./var.
VAR_DIR = Path(os.environ.get("NUMEDUC_VAR_DIR", Path.cwd() / "var")).resolve()

DEBUG = os.environ.get("NUMEDUC_DEBUG", "0") == "1"
SECRET_KEY = os.environ.get(
    "NUMEDUC_SECRET_KEY",
    # Only ever used on a developer's machine: production must set the variable.
    "insecure-dev-key-change-me-numeduc",
)
ALLOWED_HOSTS = os.environ.get("NUMEDUC_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves Swagger UI's assets itself: the API docs work offline
    "numeduc.web.territories",
    "numeduc.web.accounts",
    "numeduc.web.surveys",
    "numeduc.web.results",
    "numeduc.web.national",
    "numeduc.web.planning",
    "numeduc.web.usage_dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "numeduc.web.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "numeduc.web.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "numeduc.web.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'numeduc.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Mail: printed on the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get("NUMEDUC_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("NUMEDUC_FROM_EMAIL", "numeduc <ne-pas-repondre@numeduc.localhost>")
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
INVITATION_VALIDITY_DAYS = 14

LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False  # numbers are formatted by numeduc.formatting

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATICFILES_DIRS = [PACKAGE_DIR / "web" / "static"]
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the autosave script reads it
X_FRAME_OPTIONS = "DENY"
