"""The open-data files: their columns, their rows (disclosure rules applied), their package.

Every file is a :class:`numeduc.exports.Table` written as the machine CSV (``csv-machine``:
UTF-8, ``,``, dot decimals, machine names) and as Parquet, both described by the same Table
Schema (:func:`numeduc.exports.table_schema`) in one Frictionless Data Package
(``datapackage.json``, :func:`descriptor`).

Disclosure (docs/visibility.md, docs/opendata.md): an aggregate of the self-diagnosis is
published only over at least ``MIN_GROUP`` answers, and only when the answers it hides from the
other published figures cannot be recovered by subtraction (see :func:`factor_aggregates`); a
département's own levels only when it consented to share them on a public, closed and published
campaign; a usage figure only over at least ``MIN_GROUP`` collèges, never one collège's value.

Pure core: no Django import.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from numeduc.analysis.profile import MIN_GROUP
from numeduc.exports import MACHINE, Column, Table, csv_bytes, table_schema

LEVELS = (1, 2, 3, 4)

LICENSE = {
    "name": "etalab-2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "title": "Licence Ouverte / Open Licence version 2.0",
}
SOURCES = [
    {"title": "Insee : populations, densité, revenus des départements", "path": "https://www.insee.fr/"},
    {
        "title": "Éducation nationale : annuaire et effectifs des collèges",
        "path": "https://data.education.gouv.fr/",
    },
    {"title": "Assemblée des départements de France, livre blanc du numérique éducatif (2017)"},
    {"title": "numeduc : campagnes d'autodiagnostic des départements, journaux d'usage de l'ENT"},
]
PACKAGE_NAME = "numeduc-donnees-ouvertes"
DEMO_FLAG = "numeduc:demo"

_CAMPAIGN = (
    Column("campaign_id", "Campagne (identifiant)", "integer"),
    Column("campaign_year", "Année de la campagne", "integer"),
    Column("campaign_title", "Campagne"),
)
_FACTOR = (
    Column("factor", "Facteur (numéro)", "integer", description="numéro du facteur du questionnaire, 1 à 13"),
    Column("factor_label", "Facteur"),
)

FACTOR_AGGREGATES = Table(
    "factor-aggregates",
    "Médianes et répartitions des niveaux par facteur, nationales et par groupe de pairs",
    "un facteur d'une campagne publiée, pour l'ensemble des répondants ou pour un groupe de pairs",
    (
        *_CAMPAIGN,
        Column(
            "scope",
            "Périmètre",
            labels={"national": "national", "peer_group": "groupe de pairs"},
            description="national ou groupe de pairs",
        ),
        Column(
            "peer_group",
            "Groupe de pairs",
            "integer",
            description="numéro du groupe de départements comparables (vide pour le national)",
        ),
        *_FACTOR,
        Column("answers", "Réponses (nombre)", "integer", description=f"au moins {MIN_GROUP}"),
        Column("median", "Niveau médian", "number", description="médiane des niveaux 1 à 4"),
        *(
            Column(f"level_{k}", f"Réponses au niveau {k} (nombre)", "integer", description=f"niveau {k}")
            for k in LEVELS
        ),
    ),
)

SHARED_PROFILES = Table(
    "shared-profiles",
    "Niveaux des départements qui partagent leurs réponses",
    "un facteur d'un département qui a accepté de partager ses réponses à une campagne publique",
    (
        *_CAMPAIGN,
        Column("departement", "Département (code)"),
        Column("departement_name", "Département"),
        Column("peer_group", "Groupe de pairs", "integer"),
        *_FACTOR,
        Column("level", "Niveau déclaré", "integer", description="1 à 4"),
    ),
)

BUDGET_PRESETS = Table(
    "budget-presets",
    "Préréglages du modèle de coût : valeur et source de chaque paramètre",
    "un paramètre d'un préréglage budgétaire",
    (
        Column("preset", "Préréglage (identifiant)"),
        Column("preset_label", "Préréglage"),
        Column("strategy", "Stratégie d'équipement"),
        Column("mode", "Mode de calcul"),
        Column("horizon", "Horizon (années)", "integer", "années"),
        Column("parameter", "Paramètre (identifiant)"),
        Column("label", "Paramètre"),
        Column("value", "Valeur", "number"),
        Column("unit", "Unité"),
        Column(
            "source", "Source", description="[WP] livre blanc ADF 2017, [n] bibliographie, [P] proposition"
        ),
    ),
)

BUDGET_PARAMETERS = Table(
    "budget-parameters",
    "Paramètres du modèle de coût : valeur par défaut, bornes, source",
    "un paramètre du modèle de coût",
    (
        Column("parameter", "Paramètre (identifiant)"),
        Column("label", "Paramètre"),
        Column("group", "Poste (identifiant)"),
        Column("group_label", "Poste"),
        Column("unit", "Unité"),
        Column("kind", "Nature"),
        Column("default", "Valeur par défaut", "number"),
        Column("minimum", "Minimum admis", "number"),
        Column("maximum", "Maximum admis", "number"),
        Column("low", "Bas de la fourchette plausible", "number"),
        Column("high", "Haut de la fourchette plausible", "number"),
        Column(
            "source", "Source", description="[WP] livre blanc ADF 2017, [n] bibliographie, [P] proposition"
        ),
    ),
)

ACTIONS = Table(
    "actions",
    "Catalogue des actions",
    "une action du catalogue",
    (
        Column("action", "Action (identifiant)"),
        Column("title", "Action"),
        Column("family", "Famille (identifiant)"),
        Column("family_label", "Famille"),
        Column("why", "Pourquoi"),
        Column("how", "Comment"),
        Column("factors", "Facteurs visés", description="« f03 : 1→2 » séparés par « ; »"),
        Column("prerequisites", "Prérequis", description="identifiants d'actions séparés par « ; »"),
        Column("investment", "Investissement (€)", "number", "€"),
        Column("running", "Fonctionnement (€/an)", "number", "€/an"),
        Column("cost_per", "Coût par"),
        Column("cost_note", "Précision sur le coût"),
        Column("preset", "Préréglage budgétaire"),
        Column("partners", "Partenaires", description="séparés par « ; »"),
        Column("indicators", "Indicateurs de suivi", description="séparés par « ; »"),
        Column("source", "Source"),
    ),
)

EXPERIENCE_SHEETS = Table(
    "experience-sheets",
    "Fiches d'expérience publiées (départements et pays)",
    "une fiche d'expérience publiée",
    (
        Column("kind", "Type", labels={"departement": "département", "pays": "pays"}),
        Column("code", "Code"),
        Column("title", "Titre"),
        Column(
            "source",
            "Origine",
            labels={"livre-blanc-2017": "livre blanc 2017", "departement": "département"},
        ),
        Column("revised", "Révisée le", description="date ISO 8601"),
        Column("departement_version", "Version du département", "integer"),
        Column("published_at", "Version publiée le", description="date et heure ISO 8601"),
    ),
)

EXPERIENCE_FIGURES = Table(
    "experience-figures",
    "Chiffres clés des fiches d'expérience",
    "un chiffre clé d'une fiche d'expérience publiée",
    (
        Column("kind", "Type", labels={"departement": "département", "pays": "pays"}),
        Column("code", "Code"),
        Column("key", "Chiffre (identifiant)"),
        Column("label", "Chiffre"),
        Column("value", "Valeur", "number"),
        Column("unit", "Unité"),
        Column("year", "Année", "integer"),
        Column("source", "Source"),
    ),
)

USAGE_AGGREGATES = Table(
    "usage-aggregates",
    "Indicateurs d'usage de l'ENT par groupe de collèges comparables",
    "un indicateur d'un mois pour un groupe de collèges (densité × taille × éducation prioritaire)",
    (
        Column("month", "Mois", description="AAAA-MM"),
        Column("indicator", "Indicateur"),
        Column("profile", "Profil", description="profil d'utilisateur, vide pour tous"),
        Column("group", "Groupe de collèges", description="densité · taille · éducation prioritaire"),
        Column("colleges", "Collèges (nombre)", "integer", description=f"au moins {MIN_GROUP}"),
        Column("departements", "Départements (nombre)", "integer"),
        Column("median", "Médiane", "number"),
        Column("q1", "Premier quartile", "number"),
        Column("q3", "Troisième quartile", "number"),
    ),
)

RESOURCES = Table(
    "resources",
    "Catalogue des ressources qui ont fait leurs preuves",
    "une fiche publiée du catalogue des ressources",
    (
        Column("id", "Fiche (identifiant)", "integer"),
        Column("kind", "Type"),
        Column("title", "Ressource"),
        Column("description", "Description"),
        Column("cost_model", "Modèle de coût"),
        Column("yearly_cost_per_pupil", "Coût annuel par élève (€)", "number", "€/élève/an"),
        Column("url", "Adresse"),
        Column("ent_module", "Module de l'ENT"),
        Column("departements", "Départements qui l'utilisent", description="codes séparés par « ; »"),
        Column("feedback_count", "Retours des départements (nombre)", "integer"),
        Column("recommend_yes", "La recommandent (nombre)", "integer"),
        Column("recommend_reserved", "La recommandent avec réserves (nombre)", "integer"),
        Column("recommend_no", "Ne la recommandent pas (nombre)", "integer"),
    ),
)

TABLES: tuple[Table, ...] = (
    FACTOR_AGGREGATES,
    SHARED_PROFILES,
    BUDGET_PRESETS,
    BUDGET_PARAMETERS,
    ACTIONS,
    EXPERIENCE_SHEETS,
    EXPERIENCE_FIGURES,
    USAGE_AGGREGATES,
    RESOURCES,
)
FORMATS = ("csv", "parquet")


def empty(table: Table) -> pd.DataFrame:
    return pd.DataFrame(columns=[c.name for c in table.declared])


def _frame(table: Table, rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[c.name for c in table.declared]) if rows else empty(table)


# --------------------------------------------------------------------------- self-diagnosis


@dataclass(frozen=True)
class CampaignData:
    """What the open data reads of one published campaign."""

    id: int
    year: int
    title: str
    levels: pd.DataFrame  # département code -> factor (int) -> level 1..4 (NaN: no answer)
    sharing: frozenset[str]  # codes of the départements that share their results


def _cell(campaign: CampaignData, values: pd.Series, labels: Mapping[int, str], factor: int, **scope) -> dict:
    return {
        "campaign_id": campaign.id,
        "campaign_year": campaign.year,
        "campaign_title": campaign.title,
        **scope,
        "factor": int(factor),
        "factor_label": labels.get(int(factor), f"Facteur {factor}"),
        "answers": len(values),
        "median": float(values.median()),
        **{f"level_{k}": int((values == k).sum()) for k in LEVELS},
    }


def publishable(answers: int, private: int) -> bool:
    """An aggregate over ``answers`` of which ``private`` are not shared: at least MIN_GROUP
    answers, and no fewer than MIN_GROUP private ones unless all are shared (else subtracting
    the shared départements' published levels would give the others')."""
    return answers >= MIN_GROUP and (private == 0 or private >= MIN_GROUP)


def factor_aggregates(
    campaigns: Iterable[CampaignData], groups: pd.Series, labels: Mapping[int, str]
) -> pd.DataFrame:
    """National and peer-group median and distribution (counts at levels 1-4) of each factor.

    A cell is published only when :func:`publishable`; then, factor by factor, while the private
    answers left out of the published groups (hidden groups, départements without a group) are
    more than none and fewer than MIN_GROUP, the smallest published group is hidden too: the
    national counts minus the published groups' would otherwise give them (secondary
    suppression)."""
    rows: list[dict] = []
    for campaign in campaigns:
        levels = campaign.levels
        membership = groups.reindex(levels.index)
        private = ~levels.index.isin(sorted(campaign.sharing))
        for factor in levels.columns:
            answered = levels[factor].notna()
            national = levels.loc[answered, factor]
            n_private = int((answered & private).sum())
            if not publishable(len(national), n_private):
                continue
            rows.append(_cell(campaign, national, labels, factor, scope="national", peer_group=None))
            shown: dict[int, tuple[pd.Series, int]] = {}
            for group in sorted(membership.dropna().unique()):
                inside = answered & (membership == group).to_numpy()
                values = levels.loc[inside, factor]
                group_private = int((inside & private).sum())
                if publishable(len(values), group_private):
                    shown[int(group)] = (values, group_private)
            while shown:
                left_out = n_private - sum(p for _, p in shown.values())
                if left_out == 0 or left_out >= MIN_GROUP:
                    break
                smallest = min(shown, key=lambda g: (shown[g][1], len(shown[g][0]), g))
                del shown[smallest]
            for group, (values, _) in sorted(shown.items()):
                rows.append(_cell(campaign, values, labels, factor, scope="peer_group", peer_group=group))
    return _frame(FACTOR_AGGREGATES, rows)


def shared_profiles(
    campaigns: Iterable[CampaignData], groups: pd.Series, labels: Mapping[int, str], names: Mapping[str, str]
) -> pd.DataFrame:
    """The levels of each factor of the départements that share their results, nothing else."""
    rows = []
    for campaign in campaigns:
        for code in sorted(campaign.sharing):
            if code not in campaign.levels.index:
                continue
            group = groups.get(code)
            for factor, level in campaign.levels.loc[code].items():
                if pd.isna(level):
                    continue
                rows.append(
                    {
                        "campaign_id": campaign.id,
                        "campaign_year": campaign.year,
                        "campaign_title": campaign.title,
                        "departement": code,
                        "departement_name": names.get(code, code),
                        "peer_group": None if group is None or pd.isna(group) else int(group),
                        "factor": int(factor),
                        "factor_label": labels.get(int(factor), f"Facteur {factor}"),
                        "level": int(level),
                    }
                )
    return _frame(SHARED_PROFILES, rows)


# --------------------------------------------------------------------------- budget, actions


def _num(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    number = float(value)
    return None if math.isnan(number) else number


def budget_parameters() -> pd.DataFrame:
    from numeduc.budget.parameters import GROUP_LABELS_FR, PARAMETERS

    rows = [
        {
            "parameter": spec.name,
            "label": spec.label_fr,
            "group": spec.group,
            "group_label": GROUP_LABELS_FR.get(spec.group, spec.group),
            "unit": spec.unit,
            "kind": spec.kind,
            "default": _num(spec.default),
            "minimum": _num(spec.minimum),
            "maximum": _num(spec.maximum),
            "low": _num(spec.low),
            "high": _num(spec.high),
            "source": spec.source,
        }
        for spec in PARAMETERS.values()
    ]
    return _frame(BUDGET_PARAMETERS, rows)


def budget_presets() -> pd.DataFrame:
    from numeduc.budget import list_presets, load_preset

    rows = []
    for name in list_presets():
        scenario = load_preset(name)
        for p in scenario.parameters():
            rows.append(
                {
                    "preset": name,
                    "preset_label": scenario.label or name,
                    "strategy": scenario.strategy,
                    "mode": scenario.mode,
                    "horizon": scenario.horizon,
                    "parameter": p.name,
                    "label": p.label_fr,
                    "value": _num(p.value),
                    "unit": p.unit,
                    "source": p.source,
                }
            )
    return _frame(BUDGET_PRESETS, rows)


def _joined(values: Iterable[Any]) -> str:
    return " ; ".join(str(v) for v in values)


def actions_frame(actions: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The catalogue from ``numeduc.actions.serialise.action_dict`` of each action."""
    rows = [
        {
            "action": a["action"],
            "title": a["title"],
            "family": a["family"],
            "family_label": a["family_label"],
            "why": a["why"],
            "how": a["how"],
            "factors": _joined(f"{t['factor']} : {t['from']}→{t['to']}" for t in a["factors"]),
            "prerequisites": _joined(a["prerequisites"]),
            "investment": _num(a["cost"]["investment"]),
            "running": _num(a["cost"]["running"]),
            "cost_per": a["cost"]["per_label"],
            "cost_note": a["cost"]["note"],
            "preset": a["cost"]["preset"] or "",
            "partners": _joined(p["label"] for p in a["partners"]),
            "indicators": _joined(a["indicators"]),
            "source": a["source"],
        }
        for a in actions
    ]
    return _frame(ACTIONS, rows)


# --------------------------------------------------------------------------- experience sheets


def _source_text(source: Any) -> str:
    if isinstance(source, Mapping):
        return " — ".join(str(v) for v in source.values() if v)
    return "" if source is None else str(source)


def _figure_value(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return _num(value)
    except (TypeError, ValueError):
        return None


def sheets_frames(sheets: Sequence[Mapping[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The published sheets (``numeduc.web.experiences.data.sheet_rows(open_data_only=True)``)
    flattened: one row per sheet, and one row per key figure."""
    rows, figures = [], []
    for s in sheets:
        version = s.get("departement_version") or {}
        rows.append(
            {
                "kind": s["kind"],
                "code": s["code"],
                "title": s.get("title", ""),
                "source": s.get("source", ""),
                "revised": s.get("revised", ""),
                "departement_version": version.get("number"),
                "published_at": version.get("published_at") or "",
            }
        )
        for key, f in (s.get("key_figures") or {}).items():
            year = f.get("year")
            figures.append(
                {
                    "kind": s["kind"],
                    "code": s["code"],
                    "key": key,
                    "label": f.get("label", ""),
                    "value": _figure_value(f.get("value")),
                    "unit": f.get("unit") or "",
                    "year": int(year)
                    if isinstance(year, int) or (isinstance(year, str) and year.isdigit())
                    else None,
                    "source": _source_text(f.get("source")),
                }
            )
    return _frame(EXPERIENCE_SHEETS, rows), _frame(EXPERIENCE_FIGURES, figures)


# --------------------------------------------------------------------------- usage


def college_groups(establishments: pd.DataFrame) -> pd.Series:
    """The usage referential's group of each collège (uai -> « densité · taille · EP »)."""
    from numeduc.usage.referential import DENSITY_LABEL, size_class

    est = establishments.drop_duplicates("uai").set_index("uai")
    density = est["density_grid3"].map(lambda d: DENSITY_LABEL.get(d, d)).astype(str)
    size = est["pupils"].map(size_class)
    ep = est["ep"].isin(["REP", "REP+"]).map({True: "EP", False: "hors EP"})
    return density + " · " + size + " · " + ep


def usage_aggregates(warehouses: Iterable[tuple[pd.DataFrame, pd.DataFrame]]) -> pd.DataFrame:
    """Median and quartiles of each indicator, month and profile per group of comparable collèges,
    pooled over every département's warehouse ``(indicators, establishments)``; only groups of at
    least MIN_GROUP collèges with a value, and never a collège's own value."""
    pieces = []
    for indicators, establishments in warehouses:
        if indicators.empty or establishments.empty:
            continue
        groups = college_groups(establishments)
        frame = indicators[["uai", "month", "indicator", "profile", "value"]].copy()
        frame["departement"] = indicators["departement"] if "departement" in indicators else ""
        frame["group"] = frame["uai"].map(groups)
        pieces.append(frame.dropna(subset=["group", "value"]))
    if not pieces:
        return empty(USAGE_AGGREGATES)
    data = pd.concat(pieces, ignore_index=True)
    data["profile"] = data["profile"].fillna("")
    keys = ["month", "indicator", "profile", "group"]
    # One value per collège and cell (a collège counted once however many rows it has).
    per_college = data.groupby([*keys, "uai"], sort=True).agg(
        value=("value", "mean"), dep=("departement", "first")
    )
    rows = []
    for key, cell in per_college.groupby(level=keys, sort=True):
        values = cell["value"].astype(float)
        if len(values) < MIN_GROUP:
            continue
        month, indicator, profile, group = key
        rows.append(
            {
                "month": str(month),
                "indicator": str(indicator),
                "profile": str(profile),
                "group": str(group),
                "colleges": len(values),
                "departements": int(cell["dep"].nunique()),
                "median": float(values.median()),
                "q1": float(values.quantile(0.25)),
                "q3": float(values.quantile(0.75)),
            }
        )
    return _frame(USAGE_AGGREGATES, rows)


# --------------------------------------------------------------------------- resources


def resources_frame(resources: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The published catalogue entries (the rows of ``/api/v1/resources``, without the measured
    use, which is in the usage file)."""
    rows = [
        {
            "id": r["id"],
            "kind": r["kind"],
            "title": r["title"],
            "description": r["description"],
            "cost_model": r["cost_model"],
            "yearly_cost_per_pupil": _num(r["yearly_cost_per_pupil"]),
            "url": r["url"],
            "ent_module": r["ent_module"],
            "departements": _joined(r["departements"]),
            "feedback_count": r["feedback"]["count"],
            "recommend_yes": r["feedback"]["recommend_yes"],
            "recommend_reserved": r["feedback"]["recommend_reserved"],
            "recommend_no": r["feedback"]["recommend_no"],
        }
        for r in resources
    ]
    return _frame(RESOURCES, rows)


# --------------------------------------------------------------------------- writing the package


@dataclass(frozen=True)
class Part:
    """One table of the package: its definition, its frame, whether it is built on demo data."""

    table: Table
    frame: pd.DataFrame
    demo: bool = False


def csv_file(part: Part) -> bytes:
    return csv_bytes(part.table, part.frame, variant=MACHINE, demo=part.demo)


def _arrow_value(value: Any, kind: str) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return bool(value)
    return str(value)


def parquet_file(part: Part) -> bytes:
    """The same rows as :func:`csv_file`, typed (strings, 64-bit integers and floats)."""
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
    rows = part.table.rows(part.frame, demo=part.demo)
    columns = {
        c.name: pa.array([_arrow_value(row[i], c.type) for row in rows], type=types[c.type])
        for i, c in enumerate(part.table.columns)
    }
    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer)
    return buffer.getvalue()


def schema(table: Table) -> dict[str, Any]:
    """The Table Schema of :func:`numeduc.exports.table_schema`, without what belongs to the
    resource (name, title, dialect, encoding)."""
    full = table_schema(table)
    return {"fields": full["fields"], "missingValues": full["missingValues"]}


def file_names(table: Table) -> dict[str, str]:
    return {fmt: f"{table.name}.{fmt}" for fmt in FORMATS}


def descriptor(parts: Sequence[Part], *, created: str, campaigns: Sequence[str] = ()) -> dict[str, Any]:
    """The Frictionless Data Package of the files (two resources per table: CSV and Parquet)."""
    from numeduc.demo.mark import DEMO_MARK

    demo = any(p.demo for p in parts)
    description = (
        "Données ouvertes de numeduc : agrégats de l'autodiagnostic des campagnes publiées "
        f"(au moins {MIN_GROUP} réponses), profils des départements qui partagent leurs réponses, "
        "modèle de coût et ses sources, catalogue des actions, fiches d'expérience, usages de l'ENT "
        f"par groupe de collèges (au moins {MIN_GROUP} collèges), catalogue des ressources."
    )
    if campaigns:
        description += " Campagnes : " + ", ".join(campaigns) + "."
    if demo:
        description += f" Attention : {DEMO_MARK} (réponses, budgets et journaux synthétiques)."
    resources = []
    for part in parts:
        t = part.table
        names = file_names(t)
        common: dict[str, Any] = {
            "title": t.title,
            "description": f"Une ligne : {t.row}." + (f" {DEMO_MARK}." if part.demo else ""),
            "schema": schema(t),
        }
        resources.append(
            {
                "name": t.name,
                "path": names["csv"],
                "type": "table",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"csv": {"delimiter": ",", "lineTerminator": "\n"}, "header": True},
                **common,
            }
        )
        resources.append(
            {
                "name": f"{t.name}-parquet",
                "path": names["parquet"],
                "type": "table",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                **common,
                # frictionless reads Parquet through pandas, where an empty integer cell is NaN.
                "schema": {**common["schema"], "missingValues": ["", "nan"]},
            }
        )
    return {
        "name": PACKAGE_NAME,
        "title": "numeduc — données ouvertes" + (f" ({DEMO_MARK})" if demo else ""),
        "description": description,
        "licenses": [LICENSE],
        "sources": SOURCES,
        "created": created,
        DEMO_FLAG: demo,
        "resources": resources,
    }


def write_package(
    parts: Sequence[Part], directory: Path, *, created: str, campaigns: Sequence[str] = ()
) -> dict:
    """Write every table as CSV and Parquet and the ``datapackage.json`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for part in parts:
        names = file_names(part.table)
        (directory / names["csv"]).write_bytes(csv_file(part))
        (directory / names["parquet"]).write_bytes(parquet_file(part))
    package = descriptor(parts, created=created, campaigns=campaigns)
    (directory / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2, allow_nan=False) + "\n", encoding="utf-8"
    )
    return package


__all__ = [
    "ACTIONS",
    "BUDGET_PARAMETERS",
    "BUDGET_PRESETS",
    "DEMO_FLAG",
    "EXPERIENCE_FIGURES",
    "EXPERIENCE_SHEETS",
    "FACTOR_AGGREGATES",
    "LICENSE",
    "RESOURCES",
    "SHARED_PROFILES",
    "SOURCES",
    "TABLES",
    "USAGE_AGGREGATES",
    "CampaignData",
    "Part",
    "actions_frame",
    "budget_parameters",
    "budget_presets",
    "college_groups",
    "csv_file",
    "descriptor",
    "factor_aggregates",
    "parquet_file",
    "publishable",
    "resources_frame",
    "shared_profiles",
    "sheets_frames",
    "usage_aggregates",
    "write_package",
]
