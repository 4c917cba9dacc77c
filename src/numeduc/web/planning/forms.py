"""The scenario form: options, then one field per engine parameter grouped by budget family.

Every value goes through the engine's own validation (``numeduc.budget.scenario_from_dict``);
its French messages are shown next to the field they name.
"""

from __future__ import annotations

import math
from decimal import Decimal

from django import forms

from numeduc import budget
from numeduc.budget.parameters import GROUP_LABELS_FR, SHARE

from .models import Scenario

PARAM_PREFIX = "p_"
OPTION_FIELDS = ("strategy", "mode", "horizon", "support", "state_cofunding", "indirect_costs", "cohorts")


def preset_choices() -> list[tuple[str, str]]:
    choices = []
    for name in budget.list_presets():
        preset = budget.load_preset(name)
        choices.append((name, f"{preset.label or name} ({name})"))
    return choices


def fr_input(value: Decimal) -> str:
    """A value as the form shows it: decimal comma, no thousands separator, no trailing zeros."""
    return format(value.normalize(), "f").replace(".", ",")


class ScenarioForm(forms.Form):
    name = forms.CharField(label="Nom du scénario", max_length=120)
    base_preset = forms.ChoiceField(
        label="Préréglage de départ",
        help_text="les valeurs affichées ci-dessous sont gardées si vous changez de préréglage ici ; seules celles "
                  "qui diffèrent du préréglage sont enregistrées comme modifications")
    scope = forms.ChoiceField(label="Périmètre", choices=Scenario.Scope.choices)
    strategy = forms.ChoiceField(label="Stratégie d'équipement", choices=list(budget.STRATEGIES.items()))
    mode = forms.ChoiceField(label="Mode de calcul", choices=list(budget.MODES.items()))
    horizon = forms.CharField(label="Horizon", max_length=4, help_text="années simulées (1 à 50)")
    support = forms.ChoiceField(label="Support technique", choices=list(budget.SUPPORT_MODES.items()))
    cohorts = forms.CharField(label="Cohortes d'équipement", max_length=3,
                              help_text="mode trésorerie : premier équipement réparti sur ce nombre d'années")
    state_cofunding = forms.BooleanField(label="Cofinancement de l'État (stratégie EIM, plan numérique 2016-2018)", required=False)
    indirect_costs = forms.BooleanField(label="Compter les coûts indirects (temps d'enseignement perdu)", required=False)
    scale_equipment = forms.BooleanField(
        label="Équipement proportionnel à l'effectif de chaque collège (postes, salles, bornes, TBI, chariots)",
        required=False)
    current_mbps = forms.CharField(label="Débit internet actuel de chaque collège", required=False, max_length=12,
                                   help_text="Mbit/s ; laissez vide s'il est inconnu")
    description = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, base: budget.Scenario, **kwargs):
        super().__init__(*args, **kwargs)
        self.base = base
        self.fields["base_preset"].choices = preset_choices()
        self.fields["scope"].widget.attrs["aria-describedby"] = "scope-help"
        for p in base.parameters():
            spec = budget.PARAMETERS[p.name]
            unit = p.unit + (" (entre 0 et 1)" if spec.kind == SHARE else "")
            field = forms.CharField(label=p.label_fr, max_length=24, help_text=unit)
            field.widget.attrs.update({"inputmode": "decimal", "size": 10})
            field.unit = unit
            field.source = p.source
            field.group = p.group
            field.parameter = p.name
            self.fields[PARAM_PREFIX + p.name] = field
        self.engine_scenario: budget.Scenario | None = None

    # -- layout helpers used by the template
    def groups(self):
        groups: dict[str, list] = {}
        for name, field in self.fields.items():
            if name.startswith(PARAM_PREFIX):
                groups.setdefault(field.group, []).append(self[name])
        return [(key, GROUP_LABELS_FR.get(key, key), fields) for key, fields in groups.items()]

    def option_fields(self):
        return [self[name] for name in ("strategy", "mode", "horizon", "support", "cohorts", "state_cofunding",
                                        "indirect_costs", "scale_equipment", "current_mbps")]

    @staticmethod
    def initial_from(engine: budget.Scenario, scenario: Scenario | None = None, **extra) -> dict:
        initial = {
            "strategy": engine.strategy, "mode": engine.mode, "horizon": str(engine.horizon), "support": engine.support,
            "cohorts": str(engine.cohorts), "state_cofunding": engine.state_cofunding,
            "indirect_costs": engine.indirect_costs,
        }
        initial.update({PARAM_PREFIX + name: fr_input(value) for name, value in engine.values.items()})
        if scenario is not None:
            initial.update({"name": scenario.name, "base_preset": scenario.base_preset, "scope": scenario.scope,
                            "scale_equipment": scenario.scale_equipment, "description": scenario.description,
                            "current_mbps": "" if scenario.current_mbps is None else fr_input(Decimal(repr(scenario.current_mbps)))})
        initial.update(extra)
        return initial

    def full_clean(self):
        super().full_clean()
        # Screen readers announce the field as invalid and read its message.
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}-error"})

    def _engine_error(self, error: budget.ScenarioError) -> None:
        parts = error.field.split(".")
        if parts[0] == "parameters" and len(parts) > 1 and PARAM_PREFIX + parts[1] in self.fields:
            name = PARAM_PREFIX + parts[1]
        elif error.field in self.fields:
            name = error.field
        else:
            self.add_error(None, str(error))
            return
        self.add_error(name, f"{self.fields[name].label} : {error.detail}")

    def clean_current_mbps(self):
        raw = (self.cleaned_data.get("current_mbps") or "").strip()
        if not raw:
            return None
        try:
            value = float(raw.replace(",", ".").replace("\u202f", "").replace(" ", ""))
        except ValueError:
            raise forms.ValidationError(f"Débit internet actuel : nombre attendu, reçu « {raw} »") from None
        if not math.isfinite(value) or value < 0:
            raise forms.ValidationError(f"Débit internet actuel : un débit est un nombre positif ou nul (reçu « {raw} »)")
        return value

    def clean(self):
        data = super().clean()
        base_name = data.get("base_preset")
        if not base_name:
            return data
        base = budget.load_preset(base_name)
        overrides = {}
        # Each parameter alone first, so that every wrong field is reported at once.
        for name in budget.PARAMETERS:
            field = PARAM_PREFIX + name
            if field not in data:
                continue
            try:
                checked = budget.scenario_from_dict({"parameters": {name: data[field]}}, source="formulaire")
            except budget.ScenarioError as error:
                self._engine_error(error)
                continue
            if checked[name] != base[name]:
                overrides[name] = str(checked[name])
        if self.errors:
            return data
        engine_data = {
            "name": "formulaire", "label": data.get("name", ""), "base": base_name,
            "parameters": overrides, **{key: data.get(key) for key in OPTION_FIELDS},
        }
        try:
            self.engine_scenario = budget.scenario_from_dict(engine_data, source="formulaire")
        except budget.ScenarioError as error:
            self._engine_error(error)
            return data
        data["overrides"] = overrides
        return data

    def save(self, scenario: Scenario) -> Scenario:
        """Copy the validated values into ``scenario`` (not saved: the view saves)."""
        data, engine = self.cleaned_data, self.engine_scenario
        scenario.name = data["name"]
        scenario.base_preset = data["base_preset"]
        scenario.scope = data["scope"]
        scenario.strategy = engine.strategy
        scenario.mode = engine.mode
        scenario.horizon = engine.horizon
        scenario.support = engine.support
        scenario.cohorts = engine.cohorts
        scenario.state_cofunding = engine.state_cofunding
        scenario.indirect_costs = engine.indirect_costs
        scenario.scale_equipment = data.get("scale_equipment", False)
        scenario.current_mbps = data.get("current_mbps")
        scenario.description = data.get("description", "")
        scenario.parameters = data["overrides"]
        return scenario
