"""Django settings of numeduc.

SQLite file by default (``var/numeduc.sqlite3``, nothing to start); PostgreSQL when
``DATABASE_URL`` says so (production, and the second pass of the CI).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Where mutable state lives (SQLite file, uploads, warehouses). Defaults to ./var.
VAR_DIR = Path(os.environ.get("NUMEDUC_VAR_DIR", Path.cwd() / "var")).resolve()
# Parent of the usage warehouses, one folder per département code (usage_dashboard/store.py).
USAGE_WAREHOUSE_ROOT = VAR_DIR / "warehouse"

DEBUG = os.environ.get("NUMEDUC_DEBUG", "0") == "1"
# NUMEDUC_HTTPS=1: the site is reached over HTTPS only (behind a proxy that sets X-Forwarded-Proto).
HTTPS = os.environ.get("NUMEDUC_HTTPS", "0") == "1"

# The secret key signs sessions, password-reset links and CSRF tokens. Production sets
# NUMEDUC_SECRET_KEY; the demo instance generates its own key once (``numeduc demo setup``) and
# keeps it under VAR_DIR; anything else runs on a placeholder that ``numeduc serve`` refuses.
DEMO_SECRET_KEY_FILE = VAR_DIR / "demo-secret-key"
INSECURE_SECRET_KEY = "insecure-placeholder-numeduc-not-for-serving"
if os.environ.get("NUMEDUC_SECRET_KEY"):
    SECRET_KEY = os.environ["NUMEDUC_SECRET_KEY"]
    SECRET_KEY_SOURCE = "environment"
elif DEMO_SECRET_KEY_FILE.is_file():
    SECRET_KEY = DEMO_SECRET_KEY_FILE.read_text(encoding="ascii").strip()
    SECRET_KEY_SOURCE = "demo"
else:
    SECRET_KEY = INSECURE_SECRET_KEY
    SECRET_KEY_SOURCE = "placeholder"
ALLOWED_HOSTS = os.environ.get("NUMEDUC_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves Swagger UI's assets itself: the API docs work offline
    "axes",
    "csp",
    "numeduc.web.territories",
    "numeduc.web.accounts",
    "numeduc.web.surveys",
    "numeduc.web.results",
    "numeduc.web.national",
    "numeduc.web.planning",
    "numeduc.web.usage_dashboard",
    "numeduc.web.action_plans",
    "numeduc.web.school_surveys",
    "numeduc.web.resources",
    "numeduc.web.experiences",
    "numeduc.web.stories",
    "numeduc.web.reports",
    "numeduc.web.opendata",
    "numeduc.web.evaluation",
]

# Django's cache, one per process: computed data and rendered fragments in "default" (as
# Django's own default), whole pages in "pages" so that they never push the data out; each
# culls its oldest third beyond MAX_ENTRIES (a page weighs 30-300 KB: about 60 MB per worker at
# most for the pages).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "numeduc"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "numeduc-pages",
        "OPTIONS": {"MAX_ENTRIES": 200},
    },
}

# Whole pages kept per session and data version (numeduc.web.middleware.PageCacheMiddleware);
# NUMEDUC_PAGE_CACHE=0 turns it off (several machines sharing one database: each machine's data
# version file only sees its own writes, so turn it off there, see docs/deployment.md).
PAGE_CACHE = os.environ.get("NUMEDUC_PAGE_CACHE", "1") != "0"

MIDDLEWARE = [
    "numeduc.web.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the session, the user and the messages: it serves a kept page only to the session
    # it was rendered for (numeduc.web.caching, docs/architecture.md « Caching »).
    "numeduc.web.middleware.PageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lock-out raised during sign-in into its French page.
    "axes.middleware.AxesMiddleware",
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
            # {% terme "…" %} on any page without {% load %} (the glossary's explanations).
            "builtins": ["numeduc.web.terms"],
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
    # Concurrent writers on the embedded database: WAL lets readers go on while one writes, and
    # IMMEDIATE transactions take the write lock when they begin, so that SQLite's busy timeout
    # applies (a deferred transaction that reads first and then has to upgrade its lock fails at
    # once with « database is locked », whatever the timeout). synchronous=NORMAL is durable
    # against a crash of the server process (kill -9) in WAL mode; FULL would also survive a power
    # cut of the machine, at one fsync per commit: NUMEDUC_SQLITE_SYNCHRONOUS=FULL to choose it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                f"PRAGMA synchronous={os.environ.get('NUMEDUC_SQLITE_SYNCHRONOUS', 'NORMAL')};"
                "PRAGMA foreign_keys=ON;"
            ),
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "username", "first_name", "last_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "numeduc.web.accounts.passwords.NotBlankValidator"},
    {"NAME": "numeduc.web.accounts.passwords.FrenchCommonPasswordValidator"},
]

# Sign-in throttling (django-axes, attempts stored in the database): an account, or an address,
# with AXES_FAILURE_LIMIT failed sign-ins is locked out for AXES_COOLOFF_TIME, even with the
# right password; a successful sign-in resets the count. The API's tokens are not concerned.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("NUMEDUC_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("NUMEDUC_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # per account OR per address
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "numeduc.web.accounts.views.locked_out"
AXES_VERBOSE = False
# Behind a proxy the client's address comes from X-Forwarded-For (NUMEDUC_HTTPS=1 implies one).
AXES_IPWARE_PROXY_COUNT = 1 if HTTPS else None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if HTTPS else ["REMOTE_ADDR"]

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
CSRF_FAILURE_VIEW = "numeduc.web.views.csrf_failure"

if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if host not in ("testserver",)]

# Content-Security-Policy on every page: scripts and styles from this site only, never inline
# scripts. Style *attributes* stay allowed (the server-drawn SVG charts size themselves with them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Logging: every error answered with a 500 is logged with its traceback and the request's id
# (also shown on the error page and sent as X-Request-ID), to stderr and, with
# NUMEDUC_LOG_FILE=1 (or a path), to a file under VAR_DIR/log.
LOG_LEVEL = os.environ.get("NUMEDUC_LOG_LEVEL", "INFO")
_log_file = os.environ.get("NUMEDUC_LOG_FILE", "")
LOG_FILE = (VAR_DIR / "log" / "numeduc.log") if _log_file == "1" else (Path(_log_file) if _log_file else None)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "numeduc.web.middleware.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [requête %(request_id)s] %(message)s"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]},
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Spark's Python bridge chats at INFO, even while the interpreter shuts down.
        "py4j": {"level": "WARNING"},
    },
}
if LOG_FILE is not None:
    LOG_FILE.parent.mkdir(parents=True, exist_ok=True)
    LOGGING["handlers"]["file"] = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": str(LOG_FILE),
        "formatter": "plain",
        "filters": ["request_id"],
        "encoding": "utf-8",
    }
    LOGGING["root"]["handlers"].append("file")
    LOGGING["loggers"]["django"]["handlers"].append("file")
