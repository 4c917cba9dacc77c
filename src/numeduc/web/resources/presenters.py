"""What the catalogue's pages show of a resource: its measured use as table rows, a chart and a
sentence on the trend; its feedback summary."""

from __future__ import annotations

from django.utils.safestring import mark_safe

from numeduc.charts.line import line
from numeduc.charts.model import Series
from numeduc.formatting import fr_number, fr_percent
from numeduc.web.territories.models import Departement
from numeduc.web.usage_dashboard.labels import month_label

from . import measured

SOURCE = "journaux de l'ENT des départements (entrepôt d'usage numeduc)"


def _points(value: float) -> str:
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{fr_number(abs(value), 1)} point{'s' if abs(value) >= 2 else ''}"


def use_page(resource) -> dict | None:
    use = measured.resource_use(resource.ent_module)
    if use is None:
        return None
    rows = [
        {
            **r,
            "month_label": month_label(r["month"]),
            "colleges_pct": fr_percent(100 * r["colleges_share"]),
            "pupils_pct": fr_percent(None if r["pupils_share"] is None else 100 * r["pupils_share"]),
        }
        for r in use["rows"]
    ]
    chart = ""
    if len(rows) >= 1:
        months = [month_label(r["month"]) for r in use["rows"]]
        chart = mark_safe(
            line(
                months,
                [
                    Series("Part des collèges", [100 * r["colleges_share"] for r in use["rows"]], "primary"),
                    Series(
                        "Part des élèves",
                        [None if r["pupils_share"] is None else 100 * r["pupils_share"] for r in use["rows"]],
                        "secondary",
                    ),
                ],
                unit="%",
                value_format=lambda v: "non mesuré" if v is None else fr_percent(v),
                title=f"Usage mesuré du module « {use['module']} », par mois",
                id_prefix=f"resource-{resource.pk}",
                demo=use["demo"],
                source=SOURCE,
                x_header="Mois",
            ).figure_html()
        )
    trend = use["trend"]
    sentence = ""
    if trend:
        sentence = (
            f"De {month_label(trend['first_month'])} à {month_label(trend['last_month'])} : "
            f"{_points(trend['colleges_points'])} pour la part des collèges, "
            f"{_points(trend['pupils_points'])} pour la part des élèves."
        )
    names = dict(Departement.objects.filter(code__in=use["departements"]).values_list("code", "name"))
    where = ", ".join(f"{names.get(c, c)} ({c})" for c in use["departements"])
    return {**use, "rows": rows, "chart": chart, "trend_sentence": sentence, "where": where}
