"""Scenarios: a strategy, simulation options and one value per parameter.

Scenarios come from built-in presets (``numeduc/content/budget/<name>.yaml``), from a user's
YAML file or from a plain dict (the web app's forms).  Validation errors are French, name the
file, the field and, for YAML files, the line.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import yaml

from numeduc import safeyaml
from numeduc.budget.parameters import (
    OPTION_SPECS,
    PARAMETERS,
    check_number,
    parse_number,
    shown_value,
    to_decimal,
)

STRATEGIES = {
    "eim": "Équipement individuel mobile (1 élève, 1 appareil)",
    "classe_mobile": "Classes mobiles partagées",
    "byod": "Appareils personnels (BYOD) et parc de prêt",
    "hybride": "Hybride : BYOD, classes mobiles et parc de prêt",
}
STRATEGY_ALIASES = {"hybrid": "hybride", "cm": "classe_mobile", "mobile_class": "classe_mobile", "1:1": "eim"}

MODES = {
    "annualised": "annualisé (investissements divisés par leur durée de vie, comme le livre blanc)",
    "cash": "trésorerie (achats l'année où ils ont lieu)",
}
MODE_ALIASES = {
    "annualise": "annualised",
    "annualisé": "annualised",
    "annualized": "annualised",
    "tresorerie": "cash",
    "trésorerie": "cash",
}

SUPPORT_MODES = {
    "none": "aucun support au-delà des lignes de maintenance",
    "internal": "techniciens internes (ratio collèges ou appareils par technicien)",
    "outsourced": "maintenance externalisée (forfait par collège)",
}
SUPPORT_ALIASES = {
    "aucun": "none",
    "interne": "internal",
    "externe": "outsourced",
    "externalise": "outsourced",
    "externalisé": "outsourced",
}

TOP_LEVEL_KEYS = (
    "name",
    "label",
    "description",
    "base",
    "strategy",
    "mode",
    "horizon",
    "support",
    "state_cofunding",
    "indirect_costs",
    "cohorts",
    "parameters",
)
PRESET_PACKAGE_DIR = ("content", "budget")
# The preset that reproduces the ADF white paper's cost table (45 451,43 €/an): the default basis.
WHITE_PAPER_PRESET = "livre-blanc-2017"


class ScenarioError(ValueError):
    """Invalid scenario; the message is French and names the file, the field and the line."""

    def __init__(self, message: str, *, origin: str = "", field: str = "", line: int | None = None):
        self.origin = origin
        self.field = field
        self.line = line
        where = origin or "scénario"
        if line is not None:
            where += f", ligne {line}"
        if field:
            where += f", champ « {field} »"
        super().__init__(f"{where} : {message}")
        self.detail = message


@dataclass(frozen=True)
class Parameter:
    """One parameter's value in a scenario, with its unit and source."""

    name: str
    value: Decimal
    unit: str
    label_fr: str
    source: str
    group: str


@dataclass(frozen=True)
class Scenario:
    """Everything a simulation needs. Values are Decimals so that sums are exact."""

    name: str
    values: Mapping[str, Decimal]
    strategy: str = "classe_mobile"
    mode: str = "annualised"
    horizon: int = 5
    support: str = "none"
    state_cofunding: bool = False
    indirect_costs: bool = False
    cohorts: int = 1
    label: str = ""
    description: str = ""
    sources: Mapping[str, str] = field(default_factory=dict)
    origin: str = ""

    def __post_init__(self) -> None:
        # Missing parameters take their default; the mapping is read-only so that a scenario
        # shared between a simulation and a web form cannot change under the simulation's feet.
        merged = {name: spec.default for name, spec in PARAMETERS.items()}
        merged.update(self.values)
        object.__setattr__(self, "values", MappingProxyType(merged))
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))

    def __getitem__(self, name: str) -> Decimal:
        return self.values[name]

    def parameter(self, name: str) -> Parameter:
        spec = PARAMETERS[name]
        return Parameter(
            name, self.values[name], spec.unit, spec.label_fr, self.sources.get(name, spec.source), spec.group
        )

    def parameters(self) -> list[Parameter]:
        return [self.parameter(name) for name in PARAMETERS]

    def replace(self, **changes: Any) -> Scenario:
        """Copy with options changed and/or parameter values changed (``values={...}``), validated."""
        values = dict(self.values)
        # Raw values: scenario_from_dict converts and checks them (a French ScenarioError, never
        # a decimal exception).
        values.update(changes.pop("values", {}))
        data = _scenario_to_dict(dataclasses.replace(self, values=values, **changes), exact=True)
        return scenario_from_dict(data, source=self.origin or self.name)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON/YAML friendly) that ``scenario_from_dict`` reads back."""
        return _scenario_to_dict(self)


def _scenario_to_dict(scenario: Scenario, exact: bool = False) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for p in scenario.parameters():
        if exact:
            value: Any = p.value
        else:
            value = int(p.value) if p.value == p.value.to_integral_value() else float(p.value)
        params[p.name] = {"value": value, "unit": p.unit, "source": p.source}
    return {
        "name": scenario.name,
        "label": scenario.label,
        "description": scenario.description,
        "strategy": scenario.strategy,
        "mode": scenario.mode,
        "horizon": scenario.horizon,
        "support": scenario.support,
        "state_cofunding": scenario.state_cofunding,
        "indirect_costs": scenario.indirect_costs,
        "cohorts": scenario.cohorts,
        "parameters": params,
    }


# Kept under its old name: ``Scenario.replace`` and callers convert with it.
_to_decimal = to_decimal


# -- YAML line numbers -------------------------------------------------------------------


def _yaml_lines(text: str) -> dict[tuple[str, ...], int]:
    """Map ``("parameters", "pupils", "value")``-style paths to 1-based line numbers."""
    lines: dict[tuple[str, ...], int] = {}
    try:
        # The text has been accepted by safeyaml (or by the JSON parser): compose it the same
        # bounded way, without recursion.
        root = safeyaml.compose_safely(text, max_bytes=MAX_SCENARIO_BYTES, max_depth=MAX_SCENARIO_DEPTH)
    except (safeyaml.UnsafeYamlError, yaml.YAMLError, ValueError, RecursionError):
        return lines

    def walk(node, path):
        if len(path) > MAX_SCENARIO_DEPTH:  # deeper than any scenario field: no line needed
            return
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, child in node.value:
                child_path = path + (shown_value(key.value),)
                lines[child_path] = key.start_mark.line + 1
                walk(child, child_path)

    if root is not None:
        walk(root, ())
    return lines


# -- validation ---------------------------------------------------------------------------

OPTION_LABELS = {
    "name": "Nom",
    "label": "Libellé",
    "description": "Description",
    "base": "Préréglage de départ",
    "strategy": "Stratégie d'équipement",
    "mode": "Mode de calcul",
    "support": "Support technique",
    "state_cofunding": "Cofinancement de l'État",
    "indirect_costs": "Coûts indirects",
    "horizon": OPTION_SPECS["horizon"].label_fr,
    "cohorts": OPTION_SPECS["cohorts"].label_fr,
    "parameters": "Paramètres",
}
# A whole number option has at most a few digits; a longer text is refused before int()
# (Python refuses to convert more than 4 300 digits, with a ValueError).
_MAX_OPTION_DIGITS = 30


def _choice(
    raw: Any, choices: Mapping[str, str], aliases: Mapping[str, str], fail, field_name: str, what: str
) -> str:
    key = str(raw).strip().lower()
    key = aliases.get(key, key)
    if key not in choices:
        fail(
            f"{OPTION_LABELS[field_name]} : {what} « {shown_value(raw)} » ; valeurs possibles : {', '.join(choices)}",
            field_name,
        )
    return key


def whole_option(key: str, raw: Any) -> tuple[int | None, str | None]:
    """A whole-number option (``horizon``, ``cohorts``) checked against its bounds:
    ``(number, None)`` or ``(None, French message)``."""
    spec = OPTION_SPECS[key]
    text = str(raw).strip() if isinstance(raw, (int, str)) and not isinstance(raw, bool) else None
    if (
        text is None
        or not text.isascii()
        or not text.lstrip("+-").isdigit()
        or text.count("+") + text.count("-") > 1
        or text[-1:] in "+-"
    ):
        return (
            None,
            f"{spec.label_fr} : nombre entier attendu, reçu « {shown_value(raw)} » "
            f"(entre {spec.minimum} et {spec.maximum} {spec.unit})",
        )
    if len(text.lstrip("+-0")) > _MAX_OPTION_DIGITS:
        sign = "-" if text.startswith("-") else ""
        return None, (
            f"{spec.label_fr} : {sign}{shown_value(text.lstrip('+-'))} {spec.unit}, "
            f"{'minimum ' + str(spec.minimum) if sign else 'maximum ' + str(spec.maximum)} {spec.unit}"
        )
    number = int(text)
    problem = check_number(spec, Decimal(number))
    return (None, problem) if problem else (number, None)


def check_scenario(scenario: Scenario, *, allow_no_pupils: bool = False) -> None:
    """Refuse (``ScenarioError``) a scenario built in code (``Scenario(...)``,
    ``dataclasses.replace``) whose values or options are outside their domain: the engine's
    entry points call it, so that no figure comes from an impossible input.

    ``allow_no_pupils``: a real collège of a département's data may have no pupil enrolled
    (its buildings still cost); only ``simulate_departement`` passes it."""
    origin = scenario.origin or f"scénario « {scenario.name} »"
    for name, spec in PARAMETERS.items():
        value = scenario.values.get(name)
        if not isinstance(value, Decimal):
            raise ScenarioError(
                f"{spec.label_fr} : nombre attendu, reçu « {shown_value(value)} »",
                origin=origin,
                field=f"parameters.{name}",
            )
        if allow_no_pupils and name == "pupils" and value == 0:
            continue
        problem = check_number(spec, value)
        if problem:
            raise ScenarioError(problem, origin=origin, field=f"parameters.{name}")
    for key, choices in (("strategy", STRATEGIES), ("mode", MODES), ("support", SUPPORT_MODES)):
        if getattr(scenario, key) not in choices:
            raise ScenarioError(
                f"{OPTION_LABELS[key]} : valeur inconnue « {shown_value(getattr(scenario, key))} » ; "
                f"valeurs possibles : {', '.join(choices)}",
                origin=origin,
                field=key,
            )
    for key in ("horizon", "cohorts"):
        raw = getattr(scenario, key)
        number, problem = (
            whole_option(key, raw) if isinstance(raw, int) and not isinstance(raw, bool) else (None, None)
        )
        if problem or number is None:
            raise ScenarioError(
                problem or f"{OPTION_LABELS[key]} : nombre entier attendu, reçu « {shown_value(raw)} »",
                origin=origin,
                field=key,
            )


def scenario_from_dict(
    data: Mapping[str, Any], *, source: str = "<dictionnaire>", _lines=None, _depth: int = 0
) -> Scenario:
    """Build and validate a scenario from a dict shaped like a scenario YAML file.

    ``base`` (a preset name) gives the starting values; ``parameters`` overrides them; options
    not given keep the base's value (or the defaults).  Every number is checked against its
    bounds (``numeduc.budget.parameters``); every message starts with the field's French label.
    """
    lines = _lines or {}

    def fail(message: str, field_name: str = "") -> NoReturn:
        path = tuple(field_name.split(".")) if field_name else ()
        line = lines.get(path)
        while line is None and path:
            path = path[:-1]
            line = lines.get(path) if path else None
        raise ScenarioError(message, origin=source, field=field_name, line=line)

    if not isinstance(data, Mapping):
        fail("le scénario doit être un dictionnaire de champs (clé : valeur)")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            fail(f"champ inconnu ; champs possibles : {', '.join(TOP_LEVEL_KEYS)}", shown_value(key))

    base: Scenario | None = None
    if data.get("base") is not None:
        presets = list_presets()
        # Only a preset's own name: « base » must not reach another file of the package.
        if not isinstance(data["base"], str) or data["base"] not in presets:
            fail(
                f"Préréglage de départ : préréglage inconnu « {shown_value(data['base'])} » ; "
                f"disponibles : {', '.join(presets)}",
                "base",
            )
        if _depth > 5:
            fail("Préréglage de départ : chaîne de « base » trop longue (boucle ?)", "base")
        base = load_preset(data["base"], _depth=_depth + 1)

    values = dict(base.values) if base else {name: spec.default for name, spec in PARAMETERS.items()}
    sources = dict(base.sources) if base else {}

    raw_params = data.get("parameters") or {}
    if not isinstance(raw_params, Mapping):
        fail("Paramètres : « parameters » doit être un dictionnaire nom : valeur", "parameters")
    for name, raw in raw_params.items():
        field_name = f"parameters.{shown_value(name)}"
        if not isinstance(name, str) or name not in PARAMETERS:
            close = [p for p in PARAMETERS if p.startswith(str(name)[:4])]
            hint = f" (vouliez-vous dire : {', '.join(close)} ?)" if close else ""
            fail(f"paramètre inconnu{hint}", field_name)
        spec = PARAMETERS[name]
        if isinstance(raw, Mapping):
            for key in raw:
                if key not in ("value", "unit", "source", "label"):
                    fail(
                        f"{spec.label_fr} : clé inconnue ; clés possibles : value, unit, source, label",
                        f"{field_name}.{shown_value(key)}",
                    )
            if "value" not in raw:
                fail(f"{spec.label_fr} : la clé « value » manque", field_name)
            if raw.get("unit") is not None and str(raw["unit"]) != spec.unit:
                fail(
                    f"{spec.label_fr} : unité « {shown_value(raw['unit'])} » "
                    f"différente de celle du modèle « {spec.unit} »",
                    f"{field_name}.unit",
                )
            if raw.get("source"):
                sources[name] = str(raw["source"])
            raw_value, value_field = raw["value"], f"{field_name}.value"
        else:
            raw_value, value_field = raw, field_name
        value, problem = parse_number(spec, raw_value)
        if problem or value is None:
            fail(problem or "", value_field)
        values[name] = value

    def option(key: str, default: Any) -> Any:
        return data[key] if data.get(key) is not None else default

    strategy = _choice(
        option("strategy", base.strategy if base else "classe_mobile"),
        STRATEGIES,
        STRATEGY_ALIASES,
        fail,
        "strategy",
        "stratégie inconnue",
    )
    mode = _choice(
        option("mode", base.mode if base else "annualised"), MODES, MODE_ALIASES, fail, "mode", "mode inconnu"
    )
    support = _choice(
        option("support", base.support if base else "none"),
        SUPPORT_MODES,
        SUPPORT_ALIASES,
        fail,
        "support",
        "organisation du support inconnue",
    )

    def whole(key: str, default: int) -> int:
        number, problem = whole_option(key, option(key, default))
        if problem or number is None:
            fail(problem or "", key)
        return number

    def flag(key: str, default: bool) -> bool:
        raw = option(key, default)
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("oui", "vrai", "true", "yes", "1"):
            return True
        if text in ("non", "faux", "false", "no", "0"):
            return False
        fail(f"{OPTION_LABELS[key]} : oui/non attendu, reçu « {shown_value(raw)} »", key)
        return default

    horizon = whole("horizon", base.horizon if base else 5)
    cohorts = whole("cohorts", base.cohorts if base else 1)

    return Scenario(
        name=str(option("name", base.name if base else Path(source).stem)),
        label=str(option("label", base.label if base else "")),
        description=str(option("description", base.description if base else "")),
        strategy=strategy,
        mode=mode,
        horizon=horizon,
        support=support,
        state_cofunding=flag("state_cofunding", base.state_cofunding if base else False),
        indirect_costs=flag("indirect_costs", base.indirect_costs if base else False),
        cohorts=cohorts,
        values=values,
        sources=sources,
        origin=source,
    )


# A scenario file is a few kilobytes; refuse what cannot be one before parsing it.
MAX_SCENARIO_BYTES = 256 * 1024
MAX_SCENARIO_DEPTH = 20


def _yaml_problem_line(exc: Exception) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        return mark.line + 1
    return getattr(exc, "line", None)


def _parse_yaml(text: str, origin: str) -> tuple[Any, dict]:
    # numeduc.safeyaml bounds the size and the nesting and refuses aliases before anything is
    # built (yaml.safe_load would expand a « billion laughs » or overflow the stack).
    try:
        data = safeyaml.safe_load(
            text,
            source=origin,
            max_bytes=MAX_SCENARIO_BYTES,
            max_depth=MAX_SCENARIO_DEPTH,
            allow_aliases=False,
        )
    except safeyaml.UnsafeYamlError as exc:
        raise ScenarioError(exc.problem, origin=origin, line=exc.line) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:  # pragma: no cover
        # safeyaml promises only UnsafeYamlError; this keeps a French message if a PyYAML
        # constructor lets another error through.
        raise ScenarioError(
            f"YAML refusé ({shown_value(exc, 200)})", origin=origin, line=_yaml_problem_line(exc)
        ) from None
    return data, _yaml_lines(text)


def _parse_json(text: str, origin: str) -> tuple[Any, dict]:
    import json

    if len(text.encode("utf-8")) > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            f"fichier trop gros pour un scénario (plus de {MAX_SCENARIO_BYTES // 1024} Kio)", origin=origin
        )

    def constant(name: str):
        raise ValueError(f"{name} n'est pas un nombre JSON valide")

    try:
        data = json.loads(text, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"JSON illisible ({exc.msg})", origin=origin, line=exc.lineno) from None
    except (ValueError, RecursionError) as exc:
        raise ScenarioError(f"JSON refusé ({shown_value(exc, 200)})", origin=origin) from None
    return data, _yaml_lines(text)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file: YAML, or JSON when its name ends with ``.json``."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                f"fichier trop gros pour un scénario (plus de {MAX_SCENARIO_BYTES // 1024} Kio)",
                origin=str(path),
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("fichier introuvable", origin=str(path)) from None
    except IsADirectoryError:
        raise ScenarioError("c'est un dossier, pas un fichier de scénario", origin=str(path)) from None
    except UnicodeDecodeError:
        raise ScenarioError("le fichier n'est pas en UTF-8", origin=str(path)) from None
    except OSError as exc:
        raise ScenarioError(f"fichier illisible ({exc.strerror or exc})", origin=str(path)) from None
    if path.suffix.lower() == ".json":
        data, lines = _parse_json(text, str(path))
    else:
        data, lines = _parse_yaml(text, str(path))
    if data is None:
        raise ScenarioError("fichier vide", origin=str(path))
    return scenario_from_dict(data, source=str(path), _lines=lines)


def _preset_dir():
    import numeduc

    return resources.files(numeduc).joinpath(*PRESET_PACKAGE_DIR)


def list_presets() -> list[str]:
    """Names of the built-in presets (file names without ``.yaml``)."""
    return sorted(p.name[: -len(".yaml")] for p in _preset_dir().iterdir() if p.name.endswith(".yaml"))


def load_preset(name: str, *, _depth: int = 0) -> Scenario:
    """A built-in preset, e.g. ``livre-blanc-2017``. Raises KeyError if unknown."""
    if not isinstance(name, str) or name not in list_presets():
        # Only the presets' own names: a name like "../x" must not reach another file.
        raise KeyError(name)
    return _load_preset(name, _depth)


@functools.lru_cache(maxsize=32)
def _load_preset(name: str, depth: int) -> Scenario:
    # Presets are package files and a Scenario is read-only: parse each once per process
    # (the web form lists every preset on each page).
    resource = _preset_dir().joinpath(f"{name}.yaml")
    origin = f"préréglage {name}.yaml"
    data, lines = _parse_yaml(resource.read_text(encoding="utf-8"), origin)
    return scenario_from_dict(data, source=origin, _lines=lines, _depth=depth)
