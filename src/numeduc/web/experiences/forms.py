"""The département's sheet form: text and choices, the figures numeduc pre-fills, and three lists
(history, objectives, projects) as formsets with empty rows to fill — no JavaScript needed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.forms import formset_factory

from numeduc.actions import load_catalogue
from numeduc.budget.parameters import to_decimal
from numeduc.experiences import STRATEGIES, THEMES
from numeduc.web.form_helpers import LabelledErrorsForm
from numeduc.web.validators import refuse_control_characters

MAX_TEXT = 2000
EXTRA_ROWS = 2


def _text(label: str, limit: int, *, required: bool = False, rows: int = 0) -> forms.Field:
    return refuse_control_characters(
        forms.CharField(
            label=label,
            max_length=limit,
            required=required,
            widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(),
            error_messages={
                "required": f"« {label} » : à remplir.",
                "max_length": f"« {label} » : {limit} caractères au plus.",
                "null_characters_not_allowed": f"« {label} » : caractère nul refusé.",
            },
        )
    )


class SheetForm(LabelledErrorsForm):
    title = _text("Titre de la fiche", 160, required=True)
    introduction = _text("Présentation", MAX_TEXT, required=True, rows=5)
    strategies = forms.MultipleChoiceField(
        label="Stratégie d'équipement",
        choices=list(STRATEGIES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "« Stratégie d'équipement » : stratégie inconnue."},
    )
    themes = forms.MultipleChoiceField(
        label="Thèmes",
        choices=list(THEMES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "« Thèmes » : thème inconnu."},
    )
    budget_per_pupil = forms.CharField(
        label="Budget par élève et par an (€)",
        required=False,
        max_length=20,
        help_text="pré-rempli depuis votre dernier scénario de budget ; modifiable ou à vider",
    )
    active_pupils_share = forms.CharField(
        label="Élèves connectés à l'ENT dans le mois (%)",
        required=False,
        max_length=10,
        help_text="pré-rempli depuis vos journaux d'usage ; modifiable ou à vider",
    )
    include_diagnosis = forms.BooleanField(
        label="Publier avec la fiche les niveaux de notre dernier autodiagnostic", required=False
    )

    def _number(self, name: str, high: Decimal) -> str | None:
        raw = (self.cleaned_data.get(name) or "").strip()
        if not raw:
            return None
        try:
            value = to_decimal(raw)
        except (InvalidOperation, ValueError):
            raise forms.ValidationError(
                f"« {self.fields[name].label} » : nombre attendu, reçu « {raw[:20]} »."
            ) from None
        if not value.is_finite() or not 0 <= value <= high:
            raise forms.ValidationError(f"« {self.fields[name].label} » : entre 0 et {high} attendu.")
        return str(value.quantize(Decimal("0.01")))

    def clean_budget_per_pupil(self):
        return self._number("budget_per_pupil", Decimal(100000))

    def clean_active_pupils_share(self):
        return self._number("active_pupils_share", Decimal(100))


class HistoryForm(LabelledErrorsForm):
    year = forms.IntegerField(
        label="Année",
        required=False,
        min_value=1990,
        max_value=2030,
        error_messages={
            "invalid": "« Année » : nombre entier attendu.",
            "min_value": "« Année » : 1990 au plus tôt.",
            "max_value": "« Année » : 2030 au plus tard.",
        },
    )
    title = _text("Étape", 120)
    text = _text("Ce qui a été fait", 1000, rows=2)

    def clean(self):
        data = super().clean()
        if any(data.get(k) for k in ("title", "text")) and not data.get("year"):
            self.add_error("year", "« Année » : à remplir pour une étape de l'historique.")
        if data.get("year") and not data.get("title"):
            self.add_error("title", "« Étape » : à remplir.")
        return data


class ObjectiveForm(LabelledErrorsForm):
    text = _text("Objectif", 400)


def _action_choices() -> list[tuple[str, str]]:
    return [("", "Aucune")] + [(a.id, a.title) for a in load_catalogue()]


class ProjectForm(LabelledErrorsForm):
    title = _text("Projet", 120)
    text = _text("Ce qu'il change", 1500, rows=3)
    result = _text("Résultat constaté", 400, rows=2)
    action = forms.ChoiceField(
        label="Action du catalogue",
        required=False,
        choices=(),
        error_messages={"invalid_choice": "« Action du catalogue » : action inconnue du catalogue."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._choice("action").choices = _action_choices()

    def clean(self):
        data = super().clean()
        if any(data.get(k) for k in ("text", "result", "action")) and not data.get("title"):
            self.add_error("title", "« Projet » : à remplir.")
        return data


HistoryFormSet = formset_factory(
    HistoryForm, extra=EXTRA_ROWS, max_num=30, absolute_max=40, validate_max=True
)
ObjectiveFormSet = formset_factory(
    ObjectiveForm, extra=EXTRA_ROWS, max_num=15, absolute_max=20, validate_max=True
)
ProjectFormSet = formset_factory(
    ProjectForm, extra=EXTRA_ROWS, max_num=15, absolute_max=20, validate_max=True
)


def rows_of(formset, keys: tuple[str, ...]) -> list[dict]:
    """The filled rows of a valid formset (empty rows dropped)."""
    out = []
    for form in formset.forms:
        data = form.cleaned_data or {}
        row = {k: (data.get(k) if data.get(k) is not None else "") for k in keys}
        if any(str(v).strip() for v in row.values()):
            out.append({k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()})
    return out
