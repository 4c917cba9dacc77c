"""``/donnees/``: the open-data files, public (no sign-in), and the page that describes them."""

from __future__ import annotations

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from numeduc.analysis.profile import MIN_GROUP
from numeduc.opendata import tables as t
from numeduc.web.downloads import CSV_CONTENT_TYPE
from numeduc.web.opendata import data

NOT_FOUND = "Fichier de données ouvertes introuvable."
CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "parquet": "application/vnd.apache.parquet"}


def _files(package: data.Package) -> list[dict]:
    resources = {r["path"]: r for r in package.descriptor["resources"]}
    demo_tables = _demo_tables(package)
    out = []
    for table in t.TABLES:
        names = t.file_names(table)
        csv_path = package.directory / names["csv"]
        out.append(
            {
                "table": table,
                "csv": names["csv"],
                "parquet": names["parquet"],
                "fields": resources[names["csv"]]["schema"]["fields"],
                "rows": max(csv_path.read_bytes().count(b"\n") - 1, 0),
                "demo": table.name in demo_tables,
            }
        )
    return out


def _demo_tables(package: data.Package) -> set[str]:
    from numeduc.demo.mark import DEMO_MARK

    return {r["name"] for r in package.descriptor["resources"] if DEMO_MARK in r.get("description", "")}


@require_safe
def index(request):
    package = data.package()
    return render(
        request,
        "opendata/index.html",
        {
            "package": package.descriptor,
            "files": _files(package),
            "demo": package.demo,
            "license": t.LICENSE,
            "min_group": MIN_GROUP,
        },
    )


@require_safe
def datapackage(request):
    response = JsonResponse(data.package().descriptor, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'inline; filename="datapackage.json"'
    return response


@require_safe
def file(request, name: str):
    if name not in data.file_names():
        raise Http404(NOT_FOUND)
    _, fmt = data.file_names()[name]
    path = data.package().directory / name
    return FileResponse(path.open("rb"), content_type=CONTENT_TYPES[fmt], as_attachment=False, filename=name)
