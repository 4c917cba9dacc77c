"""What the département's survey pages show: the roll-ups that may be shown, each item's
distribution, and declared beside measured (numeduc.school_surveys.compare) per collège and for
the département, with the chart and its data table; and the survey's CSV export."""

from __future__ import annotations

import logging

import pandas as pd

from numeduc.charts import Series
from numeduc.charts.bar import bar
from numeduc.exports import Column, Table
from numeduc.formatting import fr_percent
from numeduc.school_surveys.anonymity import shown_texts
from numeduc.school_surveys.compare import Comparison, compare, pairings_for, survey_months
from numeduc.web.usage_dashboard.labels import month_label

from . import data
from .models import SchoolSurvey, Submission

log = logging.getLogger(__name__)

AUDIENCE_LABELS = {
    "eleve": "élèves",
    "enseignant": "enseignants",
    "parent": "parents",
    "personnel": "personnels",
}
LEVEL_LABELS = {
    "college": "Collège",
    "departement": "Département",
    "groupe": "Groupe de collèges",
    "national": "National",
}


def audience_label(audience: str) -> str:
    return AUDIENCE_LABELS.get(audience, audience)


def percent(share: float | None) -> str:
    return fr_percent(None if share is None else share * 100, 0, missing="—")


def _indicators(departement) -> pd.DataFrame | None:
    """The département's usage indicators, or None without logs (a broken warehouse is logged and
    read as none: the survey page stays up)."""
    from numeduc.web.usage_dashboard import store

    try:
        loaded = store.load(departement.code)
    except Exception:  # noqa: BLE001
        log.exception("indicateurs d'usage illisibles pour %s", departement.code)
        return None
    return None if loaded is None else loaded.indicators


def _distribution(questionnaire, summary) -> list[dict]:
    """Each choice item's counts and shares in a shown cell, in the questionnaire's order."""
    out = []
    for item in questionnaire.items:
        if item.type != "choice":
            continue
        s = summary.items.get(item.id) if summary else None
        if s is None:
            continue
        if s.counts is None:
            out.append({"item": item, "answered": s.answered, "hidden": True, "rows": []})
            continue
        rows = [
            {
                "label": choice.label,
                "count": s.counts.get(choice.value, 0),
                "share": percent(s.share(choice.value)),
            }
            for choice in item.choices
        ]
        top = max(rows, key=lambda r: r["count"])  # the first of the questionnaire's order on a tie
        out.append({"item": item, "answered": s.answered, "hidden": False, "rows": rows, "top": top})
    return out


def _texts(survey: SchoolSurvey, questionnaire, uais: list[str], n: int) -> list[dict]:
    """The free answers of the département's collèges, only where its cell is shown (rule 1)."""
    text_items = [i for i in questionnaire.items if i.type == "text"]
    if not text_items:
        return []
    answers = Submission.objects.filter(link__survey=survey, link__college__uai__in=uais).values_list(
        "answers", flat=True
    )
    out = []
    for item in text_items:
        texts = shown_texts([str((a or {}).get(item.id) or "") for a in answers], n)
        if texts:
            out.append({"item": item, "texts": texts})
    return out


def _comparison_chart(rows: list[Comparison], title: str, demo: bool):
    categories = [c.pairing.title for c in rows]
    declared = [None if c.result.declared is None else c.result.declared * 100 for c in rows]
    measured = [None if c.result.measured is None else c.result.measured * 100 for c in rows]
    if not categories or all(v is None for v in declared + measured):
        return None
    return bar(
        categories,
        [
            Series("Déclaré (enquête)", declared, "primary"),
            Series("Mesuré (journaux)", measured, "reference"),
        ],
        horizontal=True,
        unit="%",
        value_format=lambda v: fr_percent(v, 0),
        title=title,
        description=(
            "Pour chaque service de l'ENT, la part des personnes qui disent l'utiliser au moins une fois par "
            "mois (enquête) et la part de celles dont les journaux montrent le service dans le mois."
        ),
        demo=demo,
        category_header="Service",
    )


def survey_page(survey: SchoolSurvey, chosen: str | None = None) -> dict:
    """Everything the survey's results page shows. ``chosen``: the pairing's item whose
    per-collège comparison is listed (the first one by default)."""
    seen, cells, links = data.survey_results(survey)
    questionnaire = survey.questionnaire
    departement = survey.departement
    audience = survey.audience
    dep_cell = cells.get(("departement", departement.code, audience))
    uais = [link.college.uai for link in links]
    groups = sorted({places.group for places in data.places_of(links).values()})
    levels = []
    for level, key, label in (
        [("departement", departement.code, departement.name)]
        + [("groupe", g, g) for g in groups]
        + [("national", "", "Tous les départements")]
    ):
        summary = cells.get((level, key, audience))
        levels.append(
            {
                "level": LEVEL_LABELS[level],
                "label": label,
                "n": summary.n if summary else 0,
                "shown": bool(summary and summary.shown),
                "reason": summary.reason if summary else "aucune réponse",
            }
        )
    months = survey_months(survey.opens_on, survey.closes_on)
    indicators = _indicators(departement)
    frame = (
        indicators
        if indicators is not None
        else pd.DataFrame(columns=["uai", "month", "indicator", "profile"])
    )
    pairings = pairings_for(survey.questionnaire_slug)
    dep_comparisons = compare(dep_cell, survey.questionnaire_slug, frame, uais, months) if pairings else []
    pairing = next((p for p in pairings if p.item == chosen), pairings[0] if pairings else None)
    counts = data.answer_counts(survey)
    colleges = []
    for link in sorted(links, key=lambda link: (link.college.name, link.college.uai)):
        summary = cells.get(("college", link.college.uai, audience))
        row = {
            "link": link,
            "n": counts.get(link.pk, 0),
            "shown": bool(summary and summary.shown),
            "reason": summary.reason if summary else "aucune réponse",
            "open": link.is_open(),
        }
        if pairing is not None:
            [c] = [
                c
                for c in compare(summary, survey.questionnaire_slug, frame, [link.college.uai], months)
                if c.pairing == pairing
            ]
            row["comparison"] = c
            row["declared"], row["measured"] = percent(c.result.declared), percent(c.result.measured)
            row["gap"] = (
                "—" if c.result.gap is None else f"{round(c.result.gap * 100):+d} points".replace("-", "−")
            )
        colleges.append(row)
    demo = survey.is_demo or bool(indicators is not None and _is_demo_logs(departement))
    chart = _comparison_chart(
        dep_comparisons, f"Déclaré et mesuré, {audience_label(audience)} {departement.name_of}", demo
    )
    return {
        "levels": levels,
        "dep_cell": dep_cell,
        "distribution": _distribution(questionnaire, dep_cell) if dep_cell and dep_cell.shown else [],
        "texts": _texts(survey, questionnaire, uais, dep_cell.n) if dep_cell and dep_cell.shown else [],
        "comparisons": [
            {
                "title": c.pairing.title,
                "declared": percent(c.result.declared),
                "measured": percent(c.result.measured),
                "sentence": c.result.sentence,
            }
            for c in dep_comparisons
        ],
        "chart": chart,
        "pairings": pairings,
        "pairing": pairing,
        "colleges": colleges,
        "months": [month_label(m) for m in months],
        "has_logs": indicators is not None and not indicators.empty,
        "total": sum(counts.values()),
        "demo": demo,
        "visible_colleges": sum(1 for c in colleges if c["shown"]),
    }


def _is_demo_logs(departement) -> bool:
    from numeduc.web.usage_dashboard.data import is_demo

    return is_demo(departement)


RESULTS_TABLE = Table(
    "school-survey-results",
    "Résultats d'une enquête dans les collèges",
    "une réponse possible à une question, pour un collège, le département, un groupe de collèges ou "
    "l'ensemble des départements — seulement là où au moins 5 personnes ont répondu",
    (
        Column(
            "survey", "Enquête", "integer", description="numéro de l'enquête (celui de `surveys results`)"
        ),
        Column("level", "Niveau", labels={k: v.lower() for k, v in LEVEL_LABELS.items()}),
        Column(
            "key",
            "Code",
            description="UAI du collège, code du département, nom du groupe ; vide au niveau national",
        ),
        Column("audience", "Public", labels=AUDIENCE_LABELS),
        Column("n", "Réponses", "integer", description="réponses anonymes de ce niveau"),
        Column("item", "Question", description="identifiant de la question (docs/questionnaires.md)"),
        Column("value", "Réponse", description="valeur de la réponse choisie"),
        Column("answered", "Ont répondu à la question", "integer"),
        Column("count", "Effectif", "integer", description="personnes ayant choisi cette réponse"),
        Column("share", "Part", "number", "%", "effectif ÷ personnes ayant répondu à la question × 100"),
    ),
)


def results_frame(survey: SchoolSurvey) -> pd.DataFrame:
    """One row per (level, key, item, value) that may be shown; nothing of a hidden cell."""
    rows = []
    levels = ("college", "departement", "groupe", "national")
    choice_items = {i.id for i in survey.questionnaire.items if i.type == "choice"}
    for level in levels:
        for r in data.result_rows(survey, level):
            if not r["shown"]:
                continue
            key = r.get("uai", r.get("key", ""))
            for item, detail in r["items"].items():
                # Free text is read on the page, at the département's level only: never in a file.
                if item not in choice_items or not detail.get("shown") or "counts" not in detail:
                    continue
                for value, count in detail["counts"].items():
                    rows.append(
                        {
                            "survey": survey.pk,
                            "level": level,
                            "key": key,
                            "audience": survey.audience,
                            "n": r["n"],
                            "item": item,
                            "value": value,
                            "answered": detail["answered"],
                            "count": count,
                            "share": round(detail["shares"][value] * 100, 1),
                        }
                    )
    return pd.DataFrame(rows, columns=[c.name for c in RESULTS_TABLE.declared])
