"""What the coordinator reads before a campaign action that cannot be undone: what will happen,
who will see what, and how many targets have answered. French words only; no request, no write."""

from __future__ import annotations

from dataclasses import dataclass

from numeduc.analysis.profile import MIN_GROUP
from numeduc.formatting import NBSP, fr_percent

from .models import Campaign

# Below this share of targets that submitted (in %), closing or publishing shows a warning: the
# national medians would then rest on fewer than half of the départements (or académies), and a
# reminder is usually still worth sending. Zero answers always gets its own, stronger warning.
LOW_RESPONSE_RATE = 50


@dataclass(frozen=True)
class Confirmation:
    """The confirmation page of one action."""

    action: str
    title: str  # « Clôturer la campagne « … » ? »
    button: str  # the confirming button's words
    consequences: list[str]  # what will happen, who will see what
    undo: str  # whether and how it can be undone
    irreversible: bool
    rate: str  # « 12 réponses transmises sur 101 départements ciblés (12 %) », or "" when beside the point
    warnings: list[str]  # low response rate, drafts left behind, fewer answers than an aggregate needs


def _plural(count: int, singular: str, plural: str) -> str:
    # French: 0 and 1 take the singular (« 0 réponse transmise »).
    return singular if count <= 1 else plural


def response_rate(campaign: Campaign, counts: dict) -> str:
    """« 12 réponses transmises sur 101 départements ciblés (12 %) »."""
    submitted, targets = counts["submitted"], counts["targets"]
    answers = _plural(submitted, "réponse transmise", "réponses transmises")
    if campaign.audience == "departement":
        target_words = _plural(targets, "département ciblé", "départements ciblés")
    else:
        target_words = _plural(targets, "académie ciblée", "académies ciblées")
    return f"{submitted} {answers} sur {targets} {target_words} ({fr_percent(_rate(counts), 0)})"


def _rate(counts: dict) -> float:
    return 100 * counts["submitted"] / counts["targets"] if counts["targets"] else 0.0


def _rate_warnings(campaign: Campaign, counts: dict, action: str) -> list[str]:
    warnings = []
    who = "départements" if campaign.audience == "departement" else "académies"
    if counts["submitted"] == 0:
        warnings.append(
            "Aucune réponse transmise : "
            + (
                "la campagne serait clôturée sans aucun résultat."
                if action == "close"
                else "les résultats nationaux publiés seraient vides."
            )
        )
    elif _rate(counts) < LOW_RESPONSE_RATE:
        warnings.append(
            f"Moins de la moitié des {who} ciblés ont transmis leur réponse (alerte sous "
            f"{fr_percent(LOW_RESPONSE_RATE, 0)}) : les médianes nationales reposeraient sur peu de {who}."
            + (" Vous pouvez d'abord relancer les retardataires." if action == "close" else "")
        )
    if 0 < counts["submitted"] < MIN_GROUP:
        warnings.append(
            f"Moins de {MIN_GROUP} réponses transmises : aucune médiane nationale ne sera affichée "
            f"(il en faut au moins {MIN_GROUP} pour qu'aucune réponse ne puisse être reconnue)."
        )
    if action == "close" and counts["draft"]:
        drafts = counts["draft"]
        warnings.append(
            f"{drafts} {_plural(drafts, 'réponse commencée', 'réponses commencées')} mais non "
            f"{_plural(drafts, 'transmise', 'transmises')} ne {_plural(drafts, 'pourra', 'pourront')} plus "
            f"l'être et ne {_plural(drafts, 'comptera', 'compteront')} pas dans les résultats."
        )
    return warnings


def confirmation(
    campaign: Campaign, action: str, counts: dict, *, reminder_recipients: int = 0
) -> Confirmation:
    """The confirmation page of ``action`` (one of ``CONFIRMED_ACTIONS``) on ``campaign``."""
    who = "départements ciblés" if campaign.audience == "departement" else "académies ciblées"
    title = f"«{NBSP}{campaign.title}{NBSP}»"  # no-break spaces: the guillemets never end a line
    rate = response_rate(campaign, counts)
    if action == "open":
        return Confirmation(
            action,
            f"Ouvrir la campagne {title} ?",
            "Oui, ouvrir la campagne",
            [
                f"Les comptes des {counts['targets']} {who} pourront saisir et transmettre leurs réponses "
                f"jusqu'à la clôture.",
                "Ouvrir ne prévient personne : utilisez ensuite « Inviter » pour envoyer les messages.",
            ],
            "Une campagne ouverte ne peut pas revenir « en préparation » : elle pourra seulement être clôturée.",
            True,
            "",
            [],
        )
    if action == "close":
        return Confirmation(
            action,
            f"Clôturer la campagne {title} ?",
            "Oui, clôturer définitivement",
            [
                "Plus personne ne pourra saisir, modifier ni transmettre de réponse.",
                "Les réponses transmises deviendront la référence des comparaisons entre départements.",
                "Les résultats nationaux ne seront pas encore visibles : il faudra les publier ensuite.",
            ],
            "Cette action est définitive : une campagne clôturée ne peut pas être rouverte.",
            True,
            rate,
            _rate_warnings(campaign, counts, "close"),
        )
    if action == "publish":
        sharing = (
            [
                "La campagne est publique : les départements qui l'ont accepté montreront aussi leurs "
                "résultats détaillés aux autres départements."
            ]
            if campaign.public
            else []
        )
        return Confirmation(
            action,
            f"Publier les résultats nationaux de {title} ?",
            "Oui, publier les résultats",
            [
                "Tous les comptes connectés (départements, délégations académiques, collèges) verront les "
                "résultats nationaux : médianes, analyses et groupes de départements comparables, jamais la "
                "réponse d'un département en particulier.",
                "Chaque délégation académique verra les résultats des départements de son académie.",
                *sharing,
            ],
            "Cette action est définitive : des résultats publiés ne peuvent pas être retirés.",
            True,
            rate,
            _rate_warnings(campaign, counts, "publish"),
        )
    if action == "make_public":
        return Confirmation(
            action,
            f"Déclarer la campagne {title} publique ?",
            "Oui, déclarer la campagne publique",
            [
                "Chaque département pourra accepter, ou non, que ses résultats détaillés soient consultables "
                "par les autres départements, une fois la campagne clôturée et publiée.",
                "Sans l'accord d'un département, rien de ses réponses n'est montré aux autres départements.",
                "Les répondants verront, en répondant, que la campagne est publique.",
            ],
            "Vous pourrez retirer ce caractère public plus tard ; mais une fois la première réponse commencée, "
            "ce retrait sera définitif.",
            False,
            "",
            [],
        )
    if action == "make_private":
        started = counts["draft"] + counts["submitted"]
        return Confirmation(
            action,
            f"Ne plus déclarer la campagne {title} publique ?",
            "Oui, retirer le caractère public",
            [
                "Plus aucun résultat détaillé ne sera partagé entre départements, dès maintenant, même pour "
                "les départements qui l'avaient accepté (leurs accords restent enregistrés).",
                "Les résultats nationaux, agrégés, ne changent pas.",
            ],
            (
                "Cette action est définitive : des réponses existent déjà, la campagne ne pourra plus "
                "redevenir publique."
            )
            if started
            else "Tant que personne n'a commencé à répondre, la campagne pourra redevenir publique.",
            bool(started),
            "",
            [],
        )
    if action == "remind":
        return Confirmation(
            action,
            f"Relancer les retardataires de {title} ?",
            "Oui, envoyer le rappel",
            [
                f"Un message de rappel partira vers {reminder_recipients} "
                f"{_plural(reminder_recipients, 'compte', 'comptes')} dont la réponse n'est pas encore "
                "transmise.",
                "Les comptes qui ont déjà transmis leur réponse ne recevront rien.",
            ],
            "Un message envoyé ne peut pas être repris.",
            True,
            rate,
            [],
        )
    raise KeyError(action)
