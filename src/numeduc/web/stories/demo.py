"""Demo success stories (« données de démonstration »), for ``numeduc demo setup``
(docs/demo-data.md). Every story is ``is_demo`` and its text starts with « [démo] »; written by
nobody (``author=None``), with fixed dates.

- Loiret (45): the pupils' ENT use, linked to the demo plan's action that targets
  ``monthly_active_rate`` for pupils (``numeduc.web.action_plans.demo``), with a measured result
  from September to November 2024; published and in the public feed.
- Saône-et-Loire (71): « cafés numériques » for parents, a result in words; published and in
  the public feed.
- Nord (59): a loan of tablets, a result in words; published for signed-in users only.
- Loiret (45): a draft (read by the Loiret's accounts and the coordinator only).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from numeduc.web.action_plans.models import PlannedAction
from numeduc.web.territories.models import Departement

from . import services
from .models import Story


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _loiret_action() -> PlannedAction | None:
    return (
        PlannedAction.objects.filter(
            plan__departement__code="45",
            plan__is_demo=True,
            usage_indicator="monthly_active_rate",
            usage_profile="ELEVE",
        )
        .order_by("-plan__year", "pk")
        .first()
    )


def _stories(action: PlannedAction | None) -> list[tuple[str, dict, dt.date]]:
    published, draft = Story.Status.PUBLISHED, Story.Status.DRAFT
    none = {
        "result_indicator": "",
        "result_profile": "",
        "result_before": None,
        "result_before_month": "",
        "result_after": None,
        "result_after_month": "",
        "result_text": "",
    }
    return [
        (
            "45",
            {
                **none,
                "title": "Les élèves du Loiret se connectent davantage à l'ENT",
                "told_on": dt.date(2024, 12, 9),
                "text": "[démo] Dans quatre collèges, les professeurs principaux ont ouvert l'ENT en classe "
                "avec chaque élève en septembre, puis le cahier de textes n'a plus été donné que sur "
                "l'ENT. Trois mois après, la part des élèves actifs dans le mois a nettement monté.",
                "action": action,
                "result_indicator": "monthly_active_rate",
                "result_profile": "ELEVE",
                "result_before": 0.412,
                "result_before_month": "2024-09",
                "result_after": 0.587,
                "result_after_month": "2024-11",
                "status": published,
                "share_open_data": True,
            },
            dt.date(2024, 12, 10),
        ),
        (
            "71",
            {
                **none,
                "title": "Des cafés numériques qui font venir les parents",
                "told_on": dt.date(2024, 3, 21),
                "text": "[démo] Un jeudi par mois, le collège ouvre sa salle informatique aux parents à 17 h : "
                "se connecter à l'ENT, lire les notes, écrire à un professeur. Deux parents volontaires "
                "animent avec le référent numérique.",
                "result_text": "[démo] 64 parents venus en six séances, dont 40 qui ne s'étaient jamais connectés.",
                "status": published,
                "share_open_data": True,
            },
            dt.date(2024, 3, 25),
        ),
        (
            "59",
            {
                **none,
                "title": "Le prêt de tablettes pour les devoirs à la maison",
                "told_on": dt.date(2024, 6, 14),
                "text": "[démo] Deux collèges ont prêté des tablettes aux élèves sans équipement à la maison, "
                "avec une charte signée par les familles et un retour au CDI en fin d'année.",
                "result_text": "[démo] 180 tablettes prêtées, 176 rendues en état de marche.",
                "status": published,
                "share_open_data": False,
            },
            dt.date(2024, 6, 20),
        ),
        (
            "45",
            {
                **none,
                "title": "Le wifi dans les salles de sciences",
                "told_on": dt.date(2025, 1, 17),
                "text": "[démo] Brouillon : le bilan des bornes installées pendant les vacances d'automne.",
                "status": draft,
                "share_open_data": False,
            },
            dt.date(2025, 1, 17),
        ),
    ]


@transaction.atomic
def load_demo_stories() -> list[Story]:
    """(Re)create the demo stories (module docstring); other stories are left alone. Run after
    the demo plans, for the Loiret's action."""
    Story.objects.filter(is_demo=True).delete()
    created = []
    for code, values, written in _stories(_loiret_action()):
        departement = Departement.objects.get(code=code)
        created.append(services.create_story(departement, values, None, is_demo=True, when=_at(written)))
    return created
