"""REST API (django-ninja, OpenAPI at /api/v1/docs).

Authentication: the browser session, or a personal token (``Authorization: Bearer nde_…``,
created with ``numeduc users token EMAIL``). Every endpoint applies the same permission rules
as the pages (``numeduc.web.accounts.permissions``); open data needs no authentication.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from numeduc import reference
from numeduc.analysis.profile import MIN_GROUP
from numeduc.web.accounts.models import ApiToken
from numeduc.web.accounts.permissions import (
    can_view_departement_results,
    can_view_national_results,
    can_view_response,
)
from numeduc.web.results import data
from numeduc.web.surveys.models import Campaign, Response
from numeduc.web.territories.models import Departement


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(title="numeduc", version="1", description="API de numeduc : référentiels, campagnes, résultats.",
               urls_namespace="api")
AUTH = [TokenAuth(), django_auth]


def _refuse(allowed: bool) -> None:
    if not allowed:
        raise HttpError(403, "Accès refusé : votre rôle ne permet pas de lire cette ressource.")


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


@api.get("/departements", response=list[DepartementSchema], tags=["données ouvertes"],
         summary="Les 101 départements et leurs indicateurs Insee, avec source et année")
def departements(request):
    frame = reference.departements()
    academies = reference.academies().set_index("departement_code")["academie_name"]
    rows = []
    for code, row in frame.iterrows():
        rows.append({
            "code": code, "name": row["name"], "region": row["region_name"], "academie": academies.get(code),
            "indicators": {
                column: {"value": None if row[column] != row[column] else float(row[column]),
                         "unit": unit, "source": source}
                for column, (_, unit, source) in reference.INDICATOR_LABELS.items()
            },
        })
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


def _campaign(c: Campaign) -> dict:
    return {"id": c.pk, "title": c.title, "questionnaire": c.questionnaire_slug, "version": c.questionnaire_version,
            "year": c.year, "status": c.status, "published": c.published, "public": c.public, "demo": c.is_demo}


@api.get("/campaigns", response=list[CampaignSchema], auth=AUTH, tags=["campagnes"])
def campaigns(request):
    query = Campaign.objects.all()
    if not request.user.is_coordinator:
        query = query.exclude(status=Campaign.Status.DRAFT)
    return [_campaign(c) for c in query]


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


@api.get("/responses/{response_id}", response=ResponseSchema, auth=AUTH, tags=["campagnes"])
def response_detail(request, response_id: int):
    response = get_object_or_404(Response.objects.select_related("campaign"), pk=response_id)
    _refuse(can_view_response(request.user, response))
    return {"id": response.pk, "campaign": _campaign(response.campaign), "respondent": str(response.respondent),
            "status": response.status,
            "answers": [{"item": a.item_id, "value": a.value, "comment": a.comment} for a in response.answers.all()]}


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


@api.get("/campaigns/{campaign_id}/departements/{code}/profile", response=ProfileSchema, auth=AUTH,
         tags=["résultats"], summary="Profil d'un département : niveaux, médianes nationale et des comparables")
def departement_profile(request, campaign_id: int, code: str):
    from numeduc.web.results.views import compute_profile

    campaign = get_object_or_404(Campaign, pk=campaign_id)
    departement = get_object_or_404(Departement, code=code)
    _refuse(can_view_departement_results(request.user, departement, campaign))
    response = Response.objects.filter(campaign=campaign, departement=departement,
                                       status=Response.Status.SUBMITTED).first()
    if response is None:
        raise HttpError(404, "Aucune réponse transmise par ce département pour cette campagne.")
    # Same rule as the page: the « campagne publique » exception lives in can_view_departement_results,
    # and the previous campaign's levels are dropped unless that campaign is readable too.
    profile, reference_campaign, _ = compute_profile(campaign, departement, response, request.user)
    return {
        "departement": code, "campaign": _campaign(campaign),
        "compared_with": _campaign(reference_campaign) if reference_campaign else None,
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


@api.get("/campaigns/{campaign_id}/national", response=AggregateSchema, auth=AUTH, tags=["résultats"],
         summary="Médianes nationales par facteur (au moins 5 répondants)")
def national(request, campaign_id: int):
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    _refuse(can_view_national_results(request.user, campaign))
    levels = data.campaign_levels(campaign)
    if len(levels) < MIN_GROUP:
        raise HttpError(409, f"Moins de {MIN_GROUP} réponses transmises : aucun agrégat n'est publié.")
    labels = {item.factor: item.label for item in campaign.questionnaire.factor_items()}
    medians = {labels[f]: (float(levels[f].median()) if levels[f].notna().sum() >= MIN_GROUP else None)
               for f in levels.columns}
    return {"campaign": _campaign(campaign), "respondents": len(levels), "factors": medians,
            "notice": "données de démonstration" if campaign.is_demo else ""}
