"""What the self-diagnosis results page shows of the usage logs, beside the declared levels.

The results view calls :func:`declared_vs_measured` and includes
``usage_dashboard/_declared_vs_measured.html``; nothing is shown when the département has no
warehouse (the function returns None), and a broken warehouse never breaks the results page.
"""

from __future__ import annotations

import logging

from numeduc.formatting import fr_number

from . import store
from .data import is_demo
from .labels import format_value, full_label, month_label

log = logging.getLogger(__name__)

# Self-ratings and logs further apart than this (in years) are said to describe two different
# moments (issue 11: 2017 self-ratings were set beside November 2024 logs without a word).
FAR_APART_YEARS = 2

# Self-diagnosis factor -> the measured indicators that speak to it.
FACTOR_INDICATORS: dict[int, list[tuple[str, str]]] = {
    2: [],  # évaluation et suivi: what is measured is the coverage of the logs themselves
    9: [("device_activity_rate_30d", ""), ("device_activity_rate_7d", "")],
    10: [("monthly_active_rate", "ELEVE"), ("regular_use_share", "ELEVE"), ("device_utilisation", "")],
}


def periods(declared_year: int | None, month: str) -> dict:
    """The period of each side, in words, and a plain warning when they are more than
    ``FAR_APART_YEARS`` apart: ``declared`` « autodiagnostic de 2017 », ``measured`` « journaux
    de novembre 2024 », ``gap_years`` (None without a campaign year), ``warning`` or ""."""
    measured = f"journaux de {month_label(month)}"
    if declared_year is None:
        return {"declared": "autodiagnostic", "measured": measured, "gap_years": None, "warning": ""}
    gap = int(month[:4]) - int(declared_year)
    warning = ""
    if abs(gap) > FAR_APART_YEARS:
        first, second = (
            (f"l'autodiagnostic de {declared_year}", f"les journaux de {month_label(month)}")
            if gap > 0
            else (f"les journaux de {month_label(month)}", f"l'autodiagnostic de {declared_year}")
        )
        warning = (
            f"Attention : {abs(gap)} ans séparent {first} et {second}. Les niveaux déclarés et les "
            "mesures ne décrivent pas le même moment ; la situation a pu changer entre les deux. "
            "Lisez cette comparaison comme un repère, et comparez plutôt des périodes proches quand "
            "c'est possible."
        )
    return {
        "declared": f"autodiagnostic de {declared_year}",
        "measured": measured,
        "gap_years": gap,
        "warning": warning,
    }


def declared_vs_measured(departement, factors, *, user=None, declared_year: int | None = None) -> dict | None:
    """Rows « ce que vous déclarez / ce que mesurent vos journaux » for factors 2, 9 and 10.

    ``factors`` are the profile's factor rows (``.factor``, ``.label``, ``.level``) of the
    self-diagnosis campaign of ``declared_year``; the two periods are named and a warning says
    when they are far apart (``periods``). Shown only to a ``user`` who may see the
    département's usage dashboard (not to the DAN, who reads the published results but not the
    usage logs).
    """
    from numeduc.web.accounts.permissions import can_view_usage_departement

    if user is not None and not can_view_usage_departement(user, departement):
        return None
    try:
        data = store.load(departement.code)
    except Exception:  # noqa: BLE001 - a damaged warehouse must not take the results page down
        log.exception("indicateurs d'usage illisibles pour %s", departement.code)
        return None
    if data is None or not data.months:
        return None
    from .presenters import summary

    month = data.months[-1]
    s = summary(data)
    s = s[s["month"] == month]
    by_factor = {f.factor: f for f in factors}
    rows = []
    for factor, pairs in FACTOR_INDICATORS.items():
        f = by_factor.get(factor)
        if f is None:
            continue
        measures = []
        if factor == 2:
            n = data.indicators["uai"].nunique()
            total = departement.colleges.filter(public=True).count()
            coverage = f"{n} collège{'s' if n > 1 else ''}"
            if total:
                coverage += f" sur {total} collèges publics"
            measures.append({"label": "Collèges suivis par les journaux", "value": coverage})
            measures.append(
                {
                    "label": "Mois couverts",
                    "value": f"{len(data.months)} ({month_label(data.months[0])} – {month_label(month)})",
                }
            )
        for indicator, profile in pairs:
            r = s[(s["indicator"] == indicator) & (s["profile"] == profile)]
            if r.empty:
                continue
            r = r.iloc[0]
            measures.append(
                {
                    "label": full_label(indicator, profile),
                    "value": f"{format_value(indicator, r['value'])} (collège médian : "
                    f"{format_value(indicator, r['median_college'])})",
                }
            )
        level = getattr(f, "level", None)
        rows.append(
            {
                "factor": factor,
                "label": f.label,
                "level": "—" if level is None else fr_number(level, 1 if level % 1 else 0),
                "measures": measures,
            }
        )
    return {
        "rows": rows,
        "month_label": month_label(month),
        "periods": periods(declared_year, month),
        "demo": is_demo(departement),
        "code": departement.code,
    }
