"""Charts of the budget pages (``numeduc.charts``), built from engine results."""

from __future__ import annotations

from django.utils.safestring import mark_safe

from numeduc import budget, charts
from numeduc.formatting import fr_euro, fr_number

from .data import BANDS, Positioning, ScenarioResult


def euros(value):
    return fr_euro(value, 0) if value is not None else "—"


def euros_cents(value):
    return fr_euro(value, 2) if value is not None else "—"


def html(chart) -> str:
    return mark_safe(chart.figure_html())


def short(result: ScenarioResult, index: int) -> str:
    name = result.scenario.name
    return f"{chr(65 + index)}. {name if len(name) <= 28 else name[:27] + '…'}"


def family_bars(
    results: list[ScenarioResult], *, per_pupil: bool, demo: bool, id_prefix: str = "familles"
) -> str:
    """Stacked bars: one bar per scenario and year, one segment per budget family."""
    families = [f for f in budget.FAMILIES if any(f in r.families for r in results)]
    categories, columns = [], []
    for i, r in enumerate(results):
        for y in r.years:
            label = f"{chr(65 + i)} · an {y.year}" if len(results) > 1 else f"Année {y.year}"
            categories.append(label)
            columns.append((r, y))
    series = []
    for f in families:
        values = []
        for r, y in columns:
            v = float(y.by_family.get(f, 0))
            values.append(v / r.pupils if per_pupil and r.pupils else v)
        series.append(charts.Series(budget.FAMILIES[f], values))
    unit = "€/élève" if per_pupil else "€"
    chart = charts.bar(
        categories,
        series,
        stacked=True,
        unit=unit,
        value_format=(lambda v: fr_euro(v, 2) if v is not None else "—") if per_pupil else euros,
        title="Dépenses par famille budgétaire et par année" + (" (par élève)" if per_pupil else ""),
        id_prefix=id_prefix,
        demo=demo,
        value_labels=False,
        category_header="Scénario et année",
        axis_label="€ par élève et par an" if per_pupil else "€ par an (non actualisés)",
    )
    return html(chart)


def per_pupil_bars(results: list[ScenarioResult], *, demo: bool) -> str:
    chart = charts.bar(
        [short(r, i) for i, r in enumerate(results)],
        [
            charts.Series(
                "Coût par élève et par an", [float(r.per_pupil_per_year) for r in results], "primary"
            )
        ],
        horizontal=True,
        unit="€/élève/an",
        value_format=euros_cents,
        title="Coût par élève et par an",
        id_prefix="par-eleve",
        demo=demo,
        category_header="Scénario",
    )
    return html(chart)


def cumulative_lines(results: list[ScenarioResult], *, demo: bool, per_pupil: bool = False) -> str:
    horizon = max(len(r.years) for r in results)
    series = []
    for i, r in enumerate(results):
        divisor = r.pupils if per_pupil and r.pupils else 1
        values = [float(y.cumulative) / divisor for y in r.years] + [None] * (horizon - len(r.years))
        series.append(charts.Series(short(r, i) if len(results) > 1 else r.scenario.name, values))
    chart = charts.line(
        [f"an {y}" for y in range(1, horizon + 1)],
        series,
        unit="€/élève" if per_pupil else "€",
        value_format=euros_cents if per_pupil else euros,
        title="Coût cumulé sur l'horizon (actualisé)" + (", par élève" if per_pupil else ""),
        id_prefix="cumul",
        demo=demo,
        x_header="Année",
        axis_label="€ cumulés par élève" if per_pupil else "€ cumulés",
    )
    return html(chart)


def tornado_chart(
    result: ScenarioResult, bars: list[budget.TornadoBar], pupils: int | None, *, demo: bool
) -> str:
    base = budget.simulate(result.engine if pupils is None else _mean_engine(result, pupils)).total_per_year
    items = [
        (
            f"{b.label_fr} ({fr_number(float(b.low_value), 2 if b.low_value % 1 else 0)} à "
            f"{fr_number(float(b.high_value), 2 if b.high_value % 1 else 0)} {b.unit})",
            float(b.total_low),
            float(b.total_high),
        )
        for b in bars
    ]
    who = (
        f"un collège de {fr_number(pupils)} élèves (effectif moyen du département)"
        if pupils
        else "le collège type"
    )
    chart = charts.tornado(
        items,
        float(base),
        unit="€",
        value_format=euros,
        title=f"Sensibilité du total annuel aux paramètres — {result.scenario.name}, {who}",
        id_prefix="tornade",
        demo=demo,
    )
    return html(chart)


def _mean_engine(result: ScenarioResult, pupils: int):
    from numeduc.budget import scaled_to_pupils

    return scaled_to_pupils(result.engine, pupils, result.scenario.scale_equipment)


def positioning_chart(pos: Positioning, markers: list[tuple[str, float]], *, demo: bool, name_of: str) -> str:
    """``name_of``: the département in its « de » form (« du Loiret », ``Departement.name_of``)."""
    bands = [charts.Band(label, lower, upper, pos.shares[label]) for label, lower, upper in BANDS]
    styles = ["primary", "secondary", "tertiary", "quaternary", "reference"]
    marks = [charts.Marker(label, value, styles[i % len(styles)]) for i, (label, value) in enumerate(markers)]
    chart = charts.distribution_strip(
        bands,
        marks,
        unit="€/élève/an",
        value_format=euros_cents,
        title=f"Budget par élève {name_of} dans la distribution nationale ({pos.n} réponses, {pos.campaign.year})",
        id_prefix="position",
        demo=demo,
        population_label="départements répondants",
        source=f"Autodiagnostic {pos.campaign.year} : budget d'investissement + budget de fonctionnement par élève",
    )
    return html(chart)


FLEET_SOURCE = "inventaire de la gestion de flotte (MDM) ; durées de vie et prix : paramètres du budget"


def _smoothed_label(years: int) -> str:
    return f"Lissé sur {years} ans"


def fleet_renewal_bars(section, *, demo: bool, name_of: str) -> str:
    """The measured fleet's renewal investment by year, at the due date and smoothed
    (``presenters.FleetCash``); one series only without smoothing."""
    plan = section.view.plan
    series = [charts.Series("À l'échéance", [float(v) for v in plan["investment_eur"]], "primary")]
    if section.smoothing_years > 1:
        series.append(
            charts.Series(
                _smoothed_label(section.smoothing_years),
                [float(v) for v in plan["smoothed_investment_eur"]],
                "secondary",
            )
        )
    chart = charts.bar(
        [str(y) for y in plan["year"]],
        series,
        unit="€",
        value_format=euros,
        title=f"Renouvellement du parc mesuré {name_of} : investissement par année",
        id_prefix="parc-renouvellement",
        demo=demo,
        source=FLEET_SOURCE,
        category_header="Année",
        axis_label="€ par an (non actualisés)",
        value_labels=False,
    )
    return html(chart)


def fleet_scenario_bars(section, *, demo: bool) -> str:
    """Mobile equipment by year: the measured fleet (due date, smoothed) beside the cash-mode
    scenario's line « Équipements mobiles »."""
    mobile = section.view.mobile
    years = [int(y) for y in mobile["year"]]
    scenario_years = section.scenario_years or {}
    values = [scenario_years.get(y) for y in years]
    series = [
        charts.Series("Parc mesuré, à l'échéance", [float(v) for v in mobile["investment_eur"]], "primary")
    ]
    if section.smoothing_years > 1:
        series.append(
            charts.Series(
                f"Parc mesuré, {_smoothed_label(section.smoothing_years).lower()}",
                [float(v) for v in mobile["smoothed_investment_eur"]],
                "secondary",
            )
        )
    series.append(
        charts.Series(
            f"Scénario « {section.scenario.name} » (modèle)",
            [None if v is None else float(v) for v in values],
            "tertiary",
        )
    )
    chart = charts.bar(
        [str(y) for y in years],
        series,
        unit="€",
        value_format=euros,
        title="Équipements mobiles par année : parc mesuré et scénario en mode trésorerie",
        id_prefix="parc-scenario",
        demo=demo,
        source=FLEET_SOURCE + " ; scénario : moteur de budget",
        category_header="Année",
        axis_label="€ par an (non actualisés)",
        value_labels=False,
    )
    return html(chart)
