"""The catalogue's forms: a resource's entry (curators) and a département's feedback (its
editors). Every message starts with the field's label (LabelledErrorsForm)."""

from __future__ import annotations

import re

from django import forms

from numeduc.web.form_helpers import LabelledErrorsForm
from numeduc.web.territories.models import College, Departement

from .models import Feedback, Resource

KNOWN_MODULES = (
    "Pronote",
    "Mediacentre",
    "GAR",
    "Homeworks",
    "Competences",
    "Workspace",
    "Conversation",
    "Moodle",
)


def _required(label: str) -> dict:
    return {"required": f"« {label} » : à remplir."}


def _long(label: str, n: int) -> dict:
    return {"required": f"« {label} » : à remplir.", "max_length": f"« {label} » : {n} caractères au plus."}


class ResourceForm(LabelledErrorsForm):
    kind = forms.ChoiceField(
        label="Type",
        choices=[("", "— choisir —"), *Resource.Kind.choices],
        error_messages={"required": "« Type » : à choisir.", "invalid_choice": "« Type » : type inconnu."},
    )
    title = forms.CharField(label="Titre", max_length=200, error_messages=_long("Titre", 200))
    description = forms.CharField(
        label="Description",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Ce que c'est, pour qui, ce que cela change dans la classe ou au collège.",
        error_messages=_long("Description", 5000),
    )
    cost_model = forms.CharField(
        label="Modèle de coût",
        max_length=300,
        help_text="Par exemple : licence annuelle par élève, gratuit, inclus dans l'ENT, achat du matériel.",
        error_messages=_long("Modèle de coût", 300),
    )
    yearly_cost_per_pupil = forms.DecimalField(
        label="Coût annuel par élève (€)",
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        localize=True,
        help_text="Facultatif, par exemple 1,50.",
        error_messages={
            "invalid": "« Coût annuel par élève (€) » : nombre attendu, par exemple 1,50.",
            "min_value": "« Coût annuel par élève (€) » : doit être positif ou nul.",
            "max_digits": "« Coût annuel par élève (€) » : 999 999,99 € au plus.",
            "max_decimal_places": "« Coût annuel par élève (€) » : deux décimales au plus.",
            "max_whole_digits": "« Coût annuel par élève (€) » : 999 999,99 € au plus.",
        },
    )
    url = forms.URLField(
        label="Adresse (https)",
        required=False,
        max_length=300,
        assume_scheme="https",
        error_messages={
            "invalid": "« Adresse (https) » : adresse web attendue, commençant par https://.",
            "max_length": "« Adresse (https) » : 300 caractères au plus.",
        },
    )
    ent_module = forms.CharField(
        label="Module de l'ENT",
        required=False,
        max_length=60,
        help_text="Le nom du module tel que l'ENT l'écrit dans ses journaux (par exemple "
        + ", ".join(KNOWN_MODULES[:3])
        + ") : l'usage mesuré s'affiche alors sur la fiche.",
        error_messages={"max_length": "« Module de l'ENT » : 60 caractères au plus."},
    )
    departements = forms.CharField(
        label="Départements où elle est utilisée",
        required=False,
        max_length=1000,
        help_text="Codes séparés par des virgules, par exemple 45, 59.",
        error_messages={"max_length": "« Départements où elle est utilisée » : 1000 caractères au plus."},
    )
    colleges = forms.CharField(
        label="Collèges où elle est utilisée",
        required=False,
        max_length=5000,
        help_text="Codes UAI séparés par des virgules, par exemple 0450001A.",
        error_messages={"max_length": "« Collèges où elle est utilisée » : 5000 caractères au plus."},
    )
    actions = forms.MultipleChoiceField(
        label="Actions du catalogue qu'elle sert",
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Les plans d'actions qui reprennent ces actions la proposent.",
        error_messages={
            "invalid_choice": "« Actions du catalogue qu'elle sert » : action inconnue du catalogue."
        },
    )
    published = forms.BooleanField(
        label="Publiée (visible de tous les comptes et en données ouvertes)", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from numeduc.actions import load_catalogue

        self._choice("actions").choices = [(a.id, a.title) for a in load_catalogue()]

    def clean_url(self):
        url = self.cleaned_data["url"]
        if url and not url.startswith("https://"):
            raise forms.ValidationError("« Adresse (https) » : l'adresse doit commencer par https://.")
        return url

    def clean_departements(self):
        codes = [
            c.strip().upper() for c in re.split(r"[,;\s]+", self.cleaned_data["departements"]) if c.strip()
        ]
        found = {d.code: d for d in Departement.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(
                f"« Départements où elle est utilisée » : code inconnu : {', '.join(u[:5] for u in unknown[:5])}."
            )
        return [found[c] for c in dict.fromkeys(codes)]

    def clean_colleges(self):
        uais = [c.strip().upper() for c in re.split(r"[,;\s]+", self.cleaned_data["colleges"]) if c.strip()]
        found = {c.uai: c for c in College.objects.filter(uai__in=uais)}
        unknown = [u for u in uais if u not in found]
        if unknown:
            raise forms.ValidationError(
                f"« Collèges où elle est utilisée » : UAI inconnu : {', '.join(u[:10] for u in unknown[:5])}."
            )
        return [found[u] for u in dict.fromkeys(uais)]

    @staticmethod
    def initial_for(resource: Resource) -> dict:
        return {
            "kind": resource.kind,
            "title": resource.title,
            "description": resource.description,
            "cost_model": resource.cost_model,
            "yearly_cost_per_pupil": resource.yearly_cost_per_pupil,
            "url": resource.url,
            "ent_module": resource.ent_module,
            "departements": ", ".join(d.code for d in resource.departements.order_by("code")),
            "colleges": ", ".join(c.uai for c in resource.colleges.order_by("uai")),
            "actions": list(resource.actions or []),
            "published": resource.published,
        }


class FeedbackForm(LabelledErrorsForm):
    purpose = forms.CharField(
        label="Pour quoi faire",
        max_length=300,
        help_text="L'usage visé, en une phrase.",
        error_messages=_long("Pour quoi faire", 300),
    )
    colleges_count = forms.IntegerField(
        label="Nombre de collèges",
        min_value=0,
        help_text="Les collèges du département qui l'utilisent.",
        error_messages={
            "required": "« Nombre de collèges » : à remplir.",
            "invalid": "« Nombre de collèges » : nombre entier attendu.",
            "min_value": "« Nombre de collèges » : doit être positif ou nul.",
        },
    )
    what_worked = forms.CharField(
        label="Ce qui a marché",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=_long("Ce qui a marché", 5000),
    )
    what_did_not = forms.CharField(
        label="Ce qui n'a pas marché",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "« Ce qui n'a pas marché » : 5000 caractères au plus."},
    )
    would_recommend = forms.ChoiceField(
        label="Le recommanderiez-vous à un autre département ?",
        choices=Feedback.Recommend.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "« Le recommanderiez-vous à un autre département ? » : à choisir.",
            "invalid_choice": "« Le recommanderiez-vous à un autre département ? » : réponse inconnue.",
        },
    )

    def __init__(self, max_colleges: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_colleges = max_colleges
        self.fields[
            "colleges_count"
        ].help_text = f"Les collèges du département qui l'utilisent ({max_colleges} au plus)."

    def clean_colleges_count(self):
        n = self.cleaned_data["colleges_count"]
        if n is not None and n > self.max_colleges:
            raise forms.ValidationError(
                f"« Nombre de collèges » : le département compte {self.max_colleges} collèges, pas davantage."
            )
        return n
