"""Usage indicators (ENT, devices, wifi) per département and per collège, each value with its
referential: the collège's comparison group (collèges of the same density, size and priority
education) and where the collège stands in it.

Same data and visibility as the usage dashboard pages: the département's cached indicators
(``numeduc.web.usage_dashboard.store.load``), ``can_view_usage_departement`` (the coordinator and
the département's editors and viewers) and ``can_view_usage_college`` (those, and the school
head of that collège only). The DAN has no access.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError

from numeduc.web.usage_dashboard import presenters, store
from numeduc.web.usage_dashboard.data import (
    demo_note,
    get_college_for,
    get_departement_for,
    is_demo,
)
from numeduc.web.usage_dashboard.labels import (
    INDICATOR_LABELS,
    KEY_INDICATORS,
    PROFILE_LABELS,
    full_label,
    key_of,
)

from .common import (
    AUTH,
    DEPARTEMENT_CODE,
    MONTH,
    UAI,
    answers,
)

router = Router(tags=["usages"])

# Query parameters are typed without « | None » (absent = None): a nullable query parameter
# would put « null » in the schema, which no query string can carry.
# The monthly indicators of numeduc.usage.indicators (the cost per active pupil is a yearly
# figure of its own, computed with a budget scenario: not served here).
MONTHLY = tuple(name for name in INDICATOR_LABELS if name != "cost_per_active_pupil")
Indicator = Literal[MONTHLY]  # type: ignore[valid-type]
Profile = Literal[tuple(p for p in PROFILE_LABELS if p)]  # type: ignore[valid-type]
NO_LOGS_DEP = "Aucun journal d'usage chargé pour ce département."
NO_LOGS_COLLEGE = "Aucun journal d'usage chargé pour ce collège."


class DefinitionSchema(Schema):
    indicator: str
    profile: str  # ELEVE, PARENT, ENSEIGNANT, PERSONNEL, AUTRE, or "" (the whole collège)
    key: str  # indicator, or indicator:PROFILE (the pages' selector)
    label: str
    explanation: str
    unit: str  # percent (a ratio 0-1), number, kbps, megabytes (bytes in the values)
    direction: int  # +1 higher is better, -1 lower is better, 0 descriptive
    key_indicator: bool


class ReferentialSchema(Schema):
    """The collège's comparison group for this indicator and month."""

    level: str  # densite_taille_ep, densite_taille, densite, ensemble
    group: str
    group_size: int | None
    fallback: bool  # the group was too small and was widened
    fallback_reason: str
    median: float | None
    q1: float | None
    q3: float | None
    percentile: float | None
    robust_z: float | None
    reading: str  # the pages' plain French reading (« à regarder : parmi les 25 % les plus bas »)


class ValueSchema(Schema):
    uai: str
    college: str
    indicator: str
    profile: str
    value: float | None
    numerator: float | None
    denominator: float | None
    referential: ReferentialSchema


class DepartementValueSchema(Schema):
    indicator: str
    profile: str
    value: float | None  # pooled: Σ numerators / Σ denominators of the collèges
    median_college: float | None
    n_colleges: int


class UsageDepartementSchema(Schema):
    departement: str
    departement_name: str
    demo: bool
    demo_note: str
    months: list[str]
    month: str
    computed_at: dt.datetime
    definitions: list[DefinitionSchema]
    departement_values: list[DepartementValueSchema]
    colleges: list[ValueSchema]


class UsageCollegeSchema(Schema):
    uai: str
    name: str
    commune: str
    departement: str
    pupils: int | None
    demo: bool
    months: list[str]
    month: str
    computed_at: dt.datetime
    definitions: list[DefinitionSchema]
    values: list[ValueSchema]


def _num(value) -> float | None:
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _month(data, month: str | None) -> str:
    months = data.months
    if month is None:
        return months[-1]
    if month not in months:
        raise HttpError(
            404, f"Aucun indicateur pour le mois {month} ; mois disponibles : {', '.join(months)}."
        )
    return month


def _select(frame, month: str, indicator: str | None, profile: str | None):
    frame = frame[frame["month"] == month]
    if indicator is not None:
        frame = frame[frame["indicator"] == indicator]
    if profile is not None:
        frame = frame[frame["profile"] == profile]
    return frame


def _definitions(frame) -> list[dict]:
    pairs = set(map(tuple, frame[["indicator", "profile"]].drop_duplicates().itertuples(index=False)))
    ordered = [p for p in KEY_INDICATORS if p in pairs] + sorted(pairs - set(KEY_INDICATORS))
    out = []
    for indicator, profile in ordered:
        info = INDICATOR_LABELS.get(indicator)
        out.append(
            {
                "indicator": indicator,
                "profile": profile,
                "key": key_of(indicator, profile),
                "label": full_label(indicator, profile),
                "explanation": info.explanation if info else "",
                "unit": info.unit if info else "number",
                "direction": info.direction if info else 0,
                "key_indicator": (indicator, profile) in KEY_INDICATORS,
            }
        )
    return out


def _values(frame, names: dict[str, str]) -> list[dict]:
    out = []
    for r in frame.sort_values(["uai", "indicator", "profile"], kind="stable").to_dict("records"):
        size = _num(r.get("group_size"))
        out.append(
            {
                "uai": r["uai"],
                "college": names.get(r["uai"], ""),
                "indicator": r["indicator"],
                "profile": r["profile"],
                "value": _num(r["value"]),
                "numerator": _num(r.get("numerator")),
                "denominator": _num(r.get("denominator")),
                "referential": {
                    "level": r.get("group_level") or "",
                    "group": r.get("group") or "",
                    "group_size": int(size) if size is not None else None,
                    "fallback": bool(r.get("fallback")),
                    "fallback_reason": r.get("fallback_reason") or "",
                    "median": _num(r.get("median")),
                    "q1": _num(r.get("q1")),
                    "q3": _num(r.get("q3")),
                    "percentile": _num(r.get("percentile")),
                    "robust_z": _num(r.get("robust_z")),
                    "reading": presenters.flag(r["indicator"], r)[0],
                },
            }
        )
    return out


def _names(data) -> dict[str, str]:
    return {str(r["uai"]): str(r.get("name") or "") for r in data.establishments.to_dict("records")}


MONTH_QUERY = Query(
    None, pattern=MONTH, example="2024-11", description="Mois AAAA-MM (par défaut, le dernier)"
)
INDICATOR_QUERY = Query(None, description="Un indicateur seulement")
PROFILE_QUERY = Query(None, description="Un profil seulement (ELEVE, PARENT, ENSEIGNANT, PERSONNEL, AUTRE)")


@router.get(
    "/usage/departements/{code}",
    response=answers(UsageDepartementSchema, 401, 403, 404),
    auth=AUTH,
    summary="Indicateurs d'usage d'un département pour un mois : valeur du département et de chaque "
    "collège, comparé à son groupe de collèges semblables",
)
def departement_usage(
    request,
    code: str = Path(..., pattern=DEPARTEMENT_CODE, example="45"),
    month: str = MONTH_QUERY,
    indicator: Indicator = INDICATOR_QUERY,
    profile: Profile = PROFILE_QUERY,
):
    dep = get_departement_for(request.user, code)
    data = store.load(dep.code)
    if data is None or not data.months:
        raise HttpError(404, NO_LOGS_DEP)
    month = _month(data, month)
    frame = _select(data.indicators, month, indicator, profile)
    summary = _select(presenters.summary(data), month, indicator, profile).sort_values(
        ["indicator", "profile"]
    )
    return {
        "departement": dep.code,
        "departement_name": dep.name,
        "demo": is_demo(dep),
        "demo_note": demo_note(dep),
        "months": data.months,
        "month": month,
        "computed_at": dt.datetime.fromtimestamp(data.computed_at, dt.UTC),
        "definitions": _definitions(frame),
        "departement_values": [
            {
                "indicator": r["indicator"],
                "profile": r["profile"],
                "value": _num(r["value"]),
                "median_college": _num(r["median_college"]),
                "n_colleges": int(r["n_colleges"]),
            }
            for r in summary.to_dict("records")
        ],
        "colleges": _values(frame, _names(data)),
    }


@router.get(
    "/usage/colleges/{uai}",
    response=answers(UsageCollegeSchema, 401, 403, 404),
    auth=AUTH,
    summary="Indicateurs d'usage d'un collège pour un mois, chacun comparé à son groupe de collèges "
    "semblables",
)
def college_usage(
    request,
    uai: str = Path(..., pattern=UAI, example="0450003J"),
    month: str = MONTH_QUERY,
    indicator: Indicator = INDICATOR_QUERY,
    profile: Profile = PROFILE_QUERY,
):
    college = get_college_for(request.user, uai)
    dep = college.departement
    data = store.load(dep.code)
    if data is None or not data.months or uai not in set(data.indicators["uai"]):
        raise HttpError(404, NO_LOGS_COLLEGE)
    month = _month(data, month)
    frame = _select(data.indicators[data.indicators["uai"] == uai], month, indicator, profile)
    est = data.establishments.set_index("uai")
    pupils = _num(est["pupils"].get(uai)) if "pupils" in est else None
    return {
        "uai": uai,
        "name": college.name,
        "commune": college.commune_name or "",
        "departement": dep.code,
        "pupils": int(pupils) if pupils is not None else None,
        "demo": is_demo(dep),
        "months": data.months,
        "month": month,
        "computed_at": dt.datetime.fromtimestamp(data.computed_at, dt.UTC),
        "definitions": _definitions(frame),
        "values": _values(frame, _names(data)),
    }
