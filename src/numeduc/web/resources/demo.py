"""Demo entries of the catalogue and demo feedback from the demo départements (docs/demo-data.md):
every entry and feedback is ``is_demo``, every invented text starts with « [démo] ». Three
entries name an ENT module of the demo logs (Pronote, Mediacentre, GAR), so that the measured
use shows on Loiret's demo warehouse."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from django.db import transaction

from numeduc.web.territories.models import Departement

from .models import Feedback, Resource

DEMO_SEED = 2017
# (kind, title, description, cost model, yearly cost per pupil, ENT module, départements)
DEMO_RESOURCES = [
    (
        Resource.Kind.SERVICE_ENT,
        "Pronote (vie scolaire dans l'ENT)",
        "notes, absences et cahier de textes consultés par les élèves et les familles depuis l'ENT.",
        "licence annuelle par collège, prise en charge par le collège",
        Decimal("1.20"),
        "Pronote",
        ["45", "59", "71"],
    ),
    (
        Resource.Kind.SERVICE_ENT,
        "Médiacentre de l'ENT",
        "un point d'entrée unique vers les ressources numériques abonnées par le collège.",
        "inclus dans l'abonnement à l'ENT",
        None,
        "Mediacentre",
        ["45", "93"],
    ),
    (
        Resource.Kind.RESSOURCE,
        "Ressources du GAR (manuels et banques de ressources)",
        "manuels numériques et banques de ressources attribués aux élèves par le gestionnaire d'accès "
        "aux ressources.",
        "ressources gratuites du ministère et manuels payants par élève",
        Decimal("8.00"),
        "GAR",
        ["45", "54"],
    ),
    (
        Resource.Kind.TYPE_EQUIPEMENT,
        "Classe mobile de tablettes",
        "un chariot de 16 tablettes partagé entre les classes, réservé par les enseignants.",
        "achat du matériel par le département, renouvellement tous les 4 ans",
        Decimal("12.50"),
        "",
        ["50", "64"],
    ),
    (
        Resource.Kind.FORMAT_FORMATION,
        "Formation entre pairs au collège",
        "des enseignants référents forment leurs collègues sur une demi-journée, dans leur collège.",
        "temps des référents, décharge horaire",
        None,
        "",
        ["90", "71"],
    ),
    (
        Resource.Kind.FORMAT_EVENEMENT,
        "Cafés numériques",
        "une heure, une fois par mois, entre enseignants et parents, pour montrer un usage et en parler.",
        "gratuit : temps des participants",
        Decimal("0.00"),
        "",
        ["93", "45"],
    ),
]
RECOMMEND = [
    Feedback.Recommend.YES,
    Feedback.Recommend.YES,
    Feedback.Recommend.RESERVED,
    Feedback.Recommend.NO,
]


def load_demo_resources(seed: int = DEMO_SEED) -> dict:
    """(Re)create the demo entries and feedback: deletes the previous demo ones only, never a
    real entry. Returns the counts."""
    rng = np.random.default_rng([seed, 14])
    deps = {d.code: d for d in Departement.objects.filter(code__in={c for r in DEMO_RESOURCES for c in r[6]})}
    n_feedback = 0
    with transaction.atomic():
        Resource.objects.filter(is_demo=True).delete()
        for kind, title, description, cost, per_pupil, module, codes in DEMO_RESOURCES:
            resource = Resource.objects.create(
                kind=kind,
                title=title,
                description=f"[démo] {description[0].upper()}{description[1:]}",
                cost_model=cost,
                yearly_cost_per_pupil=per_pupil,
                ent_module=module,
                published=True,
                is_demo=True,
            )
            present = [deps[c] for c in codes if c in deps]
            resource.departements.set(present)
            for dep in present:
                recommend = RECOMMEND[int(rng.integers(len(RECOMMEND)))]
                Feedback.objects.create(
                    resource=resource,
                    departement=dep,
                    purpose=f"[démo] {title} pour les collèges {dep.name_of}",
                    colleges_count=int(rng.integers(2, 15)),
                    what_worked="[démo] Les équipes s'en sont emparées après un accompagnement au démarrage.",
                    what_did_not=""
                    if recommend == Feedback.Recommend.YES
                    else "[démo] L'usage reste inégal d'un collège à l'autre.",
                    would_recommend=recommend,
                    is_demo=True,
                )
                n_feedback += 1
    return {"resources": len(DEMO_RESOURCES), "feedbacks": n_feedback}
