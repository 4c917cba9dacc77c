"""Input schemas of the usage warehouse (documented in docs/usage.md).

One :class:`Kind` per input file family.  A column says its storage type (a DuckDB SQL type,
also used to cast on ingestion), whether it may be empty, the values it accepts and whether it
holds an identifier of a person or a device that must be pseudonymised at ingestion.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PROFILES = ("ELEVE", "PARENT", "ENSEIGNANT", "PERSONNEL", "AUTRE")
EVENT_TYPES = ("LOGIN", "ACCESS", "CREATE", "VIEW", "LOGOUT")
# Event types that say what a session was used for (service mix, reach); LOGIN/LOGOUT only
# say that a session exists.
USAGE_EVENT_TYPES = ("ACCESS", "CREATE", "VIEW")
DEVICE_TYPES = ("desktop", "tablet", "smartphone", "mobile_app", "other")
SERVICE_CATEGORIES = (
    "messagerie",
    "cahier_de_textes",
    "notes_competences",
    "absences_vie_scolaire",
    "ressources",
    "espace_documentaire",
    "collaboratif",
    "information",
    "administration",
    "autre",
)
DENSITY3 = ("urbain_dense", "intermediaire", "rural")
STRATEGIES = ("eim", "classe_mobile", "byod", "hybride", "none")

UAI_PATTERN = r"^[0-9]{7}[A-Z]$"
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str  # VARCHAR, BIGINT, DOUBLE, BOOLEAN, TIMESTAMP, DATE
    nullable: bool = False
    choices: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    pseudonymised: bool = False
    description: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    columns: tuple[Column, ...]
    # Column whose month partitions the stored files (None: partitioned by département only).
    time_column: str | None = None
    # Natural key of snapshot/referential kinds: on re-delivery the latest ingestion wins.
    key: tuple[str, ...] = field(default_factory=tuple)
    description: str = ""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_names(self) -> list[str]:
        return [c.name for c in self.columns if not c.nullable]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


C = Column

ESTABLISHMENTS = Kind(
    "establishments",
    (
        C("uai", "VARCHAR", pattern=UAI_PATTERN, description="code UAI (7 chiffres + 1 lettre)"),
        C("name", "VARCHAR", nullable=True),
        C("departement", "VARCHAR", pattern=r"^([0-9]{2}|2A|2B|97[1-6])$"),
        C("commune_insee", "VARCHAR", nullable=True, pattern=r"^[0-9][0-9AB][0-9]{3}$"),
        C("commune_name", "VARCHAR", nullable=True),
        C("density_grid3", "VARCHAR", choices=DENSITY3),
        C("density_grid7", "BIGINT", minimum=1, maximum=7),
        C("ep", "VARCHAR", choices=("none", "REP", "REP+")),
        C("depp_type", "BIGINT", nullable=True, minimum=1, maximum=6),
        C("pupils", "BIGINT", minimum=0),
        C("pupils_school_year", "VARCHAR", nullable=True, pattern=r"^[0-9]{4}-[0-9]{4}$"),
        C("teachers", "BIGINT", minimum=0),
        C("staff", "BIGINT", minimum=0),
        C("parent_accounts", "BIGINT", minimum=0),
        C("school_year", "VARCHAR", pattern=r"^[0-9]{4}-[0-9]{4}$"),
        C("holiday_zone", "VARCHAR", choices=("A", "B", "C")),
        C("strategy", "VARCHAR", nullable=True, choices=STRATEGIES),
        C("bw_down_mbps", "DOUBLE", nullable=True, minimum=0),
        C("bw_up_mbps", "DOUBLE", nullable=True, minimum=0),
        C("n_classrooms", "BIGINT", minimum=0),
        C("n_aps", "BIGINT", minimum=0),
    ),
    key=("uai", "school_year"),
    description="référentiel des collèges",
)

ENT_EVENTS = Kind(
    "ent_events",
    (
        C("event_id", "VARCHAR"),
        C("ts", "TIMESTAMP", description="horodatage ISO-8601 UTC"),
        C("uai", "VARCHAR", pattern=UAI_PATTERN),
        C("user_id", "VARCHAR", pseudonymised=True),
        C("profile", "VARCHAR", choices=PROFILES),
        C("event_type", "VARCHAR", choices=EVENT_TYPES),
        C("module", "VARCHAR"),
        C("service_category", "VARCHAR", nullable=True, choices=SERVICE_CATEGORIES),
        C("session_id", "VARCHAR", nullable=True),
        C("device_type", "VARCHAR", nullable=True, choices=DEVICE_TYPES),
        C("class_id", "VARCHAR", nullable=True),
        C("source", "VARCHAR"),
    ),
    time_column="ts",
    description="événements de l'ENT",
)

SERVICE_CATALOG = Kind(
    "service_catalog",
    (
        C("source", "VARCHAR"),
        C("module", "VARCHAR"),
        C("service_category", "VARCHAR", choices=SERVICE_CATEGORIES),
        C("is_connector", "BOOLEAN"),
    ),
    key=("source", "module"),
    description="catalogue des services (module -> catégorie)",
)

ENT_ACCOUNTS_SNAPSHOT = Kind(
    "ent_accounts_snapshot",
    (
        C("snapshot_date", "DATE"),
        C("uai", "VARCHAR", pattern=UAI_PATTERN),
        C("profile", "VARCHAR", choices=PROFILES),
        C("loaded", "BIGINT", minimum=0),
        C("activated", "BIGINT", minimum=0),
    ),
    key=("snapshot_date", "uai", "profile"),
    description="comptes chargés et activés",
)

MDM_DEVICES = Kind(
    "mdm_devices",
    (
        C("snapshot_date", "DATE"),
        C("device_id", "VARCHAR", pseudonymised=True),
        C("uai", "VARCHAR", pattern=UAI_PATTERN),
        C("device_class", "VARCHAR", choices=("tablet", "laptop", "chromebook", "desktop", "tbi", "other")),
        C("os", "VARCHAR", nullable=True),
        C("os_version", "VARCHAR", nullable=True),
        C("model", "VARCHAR", nullable=True),
        C("ownership", "VARCHAR", choices=("departement", "etat", "personal")),
        C("assignment", "VARCHAR", choices=("individual", "cart", "room", "staff", "loan")),
        C("cart_id", "VARCHAR", nullable=True),
        C("enrolled_at", "TIMESTAMP", nullable=True),
        C("last_checkin_at", "TIMESTAMP", nullable=True),
        C("compliance", "VARCHAR", choices=("compliant", "noncompliant", "unknown")),
        C("status", "VARCHAR", choices=("in_service", "spare", "repair", "lost", "retired")),
        C("purchase_date", "DATE", nullable=True),
        C("purchase_price_eur", "DOUBLE", nullable=True, minimum=0),
    ),
    key=("snapshot_date", "device_id"),
    description="inventaire MDM (instantané)",
)

MDM_CHECKINS = Kind(
    "mdm_checkins",
    (
        C("device_id", "VARCHAR", pseudonymised=True),
        C("ts", "TIMESTAMP"),
        C("source", "VARCHAR", choices=("mdm", "wifi", "ent")),
        C("on_site", "BOOLEAN", nullable=True),
    ),
    time_column="ts",
    description="historique des remontées MDM",
)

WIFI_SESSIONS = Kind(
    "wifi_sessions",
    (
        C("session_id", "VARCHAR"),
        C("uai", "VARCHAR", pattern=UAI_PATTERN),
        C("ap_id", "VARCHAR"),
        C("ssid", "VARCHAR", nullable=True),
        C("client_id", "VARCHAR", pseudonymised=True),
        C("device_id", "VARCHAR", nullable=True, pseudonymised=True),
        C("start_ts", "TIMESTAMP"),
        C("end_ts", "TIMESTAMP"),
        C("duration_s", "BIGINT", nullable=True, minimum=0),
        C("rx_bytes", "BIGINT", nullable=True, minimum=0),
        C("tx_bytes", "BIGINT", nullable=True, minimum=0),
        C("band", "VARCHAR", nullable=True, choices=("2.4", "5", "6")),
        C("end_cause", "VARCHAR", nullable=True),
    ),
    time_column="start_ts",
    description="sessions wifi",
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        ESTABLISHMENTS,
        ENT_EVENTS,
        SERVICE_CATALOG,
        ENT_ACCOUNTS_SNAPSHOT,
        MDM_DEVICES,
        MDM_CHECKINS,
        WIFI_SESSIONS,
    )
}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"type de fichier inconnu : {name!r} (attendu : {', '.join(KINDS)})") from None
