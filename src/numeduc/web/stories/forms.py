"""The story's form: what an editor types, read into the model's values. Every message starts
with the field's label, next to the field as in the summary at the top of the page."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone

from numeduc.budget.parameters import to_decimal
from numeduc.formatting import parse_fr_date
from numeduc.web.action_plans.forms import indicator_choices, target_shown, target_stored
from numeduc.web.action_plans.models import PlannedAction, UsageProfile
from numeduc.web.form_helpers import LabelledErrorsForm
from numeduc.web.usage_dashboard.labels import label_for
from numeduc.web.validators import refuse_control_characters

from .models import MAX_RESULT_TEXT, MAX_TEXT, MAX_TITLE, Story

MONTH = re.compile(r"(\d{4})-(\d{2})")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _text(label: str, limit: int, *, required: bool = True, multiline: bool = False, **kw) -> forms.Field:
    field = forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        widget=forms.Textarea(attrs={"rows": 8}) if multiline else forms.TextInput(),
        error_messages={
            "required": f"« {label} » : à remplir.",
            "max_length": f"« {label} » : {limit} caractères au plus.",
        },
        **kw,
    )
    return refuse_control_characters(field, multiline=multiline)


def _short(label: str, limit: int, help_text: str, **attrs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=limit,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
        error_messages={"max_length": f"« {label} » : {limit} caractères au plus."},
    )


class ActionField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title} — {obj.plan.title} ({obj.plan.school_year})"


class StoryForm(LabelledErrorsForm):
    title = _text("Titre", MAX_TITLE, help_text=f"{MAX_TITLE} caractères au plus")
    told_on = forms.CharField(
        label="Date de la réussite",
        max_length=20,
        help_text="jj/mm/aaaa : le jour où le résultat a été constaté",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "« Date de la réussite » : à remplir.",
            "max_length": "« Date de la réussite » : date jj/mm/aaaa attendue.",
        },
    )
    text = _text(
        "Récit",
        MAX_TEXT,
        multiline=True,
        help_text=f"texte simple, {MAX_TEXT} caractères au plus : ce qui a été fait, avec qui, ce qui a marché",
    )
    action = ActionField(
        label="Action du plan",
        queryset=PlannedAction.objects.none(),
        required=False,
        empty_label="Aucune action",
        help_text="une action d'un plan d'actions du département",
        error_messages={
            "invalid_choice": "« Action du plan » : action inconnue parmi les plans du département."
        },
    )
    result_indicator = forms.ChoiceField(
        label="Indicateur d'usage mesuré",
        required=False,
        help_text="mesuré dans les journaux des collèges (entrepôt d'usages)",
        error_messages={"invalid_choice": "« Indicateur d'usage mesuré » : indicateur inconnu."},
    )
    result_profile = forms.ChoiceField(
        label="Profil compté",
        required=False,
        choices=UsageProfile.choices,
        error_messages={"invalid_choice": "« Profil compté » : profil inconnu."},
    )
    result_before = _short(
        "Valeur avant", 40, "dans l'unité de l'indicateur : 41 pour 41 %", inputmode="decimal"
    )
    result_before_month = _short("Mois de la valeur avant", 7, "aaaa-mm, par exemple 2024-09")
    result_after = _short(
        "Valeur après", 40, "dans l'unité de l'indicateur : 58 pour 58 %", inputmode="decimal"
    )
    result_after_month = _short("Mois de la valeur après", 7, "aaaa-mm, par exemple 2024-11")
    result_text = _text(
        "Résultat en quelques mots",
        MAX_RESULT_TEXT,
        required=False,
        help_text="facultatif : un résultat qui ne se lit pas dans les journaux d'usage",
    )
    status = forms.ChoiceField(
        label="Publication",
        choices=[
            (Story.Status.PUBLISHED, "Publier : tous les utilisateurs connectés la lisent"),
            (Story.Status.DRAFT, "Garder en brouillon : seuls le département et la coordination la lisent"),
        ],
        widget=forms.RadioSelect,
        initial=Story.Status.DRAFT,
        error_messages={
            "required": "« Publication » : à choisir.",
            "invalid_choice": "« Publication » : publier ou garder en brouillon.",
        },
    )
    share_open_data = forms.BooleanField(
        label="Publier aussi dans le flux public (données ouvertes) : lisible par tous, sans compte",
        required=False,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, departement, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.departement = departement
        action = self.fields["action"]
        assert isinstance(action, forms.ModelChoiceField)
        action.queryset = (
            PlannedAction.objects.filter(plan__departement=departement)
            .select_related("plan")
            .order_by("-plan__year", "position", "pk")
        )
        self._choice("result_indicator").choices = [("", "Aucun indicateur")] + indicator_choices()[1:]

    @classmethod
    def initial_of(cls, story: Story) -> dict:
        indicator = story.result_indicator
        return {
            "title": story.title,
            "told_on": story.told_on.isoformat(),
            "text": story.text,
            "action": story.action_id,
            "result_indicator": indicator,
            "result_profile": story.result_profile,
            "result_before": target_shown(indicator, story.result_before) if indicator else "",
            "result_before_month": story.result_before_month,
            "result_after": target_shown(indicator, story.result_after) if indicator else "",
            "result_after_month": story.result_after_month,
            "result_text": story.result_text,
            "status": story.status,
            "share_open_data": story.share_open_data,
            "version": story.version,
        }

    # -- reading the text into values ------------------------------------------------------

    def _date(self) -> dt.date | None:
        raw = (self.cleaned_data.get("told_on") or "").strip()
        if not raw:
            return None
        try:
            day = parse_fr_date(raw)
        except ValueError:
            self.add_error("told_on", f"« Date de la réussite » : date jj/mm/aaaa attendue, reçu « {raw} ».")
            return None
        if day > timezone.localdate():
            self.add_error(
                "told_on",
                "« Date de la réussite » : une réussite se raconte une fois constatée, pas dans l'avenir.",
            )
            return None
        if day.year < FIRST_YEAR:
            self.add_error("told_on", f"« Date de la réussite » : {FIRST_YEAR} ou après.")
            return None
        return day

    def _month(self, name: str) -> str:
        raw = (self.cleaned_data.get(name) or "").strip()
        if not raw:
            return ""
        match = MONTH.fullmatch(raw)
        if not match or not (FIRST_YEAR <= int(match[1]) <= LAST_YEAR and 1 <= int(match[2]) <= 12):
            self.add_error(
                name,
                f"« {self.fields[name].label} » : mois aaaa-mm attendu, par exemple 2024-09, reçu « {raw} ».",
            )
            return ""
        return raw

    def _number(self, name: str) -> Decimal | None:
        raw = (self.cleaned_data.get(name) or "").strip()
        if not raw:
            return None
        try:
            value = to_decimal(raw)
        except (InvalidOperation, ValueError):
            value = None
        if value is None or not value.is_finite():
            self.add_error(name, f"« {self.fields[name].label} » : nombre attendu, reçu « {raw} ».")
            return None
        if value < 0:
            self.add_error(name, f"« {self.fields[name].label} » : nombre positif ou nul attendu.")
            return None
        return value

    def _measure(self) -> dict:
        indicator = self.cleaned_data.get("result_indicator") or ""
        profile = self.cleaned_data.get("result_profile") or ""
        months = {name: self._month(name) for name in ("result_before_month", "result_after_month")}
        numbers = {name: self._number(name) for name in ("result_before", "result_after")}
        typed = [
            name
            for name in ("result_before", "result_after", "result_before_month", "result_after_month")
            if (self.cleaned_data.get(name) or "").strip()
        ]
        if not indicator:
            if typed or profile:
                self.add_error(
                    "result_indicator",
                    "« Indicateur d'usage mesuré » : à choisir pour donner des valeurs avant et après "
                    "(ou videz ces valeurs).",
                )
            return {}
        for name in ("result_before", "result_before_month", "result_after", "result_after_month"):
            if name not in typed:
                self.add_error(name, f"« {self.fields[name].label} » : à remplir avec l'indicateur choisi.")
        before, after = months["result_before_month"], months["result_after_month"]
        if before and after and before >= after:
            self.add_error(
                "result_after_month",
                "« Mois de la valeur après » : à prendre après le mois de la valeur avant.",
            )
        if label_for(indicator).unit == "percent":
            for name, value in numbers.items():
                if value is not None and value > 100:
                    self.add_error(
                        name, f"« {self.fields[name].label} » : un pourcentage de 0 à 100 attendu."
                    )
        stored = {name: None if v is None else target_stored(indicator, v) for name, v in numbers.items()}
        return {"result_indicator": indicator, "result_profile": profile, **stored, **months}

    def values(self) -> dict | None:
        """The model's values; None when a field is wrong (its message is attached)."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        values = {
            "title": data["title"].strip(),
            "told_on": self._date(),
            "text": data["text"].strip(),
            "action": data["action"],
            "result_text": data["result_text"].strip(),
            "status": data["status"],
            "share_open_data": data["share_open_data"],
            "result_indicator": "",
            "result_profile": "",
            "result_before": None,
            "result_before_month": "",
            "result_after": None,
            "result_after_month": "",
        }
        values.update(self._measure())
        if values["action"] is not None and values["action"].plan.departement_id != self.departement.pk:
            self.add_error(
                "action", "« Action du plan » : cette action n'est pas dans un plan de ce département."
            )
        if not values["title"]:
            self.add_error("title", "« Titre » : à remplir.")
        if not values["text"]:
            self.add_error("text", "« Récit » : à remplir.")
        if self.errors:
            return None
        return values
