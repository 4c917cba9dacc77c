"""Who may see or change what. Every view calls these; IDs in URLs are not secrets.

Rules (docs/visibility.md, docs/architecture.md):
- coordinator: everything, but does not answer on a respondent's behalf;
- département editor: reads and changes its own département's responses while the campaign is open;
- département viewer: reads its own département's responses and results;
- DAN: reads and changes its académie's responses (DAN questionnaire); reads the results of
  the départements of its académie once the campaign is published;
- exception: a département's results are readable by the other départements' users when the
  campaign is public, closed and published and the département agreed (see below);
- school: its collège's usage indicators only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Role

DEPARTEMENT_ROLES = {Role.DEPARTEMENT_EDITOR, Role.DEPARTEMENT_VIEWER}


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def owns_response(user, response) -> bool:
    if not _active(user):
        return False
    if user.role in DEPARTEMENT_ROLES:
        return response.departement_id is not None and response.departement_id == user.departement_id
    if user.role == Role.DAN:
        return response.academie_id is not None and response.academie_id == user.academie_id
    return False


def can_view_response(user, response) -> bool:
    if not _active(user):
        return False
    return user.role == Role.COORDINATOR or owns_response(user, response)


def can_edit_response(user, response) -> bool:
    """Editors (and the DAN for its own answer) while the campaign is open."""
    if not _active(user) or not response.campaign.is_open:
        return False
    if user.role not in {Role.DEPARTEMENT_EDITOR, Role.DAN}:
        return False
    return owns_response(user, response)


def can_answer_campaign(user, campaign) -> bool:
    """Whether the user may start its respondent's answer to this campaign."""
    if not _active(user) or not campaign.is_open:
        return False
    if user.role == Role.DEPARTEMENT_EDITOR and campaign.audience == "departement":
        return campaign.target_departements.filter(pk=user.departement_id).exists()
    if user.role == Role.DAN and campaign.audience == "dan":
        return campaign.target_academies.filter(pk=user.academie_id).exists()
    return False


def can_view_departement_results(user, departement, campaign) -> bool:
    if not _active(user):
        return False
    if user.role == Role.COORDINATOR:
        return True
    if user.role in DEPARTEMENT_ROLES:
        return user.departement_id == departement.pk or departement_shares_results(departement, campaign)
    if user.role == Role.DAN:
        return campaign.published and departement.academie_id == user.academie_id
    return False


# -- the « campagne publique » exception (docs/visibility.md) ----------------------------------
# A département's individual results are readable by the editors and viewers of the OTHER
# départements only when all of this holds: the coordinator declared the campaign public, the
# campaign is closed and its national results published (answers final, same moment as the
# aggregates), the département's response is submitted, and its editor agreed to share
# (Response.share_consent). Withdrawing the agreement hides the results at the next request.
# DAN of other académies and school heads get nothing more: the agreement names départements.


def departement_shares_results(departement, campaign) -> bool:
    """Whether this département's results for this campaign are shared with the other départements."""
    if not (campaign.public and campaign.is_closed and campaign.published):
        return False
    # Through the campaign's related manager: this module is below the surveys app, it imports
    # no survey model (tests/web/test_app_boundaries.py).
    Response = campaign.responses.model
    return campaign.responses.filter(
        departement=departement, status=Response.Status.SUBMITTED, share_consent=True
    ).exists()


def views_results_as_shared(user, departement, campaign) -> bool:
    """True when the user reads these results only thanks to the exception (for the page's notice)."""
    if not _active(user) or user.role not in DEPARTEMENT_ROLES or user.departement_id == departement.pk:
        return False
    return departement_shares_results(departement, campaign)


def can_change_share_consent(user, response) -> bool:
    """Only the département's own editors give or withdraw the agreement (not its viewers, not
    the coordinator, not the DAN); withdrawing stays possible whatever the campaign's state."""
    if not _active(user) or user.role != Role.DEPARTEMENT_EDITOR:
        return False
    return response.departement_id is not None and response.departement_id == user.departement_id


def can_manage_campaigns(user) -> bool:
    return _active(user) and user.role == Role.COORDINATOR


def can_view_national_results(user, campaign) -> bool:
    """Aggregates over all respondents: the coordinator always, everyone signed in once published."""
    if not _active(user):
        return False
    return user.role == Role.COORDINATOR or (campaign.published and campaign.is_closed)


def require(allowed: bool, message: str = "Vous n'avez pas accès à cette page.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def fetch_for(user, queryset, rules: dict, action: str, not_found: str, **lookup):
    """The one fetch-and-check pattern behind every ``get_<object>_for(user, key, action)`` of
    the apps: the object of ``queryset`` matching ``lookup`` (404 with the French ``not_found``
    sentence when there is none), then each ``(rule, refusal message)`` of ``rules[action]`` in
    order (403 with that message on the first one that refuses). ``rules`` maps each action
    ("view", "edit"…) to its checks. Pages show the 404 and 403 pages; the API turns both into
    its JSON errors with the same sentences (``numeduc.web.api.common.fetched``)."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404(not_found)
    check_rules(rules[action], user, obj)
    return obj


def check_rules(checks, user, *objects) -> None:
    """403 with the message of the first ``(rule, message)`` of ``checks`` that refuses."""
    for rule, message in checks:
        require(rule(user, *objects), message)


# -- home pages and indexes: whose pages a user lands on ----------------------------------------


def sees_every_departement(user) -> bool:
    """The coordinator: the lists of all départements (budget, usage indexes), the national
    page's per-département details, the completion of every campaign on the home page."""
    return _active(user) and user.role == Role.COORDINATOR


def is_departement_user(user) -> bool:
    """An editor or viewer of a département (home page: its département's campaigns)."""
    return _active(user) and user.role in DEPARTEMENT_ROLES


def is_dan(user) -> bool:
    """The académie's DAN (home page: its DAN questionnaires and the published results)."""
    return _active(user) and user.role == Role.DAN


def answers_for_academie(user) -> bool:
    """Whether the user's own response to a campaign is its académie's (the DAN) rather than
    its département's."""
    return user.role == Role.DAN


def home_departement(user):
    """The département whose budget and usage pages an editor or viewer lands on (None for the
    other roles and for an account without département)."""
    if _active(user) and user.role in DEPARTEMENT_ROLES and user.departement_id:
        return user.departement
    return None


def is_school_head(user) -> bool:
    """A collège's head: the usage index sends it to its own collège's page."""
    return _active(user) and user.role == Role.SCHOOL


# -- budget scenarios (numeduc.web.planning) ----------------------------------------------
# A département's scenarios are its working documents: its editors create, change and delete
# them, its viewers read them, the coordinator reads every département's; nobody else sees them.


def reads_departement_documents(user, departement) -> bool:
    """The coordinator, and the département's own editors and viewers."""
    if not _active(user):
        return False
    if user.role == Role.COORDINATOR:
        return True
    return user.role in DEPARTEMENT_ROLES and user.departement_id == departement.pk


def can_view_departement_budget(user, departement) -> bool:
    return reads_departement_documents(user, departement)


def can_edit_departement_budget(user, departement) -> bool:
    return _active(user) and user.role == Role.DEPARTEMENT_EDITOR and user.departement_id == departement.pk


def can_view_scenario(user, scenario) -> bool:
    return can_view_departement_budget(user, scenario.departement)


def can_edit_scenario(user, scenario) -> bool:
    return can_edit_departement_budget(user, scenario.departement)


# -- usage indicators (numeduc.web.usage_dashboard) -----------------------------------------
# Usage logs belong to the département (it pays for and runs the ENT, devices and wifi of its
# collèges): the coordinator and the département's users read them; a school head reads its own
# collège only; a DAN reads them only once the département has let it into its evaluation group
# (``is_evaluation_member``, below): otherwise it sees the self-diagnosis results instead.


def can_view_usage_departement(user, departement) -> bool:
    return reads_departement_documents(user, departement) or is_evaluation_member(user, departement)


def can_view_usage_college(user, college) -> bool:
    if not _active(user):
        return False
    if user.role == Role.SCHOOL:
        return user.college_id is not None and user.college_id == college.pk
    return can_view_usage_departement(user, college.departement)


# -- action plans (numeduc.web.action_plans) ------------------------------------------------
# A département's plan is its working document, like its budget scenarios: its editors write it,
# its viewers and the coordinator read it. Two openings: the DAN of the département's académie
# reads a plan in which one action names the DAN as partner (``dan`` in ``partners``), and
# comments on those actions; the other départements' editors and viewers read the plan once the
# département's editor agreed to share it (``Plan.share_consent``, withdrawn at any time, each
# change in the history, as for results: docs/visibility.md). School heads see no plan.

DAN_PARTNER = "dan"


def dan_is_partner(user, plan) -> bool:
    """The user is the DAN of the plan's académie and at least one action names the DAN."""
    if not _active(user) or user.role != Role.DAN or user.academie_id is None:
        return False
    if plan.departement.academie_id != user.academie_id:
        return False
    return any(DAN_PARTNER in (action.partners or []) for action in plan.actions.all())


def can_view_plan(user, plan) -> bool:
    if not _active(user):
        return False
    if reads_departement_documents(user, plan.departement):
        return True
    if user.role in DEPARTEMENT_ROLES and plan.share_consent:
        return True
    return dan_is_partner(user, plan)


def views_plan_as_shared(user, plan) -> bool:
    """True when the user reads this plan only thanks to the département's agreement."""
    return (
        _active(user)
        and user.role in DEPARTEMENT_ROLES
        and user.departement_id != plan.departement_id
        and plan.share_consent
    )


def can_create_plan(user, departement) -> bool:
    return can_edit_departement_budget(user, departement)


def can_edit_plan(user, plan) -> bool:
    return can_create_plan(user, plan.departement)


def can_comment_action(user, action) -> bool:
    """The DAN of the académie, on an action that names the DAN as partner."""
    if not _active(user) or user.role != Role.DAN or user.academie_id is None:
        return False
    return action.plan.departement.academie_id == user.academie_id and DAN_PARTNER in (action.partners or [])


def can_change_plan_consent(user, plan) -> bool:
    return can_edit_plan(user, plan)


def can_view_plans_overview(user) -> bool:
    """The national view of the plans (most planned and completed actions): the coordinator."""
    return sees_every_departement(user)


# -- experience sheets (numeduc.web.experiences) -------------------------------------------
# Published sheets are read by every signed-in user (learning from the others is the point); a
# département's editors write its sheet, which its users and the coordinator read while it is a
# draft; the coordinator reviews and publishes.


def can_read_experience_sheets(user) -> bool:
    return _active(user)


def can_edit_experience_sheet(user, departement) -> bool:
    return can_edit_departement_budget(user, departement)


def reads_experience_drafts(user, departement) -> bool:
    return reads_departement_documents(user, departement)


def can_review_experience_sheets(user) -> bool:
    return _active(user) and user.role == Role.COORDINATOR


# -- school surveys (numeduc.web.school_surveys) -------------------------------------------
# A collège's survey link is managed (shown, closed, given a class code) by the head of that
# collège and by the editors of its département; answering needs no account at all.


def can_manage_college_survey(user, link) -> bool:
    if not _active(user):
        return False
    if user.role == Role.SCHOOL:
        return user.college_id == link.college_id
    return can_edit_departement_budget(user, link.college.departement)


# The roll-ups of a département's school surveys are read by its staff, the coordinator and the
# DAN the département has let into its evaluation group (an open ``EvaluationAccess``, recorded
# with who granted it); a survey is opened by the département's editors or the coordinator; the
# group's members (editors and granted DAN) agree on the indicators it follows. Only the
# département's editors grant or revoke a DAN's access.


def is_evaluation_member(user, departement) -> bool:
    """A DAN of the département's académie with an open access to its evaluation group."""
    if not _active(user) or user.role != Role.DAN or user.academie_id is None:
        return False
    if user.academie_id != departement.academie_id:
        return False
    # Through the user's reverse relation: accounts does not import the school_surveys app.
    return user.evaluation_accesses.filter(group__departement=departement, revoked_at__isnull=True).exists()


def can_view_school_surveys(user, departement) -> bool:
    return reads_departement_documents(user, departement) or is_evaluation_member(user, departement)


def can_open_school_survey(user, departement) -> bool:
    return _active(user) and (user.role == Role.COORDINATOR or can_edit_departement_budget(user, departement))


def can_grant_evaluation_access(user, departement) -> bool:
    return can_edit_departement_budget(user, departement)


def can_edit_shared_indicators(user, departement) -> bool:
    return can_edit_departement_budget(user, departement) or is_evaluation_member(user, departement)


# -- success stories (numeduc.web.stories) --------------------------------------------------
# A département's editors write its success stories and publish them or keep them as drafts. A
# published story is read by every signed-in user (and, when its editor ticked the open-data
# agreement, by anyone through the public Atom feed); a draft is read by the département's own
# editors and viewers and the coordinator only.


def can_write_story(user, departement) -> bool:
    """Tell a new story of this département, or change one of its stories."""
    return can_edit_departement_budget(user, departement)


def can_edit_story(user, story) -> bool:
    return can_write_story(user, story.departement)


def can_view_story(user, story) -> bool:
    if not _active(user):
        return False
    return story.is_published or reads_departement_documents(user, story.departement)


# -- resources catalogue (numeduc.web.resources) --
# The catalogue of resources that proved themselves is curated (created, changed, published)
# by the coordinator and the DAN; every signed-in user reads its published entries, curators
# also the unpublished ones; a département's editors give (and update) its own feedback.


def can_curate_resources(user) -> bool:
    return _active(user) and user.role in (Role.COORDINATOR, Role.DAN)


def can_view_resource(user, resource) -> bool:
    return _active(user) and (bool(resource.published) or can_curate_resources(user))


def can_give_feedback(user, departement) -> bool:
    return can_edit_departement_budget(user, departement)


# -- evaluation (numeduc.web.evaluation) --
# A département's strategy comparisons and pilots are read by its editors and viewers, the
# coordinator and the DAN it let into its evaluation group; a school head reads its own collège's
# rows only (and the pilots its collège is in); the département's editors declare the strategies
# and create the pilots; the national comparison is the coordinator's.


def can_view_evaluation(user, departement) -> bool:
    if not _active(user):
        return False
    if user.role == Role.SCHOOL:
        return user.college is not None and user.college.departement_id == departement.pk
    return reads_departement_documents(user, departement) or is_evaluation_member(user, departement)


def can_view_college_evaluation(user, college) -> bool:
    """A row about one collège (its declared strategy, its place in a pilot or a matching)."""
    if not _active(user):
        return False
    if user.role == Role.SCHOOL:
        return user.college_id is not None and user.college_id == college.pk
    return can_view_evaluation(user, college.departement)


def can_edit_evaluation(user, departement) -> bool:
    """Declare the collèges' strategies, create a pilot."""
    return can_edit_departement_budget(user, departement)


def can_view_pilot(user, pilot) -> bool:
    if not can_view_evaluation(user, pilot.departement):
        return False
    return user.role != Role.SCHOOL or pilot.includes_college(user.college_id)


def can_view_national_strategies(user) -> bool:
    return _active(user) and user.role == Role.COORDINATOR
