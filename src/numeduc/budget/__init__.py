"""Budget and bandwidth planner for collèges (pure core: no Django).

Typical use::

    from numeduc import budget
    sim = budget.simulate(budget.load_preset("livre-blanc-2017"))
    sim.total_per_year          # Decimal("45451.43")
    sim.per_pupil_per_year      # Decimal("113.63")

See ``docs/budget.md`` for the model, its parameters and their sources.
"""

from numeduc.budget.bandwidth import (
    BandwidthResult,
    bandwidth,
    bandwidth_table,
    scenario_bandwidth,
)
from numeduc.budget.departement import (
    DepartementSimulation,
    scaled_to_pupils,
    simulate_college,
    simulate_departement,
)
from numeduc.budget.export import simulation_to_dict, to_csv, to_dataframe, to_xlsx
from numeduc.budget.model import (
    FAMILIES,
    LINE_DEFINITIONS,
    Fleet,
    Line,
    Simulation,
    YearResult,
    cents,
    fleet,
    simulate,
    year_lines,
)
from numeduc.budget.parameters import (
    PARAMETER_SPECS,
    PARAMETERS,
    ParameterSpec,
    check_number,
    parse_number,
)
from numeduc.budget.scenario import (
    MODES,
    STRATEGIES,
    SUPPORT_MODES,
    WHITE_PAPER_PRESET,
    Parameter,
    Scenario,
    ScenarioError,
    check_scenario,
    list_presets,
    load_preset,
    load_scenario,
    scenario_from_dict,
)
from numeduc.budget.sensitivity import TornadoBar, tornado

__all__ = [
    "BandwidthResult",
    "DepartementSimulation",
    "TornadoBar",
    "bandwidth",
    "bandwidth_table",
    "scaled_to_pupils",
    "scenario_bandwidth",
    "simulate_college",
    "simulate_departement",
    "tornado",
    "check_number",
    "check_scenario",
    "parse_number",
    "FAMILIES",
    "LINE_DEFINITIONS",
    "MODES",
    "PARAMETERS",
    "PARAMETER_SPECS",
    "STRATEGIES",
    "SUPPORT_MODES",
    "Fleet",
    "Line",
    "Parameter",
    "ParameterSpec",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "YearResult",
    "WHITE_PAPER_PRESET",
    "cents",
    "fleet",
    "list_presets",
    "load_preset",
    "load_scenario",
    "scenario_from_dict",
    "simulate",
    "simulation_to_dict",
    "to_csv",
    "to_dataframe",
    "to_xlsx",
    "year_lines",
]
