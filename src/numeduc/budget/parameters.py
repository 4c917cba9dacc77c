"""Registry of the budget model's parameters: name, unit, French label, source, range.

Every figure of the white paper's cost table (ADF 2017, 400-pupil collège) is reachable from
here as a named parameter.  The registry is the single source of truth for units and kinds;
presets (``numeduc/content/budget/*.yaml``) carry the values and may give a local source.

Source tags follow ``shared/specs/budget.md``: ``[WP]`` white paper figure, ``[n]`` numbered
source of the spec, ``[P]`` proposal (a sensible default, not a sourced fact).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Kinds drive validation: what values make sense for the parameter.
COUNT = "count"  # whole number >= 0 (units, rooms, pupils)
MONEY = "money"  # amount >= 0
LIFETIME = "lifetime"  # duration in years > 0
SHARE = "share"  # fraction between 0 and 1
RATIO = "ratio"  # number >= 0 that may exceed 1 (match rates, minutes)
POSITIVE = "positive"  # strictly positive number (divisors)
KINDS = (COUNT, MONEY, LIFETIME, SHARE, RATIO, POSITIVE)


@dataclass(frozen=True)
class ParameterSpec:
    """Definition of one parameter (not its value in a scenario)."""

    name: str
    default: Decimal
    unit: str
    kind: str
    label_fr: str
    source: str
    group: str
    # Sourced plausible range, used by the tornado when it contains the scenario's value.
    low: Decimal | None = None
    high: Decimal | None = None


def _p(name, default, unit, kind, label_fr, source, group, low=None, high=None) -> ParameterSpec:
    as_dec = lambda v: None if v is None else Decimal(str(v))  # noqa: E731
    return ParameterSpec(name, as_dec(default), unit, kind, label_fr, source, group, as_dec(low), as_dec(high))


WP = "Livre blanc ADF 2017, tableau « coûts moyens/an pour un collège de 400 élèves »"

PARAMETER_SPECS: tuple[ParameterSpec, ...] = (
    # -- the collège
    _p("pupils", 400, "élèves", COUNT, "Élèves du collège", f"[WP] {WP}; moyenne nationale ≈ 460 [51]", "college", 300, 600),
    _p("staff", 40, "personnes", COUNT, "Personnels (enseignants et autres)", "[P] 1 adulte pour 10 élèves", "college"),
    _p("classrooms", 17, "salles", COUNT, "Salles de classe", "[P] égal au nombre de salles équipées de TBI/VPI du livre blanc", "college"),
    # -- wifi and very-high-speed access
    _p("isp_cost_per_year", 6000, "€/an", MONEY, "Abonnement d'accès à internet", f"[WP] 6 000 €/an (≈ 500 €/mois)", "wifi_thd"),
    _p("wired_network_capex", 50000, "€", MONEY, "Câblage du réseau filaire (investissement)", "[WP]/[P] 5 000 €/an = 50 000 € sur 10 ans", "wifi_thd"),
    _p("wired_network_life", 10, "ans", LIFETIME, "Durée d'amortissement du câblage", "[P] reconstitution de la ligne « réseau filaire » du livre blanc", "wifi_thd", 8, 15),
    _p("access_points", 10, "bornes", COUNT, "Bornes wifi", "[P] couverture partielle (10 bornes); couverture complète = 1 par salle [23]", "wifi_thd"),
    _p("access_point_price", 500, "€/borne", MONEY, "Prix d'une borne wifi", "[P] reconstitution de la ligne « réseau wifi » (1 000 €/an)", "wifi_thd"),
    _p("access_point_life", 5, "ans", LIFETIME, "Durée de vie d'une borne wifi", "[12][24] cycles de 5 ans", "wifi_thd", 4, 7),
    # -- maintenance contracts
    _p("network_maintenance_contract", 21300, "€/contrat", MONEY, "Contrat de maintenance réseau et wifi", "[P] 3 042,86 €/an du livre blanc = 21 300 € sur 7 ans (les ,86 imposent un diviseur 7)", "maintenance"),
    _p("network_maintenance_years", 7, "ans", LIFETIME, "Durée du contrat de maintenance réseau", "[P] reconstitution de la ligne « maintenance réseau + wifi »", "maintenance"),
    _p("desktop_maintenance", 100, "€/poste/an", MONEY, "Maintenance d'un ordinateur fixe", "[P] cohérent avec 4 000 €/an pour 40 postes [WP]", "maintenance"),
    _p("mobile_maintenance_rate", "0.10", "part de l'investissement annualisé/an", SHARE, "Maintenance des équipements mobiles", "[P] 10 % de l'investissement annualisé, cohérent avec 1 200 €/an [WP]", "maintenance", "0.05", "0.20"),
    # -- fixed terminals
    _p("desktops", 40, "postes", COUNT, "Ordinateurs fixes", "[P] reconstitution de la ligne « ordi fixes » (6 400 €/an)", "terminal"),
    _p("desktop_price", 800, "€/poste", MONEY, "Prix d'un ordinateur fixe", "[P]", "terminal"),
    _p("desktop_life", 5, "ans", LIFETIME, "Durée de vie d'un ordinateur fixe", "[7][8] au plus 5 ans; barème indicatif 2-5 ans [14]; Val-d'Oise 7 ans [15]", "terminal", 3, 7),
    _p("tbi_rooms", 17, "salles", COUNT, "Salles équipées de TBI/VPI", "[P] reconstitution de la ligne « TBI/VPI » (2 720 €/an)", "terminal"),
    _p("tbi_price", 1600, "€/salle", MONEY, "Prix d'un TBI/VPI installé", "[P] ([13])", "terminal"),
    _p("tbi_life", 10, "ans", LIFETIME, "Durée de vie d'un TBI/VPI", "[P] 10 ans (livre blanc); vidéoprojecteur 4-6 ans, écran interactif 5-10 ans [13]", "terminal", 5, 10),
    # -- mobile equipment
    _p("mobile_device_price", 350, "€/appareil", MONEY, "Prix d'une tablette ou d'un portable", "[P] fourchette 300-566 € [31]", "terminal", 300, 566),
    _p("mobile_device_life", 4, "ans", LIFETIME, "Durée de vie d'un équipement mobile", "[9][11][12] 3 à 4 ans", "terminal", 3, 5),
    _p("cart_size", 30, "appareils/chariot", COUNT, "Appareils par classe mobile", "[P] hypothèse du livre blanc; référentiel wifi DNE : 8-12 [28]", "terminal"),
    _p("cart_price", 1500, "€/chariot", MONEY, "Prix d'un chariot de classe mobile", "[P]", "terminal"),
    _p("cart_life", 4, "ans", LIFETIME, "Durée de vie d'un chariot", "[P] renouvelé avec les appareils", "terminal", 4, 8),
    _p("carts", 4, "chariots", COUNT, "Classes mobiles (stratégie classe mobile)", "[P] cohérent avec 12 000 €/an [WP]", "terminal"),
    _p("hybrid_carts", 2, "chariots", COUNT, "Classes mobiles (stratégie hybride)", "[P]", "terminal"),
    _p("eim_coverage", 1, "part des élèves", SHARE, "Part des élèves équipés (EIM)", "[P] équipement 1:1", "terminal"),
    _p("eim_spare_rate", "0.05", "part du parc", SHARE, "Matériel de rechange (EIM)", "[P]", "terminal", "0.02", "0.10"),
    _p("byod_loan_share", "0.15", "part des élèves", SHARE, "Parc de prêt (BYOD, hybride)", "[P]", "terminal", "0.05", "0.30"),
    _p("mdm_licence", 18, "€/appareil/an", MONEY, "Licence de gestion de flotte (MDM)", "[P] cohérent avec 2 160 €/an pour 120 tablettes [WP]", "terminal"),
    # -- ENT, software, resources
    _p("ent_per_pupil", "3.75", "€/élève/an", MONEY, "Logiciels, applications pédagogiques, ENT", "[WP] 1 500 €/an pour 400 élèves; exploitation d'un ENT 5,6-7,2 € HT [32]", "ent", "3.75", "7.2"),
    # -- hosting
    _p("server_capex", 3000, "€", MONEY, "Serveurs locaux (investissement)", "[P] 428,57 €/an du livre blanc = 3 000 € sur 7 ans", "hosting"),
    _p("server_life", 7, "ans", LIFETIME, "Durée de vie des serveurs locaux", "[P] diviseur du livre blanc", "hosting", 5, 8),
    # -- human resources (steering, training)
    _p("training_share", 0, "part du budget technique", SHARE, "Pilotage, formation, conduite du changement", "[7] 15 à 30 % du budget technique (absent du tableau du livre blanc)", "human_resources", "0.15", "0.30"),
    # -- support staffing
    _p("colleges_per_technician", 10, "collèges/ETP", POSITIVE, "Collèges par technicien", "[WP] Loiret : 6 techniciens, 1 pour 10 collèges", "support", 5, 15),
    _p("devices_per_technician", 500, "appareils/ETP", POSITIVE, "Appareils par technicien", "[6][7][17] de 100 à 1 300", "support", 100, 1300),
    _p("technician_cost", 45000, "€/ETP/an", MONEY, "Coût complet d'un technicien", "[P] à calibrer localement", "support", 35000, 55000),
    _p("outsourced_per_college", 16000, "€/collège/an", MONEY, "Maintenance externalisée", "[P] d'après la Seine-Saint-Denis (1,8 M€/113 à 2,3 M€/125 collèges) [WP]", "support", 16000, 25000),
    # -- State co-funding (plan numérique 2016-2018)
    _p("state_match_rate", 1, "€ État par € collectivité", RATIO, "Cofinancement de l'État des EIM", "[30] 1 € pour 1 € (2016-2018)", "state", "0.5", 1),
    _p("state_resources_per_pupil", 30, "€/élève équipé", MONEY, "Aide de l'État aux ressources", "[30] 30 € par élève ou enseignant équipé", "state"),
    # -- indirect costs (CoSN/Gartner end-user operations)
    _p("incidents_per_year", 60, "incidents/an", COUNT, "Incidents par an et par collège", "[P] Val-d'Oise : 6 000-7 000 tickets/an [15]", "indirect", 30, 120),
    _p("minutes_lost_per_incident", 30, "minutes", RATIO, "Temps d'enseignant perdu par incident", "[P] ([2][4])", "indirect", 10, 60),
    _p("teacher_hour_cost", 45, "€/heure", MONEY, "Coût horaire d'un enseignant", "[P]", "indirect"),
    # -- money over time
    _p("discount_rate", 0, "part/an", SHARE, "Taux d'actualisation", "[P]", "finance", 0, "0.04"),
)

PARAMETERS: dict[str, ParameterSpec] = {spec.name: spec for spec in PARAMETER_SPECS}

GROUP_LABELS_FR = {
    "college": "Le collège",
    "wifi_thd": "Wifi et très haut débit",
    "maintenance": "Maintenance",
    "terminal": "Terminaux",
    "ent": "ENT, logiciels et ressources",
    "hosting": "Hébergement",
    "human_resources": "Ressources humaines",
    "support": "Support technique",
    "state": "Cofinancement de l'État",
    "indirect": "Coûts indirects",
    "finance": "Actualisation",
}
