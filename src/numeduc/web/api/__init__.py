"""REST API (django-ninja, OpenAPI at /api/v1/openapi.json, documentation at /api/v1/docs).

Authentication: the browser session, or a personal token (``Authorization: Bearer nde_…``,
created with ``numeduc users token EMAIL``). Every endpoint applies the same permission rules
as the pages (``numeduc.web.accounts.permissions``); open data needs no authentication.
Every refusal is a French ``ErrorSchema`` body, and every status an endpoint can answer is
declared in the schema (``docs/api.md``).

Modules: ``surveys`` (open data, campaigns, responses, results), ``budget`` (scenarios and
their results), ``usage`` (usage indicators per département and per collège), ``evaluation`` (strategies
compared, pilots evaluated, the fleet and bandwidth tables).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger

from . import actions, budget, evaluation, experiences, school_surveys, surveys, usage
from . import opendata as opendata_api
from . import resources as resources_api
from .common import ERROR_DESCRIPTIONS, REFUSED, UNAUTHENTICATED, ErrorSchema, validation_errors


class OfflineSwagger(Swagger):
    """Swagger UI from the project's own static files (ninja's bundled assets, served because
    ``ninja`` is in INSTALLED_APPS), in a page without inline script (the site's CSP is
    ``script-src 'self'``): the settings travel as JSON data, read by ninja's static init file.
    ``validatorUrl: null``: Swagger UI would otherwise load a badge from validator.swagger.io."""

    template = "api/docs.html"


class NumeducAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """ninja's schema, with the error answers described in French (ninja writes the HTTP
        reason phrase: « Forbidden »)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for methods in schema["paths"].values():
            for operation in methods.values():
                for status, answer in operation.get("responses", {}).items():
                    if int(status) in ERROR_DESCRIPTIONS:
                        answer["description"] = ERROR_DESCRIPTIONS[int(status)]
        return schema


api = NumeducAPI(
    title="numeduc",
    version="1",
    description=(
        "API de numeduc : référentiels, campagnes, résultats, scénarios budgétaires et indicateurs "
        "d'usage. Authentification par la session du navigateur ou par un jeton personnel "
        "(« Authorization: Bearer nde_… », créé par « numeduc users token ADRESSE »). Chaque refus "
        'est un objet JSON { "detail": "…" } en français.'
    ),
    urls_namespace="api",
    docs=OfflineSwagger(settings={"validatorUrl": None, "tryItOutEnabled": False}),
)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    return api.create_response(request, validation_errors(exc.errors).dict(), status=422)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc: AuthenticationError):
    response = api.create_response(request, ErrorSchema(detail=UNAUTHENTICATED).dict(), status=401)
    response["WWW-Authenticate"] = 'Bearer realm="numeduc"'
    return response


@api.exception_handler(HttpError)
def _refused(request, exc: HttpError):
    return api.create_response(request, ErrorSchema(detail=str(exc)).dict(), status=exc.status_code)


# The endpoints fetch their objects with the apps' get_<object>_for(user, key, action), as the
# pages do: their Http404 and PermissionDenied carry the same French sentence as the pages,
# answered here as the API's JSON errors.
@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    detail = str(exc) or ERROR_DESCRIPTIONS[404]
    return api.create_response(request, ErrorSchema(detail=detail).dict(), status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc: PermissionDenied):
    detail = str(exc) or REFUSED
    return api.create_response(request, ErrorSchema(detail=detail).dict(), status=403)


api.add_router("", surveys.router)
api.add_router("", budget.router)
api.add_router("", usage.router)
api.add_router("", actions.router)
api.add_router("", school_surveys.router)
api.add_router("", experiences.router)
api.add_router("", resources_api.router)
api.add_router("", opendata_api.router)
api.add_router("", evaluation.router)

__all__ = ["api"]
