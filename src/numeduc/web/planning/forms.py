"""The scenario form: options, then one field per engine parameter grouped by budget family.

Every value goes through the engine's own validation (the bounds of
``numeduc.budget.parameters`` and ``numeduc.budget.scenario_from_dict``); its French messages,
which name the field's label, the value and the bound, are shown next to the field, all at once.
One pass finds every error: each field alone, then the checks across fields (the engine's, and
scaled equipment against the département's largest collège) on the fields that are valid, so
that a person corrects everything in one go. Every message starts with the field's label
(``« Label : … »``), in the summary at the top as next to the field.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django import forms

from numeduc import budget
from numeduc.budget.departement import scaled_to_pupils
from numeduc.budget.parameters import (
    BANDWIDTH_SPECS,
    GROUP_LABELS_FR,
    OPTION_SPECS,
    SHARE,
    bounds_text,
    parse_number,
)
from numeduc.budget.scenario import whole_option
from numeduc.formatting import fr_number
from numeduc.web.validators import refuse_control_characters

from .models import Scenario

PARAM_PREFIX = "p_"
OPTION_FIELDS = ("strategy", "mode", "horizon", "support", "state_cofunding", "indirect_costs", "cohorts")
# Long enough for any number a person types (« 12 000,50 », « 1e30 »); a longer text gets a
# message that still names the field and its bounds.
NUMBER_MAX_LENGTH = 40


def number_field(label: str, spec, *, required: bool = True, help_text: str = "") -> forms.CharField:
    """A text field for a number: Django's own messages replaced by ones naming the label and the
    bounds (the engine checks the value itself)."""
    bounds = bounds_text(spec).replace("%", "%%")
    return forms.CharField(
        label=label,
        max_length=NUMBER_MAX_LENGTH,
        required=required,
        help_text=help_text,
        error_messages={
            "required": f"{label} : valeur obligatoire ({bounds})",
            "max_length": (
                f"{label} : valeur trop longue (au plus {NUMBER_MAX_LENGTH} caractères) ; nombre attendu {bounds}"
            ),
            # Django's own validator would answer without the field's name.
            "null_characters_not_allowed": f"{label} : caractère nul refusé ; nombre attendu {bounds}",
        },
    )


def preset_choices() -> list[tuple[str, str]]:
    choices = []
    for name in budget.list_presets():
        preset = budget.load_preset(name)
        choices.append((name, f"{preset.label or name} ({name})"))
    return choices


def fr_input(value: Decimal) -> str:
    """A value as the form shows it: decimal comma, no thousands separator, no trailing zeros."""
    return format(value.normalize(), "f").replace(".", ",")


def named(label: str, message: str) -> str:
    """``message`` starting with the field's label, as every message of this form does: Django's
    own (« Ce champ est obligatoire. ») does not say which field it is about."""
    if message.startswith(f"{label} : "):
        return message
    return f"{label} : {message[:1].lower()}{message[1:]}"


class ScenarioForm(forms.Form):
    name = forms.CharField(
        label="Nom du scénario",
        max_length=120,
        error_messages={
            "required": "Nom du scénario : valeur obligatoire (120 caractères au plus)",
            "max_length": "Nom du scénario : 120 caractères au plus (%(show_value)d reçus)",
        },
    )
    base_preset = forms.ChoiceField(
        label="Préréglage de départ",
        help_text="les valeurs affichées ci-dessous sont gardées si vous changez de préréglage ici ; seules celles "
        "qui diffèrent du préréglage sont enregistrées comme modifications",
    )
    scope = forms.ChoiceField(label="Périmètre", choices=Scenario.Scope.choices)
    strategy = forms.ChoiceField(label="Stratégie d'équipement", choices=list(budget.STRATEGIES.items()))
    mode = forms.ChoiceField(label="Mode de calcul", choices=list(budget.MODES.items()))
    horizon = number_field("Horizon", OPTION_SPECS["horizon"], help_text="années simulées (1 à 50)")
    support = forms.ChoiceField(label="Support technique", choices=list(budget.SUPPORT_MODES.items()))
    cohorts = number_field(
        "Cohortes d'équipement",
        OPTION_SPECS["cohorts"],
        help_text="mode trésorerie : premier équipement réparti sur ce nombre d'années (1 à 30)",
    )
    state_cofunding = forms.BooleanField(
        label="Cofinancement de l'État (stratégie EIM, plan numérique 2016-2018)", required=False
    )
    indirect_costs = forms.BooleanField(
        label="Compter les coûts indirects (temps d'enseignement perdu)", required=False
    )
    scale_equipment = forms.BooleanField(
        label="Équipement proportionnel à l'effectif de chaque collège (postes, salles, bornes, TBI, chariots)",
        required=False,
    )
    current_mbps = number_field(
        "Débit internet actuel de chaque collège",
        BANDWIDTH_SPECS["current_mbps"],
        required=False,
        help_text="Mbit/s, de 0 à 100 000 ; laissez vide s'il est inconnu",
    )
    description = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, base: budget.Scenario, college_pupils: tuple[int, ...] = (), **kwargs):
        """``college_pupils``: the pupils of the département's public collèges, for the check of
        equipment scaled to each collège (a département-wide scenario)."""
        super().__init__(*args, **kwargs)
        self.base = base
        self.college_pupils = tuple(college_pupils)
        refuse_control_characters(self.fields["name"])
        refuse_control_characters(self.fields["description"])
        self.fields["base_preset"].choices = preset_choices()
        for p in base.parameters():
            spec = budget.PARAMETERS[p.name]
            unit = p.unit + (" (entre 0 et 1)" if spec.kind == SHARE else "")
            field = number_field(p.label_fr, spec, help_text=unit)
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
        return [
            self[name]
            for name in (
                "strategy",
                "mode",
                "horizon",
                "support",
                "cohorts",
                "state_cofunding",
                "indirect_costs",
                "scale_equipment",
                "current_mbps",
            )
        ]

    @staticmethod
    def initial_from(engine: budget.Scenario, scenario: Scenario | None = None, **extra) -> dict:
        initial = {
            "strategy": engine.strategy,
            "mode": engine.mode,
            "horizon": str(engine.horizon),
            "support": engine.support,
            "cohorts": str(engine.cohorts),
            "state_cofunding": engine.state_cofunding,
            "indirect_costs": engine.indirect_costs,
        }
        initial.update({PARAM_PREFIX + name: fr_input(value) for name, value in engine.values.items()})
        if scenario is not None:
            initial.update(
                {
                    "name": scenario.name,
                    "base_preset": scenario.base_preset,
                    "scope": scenario.scope,
                    "scale_equipment": scenario.scale_equipment,
                    "description": scenario.description,
                    "current_mbps": ""
                    if scenario.current_mbps is None
                    else fr_input(Decimal(repr(scenario.current_mbps))),
                }
            )
        initial.update(extra)
        return initial

    def full_clean(self):
        super().full_clean()
        if self._errors is None:  # unbound form
            return
        for name, errors in list(self._errors.items()):
            if name in self.fields:
                label = str(self.fields[name].label)
                self._errors[name] = self.error_class([named(label, str(m)) for m in errors])
        # Screen readers read the help (bounds, unit) and, for a wrong field, its message.
        for name, field in self.fields.items():
            described = [f"id_{name}-help"] if field.help_text else []
            if name == "scope":
                described = ["scope-help"]
            if name in self._errors:
                described.append(f"id_{name}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def error_summary(self) -> list[dict[str, str]]:
        """Every error in the order of the page, each with the id of the field it links to
        (``""`` for an error that is not about one field)."""
        entries = [{"field_id": "", "message": str(m)} for m in self.non_field_errors()]
        for bound in self._page_order():
            for message in bound.errors:
                entries.append({"field_id": bound.id_for_label, "message": str(message)})
        return entries

    def _page_order(self):
        shown = [self["name"], self["base_preset"], self["scope"], self["description"]]
        shown += self.option_fields()
        shown += [bound for _, _, fields in self.groups() for bound in fields]
        return shown

    def _engine_error(self, error: budget.ScenarioError) -> None:
        # The engine's messages start with the field's French label already.
        parts = error.field.split(".")
        if parts[0] == "parameters" and len(parts) > 1 and PARAM_PREFIX + parts[1] in self.fields:
            self.add_error(PARAM_PREFIX + parts[1], error.detail)
        elif error.field in self.fields:
            self.add_error(error.field, error.detail)
        else:
            self.add_error(None, str(error))

    def clean_current_mbps(self):
        raw = (self.cleaned_data.get("current_mbps") or "").strip()
        if not raw:
            return None
        # The bandwidth option's bounds under this field's own label.
        spec = dataclasses.replace(
            BANDWIDTH_SPECS["current_mbps"], label_fr=self.fields["current_mbps"].label
        )
        value, problem = parse_number(spec, raw)
        if problem:
            raise forms.ValidationError(problem)
        return float(value)

    def clean(self):
        data = super().clean()
        overrides = {}
        base_name = data.get("base_preset")
        base = budget.load_preset(base_name) if base_name else None
        # Each number alone first, so that every wrong field is reported at once.
        for name, spec in budget.PARAMETERS.items():
            field = PARAM_PREFIX + name
            if field not in data:
                continue
            value, problem = parse_number(spec, data[field])
            if problem:
                self.add_error(field, problem)
                continue
            if base is not None and value != base[name]:
                overrides[name] = str(value)
        for key in ("horizon", "cohorts"):
            if key in data:
                _, problem = whole_option(key, data[key])
                if problem:
                    self.add_error(key, problem)  # also takes it out of ``data``
        if base is None:
            return data
        # Then the checks across fields, in the same pass, on the values that are valid (a wrong
        # one keeps the preset's value here: its own message is already shown).
        engine_data = {
            "name": "formulaire",
            "label": data.get("name", ""),
            "base": base_name,
            "parameters": overrides,
            **{key: data.get(key) for key in OPTION_FIELDS},
        }
        try:
            engine = budget.scenario_from_dict(engine_data, source="formulaire")
        except budget.ScenarioError as error:
            self._engine_error(error)
            return data
        self._check_scaled_equipment(engine, data)
        if not self.errors:
            self.engine_scenario = engine
            data["overrides"] = overrides
        return data

    def _check_scaled_equipment(self, engine: budget.Scenario, data: dict) -> None:
        """Equipment scaled to each collège's pupils must stay within its bounds for the largest
        collège of the département (40 desktops for 400 pupils is 190 for 1 900)."""
        if not (
            data.get("scope") == Scenario.Scope.DEPARTEMENT
            and data.get("scale_equipment")
            and self.college_pupils
        ):
            return
        largest = max(self.college_pupils)
        try:
            scaled_to_pupils(engine, largest, True)
        except budget.ScenarioError as error:
            field = PARAM_PREFIX + error.field.removeprefix("parameters.")
            if field not in self.fields:
                self.add_error("scale_equipment", named(self.fields["scale_equipment"].label, error.detail))
                return
            # The engine's detail ends with « <label> : <value>, maximum <bound> ».
            value_and_bound = error.detail.rsplit(" : ", 1)[-1]
            self.add_error(
                field,
                f"{self.fields[field].label} : avec l'équipement proportionnel à l'effectif, le plus "
                f"grand collège du département ({fr_number(largest)} élèves) en aurait {value_and_bound} ; "
                "réduisez cette valeur ou décochez « Équipement proportionnel à l'effectif »",
            )

    @classmethod
    def data_from_stored(cls, scenario: Scenario, base: budget.Scenario, base_name: str) -> dict:
        """The form's POST data for a stored scenario, its values as stored (even those a rule
        now refuses): bound to the form, it shows the user every field to correct."""
        data = {
            "name": scenario.name,
            "base_preset": base_name,
            "scope": scenario.scope,
            "strategy": scenario.strategy,
            "mode": scenario.mode,
            "horizon": str(scenario.horizon),
            "support": scenario.support,
            "cohorts": str(scenario.cohorts),
            "description": scenario.description,
            "current_mbps": ""
            if scenario.current_mbps is None
            else str(scenario.current_mbps).replace(".", ","),
        }
        for key in ("state_cofunding", "indirect_costs", "scale_equipment"):
            if getattr(scenario, key):
                data[key] = "on"
        stored = scenario.parameters if isinstance(scenario.parameters, dict) else {}
        for name, value in base.values.items():
            raw = stored.get(name, value)
            data[PARAM_PREFIX + name] = (
                fr_input(raw) if isinstance(raw, Decimal) else str(raw).replace(".", ",")
            )
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
