"""Registry of the budget model's parameters: name, unit, French label, source, range.

Every figure of the white paper's cost table (ADF 2017, 400-pupil collège) is reachable from
here as a named parameter.  The registry is the single source of truth for units and kinds;
presets (``numeduc/content/budget/*.yaml``) carry the values and may give a local source.

Source tags (docs/budget.md): ``[WP]`` white paper figure, ``[n]`` source n of the budget
specification's bibliography (not in this repository), ``[P]`` proposal (a sensible default, not a sourced fact).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

# Kinds drive validation: what values make sense for the parameter.
COUNT = "count"  # whole number (units, rooms, pupils)
MONEY = "money"  # amount in euros
LIFETIME = "lifetime"  # duration in years
SHARE = "share"  # fraction between 0 and 1
RATIO = "ratio"  # number that may exceed 1 (match rates, minutes)
POSITIVE = "positive"  # strictly positive number (divisors)
KINDS = (COUNT, MONEY, LIFETIME, SHARE, RATIO, POSITIVE)


@dataclass(frozen=True)
class ParameterSpec:
    """Definition of one parameter (not its value in a scenario).

    ``minimum``/``maximum`` are the domain: what a real collège or département can have
    (docs/budget.md, « Bornes », says why for each).  Every entry point refuses a value
    outside them, so that no figure is computed from an impossible input.
    """

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
    minimum: Decimal = Decimal(0)
    maximum: Decimal = Decimal(0)

    @property
    def integer(self) -> bool:
        return self.kind == COUNT


def _p(
    minimum, maximum, name, default, unit, kind, label_fr, source, group, low=None, high=None
) -> ParameterSpec:
    def optional(value) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    return ParameterSpec(
        name,
        Decimal(str(default)),
        unit,
        kind,
        label_fr,
        source,
        group,
        optional(low),
        optional(high),
        Decimal(str(minimum)),
        Decimal(str(maximum)),
    )


WP = "Livre blanc ADF 2017, tableau « coûts moyens/an pour un collège de 400 élèves »"

PARAMETER_SPECS: tuple[ParameterSpec, ...] = (
    # -- the collège
    _p(
        1,
        5000,
        "pupils",
        400,
        "élèves",
        COUNT,
        "Élèves du collège",
        f"[WP] {WP}; moyenne nationale ≈ 460 [51]",
        "college",
        300,
        600,
    ),
    _p(
        0,
        1000,
        "staff",
        40,
        "personnes",
        COUNT,
        "Personnels (enseignants et autres)",
        "[P] 1 adulte pour 10 élèves",
        "college",
    ),
    _p(
        0,
        300,
        "classrooms",
        17,
        "salles",
        COUNT,
        "Salles de classe",
        "[P] égal au nombre de salles équipées de TBI/VPI du livre blanc",
        "college",
    ),
    # -- wifi and very-high-speed access
    _p(
        0,
        200000,
        "isp_cost_per_year",
        6000,
        "€/an",
        MONEY,
        "Abonnement d'accès à internet",
        "[WP] 6 000 €/an (≈ 500 €/mois)",
        "wifi_thd",
    ),
    _p(
        0,
        5000000,
        "wired_network_capex",
        50000,
        "€",
        MONEY,
        "Câblage du réseau filaire (investissement)",
        "[WP]/[P] 5 000 €/an = 50 000 € sur 10 ans",
        "wifi_thd",
    ),
    _p(
        1,
        30,
        "wired_network_life",
        10,
        "ans",
        LIFETIME,
        "Durée d'amortissement du câblage",
        "[P] reconstitution de la ligne « réseau filaire » du livre blanc",
        "wifi_thd",
        8,
        15,
    ),
    _p(
        0,
        1000,
        "access_points",
        10,
        "bornes",
        COUNT,
        "Bornes wifi",
        "[P] couverture partielle (10 bornes); couverture complète = 1 par salle [23]",
        "wifi_thd",
    ),
    _p(
        0,
        10000,
        "access_point_price",
        500,
        "€/borne",
        MONEY,
        "Prix d'une borne wifi",
        "[P] reconstitution de la ligne « réseau wifi » (1 000 €/an)",
        "wifi_thd",
    ),
    _p(
        1,
        30,
        "access_point_life",
        5,
        "ans",
        LIFETIME,
        "Durée de vie d'une borne wifi",
        "[12][24] cycles de 5 ans",
        "wifi_thd",
        4,
        7,
    ),
    # -- maintenance contracts
    _p(
        0,
        5000000,
        "network_maintenance_contract",
        21300,
        "€/contrat",
        MONEY,
        "Contrat de maintenance réseau et wifi",
        "[P] 3 042,86 €/an du livre blanc = 21 300 € sur 7 ans (les ,86 imposent un diviseur 7)",
        "maintenance",
    ),
    _p(
        1,
        30,
        "network_maintenance_years",
        7,
        "ans",
        LIFETIME,
        "Durée du contrat de maintenance réseau",
        "[P] reconstitution de la ligne « maintenance réseau + wifi »",
        "maintenance",
    ),
    _p(
        0,
        2000,
        "desktop_maintenance",
        100,
        "€/poste/an",
        MONEY,
        "Maintenance d'un ordinateur fixe",
        "[P] cohérent avec 4 000 €/an pour 40 postes [WP]",
        "maintenance",
    ),
    _p(
        0,
        1,
        "mobile_maintenance_rate",
        "0.10",
        "part de l'investissement annualisé/an",
        SHARE,
        "Maintenance des équipements mobiles",
        "[P] 10 % de l'investissement annualisé, cohérent avec 1 200 €/an [WP]",
        "maintenance",
        "0.05",
        "0.20",
    ),
    # -- fixed terminals
    _p(
        0,
        5000,
        "desktops",
        40,
        "postes",
        COUNT,
        "Ordinateurs fixes",
        "[P] reconstitution de la ligne « ordi fixes » (6 400 €/an)",
        "terminal",
    ),
    _p(0, 10000, "desktop_price", 800, "€/poste", MONEY, "Prix d'un ordinateur fixe", "[P]", "terminal"),
    _p(
        1,
        30,
        "desktop_life",
        5,
        "ans",
        LIFETIME,
        "Durée de vie d'un ordinateur fixe",
        "[7][8] au plus 5 ans; barème indicatif 2-5 ans [14]; Val-d'Oise 7 ans [15]",
        "terminal",
        3,
        7,
    ),
    _p(
        0,
        300,
        "tbi_rooms",
        17,
        "salles",
        COUNT,
        "Salles équipées de TBI/VPI",
        "[P] reconstitution de la ligne « TBI/VPI » (2 720 €/an)",
        "terminal",
    ),
    _p(0, 20000, "tbi_price", 1600, "€/salle", MONEY, "Prix d'un TBI/VPI installé", "[P] ([13])", "terminal"),
    _p(
        1,
        30,
        "tbi_life",
        10,
        "ans",
        LIFETIME,
        "Durée de vie d'un TBI/VPI",
        "[P] 10 ans (livre blanc); vidéoprojecteur 4-6 ans, écran interactif 5-10 ans [13]",
        "terminal",
        5,
        10,
    ),
    # -- mobile equipment
    _p(
        0,
        10000,
        "mobile_device_price",
        350,
        "€/appareil",
        MONEY,
        "Prix d'une tablette ou d'un portable",
        "[P] fourchette 300-566 € [31]",
        "terminal",
        300,
        566,
    ),
    _p(
        1,
        30,
        "mobile_device_life",
        4,
        "ans",
        LIFETIME,
        "Durée de vie d'un équipement mobile",
        "[9][11][12] 3 à 4 ans",
        "terminal",
        3,
        5,
    ),
    _p(
        1,
        100,
        "cart_size",
        30,
        "appareils/chariot",
        COUNT,
        "Appareils par classe mobile",
        "[P] hypothèse du livre blanc; référentiel wifi DNE : 8-12 [28]",
        "terminal",
    ),
    _p(
        0,
        20000,
        "cart_price",
        1500,
        "€/chariot",
        MONEY,
        "Prix d'un chariot de classe mobile",
        "[P]",
        "terminal",
    ),
    _p(
        1,
        30,
        "cart_life",
        4,
        "ans",
        LIFETIME,
        "Durée de vie d'un chariot",
        "[P] renouvelé avec les appareils",
        "terminal",
        4,
        8,
    ),
    _p(
        0,
        200,
        "carts",
        4,
        "chariots",
        COUNT,
        "Classes mobiles (stratégie classe mobile)",
        "[P] cohérent avec 12 000 €/an [WP]",
        "terminal",
    ),
    _p(
        0, 200, "hybrid_carts", 2, "chariots", COUNT, "Classes mobiles (stratégie hybride)", "[P]", "terminal"
    ),
    _p(
        0,
        1,
        "eim_coverage",
        1,
        "part des élèves",
        SHARE,
        "Part des élèves équipés (EIM)",
        "[P] équipement 1:1",
        "terminal",
    ),
    _p(
        0,
        1,
        "eim_spare_rate",
        "0.05",
        "part du parc",
        SHARE,
        "Matériel de rechange (EIM)",
        "[P]",
        "terminal",
        "0.02",
        "0.10",
    ),
    _p(
        0,
        1,
        "byod_loan_share",
        "0.15",
        "part des élèves",
        SHARE,
        "Parc de prêt (BYOD, hybride)",
        "[P]",
        "terminal",
        "0.05",
        "0.30",
    ),
    _p(
        0,
        500,
        "mdm_licence",
        18,
        "€/appareil/an",
        MONEY,
        "Licence de gestion de flotte (MDM)",
        "[P] cohérent avec 2 160 €/an pour 120 tablettes [WP]",
        "terminal",
    ),
    # -- ENT, software, resources
    _p(
        0,
        500,
        "ent_per_pupil",
        "3.75",
        "€/élève/an",
        MONEY,
        "Logiciels, applications pédagogiques, ENT",
        "[WP] 1 500 €/an pour 400 élèves; exploitation d'un ENT 5,6-7,2 € HT [32]",
        "ent",
        "3.75",
        "7.2",
    ),
    # -- hosting
    _p(
        0,
        1000000,
        "server_capex",
        3000,
        "€",
        MONEY,
        "Serveurs locaux (investissement)",
        "[P] 428,57 €/an du livre blanc = 3 000 € sur 7 ans",
        "hosting",
    ),
    _p(
        1,
        30,
        "server_life",
        7,
        "ans",
        LIFETIME,
        "Durée de vie des serveurs locaux",
        "[P] diviseur du livre blanc",
        "hosting",
        5,
        8,
    ),
    # -- human resources (steering, training)
    _p(
        0,
        1,
        "training_share",
        0,
        "part du budget technique",
        SHARE,
        "Pilotage, formation, conduite du changement",
        "[7] 15 à 30 % du budget technique (absent du tableau du livre blanc)",
        "human_resources",
        "0.15",
        "0.30",
    ),
    # -- support staffing
    _p(
        "0.1",
        200,
        "colleges_per_technician",
        10,
        "collèges/ETP",
        POSITIVE,
        "Collèges par technicien",
        "[WP] Loiret : 6 techniciens, 1 pour 10 collèges",
        "support",
        5,
        15,
    ),
    _p(
        10,
        10000,
        "devices_per_technician",
        500,
        "appareils/ETP",
        POSITIVE,
        "Appareils par technicien",
        "[6][7][17] de 100 à 1 300",
        "support",
        100,
        1300,
    ),
    _p(
        0,
        200000,
        "technician_cost",
        45000,
        "€/ETP/an",
        MONEY,
        "Coût complet d'un technicien",
        "[P] à calibrer localement",
        "support",
        35000,
        55000,
    ),
    _p(
        0,
        1000000,
        "outsourced_per_college",
        16000,
        "€/collège/an",
        MONEY,
        "Maintenance externalisée",
        "[P] d'après la Seine-Saint-Denis (1,8 M€/113 à 2,3 M€/125 collèges) [WP]",
        "support",
        16000,
        25000,
    ),
    # -- State co-funding (plan numérique 2016-2018)
    _p(
        0,
        10,
        "state_match_rate",
        1,
        "€ État par € collectivité",
        RATIO,
        "Cofinancement de l'État des EIM",
        "[30] 1 € pour 1 € (2016-2018)",
        "state",
        "0.5",
        1,
    ),
    _p(
        0,
        1000,
        "state_resources_per_pupil",
        30,
        "€/élève équipé",
        MONEY,
        "Aide de l'État aux ressources",
        "[30] 30 € par élève ou enseignant équipé",
        "state",
    ),
    # -- indirect costs (CoSN/Gartner end-user operations)
    _p(
        0,
        10000,
        "incidents_per_year",
        60,
        "incidents/an",
        COUNT,
        "Incidents par an et par collège",
        "[P] Val-d'Oise : 6 000-7 000 tickets/an [15]",
        "indirect",
        30,
        120,
    ),
    _p(
        0,
        480,
        "minutes_lost_per_incident",
        30,
        "minutes",
        RATIO,
        "Temps d'enseignant perdu par incident",
        "[P] ([2][4])",
        "indirect",
        10,
        60,
    ),
    _p(0, 500, "teacher_hour_cost", 45, "€/heure", MONEY, "Coût horaire d'un enseignant", "[P]", "indirect"),
    # -- money over time
    _p(0, "0.2", "discount_rate", 0, "part/an", SHARE, "Taux d'actualisation", "[P]", "finance", 0, "0.04"),
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


# -- the other numbers that enter: scenario options, bandwidth and département options ---------


@dataclass(frozen=True)
class NumberSpec:
    """A number given to the engine that is not a cost parameter (same domain rules)."""

    name: str
    label_fr: str
    unit: str
    minimum: Decimal
    maximum: Decimal
    integer: bool = False
    kind: str = RATIO

    def __post_init__(self) -> None:
        object.__setattr__(self, "minimum", Decimal(str(self.minimum)))
        object.__setattr__(self, "maximum", Decimal(str(self.maximum)))


def _n(name, label_fr, unit, minimum, maximum, integer=False, kind=RATIO) -> NumberSpec:
    return NumberSpec(name, label_fr, unit, Decimal(str(minimum)), Decimal(str(maximum)), integer, kind)


# Options of a scenario (top-level keys of a scenario file).
OPTION_SPECS: dict[str, NumberSpec] = {
    s.name: s
    for s in (
        _n("horizon", "Horizon", "ans", 1, 50, integer=True, kind=COUNT),
        # The model caps the cohorts of each asset at its lifetime (30 years at most): more
        # cohorts than that would not change any figure.
        _n("cohorts", "Cohortes d'équipement", "années", 1, 30, integer=True, kind=COUNT),
    )
}


def _from_parameter(name: str, option: str | None = None, label_fr: str | None = None) -> NumberSpec:
    spec = PARAMETERS[name]
    return NumberSpec(
        option or name,
        label_fr or spec.label_fr,
        spec.unit,
        spec.minimum,
        spec.maximum,
        spec.integer,
        spec.kind,
    )


# Options of ``numeduc.budget.bandwidth`` (and ``numeduc budget bandwidth``).  Counts shared with
# the cost model take the registry's bounds above.
BANDWIDTH_SPECS: dict[str, NumberSpec] = {
    s.name: s
    for s in (
        _from_parameter("pupils"),
        _from_parameter("staff"),
        _from_parameter("classrooms", label_fr="Salles de classe à couvrir en wifi"),
        _from_parameter("cart_size"),
        _from_parameter("carts", "carts_in_use", "Classes mobiles utilisées en même temps"),
        _n("baseline_mbps_per_user", "Débit par usager (court terme)", "Mbit/s", 0, 100),
        _n("target_mbps_per_user", "Débit par usager (long terme)", "Mbit/s", 0, 100),
        _n("concurrency", "Facteur de simultanéité", "", 1, 10),
        _n("floor_mbps", "Débit plancher", "Mbit/s", 0, 100_000),
        _n("presence", "Part des usagers présents", "", 0, 1, kind=SHARE),
        _n("devices_per_pupil", "Appareils par élève", "appareils/élève", 0, 10),
        _n("staff_devices", "Appareils par personnel", "appareils/personne", 0, 10),
        _n("associated_share", "Part des appareils associés au wifi", "", 0, 1, kind=SHARE),
        _n("active_share", "Part des appareils qui transmettent", "", 0, 1, kind=SHARE),
        _n("mbps_per_active_client", "Débit par client actif", "Mbit/s", 0, 100),
        _n("headroom", "Marge au-dessus du pic", "", 0, 5),
        _n("clients_per_ap", "Clients par borne wifi", "clients", 1, 500, integer=True, kind=COUNT),
        _n("pupils_per_room", "Élèves par salle", "élèves", 1, 100, integer=True, kind=COUNT),
        _n("other_areas", "Autres espaces à couvrir", "bornes", 0, 1000, integer=True, kind=COUNT),
        _n("current_mbps", "Débit internet actuel", "Mbit/s", 0, 100_000),
        _n("staff_per_pupil", "Personnels par élève", "personnes/élève", 0, 1),
    )
}

# Options of ``simulate_departement`` (and ``numeduc budget departement``).
DEPARTEMENT_SPECS: dict[str, NumberSpec] = {
    s.name: s
    for s in (
        _n("n_colleges", "Nombre de collèges", "collèges", 1, 500, integer=True, kind=COUNT),
        _from_parameter("pupils", "mean_pupils", "Effectif moyen d'un collège"),
        _n("central_per_year", "Coûts centraux du département", "€/an", 0, 100_000_000, kind=MONEY),
    )
}

# Why each bound (shown in docs/budget.md, « Bornes »; a test checks that the page lists them).
LIFETIME_WHY = (
    "au moins 1 an (le mode trésorerie compte en années entières) ; "
    "aucun équipement ni contrat ne dure plus de 30 ans"
)
SHARE_WHY = "une part est comprise entre 0 et 1 (0 % et 100 %)"
BOUNDS_WHY: dict[str, str] = {
    "pupils": (
        "un coût par élève demande au moins un élève ; le plus grand collège public (DEPP, rentrée 2020) "
        "en compte 1 918, 5 000 couvre les cités scolaires"
    ),
    "staff": "1 adulte pour 5 élèves dans un collège de 5 000 élèves",
    "classrooms": "5 000 élèves en divisions de 25 = 200 salles, plus les salles spécialisées",
    "isp_cost_per_year": "un lien fibre dédié coûte quelques milliers d'euros par mois (6 000 €/an au livre blanc)",
    "wired_network_capex": (
        "recâbler entièrement un très grand collège coûte au plus quelques millions d'euros "
        "(50 000 € au livre blanc)"
    ),
    "access_points": "une borne par salle (300 au plus) et les espaces communs",
    "access_point_price": "une borne professionnelle posée coûte de 300 à 1 500 €",
    "network_maintenance_contract": "contrat pluriannuel d'un très grand collège (21 300 € sur 7 ans au livre blanc)",
    "desktop_maintenance": "maintenir un poste coûte chaque année moins que deux postes neufs",
    "desktops": "un poste par élève dans le plus grand collège",
    "desktop_price": "un poste fixe haut de gamme coûte moins de 3 000 €",
    "tbi_rooms": "une salle équipée par salle de classe (300 au plus)",
    "tbi_price": "un écran interactif installé coûte de 2 000 à 8 000 €",
    "mobile_device_price": (
        "une tablette ou un portable coûte de 300 à 566 € [31], 2 000 € pour un portable haut de gamme"
    ),
    "cart_size": "un chariot porte de 8 à 36 appareils [28] ; un chariot vide n'a pas de sens",
    "cart_price": "un chariot de recharge coûte de 1 000 à 3 000 €",
    "carts": "un chariot par division (200 au plus)",
    "hybrid_carts": "un chariot par division (200 au plus)",
    "mdm_licence": "une licence de gestion de flotte coûte de 2 à 10 € par mois",
    "ent_per_pupil": "l'exploitation d'un ENT coûte de 5,6 à 7,2 € HT par élève [32] ; 500 € couvre tous les logiciels",
    "server_capex": "salle serveur complète d'un très grand collège",
    "colleges_per_technician": (
        "de 10 techniciens dans un collège à 1 technicien pour les 200 collèges du plus grand département"
    ),
    "devices_per_technician": "les sources vont de 100 à 1 300 appareils par technicien [6][7][17]",
    "technician_cost": "coût complet d'un technicien : 35 000 à 55 000 € par an",
    "outsourced_per_college": "Seine-Saint-Denis : 16 000 à 25 000 € par collège et par an [WP]",
    "state_match_rate": "1 € de l'État pour 1 € en 2016-2018 [30] ; à 10, l'État paierait 91 % des appareils",
    "state_resources_per_pupil": "30 € par élève équipé en 2016-2018 [30]",
    "incidents_per_year": "60 incidents par an et par collège ; 10 000, c'est 50 par jour de classe",
    "minutes_lost_per_incident": "au plus une journée de classe (8 heures)",
    "teacher_hour_cost": "coût horaire complet d'un enseignant : 40 à 80 €",
    "discount_rate": "les taux d'actualisation publics vont de 0 à 8 % par an",
}
for _spec in PARAMETER_SPECS:
    if _spec.kind == LIFETIME:
        BOUNDS_WHY.setdefault(_spec.name, LIFETIME_WHY)
    elif _spec.kind == SHARE:
        BOUNDS_WHY.setdefault(_spec.name, SHARE_WHY)
OPTIONS_WHY: dict[str, str] = {
    "horizon": "au-delà de 50 ans, aucun prix n'a de sens",
    "cohorts": "le modèle plafonne les cohortes à la durée de vie de chaque bien (30 ans au plus)",
    "concurrency": "1,5 à 2,25 quand des collèges partagent un lien départemental [21]",
    "devices_per_pupil": "de 1,5 à 3 appareils par élève en 1:1 ou BYOD [26]",
    "headroom": "30 à 40 % au-dessus du pic [21]",
    "clients_per_ap": "une borne sert de 20 à 50 clients [25][27]",
    "current_mbps": "100 Gbit/s dépasse tout accès d'établissement",
    "n_colleges": "le plus grand département (Nord) a 200 collèges publics",
    "central_per_year": "le budget numérique entier d'un grand département se compte en dizaines de millions d'euros",
    "carts_in_use": "un chariot par division (200 au plus)",
    "baseline_mbps_per_user": (
        "objectifs SETDA/FCC : 0,1 puis 1 Mbit/s par usager [18][19][20] ; 100 laisse de la marge"
    ),
    "target_mbps_per_user": "objectifs SETDA/FCC : 0,1 puis 1 Mbit/s par usager [18][19][20] ; 100 laisse de la marge",
    "floor_mbps": "100 Gbit/s dépasse tout accès d'établissement",
    "presence": SHARE_WHY,
    "staff_devices": "un ou deux appareils par adulte ; 10 laisse de la marge",
    "associated_share": SHARE_WHY,
    "active_share": SHARE_WHY,
    "mbps_per_active_client": "1 Mbit/s par client actif [P] ; 100 Mbit/s couvre la vidéo la plus exigeante",
    "pupils_per_room": "une division compte au plus une trentaine d'élèves ; 100 couvre un amphithéâtre",
    "other_areas": "CDI, réfectoire, gymnase, couloirs : quelques dizaines de zones au plus",
    "staff_per_pupil": "au plus un adulte par élève",
    "mean_pupils": "mêmes bornes que « Élèves du collège »",
}
for _group in (OPTION_SPECS, BANDWIDTH_SPECS, DEPARTEMENT_SPECS):
    for _name in _group:
        OPTIONS_WHY.setdefault(_name, BOUNDS_WHY.get(_name, ""))


# -- checking a number against its domain ------------------------------------------------------


def to_decimal(value: Any) -> Decimal:
    """A number from a file, a form or an option (``"0,15"``, ``1 200``, ``0.1``, ``12``).

    Raises ``InvalidOperation`` (or ``ValueError``) when it is not a number; the result may be
    non-finite (``NaN``, ``Infinity``): ``check_number`` refuses those with a French message."""
    if isinstance(value, bool):
        raise InvalidOperation("booléen")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # repr gives the shortest exact-looking literal: 0.1 -> Decimal("0.1"), not its binary expansion.
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        text = value.strip().replace(",", ".").replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
        # Converting megabytes of digits would only waste time: no number we accept is that long
        # (a huge one is still read, and refused by its bound).
        if len(text) > 1000:
            raise InvalidOperation("trop long")
        return Decimal(text)
    raise InvalidOperation(type(value).__name__)


def _singular(unit: str, value: Decimal) -> str:
    # "1 an", "0 élève", not "1 ans": plain plural words lose their s below 2.
    if unit.endswith("s") and " " not in unit and "/" not in unit and value.copy_abs() < 2:
        return unit[:-1]
    return unit


def fr_decimal(value: Decimal) -> str:
    """A Decimal in French for a message: ``10 000``, ``0,15``, ``1e30`` for huge or tiny ones."""
    from numeduc.formatting import fr_number

    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    if not value.is_finite():
        return "infini" if value.is_infinite() else "NaN"
    # copy_abs, not abs(): abs() rounds to the context and overflows on 1e999999999999999999.
    if value != 0 and (value.copy_abs() >= Decimal("1e15") or value.copy_abs() < Decimal("1e-6")):
        # as_tuple, not normalize(): normalize rounds to the context's 28 digits (and flushes
        # tiny values to zero), which would misstate what was received.
        sign, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)  # only NaN and infinities have a letter here
        mantissa = "".join(map(str, digits)).rstrip("0") or "0"
        power = exponent + len(digits) - 1
        text = mantissa[0] + ("," + mantissa[1:8] if len(mantissa) > 1 else "")
        return f"{'-' if sign else ''}{text}e{power}"
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    places = max(0, -exponent)
    return fr_number(float(value), min(places, 6))


def _quantity(value: Decimal, unit: str) -> str:
    return f"{fr_decimal(value)} {_singular(unit, value)}".strip() if unit else fr_decimal(value)


def bounds_text(spec) -> str:
    """« entre 1 et 5 000 élèves »."""
    return f"entre {fr_decimal(spec.minimum)} et {_quantity(spec.maximum, spec.unit)}"


SHARE_RULE = "une part doit être comprise entre 0 et 1, soit 0 % et 100 %"


def check_number(spec, value: Decimal, raw: Any = None) -> str | None:
    """``None`` when ``value`` lies in the domain of ``spec`` (a ParameterSpec or NumberSpec),
    else a French sentence naming the label, the value received and the bound it breaks."""
    label, unit = spec.label_fr, ("" if spec.kind == SHARE else spec.unit)
    if not value.is_finite():
        shown = raw if raw is not None else value
        return f"{label} : nombre fini attendu, reçu « {shown_value(shown)} » ({bounds_text(spec)})"
    # « label : value, bound », or « label : why (value, bound) » when the rule has a reason a
    # person may not guess (a negative price, a zero lifetime, a share above 1).
    if value < spec.minimum:
        why = ""
        if spec.name in ("pupils", "mean_pupils"):
            why = "un coût par élève demande des élèves"
        elif spec.kind == MONEY and value < 0:
            why = "un prix ou un montant ne peut pas être négatif"
        elif spec.kind == LIFETIME and value <= 0:
            why = "une durée de vie doit être strictement positive"
        elif spec.kind == POSITIVE and value <= 0:
            why = "la valeur doit être strictement positive"
        elif spec.kind == SHARE:
            why = SHARE_RULE
        elif value < 0:
            why = "la valeur ne peut pas être négative"
        bound = f"{_quantity(value, unit)}, minimum {_quantity(spec.minimum, unit)}"
        return f"{label} : {why} ({bound})" if why else f"{label} : {bound}"
    if value > spec.maximum:
        bound = f"{_quantity(value, unit)}, maximum {_quantity(spec.maximum, unit)}"
        return f"{label} : {SHARE_RULE} ({bound})" if spec.kind == SHARE else f"{label} : {bound}"
    if spec.integer and value != value.to_integral_value():
        return f"{label} : un nombre ({spec.unit}) doit être entier (reçu {fr_decimal(value)})"
    return None


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def shown_value(raw: Any, limit: int = 40) -> str:
    """What the user gave, for a message: at most ``limit`` characters."""
    text = str(raw)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_number(spec, raw: Any) -> tuple[Decimal | None, str | None]:
    """``(value, None)`` for a number in the domain of ``spec``; ``(None, message)`` otherwise."""
    try:
        value = to_decimal(raw)
    except (InvalidOperation, ValueError, TypeError):
        if isinstance(raw, str) and _NUMBER.match(raw.strip().replace(",", ".")):
            # A number whose exponent Decimal cannot even hold (1e99999999999999999999).
            return None, f"{spec.label_fr} : « {shown_value(raw)} » est hors limites ({bounds_text(spec)})"
        return None, f"{spec.label_fr} : nombre attendu, reçu « {shown_value(raw)} » ({bounds_text(spec)})"
    problem = check_number(spec, value, raw)
    return (None, problem) if problem else (value, None)
