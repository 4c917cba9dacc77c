"""Changing plans: every write goes through here, in a transaction, the plan's row locked first,
with its history (``PlanEvent``); the caller has checked the permission (accounts.permissions).

Every value is checked here too, not only by the forms (the demo loader and scripts call these
functions): a refused value raises ``PlanRefused`` with a French message naming the field, and
nothing is written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from numeduc.actions import load_catalogue
from numeduc.actions.loader import known_indicators
from numeduc.actions.model import FACTOR_IDS, HIGHEST_LEVEL, LOWEST_LEVEL, PARTNERS
from numeduc.text import TextRefused, check_text

from .models import ActionNote, Plan, PlanEvent, PlannedAction, UsageProfile

# Bounds of every number and text of an action (the forms use the same ones).
MAX_AMOUNT = Decimal("1000000000")  # one billion euros: more than any département's whole budget
MAX_TITLE = 200
MAX_TEXT = 5000
MAX_OWNER = 200
MAX_USAGE_TARGET = 1e9
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


class PlanRefused(Exception):
    """The change cannot be made (French message naming the field); nothing was written."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class StaleVersion(PlanRefused):
    """The action changed since the form was opened (another tab or editor): nothing written."""


# The fields of an action a form may change, with their French names (history, messages).
ACTION_FIELDS: dict[str, str] = {
    "title": "intitulé",
    "description": "description",
    "factor": "facteur visé",
    "target_level": "niveau visé",
    "owner": "responsable",
    "partners": "partenaires",
    "starts_on": "début",
    "ends_on": "fin",
    "investment": "investissement",
    "running": "fonctionnement par an",
    "scenario": "scénario budgétaire",
    "usage_indicator": "indicateur d'usage",
    "usage_profile": "profil de l'indicateur",
    "usage_comparison": "sens de la cible",
    "usage_target": "cible de l'indicateur",
    "usage_colleges": "collèges de la cible",
    "variant": "variante",
}


def _text(
    value, label: str, field: str, limit: int, *, multiline: bool = False, required: bool = False
) -> str:
    text = "" if value is None else str(value).strip()
    try:
        check_text(text, label, multiline=multiline)
    except TextRefused as error:
        raise PlanRefused(str(error), field) from None
    if required and not text:
        raise PlanRefused(f"« {label} » : à remplir.", field)
    if len(text) > limit:
        raise PlanRefused(f"« {label} » : {limit} caractères au plus ({len(text)} saisis).", field)
    return text


def _amount(value, label: str, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        raise PlanRefused(f"« {label} » : un montant en euros est attendu.", field) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise PlanRefused(f"« {label} » : un montant entre 0 et 1 000 000 000 € est attendu.", field)
    return amount.quantize(Decimal("0.01"))


def _level(value, label: str, field: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not LOWEST_LEVEL <= value <= HIGHEST_LEVEL:
        raise PlanRefused(f"« {label} » : un niveau de {LOWEST_LEVEL} à {HIGHEST_LEVEL} est attendu.", field)
    return value


def _date(value, label: str, field: str) -> dt.date:
    if not isinstance(value, dt.date) or not EARLIEST_DATE <= value <= LATEST_DATE:
        raise PlanRefused(f"« {label} » : une date entre 2000 et 2100 est attendue.", field)
    return value


def clean_action_fields(plan: Plan, fields: dict) -> dict:
    """The action's fields checked and normalised; ``PlanRefused`` on the first bad one."""
    out: dict = {}
    out["title"] = _text(fields.get("title"), "Intitulé", "title", MAX_TITLE, required=True)
    out["description"] = _text(
        fields.get("description"), "Description", "description", MAX_TEXT, multiline=True
    )
    factor = fields.get("factor") or ""
    if factor and factor not in FACTOR_IDS:
        raise PlanRefused(
            f"« Facteur visé » : {factor} n'est pas un facteur (f01 à {FACTOR_IDS[-1]}).", "factor"
        )
    out["factor"] = factor
    out["target_level"] = _level(fields.get("target_level"), "Niveau visé", "target_level")
    if out["target_level"] is not None and not factor:
        raise PlanRefused("« Niveau visé » : choisissez d'abord le facteur visé.", "target_level")
    out["owner"] = _text(fields.get("owner"), "Responsable", "owner", MAX_OWNER, required=True)
    partners = list(fields.get("partners") or [])
    unknown = [p for p in partners if p not in PARTNERS]
    if unknown:
        raise PlanRefused(f"« Partenaires » : partenaire inconnu « {unknown[0]} ».", "partners")
    out["partners"] = [p for p in PARTNERS if p in partners]  # catalogue order, no duplicates
    out["starts_on"] = _date(fields.get("starts_on"), "Début", "starts_on")
    out["ends_on"] = _date(fields.get("ends_on"), "Fin", "ends_on")
    if out["ends_on"] < out["starts_on"]:
        raise PlanRefused("« Fin » : la fin de l'action précède son début.", "ends_on")
    out["investment"] = _amount(fields.get("investment"), "Investissement", "investment")
    out["running"] = _amount(fields.get("running"), "Fonctionnement par an", "running")
    scenario = fields.get("scenario")
    if scenario is not None and scenario.departement_id != plan.departement_id:
        raise PlanRefused("« Scénario budgétaire » : ce scénario n'est pas celui du département.", "scenario")
    out["scenario"] = scenario
    indicator = fields.get("usage_indicator") or ""
    if indicator and indicator not in known_indicators():
        raise PlanRefused(f"« Indicateur d'usage » : indicateur « {indicator} » inconnu.", "usage_indicator")
    out["usage_indicator"] = indicator
    profile = fields.get("usage_profile") or ""
    if profile not in UsageProfile.values:
        raise PlanRefused(
            "« Profil de l'indicateur » : élèves, parents, enseignants ou personnels attendu.",
            "usage_profile",
        )
    out["usage_profile"] = profile if indicator else ""
    comparison = fields.get("usage_comparison") or PlannedAction.Comparison.AT_LEAST
    if comparison not in PlannedAction.Comparison.values:
        raise PlanRefused("« Sens de la cible » : « au moins » ou « au plus » attendu.", "usage_comparison")
    out["usage_comparison"] = comparison
    target = fields.get("usage_target")
    if target in ("", None):
        target = None
    else:
        try:
            target = float(target)
        except (TypeError, ValueError):
            raise PlanRefused("« Cible de l'indicateur » : un nombre est attendu.", "usage_target") from None
        if not -MAX_USAGE_TARGET <= target <= MAX_USAGE_TARGET:  # also refuses NaN and infinities
            raise PlanRefused(
                "« Cible de l'indicateur » : un nombre raisonnable est attendu.", "usage_target"
            )
    if (target is None) != (not indicator):
        raise PlanRefused(
            "« Cible de l'indicateur » : donnez l'indicateur et sa cible ensemble, ou aucun des deux.",
            "usage_target",
        )
    out["usage_target"] = target
    colleges = list(fields.get("usage_colleges") or [])
    if any(college.departement_id != plan.departement_id for college in colleges):
        raise PlanRefused("« Collèges de la cible » : un collège n'est pas du département.", "usage_colleges")
    out["usage_colleges"] = colleges
    variant = fields.get("variant") or PlannedAction.Variant.MEDIAN
    if variant not in PlannedAction.Variant.values:
        raise PlanRefused("« Variante » : minimale, médiane ou maximale attendue.", "variant")
    out["variant"] = variant
    return out


def _stored(name: str, value):
    """A field's value as the history keeps it (JSON)."""
    if name == "scenario":
        return value.pk if value is not None else None
    if name == "usage_colleges":
        return sorted(c.uai if hasattr(c, "uai") else c for c in value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _lock(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().select_related("departement").get(pk=plan.pk)


def _touch(plan: Plan, when=None) -> None:
    Plan.objects.filter(pk=plan.pk).update(updated_at=when or timezone.now())


def _event(plan, user, field, old=None, new=None, *, action=None, when=None) -> PlanEvent:
    return PlanEvent.objects.create(
        plan=plan,
        action=action,
        action_title=action.title if action is not None else "",
        field=field,
        old_value=old,
        new_value=new,
        changed_by=user,
        changed_at=when or timezone.now(),
    )


# -- plans ---------------------------------------------------------------------------------


def create_plan(
    departement, year: int, title: str, user, *, baseline_campaign=None, is_demo=False, when=None
) -> Plan:
    """A new plan; ``PlanRefused`` when the département already has one for that year."""
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise PlanRefused("« Année » : une année entre 2000 et 2100 est attendue.", "year")
    clean_title = _text(title, "Titre", "title", MAX_TITLE, required=True)
    with transaction.atomic():
        # The département's row serialises two editors creating the same year's plan at once.
        type(departement).objects.select_for_update().get(pk=departement.pk)
        if Plan.objects.filter(departement=departement, year=year).exists():
            raise PlanRefused(
                f"Le département a déjà un plan pour l'année scolaire {year}-{year + 1}.", "year"
            )
        now = when or timezone.now()
        plan = Plan.objects.create(
            departement=departement,
            year=year,
            title=clean_title,
            baseline_campaign=baseline_campaign,
            is_demo=is_demo,
            created_by=user,
            created_at=now,
            updated_at=now,
        )
        _event(plan, user, "created", new=clean_title, when=now)
    return plan


@transaction.atomic
def set_plan_consent(plan: Plan, consent: bool, user, *, when=None) -> bool:
    """Give or withdraw the agreement that the other départements read the plan; returns whether
    anything changed."""
    plan = _lock(plan)
    if plan.share_consent == consent:
        return False
    now = when or timezone.now()
    Plan.objects.filter(pk=plan.pk).update(
        share_consent=consent, share_consent_at=now, share_consent_by=user, updated_at=now
    )
    _event(plan, user, "consent", plan.share_consent, consent, when=now)
    return True


# -- actions -------------------------------------------------------------------------------


def catalogue_defaults(action_id: str) -> dict:
    """What an action of the catalogue pre-fills: title, description, first factor and its target
    level, partners, costs (per collège costs are left to the editor: they depend on how many
    collèges the action covers)."""
    action = load_catalogue().get(action_id)
    target = action.factors[0]
    per_departement = action.cost.per == "departement"
    return {
        "title": action.title,
        "description": f"{action.why}\n\n{action.how}",
        "factor": target.factor,
        "target_level": target.to_level,
        "partners": list(action.partners),
        "investment": Decimal(str(action.cost.investment)) if per_departement else Decimal(0),
        "running": Decimal(str(action.cost.running)) if per_departement else Decimal(0),
    }


@transaction.atomic
def add_action(
    plan: Plan, fields: dict, user, *, catalogue_id: str = "", baseline_level=None, when=None
) -> PlannedAction:
    """A new action at the end of the plan. ``catalogue_id`` names the catalogue's action it
    comes from (``PlanRefused`` if the catalogue has none); ``baseline_level`` is the factor's
    level at the plan's baseline campaign."""
    plan = _lock(plan)
    if catalogue_id and catalogue_id not in load_catalogue():
        raise PlanRefused(f"L'action « {catalogue_id} » n'est pas dans le catalogue.", "catalogue_id")
    clean = clean_action_fields(plan, fields)
    colleges = clean.pop("usage_colleges")
    now = when or timezone.now()
    last = plan.actions.order_by("-position").values_list("position", flat=True).first()
    action = PlannedAction.objects.create(
        plan=plan,
        catalogue_id=catalogue_id,
        baseline_level=_level(baseline_level, "Niveau de départ", "baseline_level"),
        position=(last or 0) + 1,
        created_at=now,
        updated_at=now,
        **clean,
    )
    action.usage_colleges.set(colleges)
    _event(
        plan,
        user,
        "created",
        new={"catalogue_id": catalogue_id, "title": action.title},
        action=action,
        when=now,
    )
    _touch(plan, now)
    return action


@transaction.atomic
def update_action(
    action: PlannedAction, fields: dict, user, *, version: int | None = None, when=None
) -> list[str]:
    """Change the action's fields; returns the names of the fields that changed. With ``version``
    (the one the form was opened on), refuses with ``StaleVersion`` if the action changed since."""
    plan = _lock(action.plan)
    current = PlannedAction.objects.select_related("scenario").get(pk=action.pk, plan=plan)
    if version is not None and version != current.version:
        raise StaleVersion(
            "Cette action a été modifiée depuis que vous avez ouvert le formulaire (autre onglet ou autre "
            "personne) : rien n'a été enregistré. Rechargez la page pour voir la version actuelle.",
            "version",
        )
    clean = clean_action_fields(plan, {**_current_fields(current), **fields})
    now = when or timezone.now()
    changed = []
    for name in ACTION_FIELDS:
        old = _stored(name, _current_fields(current)[name])
        new = _stored(name, clean[name])
        if old != new:
            changed.append(name)
            _event(plan, user, name, old, new, action=current, when=now)
    if changed:
        colleges = clean.pop("usage_colleges")
        PlannedAction.objects.filter(pk=current.pk).update(
            version=current.version + 1, updated_at=now, **clean
        )
        if "usage_colleges" in changed:
            current.usage_colleges.set(colleges)
        _touch(plan, now)
    return changed


def _current_fields(action: PlannedAction) -> dict:
    values = {name: getattr(action, name) for name in ACTION_FIELDS if name != "usage_colleges"}
    values["usage_colleges"] = list(action.usage_colleges.all())
    return values


@transaction.atomic
def set_status(action: PlannedAction, status: str, note: str, user, *, noted_on=None, when=None) -> bool:
    """Change the action's status, with a dated note (required when the action is abandoned:
    the next reader needs to know why). Returns whether the status changed."""
    plan = _lock(action.plan)
    current = PlannedAction.objects.get(pk=action.pk, plan=plan)
    if status not in PlannedAction.Status.values:
        raise PlanRefused("« Statut » : prévue, en cours, réalisée ou abandonnée attendu.", "status")
    text = _text(note, "Note", "note", MAX_TEXT, multiline=True)
    if status == PlannedAction.Status.ABANDONED and status != current.status and not text:
        raise PlanRefused("« Note » : dites pourquoi l'action est abandonnée.", "note")
    now = when or timezone.now()
    day = _date(noted_on or timezone.localdate(now), "Date", "noted_on")
    if status == current.status and not text:
        return False
    if status != current.status:
        PlannedAction.objects.filter(pk=current.pk).update(
            status=status, version=current.version + 1, updated_at=now
        )
        _event(plan, user, "status", current.status, status, action=current, when=now)
    if text:
        ActionNote.objects.create(
            action=current,
            kind=ActionNote.Kind.NOTE,
            text=text,
            status=status if status != current.status else "",
            noted_on=day,
            author=user,
            created_at=now,
        )
        _event(plan, user, "note", None, text, action=current, when=now)
    _touch(plan, now)
    return status != current.status


@transaction.atomic
def add_comment(action: PlannedAction, text: str, user, *, noted_on=None, when=None) -> ActionNote:
    """A partner's (the DAN's) comment on an action."""
    plan = _lock(action.plan)
    current = PlannedAction.objects.get(pk=action.pk, plan=plan)
    clean = _text(text, "Commentaire", "text", MAX_TEXT, multiline=True, required=True)
    now = when or timezone.now()
    note = ActionNote.objects.create(
        action=current,
        kind=ActionNote.Kind.COMMENT,
        text=clean,
        noted_on=_date(noted_on or timezone.localdate(now), "Date", "noted_on"),
        author=user,
        created_at=now,
    )
    _event(plan, user, "comment", None, clean, action=current, when=now)
    _touch(plan, now)
    return note


@transaction.atomic
def delete_action(action: PlannedAction, user, *, when=None) -> None:
    """Remove an action written by mistake; its history stays (« abandonnée » keeps the action
    and says why: the pages offer that first)."""
    plan = _lock(action.plan)
    current = PlannedAction.objects.filter(pk=action.pk, plan=plan).first()
    if current is None:
        return
    now = when or timezone.now()
    _event(plan, user, "deleted", current.title, None, action=current, when=now)
    current.delete()
    _touch(plan, now)


@transaction.atomic
def move_action(action: PlannedAction, offset: int, user) -> bool:
    """Move the action one place up (``offset=-1``) or down (``+1``) in the plan's order."""
    plan = _lock(action.plan)
    ordered = list(plan.actions.order_by("position", "pk"))
    index = next((i for i, a in enumerate(ordered) if a.pk == action.pk), None)
    if index is None or not 0 <= index + offset < len(ordered) or offset not in (-1, 1):
        return False
    ordered[index], ordered[index + offset] = ordered[index + offset], ordered[index]
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            PlannedAction.objects.filter(pk=item.pk).update(position=position)
    _event(plan, user, "position", index + 1, index + offset + 1, action=action)
    _touch(plan)
    return True
