"""Load the demonstration instance: synthetic campaigns (seeded generator) and demo accounts.

Everything created here is marked ``is_demo`` and every page showing it says
"données de démonstration". The generator itself is pure (``numeduc.demo``) and documented in
``docs/demo-data.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from django.db import transaction
from django.utils import timezone

from numeduc import names, reference
from numeduc.questionnaires import load_questionnaire
from numeduc.web.accounts.models import Role, User
from numeduc.web.surveys.models import Answer, Campaign, Response, ResponseEvent
from numeduc.web.territories.models import Academie, College, Departement

DEMO_SEED = 2017
DEMO_PASSWORD = "numeduc-demo"
DEMO_DOMAIN = "demo.numeduc.fr"
# The 2017 demo campaign is public and these départements agreed to share their results with
# the other départements (docs/demo-data.md); all answered in 2017 with the default seed. Loiret
# and Nord (the demo accounts) are left out so that their editors can try giving the agreement.
DEMO_SHARING_CODES = ("14", "44", "69")
COMMENT_SUFFIX = "__comment"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    departement: str | None = None
    academie: str | None = None
    uai: str | None = None
    what: str = ""


def demo_accounts() -> list[DemoAccount]:
    loiret_academie = reference.academies().set_index("departement_code").loc["45", "academie_code"]
    loiret_college = (
        reference.colleges(public_only=True)
        .query("departement_code == '45'")
        .sort_values("uai")
        .iloc[0]["uai"]
    )
    return [
        DemoAccount(
            f"coordination@{DEMO_DOMAIN}", Role.COORDINATOR, what="coordination nationale : campagnes, suivi"
        ),
        DemoAccount(
            f"loiret@{DEMO_DOMAIN}",
            Role.DEPARTEMENT_EDITOR,
            departement="45",
            what="Loiret, saisie : résultats 2017, réponse 2018 à compléter",
        ),
        DemoAccount(
            f"loiret.lecture@{DEMO_DOMAIN}",
            Role.DEPARTEMENT_VIEWER,
            departement="45",
            what="Loiret, lecture seule",
        ),
        DemoAccount(
            f"nord@{DEMO_DOMAIN}",
            Role.DEPARTEMENT_EDITOR,
            departement="59",
            what="Nord, saisie ; résultats 2017 partagés par d'autres départements",
        ),
        DemoAccount(
            f"dan@{DEMO_DOMAIN}",
            Role.DAN,
            academie=loiret_academie,
            what=f"DAN de l'{names.academie_name(loiret_academie).title} (celle du Loiret)",
        ),
        DemoAccount(
            f"college@{DEMO_DOMAIN}", Role.SCHOOL, uai=loiret_college, what="principal d'un collège du Loiret"
        ),
    ]


def _store_answers(
    campaign: Campaign, answers: pd.DataFrame, *, submitted_codes: set[str], when: dt.datetime
) -> int:
    """Store generated answers (index: département code, or académie code for the DAN questionnaire)."""
    questionnaire = campaign.questionnaire
    item_ids = {item.id for item in questionnaire.items}
    by_academie = questionnaire.audience == "dan"
    model = Academie if by_academie else Departement
    respondents = {r.code: r for r in model.objects.filter(code__in=list(answers.index))}
    responses, created = [], 0
    for code, row in answers.iterrows():
        status = Response.Status.SUBMITTED if code in submitted_codes else Response.Status.DRAFT
        respondent = {"academie" if by_academie else "departement": respondents[code]}
        response = Response.objects.create(
            campaign=campaign,
            status=status,
            **respondent,
            submitted_at=when if status == Response.Status.SUBMITTED else None,
        )
        objs = []
        for column, value in row.items():
            if column.endswith(COMMENT_SUFFIX) or column not in item_ids or _missing(value):
                continue
            comment = row.get(column + COMMENT_SUFFIX)
            objs.append(
                Answer(
                    response=response,
                    item_id=column,
                    value=_json(value),
                    comment="" if _missing(comment) else str(comment),
                    updated_at=when,
                )
            )
        Answer.objects.bulk_create(objs)
        if status == Response.Status.SUBMITTED:
            ResponseEvent.objects.create(
                response=response,
                field=ResponseEvent.Field.STATUS,
                old_value="draft",
                new_value="submitted",
                changed_at=when,
            )
        responses.append(response)
        created += 1
    # The generated answers are dated within the campaign, not at loading time.
    Response.objects.filter(campaign=campaign).update(created_at=when, updated_at=when)
    return created


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA


def _json(value):
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _noon(year: int, month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 12))


def _demo_campaign(
    slug: str,
    title: str,
    year: int,
    opens: tuple[int, int],
    closes: tuple[int, int],
    *,
    closed: bool,
    closes_year: int | None = None,
    public: bool = False,
) -> Campaign:
    """A demo campaign targeting every département (every académie for the DAN questionnaire)."""
    questionnaire = load_questionnaire(slug)
    closes_on = dt.date(closes_year or year, *closes)
    campaign = Campaign.objects.create(
        title=f"{title} (démonstration)",
        questionnaire_slug=questionnaire.slug,
        questionnaire_version=questionnaire.version,
        year=year,
        opens_on=dt.date(year, *opens),
        closes_on=closes_on,
        status=Campaign.Status.CLOSED if closed else Campaign.Status.OPEN,
        published=closed,
        is_demo=True,
        public=public,
        closed_at=_noon(closes_on.year, closes_on.month, closes_on.day) if closed else None,
    )
    if questionnaire.audience == "dan":
        campaign.target_academies.set(Academie.objects.all())
    else:
        campaign.target_departements.set(Departement.objects.all())
    return campaign


@transaction.atomic
def load_demo(*, seed: int = DEMO_SEED) -> dict:
    """(Re)create the demo campaigns and accounts. Refuses to touch non-demo campaigns."""
    from numeduc.demo import generate_selfdiag_campaign
    from numeduc.demo.surveys import generate_dan_answers, generate_survey_answers

    Campaign.objects.filter(is_demo=True).delete()
    departements = reference.departements()
    colleges = reference.colleges(public_only=True)

    c2017 = _demo_campaign(
        "autodiagnostic", "Autodiagnostic 2017", 2017, (3, 1), (6, 30), closed=True, public=True
    )
    answers_2017 = generate_selfdiag_campaign(departements, 2017, seed=seed, colleges=colleges)
    n2017 = _store_answers(
        c2017, answers_2017, submitted_codes=set(answers_2017.index), when=_noon(2017, 6, 15)
    )
    from numeduc.web.surveys.services import set_share_consent

    for response in Response.objects.filter(campaign=c2017, departement__code__in=DEMO_SHARING_CODES):
        set_share_consent(response, True, None, when=_noon(2017, 6, 20))

    # Open until far in the future so that the demo accounts can always answer it.
    c2018 = _demo_campaign(
        "autodiagnostic", "Autodiagnostic 2018", 2018, (3, 1), (6, 30), closed=False, closes_year=2099
    )
    answers_2018 = generate_selfdiag_campaign(
        departements, 2018, seed=seed, previous=answers_2017, colleges=colleges
    )
    # Loiret (45) and Nord (59) are left for the demo accounts to fill in; a few others stay drafts.
    answers_2018 = answers_2018.drop(index=[c for c in ("45", "59") if c in answers_2018.index])
    drafts = set(sorted(answers_2018.index)[::7])
    n2018 = _store_answers(
        c2018, answers_2018, submitted_codes=set(answers_2018.index) - drafts, when=_noon(2018, 5, 15)
    )

    c2016 = _demo_campaign(
        "enquete-trois-questions", "Enquête en trois questions 2016", 2016, (9, 1), (12, 15), closed=True
    )
    answers_2016 = generate_survey_answers(departements, seed=seed, colleges=colleges)
    n2016 = _store_answers(
        c2016, answers_2016, submitted_codes=set(answers_2016.index), when=_noon(2016, 12, 1)
    )

    c_dan = _demo_campaign("dan", "Questionnaire des DAN 2017", 2017, (3, 1), (6, 30), closed=True)
    answers_dan = generate_dan_answers(reference.academies(), seed=seed)
    n_dan = _store_answers(c_dan, answers_dan, submitted_codes=set(answers_dan.index), when=_noon(2017, 6, 1))
    # Open, unanswered: the demo's DAN (whose académie did not answer in 2017) can fill it in.
    _demo_campaign("dan", "Questionnaire des DAN 2018", 2018, (3, 1), (6, 30), closed=False, closes_year=2099)

    from numeduc.web.planning.demo import load_demo_scenarios

    load_demo_scenarios()

    from numeduc.web.action_plans.demo import load_demo_plans

    plans = load_demo_plans(seed=seed)

    from numeduc.web.experiences.demo import load_demo_sheets

    sheets = load_demo_sheets()

    accounts = []
    for account in demo_accounts():
        user = User.objects.filter(email=account.email).first() or User(
            email=account.email, username=account.email
        )
        user.role = account.role
        user.departement = (
            Departement.objects.filter(code=account.departement).first() if account.departement else None
        )
        user.academie = Academie.objects.filter(code=account.academie).first() if account.academie else None
        user.college = College.objects.filter(uai=account.uai).first() if account.uai else None
        user.set_password(DEMO_PASSWORD)
        user.save()
        accounts.append(account)
    return {
        "campaigns": {2017: n2017, 2018: n2018, "survey_2016": n2016, "dan_2017": n_dan},
        "accounts": accounts,
        "action_plans": len(plans),
        "experience_sheet_versions": sheets,
    }
