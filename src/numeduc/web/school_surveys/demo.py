"""Demo school surveys (« données de démonstration »): pupils' and parents' answers in Loiret
collèges, beside the demo usage logs of the same month, and a pupils' survey in Nord, where no
log is loaded. The answers come from the pure generator ``numeduc.demo.school_surveys``
(docs/demo-data.md); everything created here is ``is_demo``.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time

import numpy as np
import pandas as pd
from django.db import transaction

from numeduc.demo.school_surveys import OVERSTATE_SHARE, generate_school_answers, plan_colleges
from numeduc.questionnaires import load_questionnaire
from numeduc.school_surveys.anonymity import CollegePlace, peer_group
from numeduc.school_surveys.compare import measured_share, pairings_for, survey_months
from numeduc.web.territories.models import College, Departement

from . import services
from .models import CollegeSurvey, SchoolSurvey, Submission

DEMO_SEED = 2017
# Within the demo logs' three months (September to November 2024, load_demo_usage's defaults):
# survey_months gives ["2024-11"], the month the comparison reads.
DEMO_OPENS_ON = dt.date(2024, 11, 4)
DEMO_CLOSES_ON = dt.date(2024, 11, 29)
DEMO_COLLEGES = 12  # Loiret collèges surveyed (among those with logs)
DEMO_NORD_COLLEGES = 8
# (questionnaire, département, respondents of a shown collège)
DEMO_SURVEYS = (
    ("college-eleves", "45", (12, 60)),
    ("college-parents", "45", (8, 40)),
    ("college-eleves", "59", (12, 60)),
)


def _head_uai() -> str | None:
    """The collège of a Loiret school head account (the demo's ``college@demo.numeduc.fr``,
    created by ``numeduc.web.demo.load_demo`` before this loader runs), so that the demo head
    finds answers on its page. Read from the accounts, not from the demo loader, which is a layer
    above this app (tests/web/test_app_boundaries.py)."""
    from numeduc.web.accounts.models import Role, User

    return (
        User.objects.filter(role=Role.SCHOOL, college__departement__code="45", college__isnull=False)
        .order_by("pk")
        .values_list("college__uai", flat=True)
        .first()
    )


def _indicators(code: str, months: list[str]) -> pd.DataFrame:
    """The département's indicators of ``months`` for the paired indicators (empty without logs)."""
    from numeduc.web.usage_dashboard import store

    data = store.load(code)
    if data is None or data.indicators.empty:
        return pd.DataFrame(columns=["uai", "month", "indicator", "profile", "numerator", "denominator"])
    wanted = {p.indicator for p in pairings_for("college-eleves") + pairings_for("college-parents")}
    frame = data.indicators
    return frame[frame["month"].isin(months) & frame["indicator"].isin(wanted)]


def _choose(colleges: list[str], n: int, head: str | None, rng: np.random.Generator) -> list[str]:
    """``n`` collèges (sorted), the head's one first if it is there."""
    first = [head] if head in colleges else []
    others = [u for u in colleges if u not in first]
    picked = [
        others[i]
        for i in sorted(rng.choice(len(others), size=min(n - len(first), len(others)), replace=False))
    ]
    return sorted(first + picked)


def _weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    return [d for d in days if d.weekday() < 5] or days


@transaction.atomic
def load_demo_school_surveys(seed: int = DEMO_SEED) -> dict:
    """(Re)create the demo school surveys: deletes the previous demo ones only (``is_demo``),
    never a real survey. Returns counts per questionnaire and département and the seconds."""
    started = time.perf_counter()
    SchoolSurvey.objects.filter(is_demo=True).delete()
    months = survey_months(DEMO_OPENS_ON, DEMO_CLOSES_ON)
    head = _head_uai()
    days = _weekdays(DEMO_OPENS_ON, DEMO_CLOSES_ON)
    rng = np.random.default_rng([seed, 13])
    report: dict = {"surveys": [], "answers": 0, "pupils": 0, "parents": 0, "hidden": 0}
    chosen_by_code: dict[str, list[str]] = {}
    indicators_by_code: dict[str, pd.DataFrame] = {}
    for slug, code, respondents in DEMO_SURVEYS:
        departement = Departement.objects.filter(code=code).first()
        if departement is None:
            continue
        public_colleges = {
            c.uai: c for c in College.objects.filter(departement=departement, public=True).order_by("uai")
        }
        public = list(public_colleges)
        if code not in chosen_by_code:
            indicators = indicators_by_code[code] = _indicators(code, months)
            logged = set(indicators["uai"]) if not indicators.empty else set()
            candidates = [u for u in public if u in logged] or public
            n = DEMO_COLLEGES if logged else DEMO_NORD_COLLEGES
            chosen_by_code[code] = _choose(candidates, n, head, rng) if candidates else []
        chosen = chosen_by_code[code]
        if not chosen:
            continue
        indicators = indicators_by_code[code]
        questionnaire = load_questionnaire(slug)
        measured = None
        if not indicators.empty:
            measured = {
                uai: {
                    (p.indicator, p.profile): measured_share(
                        indicators, [uai], months, p.indicator, p.profile
                    )
                    for p in pairings_for(slug)
                }
                for uai in chosen
            }
        shown = [head] if head else []
        places = {
            uai: CollegePlace(
                code,
                peer_group(
                    public_colleges[uai].density_code,
                    public_colleges[uai].pupils,
                    public_colleges[uai].priority_education,
                ),
            )
            for uai in chosen
        }
        plans = plan_colleges(
            questionnaire,
            chosen,
            seed=seed,
            measured=measured,
            respondents=respondents,
            # Without logs there is nothing to overstate against.
            overstate_share=OVERSTATE_SHARE if measured is not None else 0.0,
            shown=shown,
            places=places,
        )
        answers = generate_school_answers(questionnaire, chosen, seed=seed, measured=measured, plans=plans)
        survey = services.open_survey(
            slug,
            departement,
            None,
            uais=chosen,
            opens_on=DEMO_OPENS_ON,
            closes_on=DEMO_CLOSES_ON,
            title=f"{questionnaire.title} (démonstration)",
            is_demo=True,
        )
        links = {
            link.college.uai: link
            for link in CollegeSurvey.objects.filter(survey=survey).select_related("college")
        }
        submissions = [
            Submission(
                link=links[uai],
                answered_on=days[int(rng.integers(len(days)))],
                nonce=secrets.token_urlsafe(18),
                answers=answer,
                is_demo=True,
            )
            for uai, college_answers in answers.items()
            for answer in college_answers
        ]
        Submission.objects.bulk_create(submissions, batch_size=500)
        who = "pupils" if questionnaire.audience == "eleve" else "parents"
        report[who] += len(submissions)
        report["answers"] += len(submissions)
        report["hidden"] += sum(not p.shown for p in plans)
        report["surveys"].append(
            {
                "id": survey.pk,
                "questionnaire": slug,
                "departement": code,
                "colleges": len(chosen),
                "answers": len(submissions),
                "hidden": [p.uai for p in plans if not p.shown],
                "overstating": [p.uai for p in plans if p.overstates],
                "logs": measured is not None,
            }
        )
    report["seconds"] = round(time.perf_counter() - started, 2)
    return report
