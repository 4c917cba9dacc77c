"""Sign-in, sign-out, password reset (Django's views, French templates) and invitations."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from .models import Invitation


def accept_invitation(request, token: str):
    invitation = Invitation.find(token)
    if invitation is not None and invitation.used_at and request.method == "POST":
        # Sent again after it served (double click, second tab): see _already_used.
        return _already_used(request, invitation, request.POST.get("new_password1", ""))
    if invitation is None or not invitation.is_usable:
        reason = (
            "Ce lien d'invitation n'existe pas."
            if invitation is None
            else (
                "Ce lien d'invitation a déjà servi."
                if invitation.used_at
                else "Ce lien d'invitation a expiré."
            )
        )
        return render(request, "accounts/invitation_invalid.html", {"reason": reason}, status=410)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Re-read under lock: two tabs must not both use one link.
            locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
            if not locked.is_usable:
                return _already_used(request, locked, form.cleaned_data["new_password1"])
            user = form.save()
            locked.used_at = timezone.now()
            locked.save(update_fields=["used_at"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Votre mot de passe est enregistré. Bienvenue sur numeduc.")
        return redirect("home")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invited": invitation.user})


# A second submission of the same form (double click, two tabs) within this delay, with the
# password the first one chose, signs the person in as the first did instead of refusing it.
DOUBLE_SUBMIT_WINDOW = dt.timedelta(minutes=10)


def _already_used(request, invitation: Invitation, password: str):
    user = invitation.user
    recent = invitation.used_at is not None and timezone.now() - invitation.used_at <= DOUBLE_SUBMIT_WINDOW
    if recent and user.check_password(password):
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Votre mot de passe est enregistré. Bienvenue sur numeduc.")
        return redirect("home")
    return render(
        request,
        "accounts/invitation_invalid.html",
        {"reason": "Ce lien d'invitation a déjà servi."},
        status=410,
    )


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lock-out answer: a French page that says why and until when (HTTP 429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": minutes,
        },
        status=429,
    )
