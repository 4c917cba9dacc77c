"""Open data, campaigns, responses and self-diagnosis results."""

from __future__ import annotations

from ninja import Path, Router, Schema
from ninja.errors import HttpError

from numeduc import names, reference
from numeduc.analysis.profile import MIN_GROUP
from numeduc.web.accounts.permissions import can_manage_campaigns
from numeduc.web.demo_mark import demo_notices
from numeduc.web.results import data as profile_data
from numeduc.web.surveys import data
from numeduc.web.surveys.models import Campaign, Response

from .common import AUTH, DEPARTEMENT_CODE, MAX_ID, answers

router = Router()


def campaign_id_param():
    return Path(..., ge=1, le=MAX_ID, description="Identifiant de la campagne", example=1)


class IndicatorSchema(Schema):
    value: float | None
    unit: str
    source: str


class DepartementSchema(Schema):
    code: str
    name: str
    region: str
    academie: str | None
    indicators: dict[str, IndicatorSchema]


@router.get(
    "/departements",
    response=list[DepartementSchema],
    tags=["données ouvertes"],
    summary="Les 101 départements et leurs indicateurs Insee, avec source et année",
)
def departements(request):
    frame = reference.departements()
    # The official accented names (« Orléans-Tours »), as on the pages; the source has « ORLEANS-TOURS ».
    academie_codes = reference.academies().set_index("departement_code")["academie_code"]
    academies = {dep: names.academie_name(code).name for dep, code in academie_codes.items()}
    rows = []
    for code, row in frame.iterrows():
        rows.append(
            {
                "code": code,
                "name": row["name"],
                "region": row["region_name"],
                "academie": academies.get(code),
                "indicators": {
                    column: {
                        "value": None if row[column] != row[column] else float(row[column]),
                        "unit": unit,
                        "source": source,
                    }
                    for column, (_, unit, source) in reference.INDICATOR_LABELS.items()
                },
            }
        )
    return rows


class CampaignSchema(Schema):
    id: int
    title: str
    questionnaire: str
    version: str
    year: int
    status: str
    published: bool
    public: bool
    demo: bool


def campaign_dict(c: Campaign) -> dict:
    return {
        "id": c.pk,
        "title": c.title,
        "questionnaire": c.questionnaire_slug,
        "version": c.questionnaire_version,
        "year": c.year,
        "status": c.status,
        "published": c.published,
        "public": c.public,
        "demo": c.is_demo,
    }


@router.get(
    "/campaigns",
    response=answers(list[CampaignSchema], 401),
    auth=AUTH,
    tags=["campagnes"],
    summary="Les campagnes (les brouillons : coordination seulement)",
)
def campaigns(request):
    query = Campaign.objects.all()
    if not can_manage_campaigns(request.user):  # drafts are the coordination's
        query = query.exclude(status=Campaign.Status.DRAFT)
    return [campaign_dict(c) for c in query]


class AnswerSchema(Schema):
    item: str
    value: int | float | str | None
    comment: str


class ResponseSchema(Schema):
    id: int
    campaign: CampaignSchema
    respondent: str
    status: str
    answers: list[AnswerSchema]


@router.get(
    "/responses/{response_id}",
    response=answers(ResponseSchema, 401, 403, 404),
    auth=AUTH,
    tags=["campagnes"],
    summary="Une réponse, avec ses commentaires (le répondant et la coordination)",
)
def response_detail(request, response_id: int = Path(..., ge=1, le=MAX_ID, example=1)):
    response = data.get_response_for(request.user, response_id)
    return {
        "id": response.pk,
        "campaign": campaign_dict(response.campaign),
        "respondent": str(response.respondent),
        "status": response.status,
        "answers": [
            {"item": a.item_id, "value": a.value, "comment": a.comment} for a in response.answers.all()
        ],
    }


class FactorSchema(Schema):
    factor: int
    label: str
    level: float | None
    national_median: float | None
    peer_median: float | None
    previous_level: float | None


class ProfileSchema(Schema):
    departement: str
    campaign: CampaignSchema
    compared_with: CampaignSchema | None
    national_respondents: int | None
    peer_respondents: int | None
    peer_note: str
    factors: list[FactorSchema]
    axes: dict[str, float | None]


@router.get(
    "/campaigns/{campaign_id}/departements/{code}/profile",
    response=answers(ProfileSchema, 401, 403, 404),
    auth=AUTH,
    tags=["résultats"],
    summary="Profil d'un département : niveaux, médianes nationale et des comparables",
)
def departement_profile(
    request,
    campaign_id: int = campaign_id_param(),
    code: str = Path(..., pattern=DEPARTEMENT_CODE, example="45"),
):
    campaign, departement = profile_data.get_results_for(request.user, campaign_id, code)
    if not campaign.questionnaire.factor_items():
        # Same answer as the results page: only a questionnaire with factors has a profile.
        raise HttpError(404, "Ce questionnaire n'a pas de facteurs à comparer.")
    response = Response.objects.filter(
        campaign=campaign, departement=departement, status=Response.Status.SUBMITTED
    ).first()
    if response is None:
        raise HttpError(404, "Aucune réponse transmise par ce département pour cette campagne.")
    # Same rule as the page: the « campagne publique » exception lives in can_view_departement_results,
    # and the previous campaign's levels are dropped unless that campaign is readable too.
    profile, reference_campaign, _ = profile_data.compute_profile(
        campaign, departement, response, request.user
    )
    return {
        "departement": code,
        "campaign": campaign_dict(campaign),
        "compared_with": campaign_dict(reference_campaign) if reference_campaign else None,
        "national_respondents": profile.national.n if profile.national else None,
        "peer_respondents": profile.peers.n if profile.peers else None,
        "peer_note": profile.peers.note if profile.peers else "",
        "factors": [r.__dict__ for r in profile.factors],
        "axes": {a.id: a.score for a in profile.axes},
    }


class AggregateSchema(Schema):
    campaign: CampaignSchema
    respondents: int
    factors: dict[str, float | None]
    notice: str


@router.get(
    "/campaigns/{campaign_id}/national",
    response=answers(AggregateSchema, 401, 403, 404, 409),
    auth=AUTH,
    tags=["résultats"],
    summary="Nombre de réponses transmises et médianes nationales par facteur (au moins 5 répondants)",
)
def national(request, campaign_id: int = campaign_id_param()):
    campaign = data.get_campaign_for(request.user, campaign_id, "national")
    # The respondents are the submitted responses, whatever the questionnaire: counting the
    # rows of the factor levels gave 0 for a questionnaire without factors (the three-question
    # survey: 45 responses answered « moins de 5 »), and missed the DAN's académies.
    respondents = Response.objects.filter(campaign=campaign, status=Response.Status.SUBMITTED).count()
    if respondents < MIN_GROUP:
        raise HttpError(
            409, f"Moins de {MIN_GROUP} réponses transmises ({respondents}) : aucun agrégat n'est publié."
        )
    items = campaign.questionnaire.factor_items()
    notices = demo_notices(campaign)
    medians: dict[str, float | None] = {}
    if items:
        levels = data.campaign_levels(campaign)
        labels = {item.factor: item.label for item in items}
        # A factor's median needs MIN_GROUP answers to that factor, not only MIN_GROUP responses.
        medians = {
            labels[f]: (float(levels[f].median()) if levels[f].notna().sum() >= MIN_GROUP else None)
            for f in levels.columns
        }
    else:
        notices.append("ce questionnaire n'a pas de facteurs : aucune médiane par facteur")
    return {
        "campaign": campaign_dict(campaign),
        "respondents": respondents,
        "factors": medians,
        "notice": " ; ".join(notices),
    }
