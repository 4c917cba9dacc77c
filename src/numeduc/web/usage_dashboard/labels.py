"""Plain French labels of the usage indicators, how each is computed, and how to show a value.

Identifiers are those of ``numeduc.usage.indicators`` (docs/usage.md). ``direction`` says which
way is favourable: +1 higher is better, -1 lower is better, 0 neither (descriptive only); it
decides which quartile is flagged « à regarder ».
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from numeduc.formatting import fr_euro, fr_number, fr_percent
from numeduc.usage.schemas import SERVICE_CATEGORIES


@dataclass(frozen=True)
class IndicatorLabel:
    label: str
    explanation: str
    unit: str = "percent"  # percent | number | kbps | megabytes | euros
    decimals: int = 1
    direction: int = 1
    # The label already names who is counted (« Élèves … », « Parents … »): no « (élèves) ».
    names_profile: bool = False


PROFILE_LABELS = {
    "": "",
    "ELEVE": "élèves",
    "PARENT": "parents",
    "ENSEIGNANT": "enseignants",
    "PERSONNEL": "personnels",
    "AUTRE": "autres comptes",
}

CATEGORY_LABELS = {
    "messagerie": "messagerie",
    "cahier_de_textes": "cahier de textes",
    "notes_competences": "notes et compétences",
    "absences_vie_scolaire": "absences et vie scolaire",
    "ressources": "ressources numériques (Médiacentre, GAR…)",
    "espace_documentaire": "espace documentaire",
    "collaboratif": "outils collaboratifs (blog, wiki, forum)",
    "information": "actualités et agenda",
    "administration": "administration",
    "autre": "autres services",
}

INDICATOR_LABELS: dict[str, IndicatorLabel] = {
    "account_activation_rate": IndicatorLabel(
        "Comptes ENT activés", "Comptes activés divisés par les comptes créés, au dernier relevé du mois."
    ),
    "monthly_active_rate": IndicatorLabel(
        "Utilisateurs actifs dans le mois",
        "Personnes ayant au moins une activité sur l'ENT dans le mois, divisées par l'effectif "
        "du profil (élèves inscrits, comptes parents, enseignants, personnels).",
    ),
    "sessions_per_user": IndicatorLabel(
        "Connexions par personne",
        "Nombre de connexions (sessions) du mois divisé par l'effectif du profil ; une session "
        "s'arrête après 30 minutes sans activité.",
        unit="number",
    ),
    "sessions_per_active_user": IndicatorLabel(
        "Connexions par utilisateur actif",
        "Nombre de connexions du mois divisé par le nombre de personnes actives dans le mois.",
        unit="number",
        direction=0,
    ),
    "regular_use_share": IndicatorLabel(
        "Élèves utilisateurs réguliers",
        "Élèves ayant au moins 8 connexions dans le mois, divisés par le nombre d'élèves inscrits.",
        names_profile=True,
    ),
    "parents_never_grades_share": IndicatorLabel(
        "Parents qui ne consultent pas les notes",
        "Comptes parents sans aucun accès aux notes et compétences dans le mois, divisés par le "
        "nombre de comptes parents.",
        direction=-1,
        names_profile=True,
    ),
    "out_of_school_share": IndicatorLabel(
        "Activité hors temps scolaire",
        "Part des actions sur l'ENT faites en dehors des jours de classe de 8 h à 17 h 30 "
        "(heure locale, vacances de la zone exclues).",
        direction=0,
    ),
    "device_activity_rate_30d": IndicatorLabel(
        "Terminaux actifs sur 30 jours",
        "Terminaux en service vus (gestion de flotte, wifi) dans les 30 jours précédant le "
        "dernier relevé du mois, divisés par les terminaux en service.",
    ),
    "device_activity_rate_7d": IndicatorLabel(
        "Terminaux actifs sur 7 jours",
        "Même calcul sur les 7 derniers jours (au-delà, un terminal est considéré comme perdu de vue).",
    ),
    "device_utilisation": IndicatorLabel(
        "Utilisation des terminaux",
        "Nombre moyen de jours où un terminal en service s'est connecté au wifi, divisé par le "
        "nombre de jours de classe du mois.",
    ),
    "peak_concurrent_clients": IndicatorLabel(
        "Pic d'appareils connectés au wifi",
        "Plus grand nombre d'appareils connectés en même temps au wifi du collège, par tranche "
        "de 5 minutes, dans le mois.",
        unit="number",
        decimals=0,
        direction=0,
    ),
    "peak_concurrent_clients_per_ap": IndicatorLabel(
        "Pic d'appareils par borne wifi",
        "Pic d'appareils connectés divisé par le nombre de bornes wifi (repère : 30 par borne).",
        unit="number",
        direction=-1,
    ),
    "bandwidth_kbps_per_user": IndicatorLabel(
        "Débit internet par utilisateur",
        "Débit descendant du collège divisé par le nombre d'élèves et de personnels, en kbit/s "
        "(repères : 100 kbit/s minimum, 1 000 kbit/s visé).",
        unit="kbps",
        decimals=0,
    ),
    "bandwidth_pressure": IndicatorLabel(
        "Tension sur le débit internet",
        "Pic d'appareils connectés × 0,8 (part active) × 1 Mbit/s, divisé par le débit "
        "descendant : au-dessus de 1, la connexion est trop petite aux heures de pointe.",
        unit="number",
        decimals=2,
        direction=-1,
    ),
    "traffic_bytes_per_pupil_day": IndicatorLabel(
        "Trafic wifi par élève et par jour de classe",
        "Volume reçu et émis sur le wifi dans le mois, divisé par le nombre d'élèves et par le "
        "nombre de jours de classe, en mégaoctets.",
        unit="megabytes",
        direction=0,
    ),
    "weekly_regularity": IndicatorLabel(
        "Régularité hebdomadaire",
        "Parmi les personnes actives dans le mois, part médiane des semaines de classe du mois où "
        "elles se sont connectées au moins une fois.",
    ),
    # Not a monthly indicator of numeduc.usage.indicators: computed per collège over the months
    # by numeduc.usage.cost, with the budget engine (shown in its own section).
    "cost_per_active_pupil": IndicatorLabel(
        "Coût par élève actif",
        "Coût annuel du numérique du collège (scénario de budget) divisé par le nombre moyen "
        "d'élèves actifs dans le mois (taux moyen d'élèves actifs × élèves inscrits).",
        unit="euros",
        decimals=2,
        direction=-1,
        names_profile=True,
    ),
}
for _c in SERVICE_CATEGORIES:
    INDICATOR_LABELS[f"service_mix_share_{_c}"] = IndicatorLabel(
        f"Connexions utilisant : {CATEGORY_LABELS.get(_c, _c)}",
        "Connexions comprenant au moins un accès à ce service, divisées par le nombre de connexions du mois.",
        direction=0,
    )
    INDICATOR_LABELS[f"service_reach_{_c}"] = IndicatorLabel(
        f"Personnes utilisant : {CATEGORY_LABELS.get(_c, _c)}",
        "Personnes ayant accédé au moins une fois à ce service dans le mois, divisées par "
        "l'effectif du profil.",
    )

# The indicators shown first (overview of the département, collège page, results page).
KEY_INDICATORS: list[tuple[str, str]] = [
    ("monthly_active_rate", "ELEVE"),
    ("monthly_active_rate", "PARENT"),
    ("monthly_active_rate", "ENSEIGNANT"),
    ("regular_use_share", "ELEVE"),
    ("account_activation_rate", "ELEVE"),
    ("parents_never_grades_share", "PARENT"),
    ("out_of_school_share", ""),
    ("device_activity_rate_30d", ""),
    ("device_utilisation", ""),
    ("peak_concurrent_clients_per_ap", ""),
    ("bandwidth_kbps_per_user", ""),
    ("bandwidth_pressure", ""),
]
DEFAULT_INDICATOR = ("monthly_active_rate", "ELEVE")


def label_for(indicator: str) -> IndicatorLabel:
    return INDICATOR_LABELS.get(indicator, IndicatorLabel(indicator, "", unit="number", direction=0))


def full_label(indicator: str, profile: str = "") -> str:
    """« Utilisateurs actifs dans le mois (élèves) »."""
    info = label_for(indicator)
    who = "" if info.names_profile else PROFILE_LABELS.get(profile, profile.lower())
    return f"{info.label} ({who})" if who else info.label


def key_of(indicator: str, profile: str) -> str:
    """The value of the indicator selector: ``indicator`` or ``indicator:PROFILE``."""
    return f"{indicator}:{profile}" if profile else indicator


def parse_key(key: str) -> tuple[str, str]:
    indicator, _, profile = (key or "").partition(":")
    return indicator, profile


def unit_suffix(indicator: str) -> str:
    return {"percent": "%", "kbps": "kbit/s", "megabytes": "Mo", "euros": "€"}.get(
        label_for(indicator).unit, ""
    )


def scaled(indicator: str, value: float | None) -> float | None:
    """The value in the unit shown (percent × 100, bytes → megabytes)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    unit = label_for(indicator).unit
    if unit == "percent":
        return float(value) * 100
    if unit == "megabytes":
        return float(value) / 1e6
    return float(value)


def format_value(indicator: str, value: float | None, *, missing: str = "—") -> str:
    info = label_for(indicator)
    v = scaled(indicator, value)
    if v is None:
        return missing
    if info.unit == "percent":
        return fr_percent(v, info.decimals)
    if info.unit == "euros":
        return fr_euro(v, info.decimals)
    text = fr_number(v, info.decimals)
    suffix = unit_suffix(indicator)
    return f"{text}\u00a0{suffix}" if suffix else text


def month_label(month: str) -> str:
    """``2024-10`` → ``octobre 2024``."""
    import datetime as dt

    from numeduc.formatting import fr_date

    try:
        year, m = month.split("-")
        return fr_date(dt.date(int(year), int(m), 1)).removeprefix("1er ")
    except ValueError:
        return month
