"""Exporters of a simulation: dict (JSON), DataFrame, CSV, xlsx; the columns of every budget
export (:class:`numeduc.exports.Table`), shared by the command line and the web pages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from numeduc import exports
from numeduc.budget.model import FAMILIES, cents
from numeduc.budget.scenario import STRATEGIES
from numeduc.exports import Column, Table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from numeduc.budget.model import Simulation


def _money(value: Decimal) -> float:
    return float(cents(value))


def simulation_to_dict(sim: Simulation) -> dict:
    """JSON-friendly result: amounts in euros rounded to the cent (as floats)."""
    s = sim.scenario
    return {
        "scenario": {
            "name": s.name,
            "label": s.label,
            "strategy": s.strategy,
            "mode": s.mode,
            "horizon": s.horizon,
            "support": s.support,
            "state_cofunding": s.state_cofunding,
            "indirect_costs": s.indirect_costs,
            "cohorts": s.cohorts,
            "origin": s.origin,
        },
        "pupils": int(sim.pupils),
        "total_per_year": _money(sim.total_per_year_exact),
        "per_pupil_per_year": _money(sim.per_pupil_per_year_exact),
        "tco": _money(sim.tco_exact),
        "unit": "€",
        "rounding": "centime le plus proche, demi vers le haut, après calcul exact en décimal",
        "lines": [
            {
                "name": line.name,
                "family": line.family,
                "family_label_fr": FAMILIES[line.family],
                "label_fr": line.label_fr,
                "amount": _money(line.amount_exact),
                "unit": line.unit,
                "source": line.source,
            }
            for line in sim.lines
        ],
        "years": [
            {
                "year": y.year,
                "by_family": {family: _money(amount) for family, amount in y.by_family.items()},
                "total": _money(y.total),
                "discounted_total": _money(y.discounted_total),
                "cumulative": _money(y.cumulative),
            }
            for y in sim.years
        ],
        "fleet": {
            "mobile_devices": sim.fleet.mobile_devices,
            "carts": sim.fleet.carts,
            "equipped_pupils": sim.fleet.equipped_pupils,
            "managed_devices": sim.fleet.managed_devices,
        },
        "parameters": [
            {
                "name": p.name,
                "value": float(p.value),
                "unit": p.unit,
                "label_fr": p.label_fr,
                "source": p.source,
            }
            for p in s.parameters()
        ],
    }


def to_dataframe(sim: Simulation, what: str = "lines") -> pd.DataFrame:
    """``what`` = ``lines`` (one row per line), ``years`` (one row per year, families as
    columns) or ``parameters``. Amounts are floats rounded to the cent."""
    import pandas as pd

    if what == "lines":
        rows = [
            {
                "name": line.name,
                "family": line.family,
                "label_fr": line.label_fr,
                "amount": _money(line.amount_exact),
                "unit": line.unit,
                "source": line.source,
            }
            for line in sim.lines
        ]
        return pd.DataFrame(rows, columns=["name", "family", "label_fr", "amount", "unit", "source"])
    if what == "years":
        families = [f for f in FAMILIES if any(f in y.by_family for y in sim.years)]
        rows = []
        for y in sim.years:
            row = {"year": y.year}
            row.update({f: _money(y.by_family.get(f, Decimal(0))) for f in families})
            row.update(
                {
                    "total": _money(y.total),
                    "discounted_total": _money(y.discounted_total),
                    "cumulative": _money(y.cumulative),
                }
            )
            rows.append(row)
        return pd.DataFrame(rows)
    if what == "parameters":
        return pd.DataFrame(
            [
                {
                    "name": p.name,
                    "value": float(p.value),
                    "unit": p.unit,
                    "label_fr": p.label_fr,
                    "source": p.source,
                }
                for p in sim.scenario.parameters()
            ]
        )
    raise ValueError(f"what doit valoir lines, years ou parameters (reçu {what!r})")


def to_csv(
    sim: Simulation, path: str | Path | None = None, what: str = "lines", *, variant: str = exports.FRENCH
) -> str:
    """The ``what`` table (:data:`SIMULATION_TABLES`) as CSV text of ``variant`` (French by
    default, see :mod:`numeduc.exports`); written to ``path`` when given, returned in every case."""
    text = exports.csv_text(SIMULATION_TABLES[what], export_frame(sim, what), variant=variant)
    if path is not None:
        Path(path).write_bytes(text.encode("utf-8"))
    return text


def simulation_sheets(sim: Simulation) -> list[tuple[str, Table, pd.DataFrame]]:
    """The workbook of a simulation: Lignes, Années, Paramètres."""
    return [
        (sheet, SIMULATION_TABLES[what], export_frame(sim, what))
        for sheet, what in (("Lignes", "lines"), ("Années", "years"), ("Paramètres", "parameters"))
    ]


def to_xlsx(sim: Simulation, path: str | Path) -> Path:
    """Workbook with three sheets: Lignes, Années, Paramètres (French headers and words)."""
    path = Path(path)
    path.write_bytes(exports.xlsx_bytes(simulation_sheets(sim)))
    return path


# -- columns of the budget exports -------------------------------------------------------------

EURO = "€"
EURO_PER_YEAR = "€/an"
FAMILY_LABELS = dict(FAMILIES)
PRIORITY_EDUCATION_LABELS = {"none": "aucune", "REP": "REP", "REP+": "REP+"}

LINES_TABLE = Table(
    "budget-lines",
    "Lignes du budget d'un collège",
    "une ligne de coût du modèle, moyenne annuelle sur l'horizon",
    (
        Column("name", "Identifiant de la ligne", description="nom stable de la ligne dans le modèle"),
        Column("family", "Famille", labels=FAMILY_LABELS),
        Column("label_fr", "Ligne"),
        Column("amount", "Montant annuel (€)", "number", EURO_PER_YEAR, "arrondi au centime"),
        Column("unit", "Unité du montant"),
        Column("source", "Source et hypothèses"),
    ),
)


def _year_family(family: str) -> Column:
    return Column(
        family,
        f"{FAMILIES[family]} (€)",
        "number",
        EURO,
        f"dépense de l'année, famille « {FAMILIES[family]} »",
    )


YEAR_COLUMNS = (
    *(_year_family(f) for f in FAMILIES),
    Column("total", "Dépense de l'année (€)", "number", EURO),
    Column(
        "discounted_total",
        "Dépense actualisée (€)",
        "number",
        EURO,
        "valeur d'aujourd'hui de la dépense de l'année (taux d'actualisation du scénario)",
    ),
    Column(
        "cumulative",
        "Cumul actualisé (€)",
        "number",
        EURO,
        "somme des dépenses actualisées jusqu'à cette année",
    ),
)

YEARS_TABLE = Table(
    "budget-years",
    "Budget année par année",
    "une année de l'horizon, dépense par famille (0 quand la famille est absente)",
    (Column("year", "Année", "integer", "année", "1 = première année de l'horizon"), *YEAR_COLUMNS),
)

PARAMETERS_TABLE = Table(
    "budget-parameters",
    "Paramètres du scénario",
    "un paramètre du modèle et sa valeur dans le scénario",
    (
        Column("name", "Identifiant du paramètre"),
        Column("value", "Valeur", "number", description="dans l'unité de la colonne « Unité »"),
        Column("unit", "Unité"),
        Column("label_fr", "Paramètre"),
        Column("source", "Source"),
    ),
)

SIMULATION_TABLES = {"lines": LINES_TABLE, "years": YEARS_TABLE, "parameters": PARAMETERS_TABLE}

COLLEGES_TABLE = Table(
    "budget-colleges",
    "Budget par collège d'un département",
    "un collège public du département, simulé avec le scénario",
    (
        Column("uai", "Code UAI", description="identifiant national de l'établissement"),
        Column("name", "Collège"),
        Column("commune_name", "Commune"),
        Column("density_label", "Densité de la commune (Insee)"),
        Column("priority_education", "Éducation prioritaire", labels=PRIORITY_EDUCATION_LABELS),
        Column("pupils", "Élèves", "integer", "élèves"),
        Column(
            "pupils_estimated",
            "Effectif estimé",
            "boolean",
            description="oui quand l'effectif du collège est inconnu et remplacé par la moyenne",
        ),
        Column("total_per_year", "Coût annuel (€)", "number", EURO_PER_YEAR),
        Column("per_pupil_per_year", "Coût par élève (€/élève/an)", "number", "€/élève/an"),
        Column("bucket", "Tranche de coût par élève", description="tranches du livre blanc de l'ADF (2017)"),
    ),
)

BANDWIDTH_TABLE = Table(
    "budget-bandwidth",
    "Débit et wifi par collège",
    "un collège public du département",
    (
        Column("uai", "Code UAI"),
        Column("name", "Collège"),
        Column("pupils", "Élèves", "integer", "élèves"),
        Column("staff", "Personnels", "integer", "personnes", "estimés à 1 pour 10 élèves"),
        Column("strategy", "Stratégie d'équipement", labels=STRATEGIES),
        Column("users", "Usagers", "integer", "personnes", "élèves et personnels"),
        Column("baseline_mbps", "Cible court terme (Mbit/s)", "number", "Mbit/s", "100 kbit/s par usager"),
        Column("target_mbps", "Cible long terme (Mbit/s)", "number", "Mbit/s", "1 Mbit/s par usager"),
        Column("devices_present", "Appareils présents", "number", "appareils"),
        Column("clients_associated", "Appareils connectés au wifi", "number", "appareils"),
        Column("clients_active", "Appareils actifs en même temps", "number", "appareils"),
        Column("peak_mbps", "Pic estimé (Mbit/s)", "number", "Mbit/s"),
        Column("contract_mbps", "Débit à contractualiser (Mbit/s)", "number", "Mbit/s", "pic plus marge"),
        Column("access_points", "Bornes wifi", "integer", "bornes"),
        Column("access_points_coverage", "Bornes pour couvrir les salles", "integer", "bornes"),
        Column("access_points_capacity", "Bornes pour le nombre d'appareils", "integer", "bornes"),
        Column(
            "current_mbps", "Débit actuel (Mbit/s)", "number", "Mbit/s", "vide quand il n'est pas indiqué"
        ),
        Column("gap_baseline_mbps", "Écart à la cible court terme (Mbit/s)", "number", "Mbit/s"),
        Column("gap_target_mbps", "Écart à la cible long terme (Mbit/s)", "number", "Mbit/s"),
        Column("gap_contract_mbps", "Écart au débit à contractualiser (Mbit/s)", "number", "Mbit/s"),
    ),
)

TORNADO_TABLE = Table(
    "budget-sensitivity",
    "Sensibilité du total annuel à chaque paramètre",
    "un paramètre, du plus influent au moins influent",
    (
        Column("parameter", "Identifiant du paramètre"),
        Column("label_fr", "Paramètre"),
        Column("unit", "Unité"),
        Column(
            "base_value", "Valeur du scénario", "number", description="dans l'unité de la colonne « Unité »"
        ),
        Column("low_value", "Valeur basse", "number"),
        Column("high_value", "Valeur haute", "number"),
        Column("total_low", "Total annuel avec la valeur basse (€)", "number", EURO_PER_YEAR),
        Column("total_high", "Total annuel avec la valeur haute (€)", "number", EURO_PER_YEAR),
        Column("swing", "Écart entre les deux totaux (€)", "number", EURO_PER_YEAR),
        Column("range", "Origine de la fourchette", description="fourchette des sources, ou ± une variation"),
    ),
)


def export_frame(sim: Simulation, what: str) -> pd.DataFrame:
    """``to_dataframe(sim, what)`` with the columns of its table (every family in ``years``)."""
    frame = to_dataframe(sim, what)
    if what == "years":
        frame = years_with_every_family(frame)
    return frame


def years_with_every_family(frame: pd.DataFrame) -> pd.DataFrame:
    """A ``years`` frame with a column for every family (0 for the absent ones), so that the
    columns of the export do not depend on the scenario."""
    return frame.reindex(columns=[c.name for c in YEARS_TABLE.declared], fill_value=0.0)


def colleges_frame(colleges: pd.DataFrame) -> pd.DataFrame:
    """A département simulation's ``colleges`` with the columns of :data:`COLLEGES_TABLE`
    (empty where the source had no such column, e.g. an approximated département)."""
    return colleges.reindex(columns=[c.name for c in COLLEGES_TABLE.declared])


def bandwidth_frame(table: pd.DataFrame) -> pd.DataFrame:
    """``bandwidth_table``'s rows with the columns of :data:`BANDWIDTH_TABLE`."""
    return table.reindex(columns=[c.name for c in BANDWIDTH_TABLE.declared])


TABLES = (LINES_TABLE, YEARS_TABLE, PARAMETERS_TABLE, COLLEGES_TABLE, BANDWIDTH_TABLE, TORNADO_TABLE)
