"""Demo scenarios of the Loiret (45), for the demonstration instance (``numeduc demo setup``)."""

from __future__ import annotations

from django.db import transaction

from numeduc.web.territories.models import Departement

from .models import Scenario

DEMO_DEPARTEMENT = "45"


@transaction.atomic
def load_demo_scenarios() -> list[Scenario]:
    """(Re)create the two demo scenarios of the Loiret; other scenarios are left alone.

    A: the white paper's 400-pupil collège as is (45 451,43 €/year, 113,63 €/pupil/year);
    B: BYOD with a loan pool over the Loiret's real public collèges, with internal technicians
    and 500 Mbit/s of current access, so that the bandwidth table has something to show.
    """
    Scenario.objects.filter(is_demo=True).delete()
    loiret = Departement.objects.get(code=DEMO_DEPARTEMENT)
    paper = Scenario.objects.create(
        departement=loiret,
        name="Livre blanc ADF 2017 (collège type)",
        base_preset="livre-blanc-2017",
        scope=Scenario.Scope.COLLEGE,
        strategy="classe_mobile",
        is_demo=True,
        description="Le tableau des coûts moyens d'un collège de 400 élèves du livre blanc, sans modification.",
    )
    byod = Scenario.objects.create(
        departement=loiret,
        name="BYOD sur les collèges du Loiret",
        base_preset="byod",
        scope=Scenario.Scope.DEPARTEMENT,
        strategy="byod",
        support="internal",
        scale_equipment=True,
        current_mbps=500,
        is_demo=True,
        parameters={"training_share": "0.15"},
        description="Appareils personnels et parc de prêt, équipement proportionnel à l'effectif, "
        "techniciens internes et 15 % pour le pilotage et la formation.",
    )
    return [paper, byod]
