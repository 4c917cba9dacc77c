"""What the plan pages receive: French labels and values, rows of the tables."""

from __future__ import annotations

from numeduc.actions import load_catalogue
from numeduc.actions.model import PARTNERS
from numeduc.actions.plans import variant_totals
from numeduc.actions.suggest import Suggestion, factor_labels
from numeduc.formatting import fr_date, fr_datetime, fr_euro, fr_number
from numeduc.text import fr_join
from numeduc.web.usage_dashboard.labels import format_value, full_label

from . import data
from .models import Plan, PlanEvent

# How the history names what changed (the fields of services.ACTION_FIELDS and the events).
from .services import ACTION_FIELDS

EVENT_LABELS = {
    "created": "création",
    "deleted": "suppression",
    "consent": "accord de partage",
    "note": "note de suivi",
    "comment": "commentaire du partenaire",
    "status": "statut",
    "position": "ordre",
    **ACTION_FIELDS,
}


def factor_label(factor: str) -> str:
    if not factor:
        return "—"
    return f"{factor_labels().get(factor, factor)} ({factor})"


def resources_by_action() -> dict[str, list]:
    """Published catalogue resources by the catalogue action they serve (a short table: read once
    per page; a JSON list is not searchable the same way on SQLite and PostgreSQL)."""
    from numeduc.web.resources.models import Resource

    out: dict[str, list] = {}
    for resource in Resource.objects.filter(published=True).order_by("title"):
        for action_id in resource.actions or []:
            out.setdefault(action_id, []).append(resource)
    return out


def action_rows(plan: Plan) -> list[dict]:
    rows = []
    linked = resources_by_action()
    actions = plan.actions.select_related("scenario").prefetch_related("notes", "usage_colleges")
    for action in actions.order_by("position", "pk"):
        cost = data.action_cost(action)
        levels = "—"
        if action.factor:
            start = action.baseline_level if action.baseline_level is not None else "?"
            levels = f"{start} → {action.target_level}" if action.target_level else f"{start}"
        rows.append(
            {
                "action": action,
                "factor": factor_label(action.factor),
                "levels": levels,
                "partners": fr_join([PARTNERS[p] for p in action.partners]) or "—",
                "period": f"du {fr_date(action.starts_on)} au {fr_date(action.ends_on)}",
                "yearly": fr_euro(float(cost.yearly)),
                "cost_source": cost.source,
                "cost_problem": cost.problem,
                "status": action.get_status_display(),
                "variant": action.get_variant_display(),
                "usage_target": usage_target_text(action),
                "resources": linked.get(action.catalogue_id, []) if action.catalogue_id else [],
                "notes": [
                    {
                        "date": fr_date(note.noted_on),
                        "kind": note.get_kind_display(),
                        "status": note.get_status_display() if note.status else "",
                        "text": note.text,
                    }
                    for note in action.notes.all()
                ],
            }
        )
    return rows


def usage_target_text(action) -> str:
    """« Utilisateurs actifs dans le mois (élèves) : au moins 60 % dans 3 collèges »; "" without a target."""
    if not action.usage_indicator or action.usage_target is None:
        return ""
    colleges = len(action.usage_colleges.all())
    where = f"dans {colleges} collège{'s' if colleges > 1 else ''}" if colleges else "aucun collège nommé"
    comparison = dict(action.Comparison.choices)[action.usage_comparison]
    value = format_value(action.usage_indicator, action.usage_target)
    return f"{full_label(action.usage_indicator, action.usage_profile)} : {comparison} {value} ({where})"


def variant_rows(plan: Plan, pupils: int | None) -> list[dict]:
    costed = data.costed_actions(plan.actions.select_related("scenario"))
    return [
        {
            "label": total.label,
            "actions": total.actions,
            "per_year": fr_euro(float(total.per_year)),
            "per_pupil": fr_euro(float(total.per_pupil)) if total.per_pupil is not None else "—",
        }
        for total in variant_totals(costed, pupils)
    ]


def history_rows(plan: Plan, limit: int = 200) -> list[dict]:
    rows = []
    for event in PlanEvent.objects.filter(plan=plan).select_related("changed_by")[:limit]:
        rows.append(
            {
                "when": fr_datetime(event.changed_at),
                "who": event.changed_by.email if event.changed_by else "—",
                "what": EVENT_LABELS.get(event.field, event.field),
                "action": event.action_title or "plan",
                "old": _shown(event.old_value),
                "new": _shown(event.new_value),
            }
        )
    return rows


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, dict):
        return value.get("title", "") or "—"
    return str(value)


# -- the catalogue, as the forms offer it --------------------------------------------------


def in_catalogue(action_id: str) -> bool:
    return action_id in load_catalogue()


def catalogue_choices(plan: Plan) -> list[dict]:
    """The catalogue's actions by family, for « Ajouter une action du catalogue » (those already
    in the plan are marked, not hidden: a second one may be meant for other collèges)."""
    present = set(plan.actions.exclude(catalogue_id="").values_list("catalogue_id", flat=True))
    families: dict[str, dict] = {}
    for action in load_catalogue().actions:
        family = families.setdefault(action.family, {"label": action.family_label, "actions": []})
        family["actions"].append(
            {
                "id": action.id,
                "title": action.title,
                "factors": ", ".join(action.factor_ids),
                "in_plan": action.id in present,
            }
        )
    return list(families.values())


def catalogue_summary(action_id: str) -> dict:
    action = load_catalogue().get(action_id)
    return {
        "id": action.id,
        "title": action.title,
        "family": action.family_label,
        "why": action.why,
        "how": action.how,
        "source": action.source.describe(),
        "prerequisites": [
            load_catalogue().get(p).title for p in action.prerequisites if p in load_catalogue()
        ],
        "indicators": list(action.indicators),
    }


def suggestion_row(suggestion: Suggestion) -> dict:
    return {
        "id": suggestion.action.id,
        "rank": suggestion.rank,
        "title": suggestion.action.title,
        "family": suggestion.action.family_label,
        "reason": suggestion.reason,
        "yearly": fr_euro(suggestion.yearly_cost)
        if suggestion.yearly_cost is not None
        else "selon le nombre de collèges",
        "prerequisite": bool(suggestion.prerequisite_of),
    }


# -- follow-up (followup.py measures, this says it in plain words) ---------------------------

DIRECTION_TEXT = {"hausse": "en hausse", "stable": "stable", "baisse": "en baisse", "inconnu": "inconnu"}


def factor_followup_text(check, campaign) -> str:
    """« Niveau 1 → 2 à « Autodiagnostic 2018 » : en hausse ; cible 3 pas encore atteinte. »"""
    start = "?" if check.baseline_level is None else str(check.baseline_level)
    if campaign is None or check.level_now is None:
        return f"Niveau {start} au départ ; pas encore de réponse à une campagne suivante : rien à mesurer."
    text = f"Niveau {start} → {check.level_now} à « {campaign.title} » : {DIRECTION_TEXT[check.direction]}"
    if check.target_met is None:
        return text + "."
    reached = "atteinte" if check.target_met else "pas encore atteinte"
    return f"{text} ; cible {check.target_level} {reached}."


def followup_summary(followup) -> dict:
    """The counts of the « Suivi mesuré » section: factors up, targets reached, usage targets met."""
    factors = list(followup.factors.values())
    measured = [f for f in factors if f.level_now is not None]
    usage = [u.followup for u in followup.usage.values() if u.followup is not None]
    return {
        "factors": len(factors),
        "measured": len(measured),
        "up": sum(1 for f in measured if f.direction == "hausse"),
        "down": sum(1 for f in measured if f.direction == "baisse"),
        "reached": sum(1 for f in measured if f.target_met),
        "usage": len(followup.usage),
        "usage_measured": len(usage),
        "usage_met": sum(1 for u in usage if u.met),
    }


def attach_followup(rows: list[dict], followup) -> None:
    """Each action row gets what was measured: ``factor_followup`` (text and state) and
    ``usage_check`` (``followup.UsageCheck``)."""
    for row in rows:
        pk = row["action"].pk
        check = followup.factors.get(pk)
        row["factor_followup"] = (
            None
            if check is None
            else {
                "text": factor_followup_text(check, followup.campaign),
                "direction": check.direction,
                "met": check.target_met,
            }
        )
        row["usage_check"] = followup.usage.get(pk)


def _change_text(value: float | None) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{fr_number(abs(value), 2)}"


def overview_rows(overview) -> list[dict]:
    """``followup.overview`` in plain words: counts, mean changes with their sign, « moins de 5
    départements » where the core hid a figure."""
    catalogue = load_catalogue()
    rows = []
    for item in overview:
        title = (
            catalogue.get(item.catalogue_id).title if in_catalogue(item.catalogue_id) else item.catalogue_id
        )
        rows.append(
            {
                "id": item.catalogue_id,
                "title": title,
                "factor": factor_label(item.factor),
                "planned": "—" if item.planned is None else str(item.planned),
                "completed": "—" if item.completed is None else str(item.completed),
                "change_completed": _change_text(item.mean_change_completed),
                "change_others": _change_text(item.mean_change_others),
                "difference": _change_text(item.difference),
                "hidden": item.hidden,
                "reason": item.reason or "",
            }
        )
    return rows
