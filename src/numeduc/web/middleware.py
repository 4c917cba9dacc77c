"""A short id per request, so that a person reporting an error and the log line match.

The id is taken from a proxy's ``X-Request-ID`` when it looks sane, else made here; it is
sent back in the ``X-Request-ID`` header, shown on the French 500 page, and added to every
log record written while the request runs (``RequestIdFilter``).
"""

from __future__ import annotations

import contextvars
import logging
import re
import secrets

_current = contextvars.ContextVar("numeduc_request_id", default="-")
_SANE = re.compile(r"^[A-Za-z0-9._-]{6,64}$")


def current_request_id() -> str:
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _SANE.match(incoming) else secrets.token_hex(6)
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or _current.get()
        return True
