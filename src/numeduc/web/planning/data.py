"""What the budget pages read from the database: a scenario after the permission check."""

from __future__ import annotations

from django.http import Http404

from numeduc.web.accounts.permissions import can_edit_scenario, can_view_scenario, fetch_for

from .models import Scenario
from .services import MAX_ID

REFUSED = "Les scénarios budgétaires de ce département ne vous sont pas accessibles."
SCENARIO_RULES = {
    "view": [(can_view_scenario, REFUSED)],
    "edit": [
        (can_view_scenario, REFUSED),
        (can_edit_scenario, "Seuls les éditeurs du département modifient ses scénarios."),
    ],
}


def get_scenario_for(user, pk: int, action: str = "view") -> Scenario:
    """The scenario (404 if none), after checking that ``user`` may ``action`` it (403)."""
    if not 1 <= pk <= MAX_ID:
        # The URL's <int:pk> takes any digits; beyond the database's integers there is no scenario.
        raise Http404("Scénario introuvable.")
    return fetch_for(user, Scenario.objects.select_related("departement"), SCENARIO_RULES, action, pk=pk)
