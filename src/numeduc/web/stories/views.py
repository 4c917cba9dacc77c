"""The stories' pages: the latest published, one story, the editor's form (new, change)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from numeduc.web.accounts.permissions import can_edit_story

from . import data, presenters, services
from .forms import StoryForm
from .models import Story


@login_required
def index(request):
    stories = data.latest_published()
    drafts = data.drafts_for(request.user)
    return render(
        request,
        "stories/index.html",
        {
            "stories": stories,
            "drafts": drafts,
            "writes_for": data.writes_for(request.user),
            "demo": any(s.is_demo for s in [*stories, *drafts]),
        },
    )


@login_required
def story(request, pk: int):
    item = data.get_story_for(request.user, pk)
    return render(
        request,
        "stories/story.html",
        {
            "story": item,
            "sheet_url": presenters.sheet_path(item),
            "action": presenters.action_link(request.user, item),
            "measure": presenters.measured_result(item),
            "can_edit": can_edit_story(request.user, item),
            "demo": item.is_demo,
        },
    )


def _saved(request, item: Story):
    if item.is_published:
        messages.success(request, "Réussite publiée : tous les utilisateurs connectés la lisent.")
    else:
        messages.success(
            request, "Réussite enregistrée en brouillon : seuls le département et la coordination la lisent."
        )
    return redirect("stories:story", pk=item.pk)


@login_required
@require_http_methods(["GET", "POST"])
def create(request, code: str):
    departement = data.get_departement_for(request.user, code)
    form = StoryForm(departement, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        values = form.values()
        if values is not None:
            return _saved(request, services.create_story(departement, values, request.user))
    return render(
        request,
        "stories/form.html",
        {"form": form, "departement": departement, "story": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    item = data.get_story_for(request.user, pk, "edit")
    status = 200
    if request.method == "POST":
        form = StoryForm(item.departement, request.POST)
        values = form.values()
        if values is not None:
            try:
                return _saved(request, services.update_story(item, form.cleaned_data.get("version"), values))
            except services.StoryConflict as exc:
                form.add_error(None, str(exc))
                status = 409
        else:
            status = 400
    else:
        form = StoryForm(item.departement, initial=StoryForm.initial_of(item))
    return render(
        request,
        "stories/form.html",
        {"form": form, "departement": item.departement, "story": item, "demo": item.is_demo},
        status=status,
    )
