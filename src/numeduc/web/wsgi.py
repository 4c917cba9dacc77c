"""WSGI entry point (gunicorn ``numeduc.web.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "numeduc.web.settings")
application = get_wsgi_application()
