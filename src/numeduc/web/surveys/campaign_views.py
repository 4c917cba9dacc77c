"""Coordinator pages: create, open, invite, follow, remind, close and publish campaigns."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from numeduc.formatting import NBSP, fr_date
from numeduc.web.accounts.models import Role, User
from numeduc.web.accounts.permissions import can_manage_campaigns, require
from numeduc.web.accounts.services import AccountError, create_user
from numeduc.web.territories.models import Academie, Departement

from . import campaign_presenters, services
from .data import completion
from .forms import CampaignForm, InviteForm
from .models import Campaign, Response


@login_required
def campaign_list(request):
    require(can_manage_campaigns(request.user))
    campaigns = Campaign.objects.all()
    return render(request, "surveys/campaign_list.html", {"campaigns": campaigns})


@login_required
def campaign_create(request):
    require(can_manage_campaigns(request.user))
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            campaign = form.save(commit=False)
            campaign.created_by = request.user
            form.save()
        targets = campaign.target_departements.count() or campaign.target_academies.count()
        who = (
            _count(targets, "département", "départements")
            if campaign.audience == "departement"
            else _count(targets, "académie", "académies")
        )
        messages.success(
            request, f"Campagne «{NBSP}{campaign.title}{NBSP}» créée (en préparation) pour {who}."
        )
        return redirect("surveys:campaign", campaign_id=campaign.pk)
    return render(request, "surveys/campaign_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def campaign_detail(request, campaign_id: int):
    require(can_manage_campaigns(request.user))
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    counts, rows = completion(campaign)
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "campaign": campaign,
            "counts": counts,
            "rows": rows,
            "invite_form": InviteForm(),
            "notices": campaign.notices.count(),
            "reminders": campaign.reminders.all().order_by("-sent_at"),
            "is_demo": campaign.is_demo,
        },
    )


def _recipients(campaign: Campaign, *, only_missing: bool) -> list[User]:
    submitted = set(
        campaign.responses.filter(status=Response.Status.SUBMITTED).values_list(
            "departement_id", "academie_id"
        )
    )
    done_dep = {d for d, _ in submitted if d}
    done_aca = {a for _, a in submitted if a}
    if campaign.audience == "departement":
        users = User.objects.filter(
            role=Role.DEPARTEMENT_EDITOR, is_active=True, departement__in=campaign.target_departements.all()
        )
        if only_missing:
            users = users.exclude(departement__in=done_dep)
    else:
        users = User.objects.filter(
            role=Role.DAN, is_active=True, academie__in=campaign.target_academies.all()
        )
        if only_missing:
            users = users.exclude(academie__in=done_aca)
    return list(users)


def _mail(campaign: Campaign, users: list[User], subject: str, body: str, request) -> int:
    link = request.build_absolute_uri(f"/campagnes/{campaign.pk}/repondre/")
    mails = [
        (
            subject,
            body.format(
                title=campaign.title,
                opens=fr_date(campaign.opens_on),
                closes=fr_date(campaign.closes_on),
                link=link,
            ),
            None,
            [u.email],
        )
        for u in users
    ]
    return send_mass_mail(mails, fail_silently=False) if mails else 0


# action -> (state change in services, message when done, message when it already was so)
STATE_CHANGES = {
    "open": (
        services.open_campaign,
        "Campagne ouverte : les répondants peuvent saisir leurs réponses.",
        "La campagne était déjà ouverte.",
    ),
    "close": (
        services.close_campaign,
        "Campagne clôturée : ses réponses transmises servent désormais aux comparaisons.",
        "La campagne était déjà clôturée.",
    ),
    "publish": (
        services.publish_campaign,
        "Résultats nationaux publiés pour tous les comptes connectés.",
        "Les résultats nationaux étaient déjà publiés.",
    ),
}

# The value of the confirmation page's hidden field: a POST without it (a bookmarked form, an old
# page, a script) is sent to the confirmation page, never carried out.
CONFIRMED = "oui"


def _managed_campaign(request, campaign_id: int) -> Campaign:
    """The campaign of a coordination action: the permission first (403), then the campaign (404)."""
    require(can_manage_campaigns(request.user))
    return get_object_or_404(Campaign, pk=campaign_id)


def _confirmed(request, campaign: Campaign, action: str, **extra) -> HttpResponse | None:
    """``None`` when the POST carries the confirmation; otherwise the page to answer with.

    GET shows what the action will do (``campaign_presenters.confirmation``); a POST without the
    confirmation field is redirected to that page, with a message saying nothing was done.
    """
    if request.method == "POST" and request.POST.get("confirm") == CONFIRMED:
        return None
    if request.method == "POST":
        messages.warning(request, "Rien n'a encore été fait : lisez ce qui va se passer, puis confirmez.")
        return redirect(f"surveys:campaign_{action}", campaign_id=campaign.pk)
    counts, _rows = completion(campaign)
    return render(
        request,
        "surveys/campaign_confirm.html",
        {
            "campaign": campaign,
            "confirmation": campaign_presenters.confirmation(campaign, action, counts, **extra),
            "confirmed": CONFIRMED,
            "is_demo": campaign.is_demo,
        },
    )


def _change_state(request, campaign_id: int, action: str):
    campaign = _managed_campaign(request, campaign_id)
    page = _confirmed(request, campaign, action)
    if page is not None:
        return page
    change, done, already = STATE_CHANGES[action]
    try:
        changed = change(campaign)
    except services.CampaignRefused as exc:
        messages.error(request, str(exc))
    else:
        if changed:
            messages.success(request, done)
        else:
            messages.info(request, already)
    return redirect("surveys:campaign", campaign_id=campaign.pk)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_open(request, campaign_id: int):
    return _change_state(request, campaign_id, "open")


@login_required
@require_http_methods(["GET", "POST"])
def campaign_close(request, campaign_id: int):
    return _change_state(request, campaign_id, "close")


@login_required
@require_http_methods(["GET", "POST"])
def campaign_publish(request, campaign_id: int):
    return _change_state(request, campaign_id, "publish")


def _set_public(request, campaign_id: int, public: bool):
    campaign = _managed_campaign(request, campaign_id)
    page = _confirmed(request, campaign, "make_public" if public else "make_private")
    if page is not None:
        return page
    try:
        changed = services.set_campaign_public(campaign, public)
    except services.SharingRefused as exc:
        messages.error(request, str(exc))
    else:
        if not changed:
            messages.info(
                request,
                "La campagne était déjà publique." if public else "La campagne n'était déjà plus publique.",
            )
        else:
            messages.success(
                request,
                "Campagne déclarée publique : chaque département décidera s'il partage ses résultats."
                if public
                else "La campagne n'est plus publique : plus aucun résultat n'est partagé entre départements.",
            )
    return redirect("surveys:campaign", campaign_id=campaign.pk)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_make_public(request, campaign_id: int):
    return _set_public(request, campaign_id, True)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_make_private(request, campaign_id: int):
    return _set_public(request, campaign_id, False)


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n <= 1 else plural}"


def _invite_line(campaign: Campaign, number: int, line: str, request) -> tuple[str, str]:
    """One line « CODE;adresse » of the invitation list: (outcome, error). Outcome is "created",
    "existing" (an account of that target already exists: it is told, not refused) or "refused"."""
    code, _, email = line.partition(";")
    code, email = code.strip(), email.strip().lower()
    for_dan = campaign.audience != "departement"
    role = Role.DAN if for_dan else Role.DEPARTEMENT_EDITOR
    existing = User.objects.filter(email=email).first() if email else None
    if existing is not None:
        scope = existing.academie if for_dan else existing.departement
        if existing.role == role and scope is not None and scope.code == code:
            return "existing", ""
        return "refused", (
            f"ligne {number} : un compte existe déjà pour {email} ({existing.get_role_display()}, "
            f"{existing.scope_label}) ; il ne correspond pas au code {code} : rien n'est changé."
        )
    targets = campaign.target_academies if for_dan else campaign.target_departements
    if (
        code
        and not targets.filter(code=code).exists()
        and (Academie if for_dan else Departement).objects.filter(code=code).exists()
    ):
        return "refused", f"ligne {number} : {code} n'est pas ciblé par cette campagne : aucun compte créé."
    try:
        create_user(
            email,
            role,
            departement=None if for_dan else code,
            academie=code if for_dan else None,
            created_by=request.user,
            base_url=request.build_absolute_uri("/"),
        )
    except AccountError as exc:
        return "refused", f"ligne {number} : {exc}"
    except IntegrityError:  # the same list sent twice at once: the other request created it
        return "existing", ""
    return "created", ""


@login_required
@require_POST
def campaign_invite(request, campaign_id: int):
    """Accounts created from the pasted list « code;e-mail », then the campaign's message to every
    account of its targets that has not had it yet (new and existing ones alike)."""
    campaign = _managed_campaign(request, campaign_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        # Nothing created and nothing sent: the list as typed is refused as a whole.
        for message in form.errors.get("lines", []):
            messages.error(request, f"Liste des comptes à inviter refusée : {message}")
        return redirect("surveys:campaign", campaign_id=campaign.pk)
    outcomes = {"created": 0, "existing": 0, "refused": 0}
    errors = []
    for number, line in enumerate(form.cleaned_data["lines"].splitlines(), start=1):
        if line.strip():
            outcome, error = _invite_line(campaign, number, line, request)
            outcomes[outcome] += 1
            if error:
                errors.append(error)
    if campaign.status == Campaign.Status.DRAFT:
        body = (
            "Bonjour,\n\nLa campagne « {title} » ouvrira le {opens} et fermera le {closes}.\n"
            "Vous pourrez y répondre ici : {link}\n"
        )
    else:
        body = "Bonjour,\n\nLa campagne « {title} » est ouverte jusqu'au {closes}.\nRépondre : {link}\n"
    recipients = _recipients(campaign, only_missing=False)
    told = services.notify_once(
        campaign,
        recipients,
        request.user,
        send=lambda users: _mail(campaign, users, "numeduc : une campagne vous attend", body, request),
    )
    created = outcomes["created"]
    told_existing = max(len(told) - created, 0)
    already = len(recipients) - len(told)
    parts = []
    if created:
        parts.append(_count(created, "compte créé et invité", "comptes créés et invités"))
    if told_existing:
        parts.append(_count(told_existing, "compte existant prévenu", "comptes existants prévenus"))
    if already:
        parts.append(
            _count(already, "compte déjà prévenu", "comptes déjà prévenus")
            + " pour cette campagne, sans nouveau message"
        )
    if not parts:
        parts.append("Aucun compte à inviter ni à prévenir")
    sentence = " ; ".join(parts) + "."
    messages.success(request, sentence[0].upper() + sentence[1:])
    for error in errors:
        messages.error(request, error)
    return redirect("surveys:campaign", campaign_id=campaign.pk)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_remind(request, campaign_id: int):
    """A reminder to the respondents whose response is not submitted yet."""
    campaign = _managed_campaign(request, campaign_id)
    users = _recipients(campaign, only_missing=True)
    page = _confirmed(request, campaign, "remind", reminder_recipients=len(users))
    if page is not None:
        return page
    sent = _mail(
        campaign,
        users,
        "numeduc : rappel",
        "Bonjour,\n\nVotre réponse à la campagne « {title} » n'est pas encore transmise. "
        "Elle ferme le {closes}.\nReprendre : {link}\n",
        request,
    )
    services.record_reminder(campaign, request.user, sent)
    messages.success(request, f"Rappel envoyé à {sent} personne(s) dont la réponse n'est pas transmise.")
    return redirect("surveys:campaign", campaign_id=campaign.pk)
