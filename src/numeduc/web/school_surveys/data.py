"""Database ↔ core for the school surveys: the answers as the frame ``numeduc.school_surveys``
takes, each collège's place (département, peer group), and the fetch-and-check helpers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.http import Http404

from numeduc.school_surveys.anonymity import CollegePlace, peer_group
from numeduc.school_surveys.rollup import COLUMNS, summarise
from numeduc.usage.calendar import school_year_of
from numeduc.web.accounts.permissions import (
    can_edit_shared_indicators,
    can_grant_evaluation_access,
    can_manage_college_survey,
    can_open_school_survey,
    can_view_school_surveys,
    fetch_for,
)
from numeduc.web.planning.data import MAX_ID
from numeduc.web.territories.models import Departement

from .models import CollegeSurvey, SchoolSurvey, Submission

LINK_NOT_FOUND = "Enquête introuvable."
LINK_RULES = {
    "manage": [
        (
            can_manage_college_survey,
            "Seuls le chef d'établissement du collège et les éditeurs de son département gèrent ce lien.",
        )
    ]
}


DEPARTEMENT_NOT_FOUND = "Département inconnu."
SURVEY_NOT_FOUND = "Enquête introuvable."
REFUSED_VIEW = (
    "Les enquêtes de ce département ne vous sont pas accessibles : elles sont lues par ses équipes, la "
    "coordination nationale et le DAN que le département a fait entrer dans son groupe d'évaluation."
)
DEPARTEMENT_RULES = {
    "view": [(can_view_school_surveys, REFUSED_VIEW)],
    "open": [
        (can_open_school_survey, "Seuls les éditeurs du département et la coordination ouvrent une enquête.")
    ],
    "grant": [
        (can_grant_evaluation_access, "Seuls les éditeurs du département font entrer un DAN dans son groupe.")
    ],
    "indicators": [
        (
            can_edit_shared_indicators,
            "Seuls les éditeurs du département et les DAN de son groupe d'évaluation choisissent les "
            "indicateurs suivis.",
        )
    ],
}
SURVEY_RULES = {
    "view": [(lambda user, survey: can_view_school_surveys(user, survey.departement), REFUSED_VIEW)]
}


def get_departement_for(user, code: str, action: str = "view") -> Departement:
    """The département (404 if none), after checking that ``user`` may ``action`` its surveys (403)."""
    return fetch_for(
        user,
        Departement.objects.select_related("academie"),
        DEPARTEMENT_RULES,
        action,
        DEPARTEMENT_NOT_FOUND,
        code=code,
    )


def get_survey_for(user, pk: int, action: str = "view") -> SchoolSurvey:
    if not 1 <= pk <= MAX_ID:
        raise Http404(SURVEY_NOT_FOUND)
    queryset = SchoolSurvey.objects.select_related("departement")
    return fetch_for(user, queryset, SURVEY_RULES, action, SURVEY_NOT_FOUND, pk=pk)


def get_link_for(user, pk: int, action: str = "manage") -> CollegeSurvey:
    """A collège's survey link (404 if none), after checking that ``user`` may ``action`` it (403)."""
    if not 1 <= pk <= MAX_ID:
        raise Http404(LINK_NOT_FOUND)
    queryset = CollegeSurvey.objects.select_related("survey", "college", "college__departement")
    return fetch_for(user, queryset, LINK_RULES, action, LINK_NOT_FOUND, pk=pk)


def answers_frame(links) -> pd.DataFrame:
    """One row per answered item of the links' submissions (``rollup.COLUMNS``)."""
    rows = []
    submissions = Submission.objects.filter(link__in=links).values_list(
        "id", "link__college__uai", "link__survey__audience", "answers"
    )
    for pk, uai, audience, answers in submissions:
        for item, value in (answers or {}).items():
            rows.append((str(pk), uai, audience, item, value))
    return pd.DataFrame(rows, columns=COLUMNS)


def places_of(links) -> dict[str, CollegePlace]:
    return {
        link.college.uai: CollegePlace(
            link.college.departement.code,
            peer_group(link.college.density_code, link.college.pupils, link.college.priority_education),
        )
        for link in links
    }


def comparable_surveys(survey: SchoolSurvey) -> list[SchoolSurvey]:
    """The surveys the peer groups and the nation are rolled up over: the same questionnaire,
    closing in the same school year, demonstration with demonstration only (never invented
    answers mixed with real ones)."""
    start = int(school_year_of(survey.closes_on)[:4])
    return list(
        SchoolSurvey.objects.filter(
            questionnaire_slug=survey.questionnaire_slug,
            is_demo=survey.is_demo,
            closes_on__gte=dt.date(start, 8, 1),
            closes_on__lt=dt.date(start + 1, 8, 1),
        ).order_by("-closes_on", "-pk")
    )


def survey_results(survey: SchoolSurvey):
    """(visibility, cell summaries, links) of one survey: every collège of it, even without
    answers. Its collèges and département are this survey's answers; the peer groups and the
    nation add the comparable surveys of other départements (``comparable_surveys``), a collège
    counting once — in this survey, or else in its latest survey of the year. The threshold and
    the secondary suppression run over all of them together, so that no shown total minus the
    others gives a hidden collège away."""
    surveys = comparable_surveys(survey)
    if survey.pk not in {s.pk for s in surveys}:
        surveys.insert(0, survey)
    ordered = [survey] + [s for s in surveys if s.pk != survey.pk]
    rank = {s.pk: k for k, s in enumerate(ordered)}
    all_links = sorted(
        CollegeSurvey.objects.filter(survey__in=ordered).select_related("college", "college__departement"),
        key=lambda link: rank[link.survey_id],
    )
    counted: dict[str, CollegeSurvey] = {}
    for link in all_links:
        counted.setdefault(link.college.uai, link)
    chosen = list(counted.values())
    frame = answers_frame(chosen)
    places = places_of(chosen)
    number_items = [i.id for i in survey.questionnaire.items if i.type == "number"]
    seen, cells = summarise(frame, places, number_items)
    links = [link for link in all_links if link.survey_id == survey.pk]
    return seen, cells, links


def answer_counts(survey: SchoolSurvey) -> dict[int, int]:
    """Answers per link (what the head of a collège watches arrive; a count, not an aggregate)."""
    from django.db.models import Count

    return dict(
        CollegeSurvey.objects.filter(survey=survey).annotate(n=Count("submissions")).values_list("pk", "n")
    )


def _item_rows(summary, text_items: set[str]) -> dict:
    out = {}
    for item, s in summary.items.items():
        if item in text_items:
            # Free answers are read on the département's page only, never in a file or a feed,
            # where a few words could be matched with a pupil.
            continue
        if s.counts is None:
            out[item] = {"answered": s.answered, "shown": False}
        elif s.mean is not None or not s.counts:
            out[item] = {"answered": s.answered, "shown": True, "mean": s.mean}
        else:
            out[item] = {
                "answered": s.answered,
                "shown": True,
                "counts": dict(s.counts),
                "shares": {v: round(c / s.answered, 6) for v, c in s.counts.items()},
            }
    return out


def result_rows(survey: SchoolSurvey, level: str = "college") -> list[dict]:
    """The survey's results at one level, as the CLI and the API print them: per collège (every
    collège of the survey, with 0 answers too) or per département, peer group, nation. The
    aggregates (``items``) only where ``shown``; ``reason`` says why not."""
    seen, cells, links = survey_results(survey)
    text_items = {i.id for i in survey.questionnaire.items if i.type == "text"}
    rows = []
    if level == "college":
        for link in sorted(links, key=lambda link: link.college.uai):
            cell = ("college", link.college.uai, survey.audience)
            summary = cells.get(cell)
            n = summary.n if summary else 0
            shown = bool(summary and summary.shown)
            rows.append(
                {
                    "campaign": survey.pk,
                    "uai": link.college.uai,
                    "name": link.college.name,
                    "audience": survey.audience,
                    "n": n,
                    "shown": shown,
                    "reason": "" if shown else (summary.reason if summary else "aucune réponse"),
                    "demo": survey.is_demo,
                    "items": _item_rows(summary, text_items) if shown and summary else {},
                }
            )
        return rows
    for cell, summary in sorted(cells.items()):
        if cell[0] != level:
            continue
        rows.append(
            {
                "campaign": survey.pk,
                "level": level,
                "key": cell[1],
                "audience": cell[2],
                "n": summary.n,
                "shown": summary.shown,
                "reason": summary.reason,
                "demo": survey.is_demo,
                "items": _item_rows(summary, text_items) if summary.shown else {},
            }
        )
    return rows
