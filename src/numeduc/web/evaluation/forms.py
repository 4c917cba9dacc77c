"""The evaluation forms: a collège's strategy, a new pilot. Every message starts with the field's
label, in French."""

from __future__ import annotations

import datetime as dt

from django import forms

from numeduc.experiences.model import STRATEGIES
from numeduc.formatting import parse_fr_date
from numeduc.web.action_plans.models import PlannedAction
from numeduc.web.form_helpers import CollegesField, LabelledErrorsForm
from numeduc.web.territories.models import College
from numeduc.web.usage_dashboard.labels import full_label
from numeduc.web.validators import refuse_control_characters

from .data import INDICATOR_CHOICES, indicator_key
from .models import MAX_DESCRIPTION, MAX_TITLE, MONTH

STRATEGY_CHOICES = [(k, v[0].upper() + v[1:]) for k, v in STRATEGIES.items()]
FIRST_YEAR, LAST_YEAR = 2000, 2100


class CollegeField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.commune_name or obj.uai})"


class ActionField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title} — {obj.plan.title} ({obj.plan.school_year})"


def indicator_label(indicator: str, profile: str) -> str:
    return full_label(indicator, profile)


class StrategyForm(LabelledErrorsForm):
    college = CollegeField(
        label="Collège",
        queryset=College.objects.none(),
        empty_label="Choisir un collège",
        error_messages={
            "required": "« Collège » : à choisir.",
            "invalid_choice": "« Collège » : collège inconnu parmi ceux du département.",
        },
    )
    strategy = forms.ChoiceField(
        label="Stratégie d'équipement",
        choices=[("", "Choisir une stratégie"), *STRATEGY_CHOICES],
        error_messages={
            "required": "« Stratégie d'équipement » : à choisir.",
            "invalid_choice": "« Stratégie d'équipement » : stratégie inconnue.",
        },
    )
    since = forms.CharField(
        label="Depuis le",
        required=False,
        max_length=20,
        help_text="facultatif, jj/mm/aaaa : depuis quand le collège suit cette stratégie",
        error_messages={"max_length": "« Depuis le » : date jj/mm/aaaa attendue."},
    )

    def __init__(self, departement, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["college"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = College.objects.filter(departement=departement).order_by("name")

    def clean_since(self) -> dt.date | None:
        text = (self.cleaned_data.get("since") or "").strip()
        if not text:
            return None
        try:
            day = parse_fr_date(text)
        except ValueError:
            raise forms.ValidationError(
                "« Depuis le » : date jj/mm/aaaa attendue, par exemple 01/09/2023."
            ) from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(f"« Depuis le » : une année entre {FIRST_YEAR} et {LAST_YEAR}.")
        return day


class PilotForm(LabelledErrorsForm):
    title = refuse_control_characters(
        forms.CharField(
            label="Titre",
            max_length=MAX_TITLE,
            help_text=f"{MAX_TITLE} caractères au plus, par exemple « Tablettes en 6e »",
            error_messages={
                "required": "« Titre » : à remplir.",
                "max_length": f"« Titre » : {MAX_TITLE} caractères au plus.",
            },
        )
    )
    description = refuse_control_characters(
        forms.CharField(
            label="Ce qui a changé",
            max_length=MAX_DESCRIPTION,
            widget=forms.Textarea(attrs={"rows": 5}),
            help_text="ce que les collèges pilotes font autrement depuis le début",
            error_messages={
                "required": "« Ce qui a changé » : à remplir.",
                "max_length": f"« Ce qui a changé » : {MAX_DESCRIPTION} caractères au plus.",
            },
        ),
        multiline=True,
    )
    start_month = forms.CharField(
        label="Mois de début",
        max_length=7,
        help_text="aaaa-mm, par exemple 2024-11 : le premier mois où le changement a joué",
        error_messages={
            "required": "« Mois de début » : à remplir.",
            "max_length": "« Mois de début » : aaaa-mm attendu, par exemple 2024-11.",
        },
    )
    colleges = CollegesField(
        label="Collèges pilotes",
        queryset=College.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "« Collèges pilotes » : cochez au moins un collège.",
            "invalid_choice": "« Collèges pilotes » : collège inconnu parmi ceux du département.",
            "invalid_pk_value": "« Collèges pilotes » : collège inconnu parmi ceux du département.",
        },
    )
    indicators = forms.MultipleChoiceField(
        label="Indicateurs que le pilote doit faire bouger",
        choices=[(indicator_key(i, p), indicator_label(i, p)) for i, p in INDICATOR_CHOICES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "« Indicateurs que le pilote doit faire bouger » : cochez au moins un indicateur.",
            "invalid_choice": "« Indicateurs que le pilote doit faire bouger » : indicateur inconnu.",
        },
    )
    action = ActionField(
        label="Action du plan",
        queryset=PlannedAction.objects.none(),
        required=False,
        empty_label="Aucune action",
        help_text="facultatif : l'action du plan d'actions du département que ce pilote met en œuvre",
        error_messages={
            "invalid_choice": "« Action du plan » : action inconnue parmi les plans du département."
        },
    )

    def __init__(self, departement, *args, **kwargs):
        super().__init__(*args, **kwargs)
        colleges = self.fields["colleges"]
        action = self.fields["action"]
        assert isinstance(colleges, forms.ModelMultipleChoiceField) and isinstance(
            action, forms.ModelChoiceField
        )
        colleges.queryset = College.objects.filter(departement=departement).order_by("name")
        action.queryset = PlannedAction.objects.filter(plan__departement=departement).select_related("plan")

    def clean_start_month(self) -> str:
        text = (self.cleaned_data.get("start_month") or "").strip()
        if not MONTH.match(text) or not FIRST_YEAR <= int(text[:4]) <= LAST_YEAR:
            raise forms.ValidationError("« Mois de début » : aaaa-mm attendu, par exemple 2024-11.")
        return text

    def clean_indicators(self) -> list[tuple[str, str]]:
        pairs = []
        for key in self.cleaned_data.get("indicators") or []:
            indicator, _, profile = key.partition("|")
            pairs.append((indicator, profile))
        return pairs
