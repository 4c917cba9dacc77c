"""What the plan pages receive: French labels and values, rows of the tables."""

from __future__ import annotations

from numeduc.actions.model import PARTNERS
from numeduc.actions.plans import variant_totals
from numeduc.actions.suggest import factor_labels
from numeduc.formatting import fr_date, fr_datetime, fr_euro
from numeduc.text import fr_join

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


def action_rows(plan: Plan) -> list[dict]:
    rows = []
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
