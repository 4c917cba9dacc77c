"""The département's forms: open a survey for its collèges, let a DAN into its evaluation group,
follow an indicator. Text is read into values here; the rules live in services.py and
evaluation.py, whose ``SurveyRefused`` the views show next to the form."""

from __future__ import annotations

import datetime as dt

from django import forms

from numeduc.formatting import parse_fr_date
from numeduc.questionnaires import available_questionnaires, load_questionnaire
from numeduc.questionnaires.model import SCHOOL_AUDIENCES
from numeduc.web.form_helpers import CollegesField, LabelledErrorsForm
from numeduc.web.territories.models import College

from . import evaluation
from .presenters import audience_label
from .services import MAX_SURVEY_DAYS


def school_questionnaires() -> list[tuple[str, str]]:
    """(slug, « Titre — pour les élèves ») of the latest version of each school questionnaire."""
    out = []
    for slug in sorted({slug for slug, _ in available_questionnaires()}):
        questionnaire = load_questionnaire(slug)
        if questionnaire.audience in SCHOOL_AUDIENCES:
            out.append((slug, f"{questionnaire.title} — pour les {audience_label(questionnaire.audience)}"))
    return out


class FrenchDateField(forms.Field):
    """A date typed « 30/06/2026 » (or ISO), refused in French with the field's label."""

    widget = forms.TextInput

    def prepare_value(self, value):
        return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else value

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 20:
            text = text[:20]
        try:
            return parse_fr_date(text)
        except ValueError:
            raise forms.ValidationError(
                f"« {self.label} » : date attendue au format jj/mm/aaaa, reçu « {text[:20]} »."
            ) from None


class OpenSurveyForm(LabelledErrorsForm):
    questionnaire = forms.ChoiceField(
        label="Questionnaire", error_messages={"required": "« Questionnaire » : à choisir."}
    )
    title = forms.CharField(
        label="Titre de l'enquête",
        required=False,
        max_length=200,
        help_text="Facultatif : le titre du questionnaire sinon.",
        error_messages={"max_length": "« Titre de l'enquête » : 200 caractères au plus."},
    )
    opens_on = FrenchDateField(
        label="Ouverture", help_text="jj/mm/aaaa", error_messages={"required": "« Ouverture » : à remplir."}
    )
    closes_on = FrenchDateField(
        label="Clôture",
        help_text=f"jj/mm/aaaa ; {MAX_SURVEY_DAYS} jours au plus après l'ouverture",
        error_messages={"required": "« Clôture » : à remplir."},
    )
    colleges = CollegesField(
        label="Collèges",
        queryset=College.objects.none(),
        to_field_name="uai",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucun coché : tous les collèges publics du département.",
        error_messages={
            "invalid_choice": "« Collèges » : collège inconnu parmi les collèges publics du département.",
            "invalid_pk_value": "« Collèges » : collège inconnu parmi les collèges publics du département.",
        },
    )

    def __init__(self, departement, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._choice("questionnaire").choices = [("", "— choisir —"), *school_questionnaires()]
        colleges = self.fields["colleges"]
        assert isinstance(colleges, CollegesField)
        colleges.queryset = College.objects.filter(departement=departement, public=True).order_by(
            "name", "uai"
        )


class GrantForm(LabelledErrorsForm):
    dan = forms.ModelChoiceField(
        label="DAN de l'académie",
        queryset=evaluation.User.objects.none(),
        empty_label="— choisir —",
        error_messages={
            "required": "« DAN de l'académie » : à choisir.",
            "invalid_choice": "« DAN de l'académie » : ce compte n'est pas un DAN de l'académie.",
        },
    )

    def __init__(self, departement, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["dan"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = evaluation.dan_candidates(departement)


class IndicatorForm(LabelledErrorsForm):
    key = forms.ChoiceField(label="Indicateur", error_messages={"required": "« Indicateur » : à choisir."})
    target = forms.CharField(
        label="Cible (%)",
        max_length=12,
        help_text="un pourcentage entre 0 et 100, par exemple 60",
        error_messages={"required": "« Cible (%) » : à remplir."},
    )
    year = forms.CharField(
        label="Année scolaire de la cible",
        max_length=9,
        help_text="par exemple 2026-2027",
        error_messages={"required": "« Année scolaire de la cible » : à remplir."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._choice("key").choices = [("", "— choisir —")] + [
            (c.key, c.label)
            for c in sorted(evaluation.catalogue().values(), key=lambda c: (c.source, c.label))
        ]
