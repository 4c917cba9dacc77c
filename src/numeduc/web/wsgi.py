"""WSGI entry point (gunicorn ``numeduc.web.wsgi``)."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "numeduc.web.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (after the application: settings are configured)

if settings.SECRET_KEY_SOURCE == "placeholder":
    # Same rule as ``numeduc serve``, for a gunicorn started by hand.
    raise ImproperlyConfigured(
        "NUMEDUC_SECRET_KEY n'est pas défini : numeduc refuse de servir avec la clé de remplacement "
        "(voir docs/deployment.md ; « numeduc demo setup » crée la clé d'une instance de démonstration)."
    )

# Import every view (and pandas, SciPy, DuckDB behind them) now rather than on the first
# request: with gunicorn's preload_app (``numeduc serve``) the workers fork with all of it
# loaded, so a new or restarted worker answers at once instead of after ~10 s of imports.
from django.urls import get_resolver  # noqa: E402

_ = get_resolver().url_patterns

# Whatever the imports opened must not be shared by the forked workers.
from django.db import connections  # noqa: E402

connections.close_all()
