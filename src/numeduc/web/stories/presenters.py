"""What a story's page and the feed say, in plain French: the measured result with the usage
pages' labels and units, and the links a reader may follow."""

from __future__ import annotations

from django.urls import reverse

from numeduc.web.accounts.permissions import can_view_plan
from numeduc.web.usage_dashboard.labels import format_value, full_label, month_label

from .models import Story


def sheet_path(story: Story) -> str:
    """The département's sheet (the experiences app's page), as a plain path."""
    return f"/experiences/departements/{story.departement.code}/"


def measured_result(story: Story) -> str:
    """« Utilisateurs actifs dans le mois (élèves) : 41,0 % en septembre 2024, 58,5 % en
    novembre 2024 (+17,5 points). » — empty when the story names no indicator."""
    if not story.result_indicator:
        return ""
    indicator = story.result_indicator
    before = format_value(indicator, story.result_before)
    after = format_value(indicator, story.result_after)
    sentence = (
        f"{full_label(indicator, story.result_profile)} : {before} en "
        f"{month_label(story.result_before_month)}, {after} en {month_label(story.result_after_month)}"
    )
    return sentence + "."


def action_link(user, story: Story) -> dict | None:
    """The action of the plan: its title, and the link to it when the reader may see that plan."""
    action = story.action
    if action is None:
        return None
    plan = action.plan
    url = None
    if can_view_plan(user, plan):
        url = reverse("action_plans:plan", args=[plan.pk]) + f"#action-{action.pk}"
    return {"title": action.title, "plan": f"{plan.title} ({plan.school_year})", "url": url}


def feed_description(story: Story) -> str:
    """The feed entry's text: the story, then its measured result."""
    parts = [story.text]
    if measure := measured_result(story):
        parts.append(f"Résultat mesuré : {measure}")
    if story.result_text:
        parts.append(f"Résultat : {story.result_text}")
    return "\n\n".join(parts)
