"""What the usage templates receive, built from a département's cached indicators: rows, French
labels and values, charts, the cost section (no request, no template and no write here)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from numeduc.charts import Series, bar, line
from numeduc.charts.point_map import Place, point_map
from numeduc.exports import Column, Table
from numeduc.formatting import fr_number
from numeduc.usage import export as usage_export

from .labels import (
    DEFAULT_INDICATOR,
    KEY_INDICATORS,
    format_value,
    full_label,
    key_of,
    label_for,
    month_label,
    scaled,
    unit_suffix,
)
from .store import WarehouseData

if TYPE_CHECKING:  # pragma: no cover
    from numeduc import budget

    from .data import ReferenceCollege

SOURCE = "journaux ENT, gestion de flotte et wifi des collèges du département"
# Where the map's points come from (numeduc/data/reference/colleges.columns.csv: latitude).
POSITIONS_SOURCE = "position des collèges : annuaire de l'Éducation nationale (novembre 2024)"
# Who counted the pupils of the referential (colleges.columns.csv: pupils), as the budget says.
PUPILS_COUNTED_BY = "DEPP"
Z_FAR = 2.0
WATCH_PREFIX = "à regarder : "  # how flag() opens the mark of a collège in its unfavourable quartile


def _num(v) -> float | None:
    if v is None or v is pd.NA:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def memo(data: WarehouseData, key: tuple, compute):
    """``compute()``, kept with this warehouse state (``data.derived``): a new ingestion changes
    the manifest signature, hence gives a new ``WarehouseData`` and nothing computed from the
    old one is served. Callers only read what is returned."""
    value = data.derived.get(key)
    if value is None:
        value = compute()
        data.derived[key] = value
    return value


def choices(data: WarehouseData) -> list[dict]:
    """Every (indicator, profile) present, key indicators first, for the selector."""
    return memo(data, ("choices",), lambda: _choices(data))


def _choices(data: WarehouseData) -> list[dict]:
    present = data.indicators[["indicator", "profile"]].drop_duplicates()
    pairs = set(map(tuple, present.itertuples(index=False)))
    ordered = [p for p in KEY_INDICATORS if p in pairs]
    ordered += sorted(pairs - set(ordered), key=lambda p: full_label(*p))
    return [
        {"key": key_of(i, p), "label": full_label(i, p), "key_indicator": (i, p) in KEY_INDICATORS}
        for i, p in ordered
    ]


def resolve(data: WarehouseData, month: str | None, indicator: str | None, profile: str | None):
    """Month, indicator and profile asked for, or sensible defaults when absent or unknown."""
    months = data.months
    month = month if month in months else (months[-1] if months else None)
    present = set(
        map(tuple, data.indicators[["indicator", "profile"]].drop_duplicates().itertuples(index=False))
    )
    if (indicator, profile or "") not in present:
        indicator, profile = (
            DEFAULT_INDICATOR
            if DEFAULT_INDICATOR in present
            else (next(iter(sorted(present))) if present else DEFAULT_INDICATOR)
        )
    return month, indicator, profile or ""


def flag(indicator: str, row) -> tuple[str, str]:
    """A plain reading of the collège's position in its group, and a CSS class."""
    pct, z = _num(row.get("percentile")), _num(row.get("robust_z"))
    if pct is None:
        return "", ""
    direction = label_for(indicator).direction
    parts, css = [], ""
    if pct < 25:
        parts.append("parmi les 25 % les plus bas")
        css = "watch" if direction > 0 else ("good" if direction < 0 else "")
    elif pct > 75:
        parts.append("parmi les 25 % les plus hauts")
        css = "watch" if direction < 0 else ("good" if direction > 0 else "")
    if z is not None and abs(z) >= Z_FAR:
        parts.append("très éloigné du groupe")
    text = ", ".join(parts)
    if css == "watch":
        text = f"{WATCH_PREFIX}{text}"
    return text, css


def _row_view(indicator: str, row, est_row=None) -> dict:
    text, css = flag(indicator, row)
    size = _num(row.get("group_size"))
    z = _num(row.get("robust_z"))
    pct = _num(row.get("percentile"))
    return {
        "uai": row["uai"],
        "name": (est_row or {}).get("name") or row["uai"],
        "commune": (est_row or {}).get("commune_name") or "",
        "pupils": fr_number(_num((est_row or {}).get("pupils"))),
        "value": format_value(indicator, _num(row["value"])),
        "raw_value": _num(row["value"]),
        "median": format_value(indicator, _num(row.get("median"))),
        "q1": format_value(indicator, _num(row.get("q1"))),
        "q3": format_value(indicator, _num(row.get("q3"))),
        "percentile": fr_number(pct, 0) if pct is not None else "—",
        "robust_z": fr_number(z, 1) if z is not None else "—",
        "flag": text,
        "flag_css": css,
        "group": row.get("group") or "",
        "group_size": int(size) if size is not None else 0,
        "fallback": bool(row.get("fallback")),
        "fallback_reason": row.get("fallback_reason") or "",
    }


def _est_lookup(data: WarehouseData) -> dict[str, dict]:
    return {r["uai"]: r for r in data.establishments.to_dict("records")}


def college_rows(data: WarehouseData, month: str, indicator: str, profile: str) -> list[dict]:
    return memo(
        data,
        ("college-rows", month, indicator, profile),
        lambda: _college_rows(data, month, indicator, profile),
    )


def _college_rows(data: WarehouseData, month: str, indicator: str, profile: str) -> list[dict]:
    df = data.indicators
    sel = df[(df["month"] == month) & (df["indicator"] == indicator) & (df["profile"] == profile)]
    sel = sel.sort_values("value", ascending=label_for(indicator).direction < 0, kind="stable")
    est = _est_lookup(data)
    return [_row_view(indicator, r, est.get(r["uai"])) for r in sel.to_dict("records")]


def scaled_formatter(indicator: str):
    """Formats a value already in the unit shown (``scaled``), for the charts' labels and tables."""
    info = label_for(indicator)
    suffix = unit_suffix(indicator)

    def fmt(v: float | None) -> str:
        if v is None:
            return "non renseigné"
        return fr_number(v, info.decimals) + (f"\u00a0{suffix}" if suffix else "")

    return fmt


# -- one source for a collège's pupils: the national referential -----------------------------


def school_year_start(school_year: str) -> str:
    """``2020-2021`` → ``rentrée 2020`` (the October count of that school year)."""
    first = (school_year or "").split("-")[0].strip()
    return f"rentrée {first}" if first.isdigit() else (school_year or "")


def pupils_source(ref: ReferenceCollege | None) -> str:
    """``DEPP, rentrée 2020``: who counted the referential's pupils, and when."""
    if ref is None or ref.pupils is None:
        return ""
    year = school_year_start(ref.pupils_school_year)
    return f"{PUPILS_COUNTED_BY}, {year}" if year else PUPILS_COUNTED_BY


def pupils_view(ref: ReferenceCollege | None, loaded: object) -> dict:
    """A collège's pupils as every usage page shows them: the referential's figure with its
    source and year (the budget pages use the same figure), and the loaded establishments
    file's figure only when it says something else (it is what the usage ratios divide by).

    ``number`` is the figure alone (for a table whose header names the source), ``text`` the
    full wording (« 845 élèves (DEPP, rentrée 2020) »), ``loaded_note`` « 338 dans le fichier
    chargé » or empty."""
    loaded_n = _num(loaded)
    if ref is not None and ref.pupils is not None:
        note = ""
        if loaded_n is not None and round(loaded_n) != ref.pupils:
            note = f"{fr_number(loaded_n)} dans le fichier chargé"
        return {
            "number": fr_number(ref.pupils),
            "text": f"{fr_number(ref.pupils)} élève{'s' if ref.pupils > 1 else ''} ({pupils_source(ref)})",
            "source": pupils_source(ref),
            "loaded_note": note,
        }
    if loaded_n is not None:  # a collège the referential does not count: the file's figure, said so
        return {
            "number": fr_number(loaded_n),
            "text": f"{fr_number(loaded_n)} élève{'s' if loaded_n > 1 else ''} (fichier chargé)",
            "source": "fichier chargé",
            "loaded_note": "",
        }
    return {"number": "—", "text": "effectif inconnu", "source": "", "loaded_note": ""}


def pupils_heading(refs: dict[str, ReferenceCollege]) -> str:
    """Header of a table's pupils column: « Élèves (DEPP, rentrée 2020) » when the referential
    counts every collège in the same school year (it does), else « Élèves » and each cell says."""
    sources = {pupils_source(r) for r in refs.values() if r.pupils is not None}
    return f"Élèves ({sources.pop()})" if len(sources) == 1 else "Élèves"


def with_reference_pupils(rows: list[dict], refs: dict[str, ReferenceCollege], loaded: dict) -> list[dict]:
    """Copies of ``rows`` (they may be cached) with ``pupils`` from the referential and the
    loaded file's figure in ``pupils_note`` when it differs; ``loaded`` maps UAI to the file's
    figure."""
    single = pupils_heading(refs) != "Élèves"  # the header names the source: cells need not
    out = []
    for row in rows:
        view = pupils_view(refs.get(row["uai"]), loaded.get(row["uai"]))
        number = view["number"] if single or not view["source"] else f"{view['number']} ({view['source']})"
        out.append({**row, "pupils": number, "pupils_note": view["loaded_note"]})
    return out


def with_reference_cost_pupils(cost: dict, refs: dict[str, ReferenceCollege], loaded: dict) -> dict:
    """The cost section (cached) with the referential's pupils in its rows and its total; the
    costs themselves stay computed on the loaded file's pupils, whose figure each row gives
    when it differs."""
    rows = with_reference_pupils(cost["rows"], refs, loaded)
    uais = [r["uai"] for r in cost["rows"]]
    known = [refs[u].pupils for u in uais if u in refs and refs[u].pupils is not None]
    total = dict(cost["total"])
    if len(known) == len(uais) and known:
        file_total = sum(_num(loaded.get(u)) or 0 for u in uais)
        ref_total = sum(p for p in known if p is not None)
        total["pupils"] = fr_number(ref_total)
        total["pupils_note"] = (
            f"{fr_number(file_total)} dans le fichier chargé" if round(file_total) != ref_total else ""
        )
    return {**cost, "rows": rows, "total": total}


def loaded_pupils(data: WarehouseData) -> dict[str, object]:
    """The establishments file's pupils, by UAI."""
    est = data.establishments
    if "pupils" not in est:
        return {}
    return dict(zip(est["uai"], est["pupils"]))


def watch_first(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """The « à regarder » rows (unfavourable quartile of their group), then the others, each
    in the order given; the first ones' mark without its « à regarder » prefix (their table's
    title says it)."""
    watch = [{**r, "flag": r["flag"].removeprefix(WATCH_PREFIX)} for r in rows if r["flag_css"] == "watch"]
    return watch, [r for r in rows if r["flag_css"] != "watch"]


# -- map of the collèges ------------------------------------------------------------------------


def college_map(
    data: WarehouseData,
    rows: list[dict],
    refs: dict[str, ReferenceCollege],
    indicator: str,
    profile: str,
    month: str,
    *,
    departement_code: str,
    demo: bool,
):
    """Every collège of the warehouse on the département's map, coloured by the indicator's
    value in ``month`` (``rows``: the page's collège rows), the « à regarder » ones ringed;
    positions from the referential. A collège without a value this month is hollow, one the
    referential does not place is only in the table."""
    by_uai = {r["uai"]: r for r in rows}
    est = _est_lookup(data)
    places = []
    for uai in sorted(set(est) | set(by_uai)):
        ref = refs.get(uai)
        row = by_uai.get(uai)
        name = (est.get(uai) or {}).get("name") or (ref.name if ref else "") or uai
        places.append(
            Place(
                uai,
                name,
                ref.longitude if ref else None,
                ref.latitude if ref else None,
                scaled(indicator, row["raw_value"]) if row else None,
                highlight=bool(row and row["flag_css"] == "watch"),
            )
        )

    return point_map(
        places,
        outline_code=departement_code,
        value_format=scaled_formatter(indicator),
        legend_title=f"{full_label(indicator, profile)}, {month_label(month)}",
        source=f"{SOURCE} ; {POSITIONS_SOURCE}",
        title=f"Carte des collèges — {full_label(indicator, profile)}, {month_label(month)}",
        id_prefix=f"usage-map-{departement_code}",
        demo=demo,
        name_header="Collège",
        key_header="UAI",
        value_header=full_label(indicator, profile),
        place_word=("collège", "collèges"),
        show_title=False,
    )


def summary(data: WarehouseData) -> pd.DataFrame:
    """Per month, indicator and profile: pooled value and median collège (computed once)."""
    if "summary" not in data.derived:
        from numeduc.usage.indicators import departement_summary  # Ibis: imported on first use

        data.derived["summary"] = departement_summary(data.indicators)
    return data.derived["summary"]


def overview(data: WarehouseData, month: str) -> list[dict]:
    """Key indicators of the département for the month: pooled value, median collège, count of
    collèges in the unfavourable quartile of their group."""
    return memo(data, ("overview", month), lambda: _overview(data, month))


def _overview(data: WarehouseData, month: str) -> list[dict]:
    s = summary(data)
    s = s[s["month"] == month].set_index(["indicator", "profile"])
    df = data.indicators
    df = df[df["month"] == month]
    out = []
    for indicator, profile in KEY_INDICATORS:
        if (indicator, profile) not in s.index:
            continue
        r = s.loc[(indicator, profile)]
        pct = df.loc[(df["indicator"] == indicator) & (df["profile"] == profile), "percentile"]
        direction = label_for(indicator).direction
        # Same rule as flag(): the unfavourable quartile of the collège's comparison group.
        watch = int((pct < 25).sum()) if direction > 0 else (int((pct > 75).sum()) if direction < 0 else 0)
        out.append(
            {
                "key": key_of(indicator, profile),
                "label": full_label(indicator, profile),
                "explanation": label_for(indicator).explanation,
                "value": format_value(indicator, _num(r["value"])),
                "median": format_value(indicator, _num(r["median_college"])),
                "n": int(r["n_colleges"]),
                "watch": watch,
            }
        )
    return out


def series_chart(
    data: WarehouseData,
    indicator: str,
    profile: str,
    *,
    uai: str | None = None,
    college_name: str = "",
    departement_name: str = "",
    departement_of: str = "",
    demo: bool = False,
):
    """Monthly line chart: the département (pooled), the median collège, and the collège."""
    months = data.months
    if not months:
        return None
    s = summary(data)
    s = s[(s["indicator"] == indicator) & (s["profile"] == profile)].set_index("month")
    series = []
    df = data.indicators
    if uai:
        own = df[(df["uai"] == uai) & (df["indicator"] == indicator) & (df["profile"] == profile)].set_index(
            "month"
        )
        series.append(
            Series(
                college_name or uai, [scaled(indicator, _num(own["value"].get(m))) for m in months], "primary"
            )
        )
        series.append(
            Series(
                "Médiane de son groupe de comparaison",
                [scaled(indicator, _num(own["median"].get(m))) for m in months],
                "secondary",
            )
        )
    series.append(
        Series(
            f"Ensemble du département{' ' + departement_of if departement_of else ''}",  # « … du Loiret »
            [scaled(indicator, _num(s["value"].get(m))) for m in months],
            "reference" if uai else "primary",
        )
    )
    if not uai:
        series.append(
            Series(
                "Collège médian",
                [scaled(indicator, _num(s["median_college"].get(m))) for m in months],
                "secondary",
            )
        )
    suffix = unit_suffix(indicator)
    fmt = scaled_formatter(indicator)
    who = college_name or departement_name
    return line(
        [month_label(m) for m in months],
        series,
        unit=suffix,
        value_format=fmt,
        include_zero=True,
        title=f"{full_label(indicator, profile)} — {who}, par mois",
        id_prefix=f"usage-{uai or 'dep'}",
        demo=demo,
        source=SOURCE,
        x_header="Mois",
    )


DASHBOARD_TABLE = Table(
    "usage-dashboard",
    "Indicateurs d'usage des collèges d'un département",
    "un collège, un mois, un indicateur et un profil, comparé aux collèges semblables",
    (
        usage_export.UAI,
        Column("college", "Collège"),
        Column("commune", "Commune"),
        usage_export.MONTH,
        usage_export.INDICATOR,
        usage_export.PROFILE,
        Column("label", "Indicateur"),
        usage_export.VALUE,
        usage_export.NUMERATOR,
        usage_export.DENOMINATOR,
        Column(
            "group",
            "Groupe de comparaison",
            description="collèges semblables (densité, taille, éducation prioritaire)",
        ),
        usage_export.GROUP_SIZE,
        usage_export.FALLBACK,
        usage_export.MEDIAN,
        usage_export.Q1,
        usage_export.Q3,
        usage_export.PERCENTILE,
        usage_export.ROBUST_Z,
        Column("flag", "Repère", description="« à regarder » quand le collège se détache de son groupe"),
    ),
)


def export_frame(
    data: WarehouseData,
    month: str,
    *,
    indicator: str | None = None,
    profile: str | None = None,
    uai: str | None = None,
    pairs: list[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """The table shown on the page, with raw values (:data:`DASHBOARD_TABLE`)."""
    df = data.indicators[data.indicators["month"] == month]
    if uai:
        df = df[df["uai"] == uai]
    if indicator:
        df = df[(df["indicator"] == indicator) & (df["profile"] == (profile or ""))]
    if pairs:
        wanted = set(pairs)
        df = df[[(i, p) in wanted for i, p in zip(df["indicator"], df["profile"])]]
    est = _est_lookup(data)
    rows = []
    for r in df.to_dict("records"):
        e = est.get(r["uai"], {})
        rows.append(
            {
                "uai": r["uai"],
                "college": e.get("name", ""),
                "commune": e.get("commune_name", ""),
                "month": r["month"],
                "indicator": r["indicator"],
                "profile": r["profile"],
                "label": full_label(r["indicator"], r["profile"]),
                "value": _num(r["value"]),
                "numerator": _num(r["numerator"]),
                "denominator": _num(r["denominator"]),
                "group": r.get("group", ""),
                "group_size": _num(r.get("group_size")),
                "fallback": bool(r.get("fallback")),
                "median": _num(r.get("median")),
                "q1": _num(r.get("q1")),
                "q3": _num(r.get("q3")),
                "percentile": _num(r.get("percentile")),
                "robust_z": _num(r.get("robust_z")),
                "flag": flag(r["indicator"], r)[0],
            }
        )
    return pd.DataFrame(rows, columns=[c.name for c in DASHBOARD_TABLE.declared])


def college_indicator_rows(data: WarehouseData, month: str, uai: str) -> tuple[list[dict], list[dict]]:
    """The collège's key indicators, then every other one, for the month."""
    df = data.indicators
    own = df[(df["month"] == month) & (df["uai"] == uai)]
    by_pair = {(r["indicator"], r["profile"]): r for r in own.to_dict("records")}
    est = _est_lookup(data).get(uai)

    def view(pair):
        r = by_pair[pair]
        v = _row_view(pair[0], r, est)
        v.update(label=full_label(*pair), explanation=label_for(pair[0]).explanation, key=key_of(*pair))
        return v

    key_rows = [view(p) for p in KEY_INDICATORS if p in by_pair]
    others = sorted((p for p in by_pair if p not in KEY_INDICATORS), key=lambda p: full_label(*p))
    return key_rows, [view(p) for p in others]


# -- cost per active pupil (numeduc.usage.cost) -----------------------------------------------

COST_SECTION = "Coût par élève actif"


@dataclass
class CostBasis:
    """The budget scenario behind the cost per active pupil, and how the page names it."""

    engine: budget.Scenario
    scale_equipment: bool
    key: str  # cache key: changes when the scenario changes
    description: str  # plain French: which scenario, and why
    planning_scenario: object | None = None  # numeduc.web.planning.models.Scenario
    demo_scenario: bool = False
    # The département's scenario that a rule now refuses (its figures are skipped): the notice
    # that names it and says how to fix it, and the scenario for the link to its form.
    problem: str = ""
    problem_scenario: object | None = None


def cost_basis(departement, user) -> CostBasis:
    """The département's most recent budget scenario covering all its collèges (planning app),
    when the user may read its budget; else the white paper's preset, and the reason.

    A scenario of one typical collège does not say what each real collège costs, so it is
    not used; a scenario that no longer passes the engine's validation is not either: the
    basis then carries a notice naming it and how to fix it."""
    from numeduc.web.accounts.permissions import can_view_departement_budget
    from numeduc.web.planning.models import Scenario as PlanningScenario

    why = "le département n'a pas encore de scénario de budget"
    if not can_view_departement_budget(user, departement):
        why = "les scénarios de budget du département ne vous sont pas accessibles"
    else:
        scenarios = PlanningScenario.objects.filter(departement=departement).order_by("-updated_at", "-pk")
        chosen = scenarios.filter(scope=PlanningScenario.Scope.DEPARTEMENT).first()
        if chosen is not None:
            from numeduc.web.planning.data import engine_of

            engine, problem = engine_of(chosen)
            if problem is not None:
                return _preset_basis(
                    f"le scénario « {chosen.name} » n'est plus valide ({problem.detail})",
                    problem=problem.message,
                    problem_scenario=chosen,
                )
            demo = " (scénario de démonstration)" if chosen.is_demo else ""
            scale = (
                "équipement proportionnel à l'effectif"
                if chosen.scale_equipment
                else "même équipement dans chaque collège"
            )
            return CostBasis(
                engine,
                chosen.scale_equipment,
                f"scenario-{chosen.pk}-{chosen.updated_at.isoformat()}",
                f"scénario de budget du département « {chosen.name} »{demo}, le plus récent de ceux qui "
                f"couvrent tous les collèges ({scale})",
                planning_scenario=chosen,
                demo_scenario=chosen.is_demo,
            )
        elif scenarios.exists():
            why = (
                "les scénarios de budget du département portent sur un collège type, pas sur chacun "
                "de ses collèges"
            )
    return _preset_basis(why)


def _preset_basis(why: str, *, problem: str = "", problem_scenario=None) -> CostBasis:
    from numeduc import budget

    engine = budget.load_preset(budget.WHITE_PAPER_PRESET)
    return CostBasis(
        engine,
        True,
        f"preset-{budget.WHITE_PAPER_PRESET}",
        f"préréglage du livre blanc de l'ADF (2017), « {engine.label} », équipement "
        f"proportionnel à l'effectif de chaque collège, car {why}",
        problem=problem,
        problem_scenario=problem_scenario,
    )


def checked_cost_tables(data: WarehouseData, basis: CostBasis) -> tuple[pd.DataFrame, dict, CostBasis]:
    """``cost_tables``, or, when the département's scenario cannot cost these collèges (its
    scaled equipment leaves the bounds for one of them), the preset's tables and a basis whose
    notice names the scenario and how to fix it."""
    try:
        costs, total = cost_tables(data, basis)
    except ValueError as error:  # ScenarioError is a ValueError
        scenario = basis.planning_scenario
        if scenario is None:
            raise
        detail = getattr(error, "detail", None) or str(error)
        basis = _preset_basis(
            f"le scénario « {scenario.name} » ne peut pas être calculé ({detail})",
            problem=(
                f"Le scénario « {scenario.name} » contient une valeur hors limites ({detail}). "
                "Modifiez-le pour le corriger."
            ),
            problem_scenario=scenario,
        )
        costs, total = cost_tables(data, basis)
    return costs, total, basis


def cost_tables(data: WarehouseData, basis: CostBasis) -> tuple[pd.DataFrame, dict]:
    """Per collège and pooled cost per active pupil, computed once per cached warehouse state and
    scenario from the cached indicators (the logs are not read again)."""
    from numeduc.usage.cost import cost_per_active_pupil, departement_cost

    key = ("cost", basis.key)
    cached = data.derived.get(key)
    if cached is None:
        costs = cost_per_active_pupil(
            data.indicators, data.establishments, basis.engine, scale_equipment=basis.scale_equipment
        )
        cached = (costs, departement_cost(costs))
        # One scenario's table at a time: an edited scenario replaces the previous one (pop, not
        # del: another request may be doing the same).
        for old in [k for k in list(data.derived) if isinstance(k, tuple) and k[0] == "cost"]:
            data.derived.pop(old, None)
        data.derived[key] = cached
    return cached


def _cost_row(r: dict, *, total: bool = False) -> dict:
    from numeduc.formatting import fr_euro, fr_percent

    mar = _num(r.get("mean_mar_pupils"))
    return {
        "uai": r["uai"],
        "name": r["name"] or r["uai"],
        "total": total,
        "pupils": fr_number(_num(r.get("pupils"))),
        "tco_year": fr_euro(_num(r.get("tco_year"))),
        "cost_per_pupil": fr_euro(_num(r.get("cost_per_pupil"))),
        "mean_mar_pupils": fr_percent(mar * 100 if mar is not None else None),
        "active_pupils": fr_number(_num(r.get("active_pupils"))),
        "months": int(r.get("months") or 0),
        "cost_per_active_pupil": format_value("cost_per_active_pupil", _num(r.get("cost_per_active_pupil"))),
        "raw_cost_per_active_pupil": _num(r.get("cost_per_active_pupil")),
        "reason": r.get("reason") or "",
    }


def cost_section(data: WarehouseData, basis: CostBasis) -> dict:
    """What the « Coût par élève actif » section shows: rows (cheapest per active pupil first,
    collèges without a value last), the département's row, the months averaged."""
    costs, total, basis = checked_cost_tables(data, basis)

    def rows():
        ordered = costs.assign(_missing=costs["cost_per_active_pupil"].isna()).sort_values(
            ["_missing", "cost_per_active_pupil", "uai"], kind="stable"
        )
        # Formatted rows of one scenario at a time, as cost_tables keeps its tables.
        for old in [k for k in list(data.derived) if isinstance(k, tuple) and k[0] == "cost-rows"]:
            data.derived.pop(old, None)
        return [_cost_row(r) for r in ordered.drop(columns="_missing").to_dict("records")], _cost_row(
            total, total=True
        )

    # Same key as the tables they are formatted from (cost_tables): changes with the scenario.
    formatted, total_row = memo(data, ("cost-rows", basis.key), rows)
    months = data.months
    return {
        "rows": formatted,
        "total": total_row,
        "n_measured": total["n_measured"],
        "n_colleges": total["n_colleges"],
        "first_month": month_label(months[0]) if months else "",
        "last_month": month_label(months[-1]) if months else "",
        "n_months": len(months),
        "basis": basis,
        "explanation": label_for("cost_per_active_pupil").explanation,
    }


COST_EXPORT_TABLE = Table(
    "usage-dashboard-cost",
    "Coût par élève actif des collèges d'un département",
    "un collège ; la dernière ligne, sans code UAI, est l'ensemble du département",
    (
        *usage_export.COST_COLUMNS,
        Column("cost_basis", "Base du coût", description="scénario de budget retenu et pourquoi"),
    ),
)


def cost_export_frame(data: WarehouseData, basis: CostBasis) -> pd.DataFrame:
    """The section's table with raw values (the département's row last, its UAI empty)."""
    costs, total, basis = checked_cost_tables(data, basis)
    rows = costs.to_dict("records") + [total]
    return pd.DataFrame(
        {
            "uai": [r["uai"] for r in rows],
            "name": [r["name"] for r in rows],
            "pupils": [_num(r["pupils"]) for r in rows],
            "tco_year": [_num(r["tco_year"]) for r in rows],
            "cost_per_pupil": [_num(r["cost_per_pupil"]) for r in rows],
            "mean_mar_pupils": [_num(r["mean_mar_pupils"]) for r in rows],
            "months": [int(r["months"]) for r in rows],
            "active_pupils": [_num(r["active_pupils"]) for r in rows],
            "cost_per_active_pupil": [_num(r["cost_per_active_pupil"]) for r in rows],
            "reason": [r["reason"] for r in rows],
            "scenario": basis.engine.name,
            "cost_basis": basis.description,
        }
    )


# --- fleet and bandwidth pages (numeduc.usage.fleet, numeduc.usage.bandwidth; docs/fleet.md) ----

FLEET_SOURCE = "inventaire de la gestion de flotte (MDM) ; durées de vie et prix : paramètres du budget"
BANDWIDTH_SOURCE = (
    "débit déclaré dans le fichier des établissements ; pic mesuré : sessions wifi ; "
    "besoins et coûts : moteur de budget"
)


def fr_value(v, decimals: int = 0, suffix: str = "") -> str:
    f = _num(v)
    return "—" if f is None else fr_number(f, decimals) + suffix


def _pct(v) -> str:
    f = _num(v)
    return "—" if f is None else fr_number(f * 100, 0) + " %"


def fleet_data(data: WarehouseData):
    """The département's fleet (numeduc.usage.fleet.fleet), once per warehouse state."""
    from numeduc.usage import fleet as usage_fleet

    from .store import warehouse_path

    return memo(data, ("fleet",), lambda: usage_fleet.fleet(warehouse_path(data.code)))


def bandwidth_data(data: WarehouseData) -> pd.DataFrame:
    """Each collège's link and need (numeduc.usage.bandwidth), from the cached indicators."""
    from numeduc.usage import bandwidth as usage_bandwidth

    from .store import warehouse_path

    return memo(
        data,
        ("bandwidth",),
        lambda: usage_bandwidth.departement_bandwidth(warehouse_path(data.code), data.indicators),
    )


def _name_of(data: WarehouseData, uai: str) -> str:
    return ((_est_lookup(data).get(uai) or {}).get("name") or uai) if uai else ""


def one_for(pupils_per_device) -> str:
    """« 1 pour 2,5 élèves » (the paper's « 1 équipement pour N élèves »); more than one device
    per pupil reads « 1,4 équipement par élève »."""
    n = _num(pupils_per_device)
    if n is None or n <= 0:
        return "—"
    if n < 1:
        return f"{fr_number(1 / n, 1)} équipement par élève"
    return f"1 pour {fr_number(n, 1)} élève" + ("s" if n >= 2 else "")


def fleet_rows(data: WarehouseData, uai: str | None = None) -> list[dict]:
    """The fleet table, French values (the département's row last, unless ``uai``)."""
    table = fleet_data(data).table
    if uai is not None:
        table = table[table["uai"] == uai]
    rows = []
    for r in table.to_dict("records"):
        rows.append(
            {
                "uai": r["uai"],
                "name": _name_of(data, r["uai"]) or "Ensemble du département",
                "total": not r["uai"],
                "pupils": fr_value(r["pupils"]),
                "devices": fr_value(r["devices"]),
                "one_for": one_for(r["pupils_per_device"]),
                "median_age": fr_value(r["median_age"], 1, " ans"),
                "past_life": f"{fr_value(r['past_life'])} ({_pct(r['past_life_share'])})",
                "unseen": f"{fr_value(r['unseen_30d'])} ({_pct(r['unseen_30d_share'])})",
            }
        )
    return rows


def age_chart(data: WarehouseData, *, uai: str | None = None, title_who: str = "", demo: bool = False):
    from numeduc.usage import fleet as usage_fleet

    f = fleet_data(data)
    ages = usage_fleet.age_distribution(f.devices, uai)
    if not ages["devices"].sum():
        return None
    ok = ages["devices"] - ages["past_life"]
    return bar(
        list(ages["age_label"]),
        [
            Series("Dans leur durée de vie", [float(v) for v in ok], "primary"),
            Series("Au-delà de leur durée de vie", [float(v) for v in ages["past_life"]], "secondary"),
        ],
        stacked=True,
        value_format=lambda v: fr_number(v, 0),
        title=f"Âge des équipements — {title_who}",
        id_prefix=f"fleet-age-{uai or data.code}",
        demo=demo,
        source=FLEET_SOURCE,
        category_header="Âge",
        axis_label="appareils",
    )


def renewal_chart(data: WarehouseData, *, demo: bool = False):
    plan = fleet_data(data).plan
    if plan.empty or not plan["devices"].sum():
        return None
    years = [str(y) for y in plan["year"]]
    smoothing = plan.attrs.get("smoothing_years", 3)
    return bar(
        years,
        [
            Series("Renouvellement à l'échéance", [float(v) for v in plan["investment_eur"]], "primary"),
            Series(
                f"Lissé sur {smoothing} ans", [float(v) for v in plan["smoothed_investment_eur"]], "secondary"
            ),
        ],
        unit="€",
        value_format=lambda v: fr_number(v, 0) + " €",
        title="Investissement de renouvellement par année",
        id_prefix=f"fleet-renewal-{data.code}",
        demo=demo,
        source=FLEET_SOURCE,
        category_header="Année",
        value_labels=False,
    )


def plan_rows(data: WarehouseData) -> list[dict]:
    plan = fleet_data(data).plan
    return [
        {
            "year": int(r["year"]),
            "devices": fr_value(r["devices"]),
            "investment": fr_value(r["investment_eur"], 0, " €"),
            "smoothed_devices": fr_value(r["smoothed_devices"]),
            "smoothed_investment": fr_value(r["smoothed_investment_eur"], 0, " €"),
        }
        for r in plan.to_dict("records")
    ]


FLEET_TABLE = Table(
    "usage-fleet",
    "Parc d'équipements des collèges d'un département",
    "un collège ; la dernière ligne, sans code UAI, est l'ensemble du département",
    (
        usage_export.UAI,
        Column("college", "Collège"),
        Column("pupils", "Élèves", "integer", "élèves", "fichier des établissements de l'entrepôt"),
        Column(
            "devices",
            "Équipements comptés",
            "integer",
            "appareils",
            "dernier inventaire : en service, en réserve ou en réparation, du département ou de l'État, "
            "hors tableaux interactifs",
        ),
        Column(
            "pupils_per_device",
            "Élèves par équipement",
            "number",
            "élèves",
            "N de « 1 équipement pour N élèves »",
        ),
        Column("devices_per_pupil", "Équipements par élève", "number", "appareils"),
        Column("median_age", "Âge médian", "number", "ans", "depuis l'achat (à défaut l'inscription au MDM)"),
        Column("past_life", "Au-delà de leur durée de vie", "integer", "appareils"),
        Column("past_life_share", "Part au-delà de leur durée de vie", "number", usage_export.SHARE),
        Column("unseen_30d", "Non vus depuis 30 jours", "integer", "appareils", "dernière remontée MDM"),
        Column("unseen_30d_share", "Part non vue depuis 30 jours", "number", usage_export.SHARE),
        Column("snapshot_date", "Date de l'inventaire", description="AAAA-MM-JJ"),
    ),
)


def fleet_export_frame(data: WarehouseData) -> pd.DataFrame:
    t = fleet_data(data).table
    return pd.DataFrame(
        {
            "uai": t["uai"],
            "college": [_name_of(data, u) or "Ensemble du département" for u in t["uai"]],
            "pupils": t["pupils"],
            "devices": t["devices"],
            "pupils_per_device": t["pupils_per_device"],
            "devices_per_pupil": t["devices_per_pupil"],
            "median_age": t["median_age"],
            "past_life": t["past_life"],
            "past_life_share": t["past_life_share"],
            "unseen_30d": t["unseen_30d"],
            "unseen_30d_share": t["unseen_30d_share"],
            "snapshot_date": ["" if s is None else s.isoformat() for s in t["snapshot_date"]],
        }
    )


BANDWIDTH_TABLE = Table(
    "usage-bandwidth",
    "Débit internet des collèges d'un département",
    "un collège, les collèges à équiper d'abord en tête (le plus mal servi d'abord)",
    (
        usage_export.UAI,
        Column("college", "Collège"),
        Column("users", "Usagers", "integer", "personnes", "élèves + personnels"),
        Column(
            "link_mbps", "Débit du lien", "number", "Mbit/s", "vitesse de la connexion internet (descendante)"
        ),
        Column(
            "rung",
            "Palier du livre blanc",
            description="pas d'accès, moins de 50, 50, 100, 200 Mbit/s ou plus",
        ),
        Column("kbps_per_user", "Débit par usager", "number", "kbit/s", "indicateur bandwidth_kbps_per_user"),
        Column("baseline_mbps", "Besoin à 100 kbit/s par usager", "number", "Mbit/s"),
        Column("target_mbps", "Besoin à 1 Mbit/s par usager", "number", "Mbit/s", "objectif ambitieux"),
        Column(
            "ratio_baseline",
            "Débit ÷ besoin à 100 kbit/s",
            "number",
            description="moins de 1 : lien trop lent",
        ),
        Column("gap_target_mbps", "Manque pour 1 Mbit/s par usager", "number", "Mbit/s"),
        Column(
            "peak_clients", "Pic d'appareils connectés au wifi", "number", "appareils", "mois le plus chargé"
        ),
        Column(
            "pressure",
            "Pression sur le débit",
            "number",
            description="pic estimé ÷ débit ; plus de 1 : saturé",
        ),
        Column("peak_mbps", "Pic estimé", "number", "Mbit/s"),
        Column("bytes_per_pupil_day", "Volume wifi par élève et par jour", "number", "octets"),
        Column("to_upgrade", "À équiper d'abord", "boolean"),
        Column("why", "Pourquoi"),
        Column("upgrade_to_mbps", "Débit visé", "number", "Mbit/s", "palier qui couvre le besoin"),
        Column(
            "access_points_missing",
            "Bornes wifi manquantes",
            "integer",
            "bornes",
            "besoin du moteur de budget − bornes déclarées",
        ),
        Column(
            "access_points_eur",
            "Coût des bornes manquantes",
            "number",
            "€",
            "× prix d'une borne (paramètres du budget)",
        ),
        Column(
            "link_eur_per_year",
            "Abonnement d'un lien dédié",
            "number",
            "€/an",
            "paramètre isp_cost_per_year du budget",
        ),
    ),
)


def bandwidth_export_frame(data: WarehouseData, uai: str | None = None) -> pd.DataFrame:
    t = bandwidth_data(data)
    if uai is not None:
        t = t[t["uai"] == uai]
    frame = pd.DataFrame({c.name: t[c.name] for c in BANDWIDTH_TABLE.declared if c.name in t.columns})
    frame.insert(1, "college", [_name_of(data, u) for u in t["uai"]])
    frame["rung"] = list(t["rung_label"])
    return frame[[c.name for c in BANDWIDTH_TABLE.declared]]


def bandwidth_rows(data: WarehouseData, uai: str | None = None) -> list[dict]:
    t = bandwidth_data(data)
    if uai is not None:
        t = t[t["uai"] == uai]
    rows = []
    for r in t.to_dict("records"):
        rows.append(
            {
                "uai": r["uai"],
                "name": _name_of(data, r["uai"]),
                "users": fr_value(r["users"]),
                "link": fr_value(r["link_mbps"], 0, " Mbit/s"),
                "rung": r["rung_label"],
                "kbps": fr_value(r["kbps_per_user"], 0, " kbit/s"),
                "baseline": fr_value(r["baseline_mbps"], 1, " Mbit/s"),
                "target": fr_value(r["target_mbps"], 0, " Mbit/s"),
                "peak": fr_value(r["peak_clients"]),
                "pressure": fr_value(r["pressure"], 2),
                "to_upgrade": bool(r["to_upgrade"]),
                "why": r["why"] or "—",
                "upgrade_to": fr_value(r["upgrade_to_mbps"], 0, " Mbit/s"),
                "aps_missing": fr_value(r["access_points_missing"]),
                "aps_eur": fr_value(r["access_points_eur"], 0, " €"),
                "link_eur": fr_value(r["link_eur_per_year"], 0, " €/an"),
            }
        )
    return rows


def bandwidth_map(
    data: WarehouseData, refs: dict[str, ReferenceCollege], *, departement_code: str, demo: bool
):
    """The collèges on the département's map, coloured by their rung of the ladder (the class
    limits are the ladder's: 50, 100 and 200 Mbit/s)."""
    t = bandwidth_data(data)
    places = []
    for r in t.to_dict("records"):
        ref = refs.get(r["uai"])
        places.append(
            Place(
                r["uai"],
                _name_of(data, r["uai"]) or (ref.name if ref else r["uai"]),
                ref.longitude if ref else None,
                ref.latitude if ref else None,
                _num(r["link_mbps"]),
                highlight=bool(r["to_upgrade"]),
            )
        )
    links = [p.value for p in places if p.value is not None]
    top = max([*links, 400.0])
    return point_map(
        places,
        outline_code=departement_code,
        breaks=[0.0, 49.999, 99.999, 199.999, top],
        value_format=lambda v: "—" if v is None else fr_number(round(v), 0) + " Mbit/s",
        legend_title="Débit du lien (paliers du livre blanc)",
        highlight_label="à équiper d'abord",
        source=f"{BANDWIDTH_SOURCE} ; {POSITIONS_SOURCE}",
        title="Carte des collèges — débit internet",
        id_prefix=f"bandwidth-map-{departement_code}",
        demo=demo,
        name_header="Collège",
        key_header="UAI",
        value_header="Débit du lien",
        place_word=("collège", "collèges"),
        show_title=False,
    )


def fleet_parameters() -> list[dict]:
    """The budget parameters the fleet page uses: lifetime and price of each device class."""
    from numeduc.budget.parameters import PARAMETERS
    from numeduc.usage import fleet as usage_fleet

    return [
        {
            "label": usage_fleet.CLASS_LABELS[cls],
            "life": fr_number(float(PARAMETERS[usage_fleet.LIFETIME_PARAMETERS[cls]].default), 0) + " ans",
            "price": fr_number(float(PARAMETERS[usage_fleet.PRICE_PARAMETERS[cls]].default), 0) + " €",
            "source": PARAMETERS[usage_fleet.LIFETIME_PARAMETERS[cls]].source,
        }
        for cls in ("tablet", "laptop", "chromebook", "desktop", "tbi", "other")
    ]
