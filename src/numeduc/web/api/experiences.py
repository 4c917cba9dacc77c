"""The experience sheets as open data (no sign-in): the paper's fourteen, and a département's own
published sheet only where it agreed to open data. Same rows as ``numeduc experiences list
--format json`` (``numeduc.web.experiences.data.sheet_rows``)."""

from __future__ import annotations

from typing import Any

from ninja import Path, Router
from ninja.errors import HttpError

from numeduc.web.experiences.data import sheet_rows

from .common import answers

router = Router(tags=["fiches d'expérience"])
NOT_FOUND = "Fiche introuvable."


@router.get(
    "/experiences",
    response=answers(list[dict[str, Any]]),
    summary="Les fiches d'expérience publiées (données ouvertes) : départements et pays",
)
def sheets(request):
    return sheet_rows(open_data_only=True)


@router.get(
    "/experiences/{kind}/{code}",
    response=answers(dict[str, Any], 404),
    summary="Une fiche d'expérience publiée (données ouvertes)",
)
def sheet(
    request,
    kind: str = Path(..., pattern=r"^(departement|pays)$", example="departement"),
    code: str = Path(..., pattern=r"^[a-z0-9][a-z0-9-]{0,40}$|^2[AB]$", example="45"),
):
    for row in sheet_rows(open_data_only=True):
        if row["kind"] == kind and row["code"] == code:
            return row
    raise HttpError(404, NOT_FOUND)
