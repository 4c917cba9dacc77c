"""Sheets as plain dicts (the CLI's JSON, the API, the open data), one shape everywhere."""

from __future__ import annotations

from typing import Any

from numeduc.experiences.figures import KeyFigure
from numeduc.experiences.model import Fact, Figure, Sheet, Source


def source_dict(source: Source) -> dict[str, Any]:
    out: dict[str, Any] = {"text": source.describe()}
    if source.lines is not None:
        out["paper_lines"] = list(source.lines)
    if source.reference:
        out["reference"] = source.reference
    if source.url:
        out["url"] = source.url
    return out


def figure_dict(figure: Figure) -> dict[str, Any]:
    return {
        "label": figure.label,
        "value": figure.value,
        "unit": figure.unit,
        "year": figure.year,
        "source": source_dict(figure.source),
        **({"note": figure.note} if figure.note else {}),
    }


def fact_dict(fact: Fact) -> dict[str, Any]:
    out: dict[str, Any] = {"text": fact.text, "source": source_dict(fact.source)}
    if fact.title:
        out["title"] = fact.title
    if fact.year is not None:
        out["year"] = fact.year
    return out


def key_figure_dict(row: KeyFigure) -> dict[str, Any]:
    return {
        "label": row.label,
        "unit": row.unit,
        "value": row.value,
        "year": row.year,
        "source": row.source,
        "paper_2017": figure_dict(row.paper) if row.paper else None,
        "difference": row.difference,
    }


def sheet_dict(sheet: Sheet, figures: list[KeyFigure] | None = None) -> dict[str, Any]:
    """A sheet; for a département, ``key_figures`` are the reference data's (with the paper's
    2017 figure beside each), keyed by the figure's name (``public_colleges``, ``pupils``…)."""
    out: dict[str, Any] = {
        "kind": sheet.kind,
        "code": sheet.code,
        "title": sheet.title,
        "revised": sheet.revised.isoformat(),
        "introduction": sheet.introduction,
        "themes": list(sheet.themes),
    }
    if sheet.kind == "departement":
        out["strategies"] = list(sheet.strategies)
        out["key_figures"] = {row.key: key_figure_dict(row) for row in figures or []}
        out["history"] = [fact_dict(f) for f in sheet.history]
        out["objectives"] = [fact_dict(f) for f in sheet.objectives]
        out["focus"] = fact_dict(sheet.focus) if sheet.focus else None
    else:
        out["key_figures"] = {f.key: figure_dict(f) for f in sheet.key_figures}
        for name in ("organisation", "programmes", "lessons", "risks"):
            out[name] = [fact_dict(f) for f in getattr(sheet, name)]
    return out
