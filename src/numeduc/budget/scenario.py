"""Scenarios: a strategy, simulation options and one value per parameter.

Scenarios come from built-in presets (``numeduc/content/budget/<name>.yaml``), from a user's
YAML file or from a plain dict (the web app's forms).  Validation errors are French, name the
file, the field and, for YAML files, the line.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from numeduc.budget.parameters import (
    COUNT,
    LIFETIME,
    MONEY,
    PARAMETERS,
    POSITIVE,
    RATIO,
    SHARE,
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
MODE_ALIASES = {"annualise": "annualised", "annualisé": "annualised", "annualized": "annualised", "tresorerie": "cash", "trésorerie": "cash"}

SUPPORT_MODES = {
    "none": "aucun support au-delà des lignes de maintenance",
    "internal": "techniciens internes (ratio collèges ou appareils par technicien)",
    "outsourced": "maintenance externalisée (forfait par collège)",
}
SUPPORT_ALIASES = {"aucun": "none", "interne": "internal", "externe": "outsourced", "externalise": "outsourced", "externalisé": "outsourced"}

TOP_LEVEL_KEYS = (
    "name", "label", "description", "base", "strategy", "mode", "horizon", "support",
    "state_cofunding", "indirect_costs", "cohorts", "parameters",
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
        return Parameter(name, self.values[name], spec.unit, spec.label_fr, self.sources.get(name, spec.source), spec.group)

    def parameters(self) -> list[Parameter]:
        return [self.parameter(name) for name in PARAMETERS]

    def replace(self, **changes: Any) -> "Scenario":
        """Copy with options changed and/or parameter values changed (``values={...}``), validated."""
        values = dict(self.values)
        values.update({k: _to_decimal(v) for k, v in changes.pop("values", {}).items()})
        data = _scenario_to_dict(dataclasses.replace(self, values=values, **changes), exact=True)
        return scenario_from_dict(data, source=self.origin or self.name)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON/YAML friendly) that ``scenario_from_dict`` reads back."""
        return _scenario_to_dict(self)


def _scenario_to_dict(scenario: Scenario, exact: bool = False) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for p in scenario.parameters():
        value: Any = int(p.value) if p.value == p.value.to_integral_value() else float(p.value)
        if exact:
            value = p.value
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


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise InvalidOperation("booléen")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # repr gives the shortest exact-looking literal: 0.1 -> Decimal("0.1"), not its binary expansion.
        return Decimal(repr(value))
    if isinstance(value, (int, str)):
        return Decimal(str(value).strip().replace(",", ".").replace("\u202f", "").replace(" ", ""))
    raise InvalidOperation(type(value).__name__)


# -- YAML line numbers -------------------------------------------------------------------

def _yaml_lines(text: str) -> dict[tuple[str, ...], int]:
    """Map ``("parameters", "pupils", "value")``-style paths to 1-based line numbers."""
    lines: dict[tuple[str, ...], int] = {}
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return lines

    def walk(node, path):
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, child in node.value:
                child_path = path + (str(key.value),)
                lines[child_path] = key.start_mark.line + 1
                walk(child, child_path)

    if root is not None:
        walk(root, ())
    return lines


# -- validation ---------------------------------------------------------------------------

def _choice(raw: Any, choices: Mapping[str, str], aliases: Mapping[str, str], fail, field_name: str, what: str) -> str:
    key = str(raw).strip().lower()
    key = aliases.get(key, key)
    if key not in choices:
        fail(f"{what} « {raw} » ; valeurs possibles : {', '.join(choices)}", field_name)
    return key


def _check_value(name: str, value: Decimal, fail, field_name: str) -> None:
    spec = PARAMETERS[name]
    if not value.is_finite():
        fail("la valeur doit être un nombre fini", field_name)
    if spec.kind == LIFETIME and value <= 0:
        fail(f"une durée de vie doit être strictement positive (reçu {value} {spec.unit})", field_name)
    if spec.kind == POSITIVE and value <= 0:
        fail(f"la valeur doit être strictement positive (reçu {value})", field_name)
    if spec.kind == MONEY and value < 0:
        fail(f"un prix ou un montant ne peut pas être négatif (reçu {value} {spec.unit})", field_name)
    if spec.kind in (COUNT, RATIO) and value < 0:
        fail(f"la valeur ne peut pas être négative (reçu {value})", field_name)
    if spec.kind == COUNT and value != value.to_integral_value():
        fail(f"un nombre ({spec.unit}) doit être entier (reçu {value})", field_name)
    if spec.kind == SHARE and not (0 <= value <= 1):
        fail(f"une part doit être comprise entre 0 et 1, soit 0 % et 100 % (reçu {value})", field_name)


def scenario_from_dict(data: Mapping[str, Any], *, source: str = "<dictionnaire>", _lines=None, _depth: int = 0) -> Scenario:
    """Build and validate a scenario from a dict shaped like a scenario YAML file.

    ``base`` (a preset name) gives the starting values; ``parameters`` overrides them; options
    not given keep the base's value (or the defaults).
    """
    lines = _lines or {}

    def fail(message: str, field_name: str = "") -> None:
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
            fail(f"champ inconnu ; champs possibles : {', '.join(TOP_LEVEL_KEYS)}", str(key))

    base: Scenario | None = None
    if data.get("base") is not None:
        if _depth > 5:
            fail("chaîne de « base » trop longue (boucle ?)", "base")
        try:
            base = load_preset(str(data["base"]), _depth=_depth + 1)
        except KeyError:
            fail(f"préréglage inconnu « {data['base']} » ; disponibles : {', '.join(list_presets())}", "base")

    values = dict(base.values) if base else {name: spec.default for name, spec in PARAMETERS.items()}
    sources = dict(base.sources) if base else {}

    raw_params = data.get("parameters") or {}
    if not isinstance(raw_params, Mapping):
        fail("« parameters » doit être un dictionnaire nom : valeur", "parameters")
    for name, raw in raw_params.items():
        field_name = f"parameters.{name}"
        if name not in PARAMETERS:
            close = [p for p in PARAMETERS if p.startswith(str(name)[:4])]
            hint = f" (vouliez-vous dire : {', '.join(close)} ?)" if close else ""
            fail(f"paramètre inconnu{hint}", field_name)
        spec = PARAMETERS[name]
        if isinstance(raw, Mapping):
            for key in raw:
                if key not in ("value", "unit", "source", "label"):
                    fail("clé inconnue ; clés possibles : value, unit, source, label", f"{field_name}.{key}")
            if "value" not in raw:
                fail("la clé « value » manque", field_name)
            if raw.get("unit") is not None and str(raw["unit"]) != spec.unit:
                fail(f"unité « {raw['unit']} » différente de celle du modèle « {spec.unit} »", f"{field_name}.unit")
            if raw.get("source"):
                sources[name] = str(raw["source"])
            raw_value, value_field = raw["value"], f"{field_name}.value"
        else:
            raw_value, value_field = raw, field_name
        try:
            value = _to_decimal(raw_value)
        except (InvalidOperation, ValueError):
            fail(f"nombre attendu, reçu « {raw_value} »", value_field)
        _check_value(name, value, fail, value_field)
        values[name] = value

    def option(key: str, default: Any) -> Any:
        return data[key] if data.get(key) is not None else default

    strategy = _choice(option("strategy", base.strategy if base else "classe_mobile"), STRATEGIES, STRATEGY_ALIASES, fail, "strategy", "stratégie inconnue")
    mode = _choice(option("mode", base.mode if base else "annualised"), MODES, MODE_ALIASES, fail, "mode", "mode inconnu")
    support = _choice(option("support", base.support if base else "none"), SUPPORT_MODES, SUPPORT_ALIASES, fail, "support", "organisation du support inconnue")

    def whole(key: str, default: int, minimum: int) -> int:
        raw = option(key, default)
        if isinstance(raw, bool) or not isinstance(raw, (int, str)) or not str(raw).strip().isdigit():
            fail(f"nombre entier attendu, reçu « {raw} »", key)
        number = int(str(raw).strip())
        if number < minimum:
            fail(f"doit valoir au moins {minimum} (reçu {number})", key)
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
        fail(f"oui/non attendu, reçu « {raw} »", key)
        return default

    horizon = whole("horizon", base.horizon if base else 5, 1)
    if horizon > 50:
        fail(f"horizon trop long ({horizon} ans, maximum 50)", "horizon")
    cohorts = whole("cohorts", base.cohorts if base else 1, 1)

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


def _parse_yaml(text: str, origin: str) -> tuple[Any, dict]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError(f"YAML illisible ({getattr(exc, 'problem', exc)})", origin=origin, line=line) from None
    return data, _yaml_lines(text)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("fichier introuvable", origin=str(path)) from None
    except UnicodeDecodeError:
        raise ScenarioError("le fichier n'est pas en UTF-8", origin=str(path)) from None
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
    resource = _preset_dir().joinpath(f"{name}.yaml")
    if not resource.is_file():
        raise KeyError(name)
    origin = f"préréglage {name}.yaml"
    data, lines = _parse_yaml(resource.read_text(encoding="utf-8"), origin)
    return scenario_from_dict(data, source=origin, _lines=lines, _depth=_depth)
