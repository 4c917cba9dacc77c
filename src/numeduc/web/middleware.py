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


PAGE_CACHE_HEADER = "X-Numeduc-Page-Cache"


class PageCacheMiddleware:
    """Whole pages of the views marked ``caching.page_cached``, kept per signed-in session and
    data version (see « Caching » in docs/architecture.md).

    A page is served from the cache only when everything it was rendered from is the same: the
    same user in the same session (and CSRF cookie, whose token the page's forms carry), the
    same URL with its query, the same day (dates and deadlines), the same data version (any
    write to the database changes it) and what the view adds (a warehouse's state). Never with
    a message waiting to be shown, never a page that set a cookie or was not a 200. Placed after
    the session, authentication and messages middleware: a signed-out or expired session is
    never served a page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "_numeduc_page_key", None)
        if (
            key is not None
            and not getattr(request, "_numeduc_page_hit", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "no-store" not in response.get("Cache-Control", "")
            # a view that changed the session would not change it when served from the cache
            and not getattr(getattr(request, "session", None), "modified", False)
        ):
            from numeduc.web.caching import CACHE_TIMEOUT, page_cache

            skipped = ("x-request-id", "set-cookie", PAGE_CACHE_HEADER.lower())
            headers = [(k, v) for k, v in response.items() if k.lower() not in skipped]
            page_cache().set(key, (response.content, response.get("Content-Type"), headers), CACHE_TIMEOUT)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        from numeduc.web import caching

        extra = getattr(view_func, caching.PAGE_CACHE_ATTRIBUTE, None)
        if extra is None or request.method != "GET" or not _page_cache_enabled():
            return None
        from django.conf import settings

        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
        if not session_key or not csrf_cookie or not request.user.is_authenticated:
            return None
        from django.contrib.messages.storage.cookie import CookieStorage
        from django.contrib.messages.storage.session import SessionStorage

        if request.COOKIES.get(CookieStorage.cookie_name) or SessionStorage.session_key in request.session:
            return None  # a message to show once: the page is rendered, not served
        import datetime as dt

        key = caching.cache_key(
            "page",
            request.resolver_match.view_name if request.resolver_match else view_func.__qualname__,
            request.get_full_path(),
            request.user.pk,
            session_key,
            csrf_cookie,
            caching.data_version(),
            dt.date.today().isoformat(),
            extra(request, **view_kwargs),
        )
        request._numeduc_page_key = key
        hit = caching.page_cache().get(key)
        if hit is None:
            return None
        from django.http import HttpResponse

        content, content_type, headers = hit
        response = HttpResponse(content, content_type=content_type)
        for name, value in headers:
            response[name] = value
        request._numeduc_page_hit = True
        # Says to an operator (and to the live tests) that the page came from the cache.
        response[PAGE_CACHE_HEADER] = "hit"
        return response


def _page_cache_enabled() -> bool:
    from django.conf import settings

    return bool(settings.PAGE_CACHE)
