"""An action of the catalogue as plain JSON data: the one shape of the CLI's
``numeduc actions catalogue --format json`` and of the API's open-data catalogue."""

from __future__ import annotations

from typing import Any

from numeduc.actions.model import COST_UNITS, PARTNERS, Action


def action_dict(action: Action) -> dict[str, Any]:
    from numeduc.actions.suggest import factor_labels

    labels = factor_labels()
    return {
        "action": action.id,
        "title": action.title,
        "family": action.family,
        "family_label": action.family_label,
        "why": action.why,
        "how": action.how,
        "factors": [
            {"factor": t.factor, "label": labels[t.factor], "from": t.from_level, "to": t.to_level}
            for t in action.factors
        ],
        "prerequisites": list(action.prerequisites),
        "cost": {
            "investment": action.cost.investment,
            "running": action.cost.running,
            "per": action.cost.per,
            "per_label": COST_UNITS[action.cost.per],
            "note": action.cost.note,
            "preset": action.cost.preset,
            "parameters": list(action.cost.parameters),
        },
        "partners": [{"partner": p, "label": PARTNERS[p]} for p in action.partners],
        "indicators": list(action.indicators),
        "source": action.source.describe(),
        "source_lines": list(action.source.lines),
        "sheets": [{"departement": s.departement, "lines": list(s.lines)} for s in action.source.sheets],
    }
