"""Writes of the school surveys: open a survey for collèges, store an anonymous answer, close a
collège's link, give a class session its short code. Every refusal is a ``SurveyRefused`` with a
French message."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from numeduc.questionnaires import QuestionnaireError, load_questionnaire
from numeduc.questionnaires.model import SCHOOL_AUDIENCES
from numeduc.web.territories.models import College

from .models import CollegeSurvey, SchoolSurvey, Submission

# Short codes avoid the characters a pupil confuses on a board (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CLASS_CODE_MINUTES = 30
MAX_SURVEY_DAYS = 366
MAX_NONCE = 40


class SurveyRefused(ValueError):
    """A write refused, with the French message to show."""


def open_survey(
    questionnaire_slug: str,
    departement,
    user,
    *,
    uais: list[str] | None = None,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    title: str = "",
    is_demo: bool = False,
) -> SchoolSurvey:
    """A survey of the questionnaire for the département's public collèges (all of them, or those
    of ``uais``), each with its public link."""
    try:
        questionnaire = load_questionnaire(questionnaire_slug)
    except QuestionnaireError as exc:
        raise SurveyRefused(str(exc)) from None
    if questionnaire.audience not in SCHOOL_AUDIENCES:
        raise SurveyRefused(
            f"« {questionnaire_slug} » n'est pas un questionnaire des collèges "
            f"(public : {questionnaire.audience}) ; il se diffuse par une campagne de la coordination."
        )
    opens_on = opens_on or timezone.localdate()
    closes_on = closes_on or opens_on + dt.timedelta(days=30)
    if closes_on < opens_on:
        raise SurveyRefused("« Clôture » : la date de clôture précède l'ouverture.")
    if (closes_on - opens_on).days > MAX_SURVEY_DAYS:
        raise SurveyRefused("« Clôture » : une enquête reste ouverte un an au plus.")
    colleges = College.objects.filter(departement=departement, public=True)
    if uais:
        wanted = list(dict.fromkeys(uais))
        found = {c.uai: c for c in colleges.filter(uai__in=wanted)}
        unknown = [u for u in wanted if u not in found]
        if unknown:
            raise SurveyRefused(
                f"Collège{'s' if len(unknown) > 1 else ''} inconnu{'s' if len(unknown) > 1 else ''} "
                f"parmi les collèges publics {departement.name_of} : {', '.join(unknown)}."
            )
        chosen = [found[u] for u in wanted]
    else:
        chosen = list(colleges.order_by("uai"))
    if not chosen:
        raise SurveyRefused(f"Aucun collège public {departement.name_of} dans le référentiel.")
    with transaction.atomic():
        survey = SchoolSurvey.objects.create(
            departement=departement,
            questionnaire_slug=questionnaire.slug,
            questionnaire_version=questionnaire.version,
            audience=questionnaire.audience,
            title=title or questionnaire.title,
            opens_on=opens_on,
            closes_on=closes_on,
            is_demo=is_demo,
            created_by=user,
        )
        CollegeSurvey.objects.bulk_create(CollegeSurvey(survey=survey, college=c) for c in chosen)
    return survey


def parse_answers(questionnaire, raw: dict[str, str]) -> dict:
    """The typed form (``item-<id>`` → text) as values; a wrong value is refused with the
    question it belongs to, a missing required question too."""
    values = {}
    for item in questionnaire.items:
        text = raw.get(f"item-{item.id}")
        if text is None or str(text).strip() == "":
            continue
        try:
            values[item.id] = item.parse(str(text))
        except (QuestionnaireError, ValueError) as exc:
            raise SurveyRefused(f"« {item.label} » : {exc}") from None
    missing = questionnaire.missing_required(values)
    if missing:
        names = " ; ".join(f"« {item.label} »" for item in missing[:3])
        more = f" (et {len(missing) - 3} autres)" if len(missing) > 3 else ""
        raise SurveyRefused(f"Question{'s' if len(missing) > 1 else ''} sans réponse : {names}{more}.")
    return values


def submit(link: CollegeSurvey, raw: dict[str, str], nonce: str, *, today=None) -> tuple[Submission, bool]:
    """Store one anonymous answer; the same form (``nonce``) sent twice is stored once. Returns
    (the submission, whether it is new). Only the day is kept."""
    today = today or timezone.localdate()
    if not link.is_open(today):
        raise SurveyRefused("Cette enquête est close : les réponses ne sont plus enregistrées.")
    nonce = (nonce or "").strip()
    if not nonce or len(nonce) > MAX_NONCE:
        raise SurveyRefused("Formulaire incomplet : rechargez la page puis répondez à nouveau.")
    values = parse_answers(link.survey.questionnaire, raw)
    # No look-up first: the unique (link, nonce) constraint is what stores a form once, and the
    # form sent again (a double tap, a reload, at once or later) lands in IntegrityError below;
    # a new answer, the usual case, costs one INSERT and no SELECT.
    try:
        with transaction.atomic():
            return (
                Submission.objects.create(
                    link=link, answered_on=today, nonce=nonce, answers=values, is_demo=link.survey.is_demo
                ),
                True,
            )
    except IntegrityError:
        # The same form sent twice (a double tap, a reload): the first one is kept.
        existing = Submission.objects.filter(link=link, nonce=nonce).first()
        if existing is None:  # another constraint refused the row: not a second sending
            raise
        return existing, False


def close_link(link: CollegeSurvey, user) -> bool:
    """Close a collège's link (its head); False if it was already closed."""
    return bool(
        CollegeSurvey.objects.filter(pk=link.pk, closed_at__isnull=True).update(
            closed_at=timezone.now(), closed_by=user
        )
    )


def new_class_code(link: CollegeSurvey, *, minutes: int = CLASS_CODE_MINUTES, now=None) -> CollegeSurvey:
    """A short code for a class session, valid ``minutes`` from now (a new one replaces it)."""
    if not link.is_open():
        raise SurveyRefused("Cette enquête est close : pas de code pour une séance.")
    now = now or timezone.now()
    for _ in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                CollegeSurvey.objects.filter(pk=link.pk).update(
                    class_code=code, class_code_until=now + dt.timedelta(minutes=minutes)
                )
        except IntegrityError:
            continue  # the code is taken by another collège: draw again
        link.refresh_from_db()
        return link
    raise SurveyRefused("Impossible de tirer un code libre : réessayez.")


def link_for_code(code: str, *, now=None) -> CollegeSurvey | None:
    """The link a class code leads to, while it is valid."""
    code = (code or "").strip().upper().replace(" ", "")
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    now = now or timezone.now()
    return (
        CollegeSurvey.objects.filter(class_code=code, class_code_until__gt=now)
        .select_related("survey", "college")
        .first()
    )
