"""The plan's forms: what a person types, read into the values ``services.py`` takes.

The forms only turn text into values (French numbers « 12 000,50 », dates « 30/06/2026 »,
percentages typed as shown); every rule on those values is checked once, in
``services.clean_action_fields``, whose ``PlanRefused`` the views attach to the field it names
(``attach_refusal``). Every message starts with the field's label, next to the field as in the
summary at the top of the page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import cast

from django import forms

from numeduc.actions.model import FACTOR_IDS, HIGHEST_LEVEL, LOWEST_LEVEL, PARTNERS
from numeduc.actions.suggest import factor_labels
from numeduc.budget.parameters import to_decimal
from numeduc.formatting import fr_number, parse_fr_date
from numeduc.usage.indicator_ids import INDICATORS
from numeduc.web.form_helpers import CollegesField, LabelledErrorsForm
from numeduc.web.planning.models import Scenario
from numeduc.web.territories.models import College
from numeduc.web.usage_dashboard.labels import full_label, label_for, scaled, unit_suffix
from numeduc.web.validators import refuse_control_characters

from .models import Plan, PlannedAction, UsageProfile
from .services import MAX_OWNER, MAX_TEXT, MAX_TITLE, PlanRefused

NUMBER_MAX_LENGTH = 40


def _required(label: str) -> dict:
    return {"required": f"« {label} » : à remplir."}


def _text_field(label: str, limit: int, *, required: bool = True, multiline: bool = False, **kw):
    field = forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        widget=forms.Textarea(attrs={"rows": 4}) if multiline else forms.TextInput(),
        error_messages={
            **_required(label),
            "max_length": f"« {label} » : {limit} caractères au plus.",
            "null_characters_not_allowed": f"« {label} » : caractère nul refusé.",
        },
        **kw,
    )
    return refuse_control_characters(field, multiline=multiline)


def _date_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=20,
        help_text="jj/mm/aaaa",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={**_required(label), "max_length": f"« {label} » : date jj/mm/aaaa attendue."},
    )


def _number_field(label: str, help_text: str, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=NUMBER_MAX_LENGTH,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            **_required(label),
            "max_length": f"« {label} » : nombre trop long ({NUMBER_MAX_LENGTH} caractères au plus).",
            "null_characters_not_allowed": f"« {label} » : caractère nul refusé.",
        },
    )


def _parse_date(form: forms.Form, name: str) -> dt.date | None:
    raw = form.cleaned_data.get(name) or ""
    try:
        return parse_fr_date(raw)
    except ValueError:
        form.add_error(name, f"« {form.fields[name].label} » : date jj/mm/aaaa attendue, reçu « {raw} ».")
        return None


def _parse_number(form: forms.Form, name: str) -> Decimal | None:
    raw = (form.cleaned_data.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = to_decimal(raw)
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        form.add_error(name, f"« {form.fields[name].label} » : nombre attendu, reçu « {raw} ».")
        return None
    return value


def factor_choices(empty: str) -> list[tuple[str, str]]:
    labels = factor_labels()
    return [("", empty)] + [(f, f"{labels.get(f, f)} ({f})") for f in FACTOR_IDS]


def indicator_choices() -> list[tuple[str, str]]:
    """The warehouse's indicators by their French names (the usage pages' labels), with the unit
    the target is typed in."""
    named = sorted(INDICATORS, key=lambda i: full_label(i).lower())
    return [("", "Aucune cible d'usage")] + [
        (i, f"{full_label(i)} ({unit_suffix(i) or 'nombre'})") for i in named
    ]


def target_shown(indicator: str, stored: float | None) -> str:
    """A stored target (the warehouse's unit: a rate from 0 to 1) as the person types it (60 for 60 %)."""
    value = scaled(indicator, stored)
    if value is None:
        return ""
    return f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",")


def target_stored(indicator: str, typed: Decimal) -> float:
    """The inverse of ``target_shown``: 60 typed for a percentage is stored 0.6."""
    unit = label_for(indicator).unit
    if unit == "percent":
        return float(typed / 100)
    if unit == "megabytes":
        return float(typed * Decimal(1_000_000))
    return float(typed)


class ErrorSummaryForm(LabelledErrorsForm):
    def attach_refusal(self, refusal: PlanRefused) -> None:
        """A refusal of services.py next to the field it names (or at the top)."""
        field = refusal.field if refusal.field in self.fields else None
        self.add_error(field, str(refusal))


class ActionForm(ErrorSummaryForm):
    """An action of the plan, SMART: what, who, with whom, when, how much, and the targets."""

    title = _text_field("Intitulé", MAX_TITLE)
    description = _text_field("Description", MAX_TEXT, required=False, multiline=True)
    factor = forms.ChoiceField(label="Facteur visé", required=False)
    target_level = forms.ChoiceField(
        label="Niveau visé à la campagne suivante",
        required=False,
        choices=[("", "—")] + [(str(n), str(n)) for n in range(LOWEST_LEVEL, HIGHEST_LEVEL + 1)],
        help_text=f"de {LOWEST_LEVEL} à {HIGHEST_LEVEL}, comme dans l'autodiagnostic",
    )
    owner = _text_field(
        "Responsable", MAX_OWNER, help_text="une personne ou un service nommé : qui rend compte de l'action"
    )
    partners = forms.MultipleChoiceField(
        label="Partenaires",
        required=False,
        choices=list(PARTNERS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "« Partenaires » : partenaire inconnu « %(value)s »."},
    )
    starts_on = _date_field("Début")
    ends_on = _date_field("Fin")
    investment = _number_field(
        "Investissement (€)", "euros TTC, une fois ; réparti sur cinq ans dans le coût par an"
    )
    running = _number_field("Fonctionnement (€ par an)", "euros TTC chaque année")
    scenario = forms.ModelChoiceField(
        label="Ou scénario budgétaire du département",
        required=False,
        queryset=Scenario.objects.none(),
        empty_label="Aucun : les montants ci-dessus",
        help_text="son coût par an (celui de sa page) remplace alors les montants saisis",
        error_messages={"invalid_choice": "« Scénario budgétaire » : ce scénario n'existe pas."},
    )
    usage_indicator = forms.ChoiceField(
        label="Indicateur d'usage",
        required=False,
        help_text="mesuré dans les journaux des collèges (entrepôt d'usages)",
    )
    usage_profile = forms.ChoiceField(
        label="Profil de l'indicateur",
        required=False,
        choices=UsageProfile.choices,
        help_text="qui est compté : les élèves, les parents… (sans objet pour les équipements et le wifi)",
        error_messages={
            "invalid_choice": "« Profil de l'indicateur » : élèves, parents, enseignants ou personnels attendu."
        },
    )
    usage_comparison = forms.ChoiceField(
        label="Sens de la cible",
        choices=PlannedAction.Comparison.choices,
        initial=PlannedAction.Comparison.AT_LEAST,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "« Sens de la cible » : « au moins » ou « au plus » attendu."},
    )
    usage_target = _number_field("Cible de l'indicateur", "dans l'unité de l'indicateur : 60 pour 60 %")
    usage_colleges = CollegesField(
        label="Collèges de la cible",
        required=False,
        queryset=College.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "« Collèges de la cible » : collège inconnu."},
    )
    variant = forms.ChoiceField(
        label="À partir de la variante",
        choices=PlannedAction.Variant.choices,
        initial=PlannedAction.Variant.MEDIAN,
        widget=forms.RadioSelect,
        help_text="minimale : l'essentiel ; médiane : ce qui est prévu ; maximale : tout ce qui est envisagé",
        error_messages={"invalid_choice": "« Variante » : minimale, médiane ou maximale attendue."},
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self._choice("factor").choices = factor_choices("Aucun facteur en particulier")
        self.fields["factor"].error_messages["invalid_choice"] = "« Facteur visé » : facteur inconnu."
        self.fields["target_level"].error_messages["invalid_choice"] = (
            f"« Niveau visé » : un niveau de {LOWEST_LEVEL} à {HIGHEST_LEVEL} est attendu."
        )
        self._choice("usage_indicator").choices = indicator_choices()
        self.fields["usage_indicator"].error_messages["invalid_choice"] = (
            "« Indicateur d'usage » : indicateur inconnu."
        )
        cast(forms.ModelChoiceField, self.fields["scenario"]).queryset = Scenario.objects.filter(
            departement=plan.departement
        ).order_by("name")
        colleges = cast(forms.ModelMultipleChoiceField, self.fields["usage_colleges"])
        colleges.queryset = College.objects.filter(departement=plan.departement, public=True).order_by(
            "name", "uai"
        )

    @classmethod
    def initial_from(cls, values: dict) -> dict:
        """Form values from stored or pre-filled ones (a planned action, catalogue_defaults)."""
        initial = dict(values)
        for name in ("starts_on", "ends_on"):
            if isinstance(initial.get(name), dt.date):
                initial[name] = initial[name].isoformat()
        for name in ("investment", "running"):
            if initial.get(name) is not None:
                initial[name] = fr_number(float(initial[name]), 2).replace("\u202f", " ")
        if initial.get("target_level") is not None:
            initial["target_level"] = str(initial["target_level"])
        if initial.get("usage_target") is not None:
            initial["usage_target"] = target_shown(
                initial.get("usage_indicator", ""), initial["usage_target"]
            )
        return initial

    @staticmethod
    def stored_values(action: PlannedAction) -> dict:
        values = {name: getattr(action, name) for name in ActionForm.base_fields if name != "version"}
        values["usage_colleges"] = list(action.usage_colleges.all())
        values["version"] = action.version
        return values

    def service_fields(self) -> dict | None:
        """The values for ``services.add_action``/``update_action``; None when a field is wrong
        (its message is attached)."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "title",
                "description",
                "factor",
                "owner",
                "partners",
                "scenario",
                "usage_profile",
                "usage_comparison",
            )
        }
        fields["usage_colleges"] = list(data["usage_colleges"])
        fields["variant"] = data["variant"]
        fields["target_level"] = int(data["target_level"]) if data["target_level"] else None
        fields["starts_on"] = _parse_date(self, "starts_on")
        fields["ends_on"] = _parse_date(self, "ends_on")
        for name in ("investment", "running"):
            fields[name] = _parse_number(self, name) or Decimal(0)
        fields["usage_indicator"] = data["usage_indicator"]
        typed = _parse_number(self, "usage_target")
        if typed is None:
            fields["usage_target"] = None
        elif data["usage_indicator"]:
            fields["usage_target"] = target_stored(data["usage_indicator"], typed)
        else:
            fields["usage_target"] = float(typed)  # refused by services: a target needs its indicator
        if self.errors:
            return None
        return fields


class StatusForm(ErrorSummaryForm):
    """The action's status with a dated note (why, what was done, what comes next)."""

    status = forms.ChoiceField(
        label="Statut",
        choices=PlannedAction.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "« Statut » : prévue, en cours, réalisée ou abandonnée attendu."},
    )
    noted_on = _date_field("Date de la note")
    note = _text_field(
        "Note",
        MAX_TEXT,
        required=False,
        multiline=True,
        help_text="ce qui a été fait, ce qui reste, pourquoi ; obligatoire pour abandonner une action",
    )

    def values(self) -> dict | None:
        if not self.is_valid():
            return None
        day = _parse_date(self, "noted_on")
        if self.errors:
            return None
        return {"status": self.cleaned_data["status"], "note": self.cleaned_data["note"], "noted_on": day}


class CommentForm(ErrorSummaryForm):
    """The DAN partner's comment on an action."""

    text = _text_field("Commentaire", MAX_TEXT, multiline=True)


class PlanForm(ErrorSummaryForm):
    """A new plan: its school year, title, the campaign its levels start from, and the suggested
    actions to start with."""

    year = forms.TypedChoiceField(label="Année scolaire", coerce=int)
    title = _text_field("Titre", MAX_TITLE)
    baseline_campaign = forms.ChoiceField(
        label="Niveaux de départ",
        required=False,
        help_text="la campagne d'autodiagnostic dont les niveaux servent de point de départ",
    )
    owner = _text_field(
        "Responsable des actions choisies",
        MAX_OWNER,
        required=False,
        help_text="repris dans chaque action choisie ci-dessous ; modifiable ensuite action par action",
    )
    suggestions = forms.MultipleChoiceField(
        label="Actions suggérées à reprendre", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, years: list[int], campaigns: list, suggestions: list, **kwargs):
        super().__init__(*args, **kwargs)
        self._choice("year").choices = [(y, f"{y}-{y + 1}") for y in years]
        self.fields["year"].error_messages["invalid_choice"] = "« Année scolaire » : année non proposée."
        self._choice("baseline_campaign").choices = [("", "Aucune")] + [
            (str(c.pk), c.title) for c in campaigns
        ]
        self.fields["baseline_campaign"].error_messages["invalid_choice"] = (
            "« Niveaux de départ » : campagne non proposée."
        )
        self._choice("suggestions").choices = [(s.action.id, s.action.title) for s in suggestions]
        self.fields["suggestions"].error_messages["invalid_choice"] = (
            "« Actions suggérées » : action non proposée."
        )

    def clean(self):
        data = super().clean()
        if data.get("suggestions") and not (data.get("owner") or "").strip():
            self.add_error(
                "owner", "« Responsable des actions choisies » : à remplir pour reprendre des actions."
            )
        return data
