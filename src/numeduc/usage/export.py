"""The columns of the usage exports (:class:`numeduc.exports.Table`): the indicators of
``numeduc usage indicators``, their département summary, and the cost per active pupil
(``numeduc usage cost`` and the dashboard's « Coût par élève actif » table)."""

from __future__ import annotations

from numeduc.exports import Column, Table

SHARE = "part de 0 à 1"

# One entry per level of numeduc.usage.referential.LEVELS (tests/test_exports.py checks it).
GROUP_LEVEL_LABELS = {
    "densite_taille_ep": "densité, taille et éducation prioritaire",
    "densite_taille": "densité et taille",
    "densite": "densité seule",
    "ensemble": "tous les collèges de l'entrepôt",
}

UAI = Column("uai", "Code UAI", description="identifiant national de l'établissement")
MONTH = Column("month", "Mois", description="AAAA-MM, mois civil en temps universel")
INDICATOR = Column("indicator", "Code de l'indicateur", description="identifiant stable (docs/usage.md)")
PROFILE = Column("profile", "Profil", description="ELEVE, PARENT, ENSEIGNANT, PERSONNEL, AUTRE ou vide")
VALUE = Column("value", "Valeur", "number", description="numérateur ÷ dénominateur ; une part va de 0 à 1")
NUMERATOR = Column("numerator", "Numérateur", "number")
DENOMINATOR = Column("denominator", "Dénominateur", "number")
GROUP_SIZE = Column("group_size", "Collèges du groupe de comparaison", "integer", "collèges")
MEDIAN = Column("median", "Médiane du groupe", "number")
Q1 = Column(
    "q1", "Premier quartile du groupe", "number", description="un quart des collèges du groupe en dessous"
)
Q3 = Column(
    "q3", "Troisième quartile du groupe", "number", description="un quart des collèges du groupe au-dessus"
)
PERCENTILE = Column(
    "percentile",
    "Rang dans le groupe (sur 100)",
    "number",
    description="part des collèges du groupe qui ont une valeur plus basse, sur 100",
)
ROBUST_Z = Column(
    "robust_z",
    "Écart à la médiane du groupe (en écarts habituels)",
    "number",
    description="z robuste : (valeur − médiane) ÷ (1,4826 × écart absolu médian) ; au-delà de 2, le collège se détache",
)
FALLBACK = Column(
    "fallback",
    "Groupe élargi",
    "boolean",
    description="oui quand le groupe de collèges semblables était trop petit et a été élargi",
)

INDICATORS_TABLE = Table(
    "usage-indicators",
    "Indicateurs d'usage par collège et par mois",
    "un collège, un mois, un indicateur et un profil",
    (
        UAI,
        MONTH,
        INDICATOR,
        PROFILE,
        VALUE,
        NUMERATOR,
        DENOMINATOR,
        Column("departement", "Code du département"),
        Column(
            "group",
            "Groupe de comparaison",
            description="collèges semblables (densité, taille, éducation prioritaire)",
        ),
        Column("group_level", "Critères du groupe", labels=GROUP_LEVEL_LABELS),
        GROUP_SIZE,
        PERCENTILE,
        MEDIAN,
        Q1,
        Q3,
        ROBUST_Z,
        FALLBACK,
        Column("fallback_reason", "Raison de l'élargissement"),
    ),
)

SUMMARY_TABLE = Table(
    "usage-departement-summary",
    "Indicateurs d'usage par département et par mois",
    "un département, un mois, un indicateur et un profil",
    (
        Column("departement", "Code du département"),
        MONTH,
        INDICATOR,
        PROFILE,
        Column(
            "value",
            "Valeur du département",
            "number",
            description="somme des numérateurs ÷ somme des dénominateurs",
        ),
        Column("median_college", "Médiane des collèges", "number"),
        Column("n_colleges", "Collèges", "integer", "collèges"),
        NUMERATOR,
        DENOMINATOR,
    ),
)

COST_COLUMNS = (
    UAI,
    Column("name", "Collège"),
    Column("pupils", "Élèves", "integer", "élèves"),
    Column(
        "tco_year", "Coût annuel (€)", "number", "€/an", "coût complet du scénario de budget pour ce collège"
    ),
    Column("cost_per_pupil", "Coût par élève inscrit (€/élève/an)", "number", "€/élève/an"),
    Column(
        "mean_mar_pupils",
        "Taux moyen d'élèves actifs",
        "number",
        SHARE,
        "moyenne sur les mois de la part des élèves qui se sont servis de l'ENT dans le mois",
    ),
    Column("months", "Mois pris en compte", "integer", "mois"),
    Column("active_pupils", "Élèves actifs en moyenne", "number", "élèves"),
    Column("cost_per_active_pupil", "Coût par élève actif (€/élève actif/an)", "number", "€/élève actif/an"),
    Column("reason", "Remarque", description="pourquoi le coût par élève actif manque, vide sinon"),
    Column("scenario", "Scénario de budget", description="identifiant du scénario ou du préréglage"),
)

COST_TABLE = Table(
    "usage-cost",
    "Coût par élève actif, par collège",
    "un collège de l'entrepôt",
    COST_COLUMNS,
)

TABLES = (INDICATORS_TABLE, SUMMARY_TABLE, COST_TABLE)
