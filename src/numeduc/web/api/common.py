"""What every endpoint of the API shares: authentication, the French error body, the declared
error answers, and the path parameters' formats.

Every status an endpoint can answer is declared in its ``response=`` mapping (``answers(...)``),
so that the OpenAPI schema tells a client everything it may get (schemathesis checks it in
``tests/web/test_api_schemathesis.py``).
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from ninja.security import HttpBearer, django_auth
from pydantic import Field

from numeduc.web.accounts.models import ApiToken

# Largest primary key the databases store (BigAutoField): a larger number in a path can only
# be refused, never looked up (SQLite raises an OverflowError on it).
MAX_ID = 2**63 - 1
# Département codes: 01-95, 2A, 2B, 971-976.
DEPARTEMENT_CODE = r"^(0[1-9]|[1-8][0-9]|9[0-5]|2[AB]|97[1-6])$"
# UAI (identifier of a school in the ministry's directory): 7 digits and a letter.
UAI = r"^[0-9]{7}[A-Z]$"
MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"

REFUSED = "Accès refusé : votre rôle ne permet pas de lire cette ressource."
UNAUTHENTICATED = (
    "Authentification requise : connectez-vous, ou envoyez un jeton personnel "
    "(en-tête « Authorization: Bearer nde_… », créé par « numeduc users token »)."
)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer nde_…``: a personal token (``numeduc users token EMAIL``)."""

    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


AUTH = [TokenAuth(), django_auth]


class FieldErrorSchema(Schema):
    location: str  # path, query
    field: str
    message: str


class ErrorSchema(Schema):
    """Every refusal: a French sentence, and for a 422 the parameters refused."""

    detail: str
    errors: list[FieldErrorSchema] = Field(default_factory=list)


# The answers, by status, that the endpoints share (the 200 is added by each endpoint).
ERROR_DESCRIPTIONS = {
    401: "Ni session ni jeton valide.",
    403: "Votre rôle ne permet pas de lire cette ressource.",
    404: "Ressource introuvable.",
    409: "La ressource existe mais ne peut pas être calculée ou publiée.",
    422: "Paramètre invalide (format, bornes).",
}


def answers(ok: Any, *codes: int) -> dict[int, Any]:
    """``{200: ok, <code>: ErrorSchema, …}``; 422 is always there (every endpoint validates its
    parameters, and ninja answers 422 to a path or query parameter it cannot read)."""
    statuses = {200: ok}
    for code in sorted({*codes, 422}):
        statuses[code] = ErrorSchema
    return statuses


# -- French messages for the parameters ninja refuses (pydantic's are English) ----------------


def _french(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "paramètre obligatoire"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "nombre entier attendu"
    if kind == "greater_than_equal":
        return f"doit valoir au moins {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"doit valoir au plus {ctx.get('le')}"
    if kind == "string_pattern_mismatch":
        return f"format attendu : {ctx.get('pattern')}"
    if kind in ("literal_error", "enum"):
        return f"valeurs possibles : {ctx.get('expected')}"
    if kind in ("string_type", "string_too_long", "string_too_short"):
        return "texte invalide"
    return "valeur invalide"


def validation_errors(errors: list[dict]) -> ErrorSchema:
    fields = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        location = loc[0] if loc else ""
        # ninja's location is (where, name) for a parameter, (where, model, name) for a model.
        field = loc[-1] if len(loc) > 1 else ""
        fields.append(
            FieldErrorSchema(
                location={"path": "chemin", "query": "requête"}.get(location, location),
                field=field,
                message=_french(error),
            )
        )
    summary = " ; ".join(f"« {f.field} » ({f.location}) : {f.message}" for f in fields)
    return ErrorSchema(detail=f"Paramètre invalide : {summary}.", errors=fields)
