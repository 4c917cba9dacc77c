"""The open-data package's descriptor (no sign-in): the Frictionless Data Package of the files
served under ``/donnees/`` (``numeduc.web.opendata``; docs/opendata.md)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from ninja import Router

from numeduc.web.opendata import data

from .common import answers

router = Router(tags=["données ouvertes"])


@router.get(
    "/opendata",
    response=answers(dict[str, Any]),
    summary="Le Data Package (Frictionless) des données ouvertes : chaque fichier CSV et Parquet servi "
    "sous /donnees/, ses colonnes, la licence (Licence Ouverte 2.0) et les sources",
)
def opendata(request):
    # The files' paths made absolute: relative to /donnees/datapackage.json, not to this URL.
    descriptor = dict(data.package().descriptor)
    descriptor["resources"] = [
        {**r, "path": request.build_absolute_uri(reverse("opendata:file", args=[r["path"]]))}
        for r in descriptor["resources"]
    ]
    return descriptor
