from django import forms

from numeduc.questionnaires import available_questionnaires, load_questionnaire
from numeduc.web.territories.models import Academie, Departement
from numeduc.web.validators import refuse_control_characters

from .models import Campaign


def questionnaire_choices():
    choices = []
    for slug, version in available_questionnaires():
        questionnaire = load_questionnaire(slug, version)
        choices.append((f"{slug}@{version}", f"{questionnaire.title} (version {version})"))
    return choices


class CampaignForm(forms.ModelForm):
    questionnaire = forms.ChoiceField(label="Questionnaire", choices=questionnaire_choices)
    all_targets = forms.BooleanField(
        label="Cibler tous les départements (ou toutes les académies pour le questionnaire DAN)",
        required=False,
        initial=True,
    )

    class Meta:
        model = Campaign
        fields = [
            "title",
            "year",
            "opens_on",
            "closes_on",
            "public",
            "target_departements",
            "target_academies",
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "target_departements": forms.SelectMultiple(attrs={"size": 10}),
            "target_academies": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The title is shown on every page, in e-mails and in CSV exports.
        refuse_control_characters(self.fields["title"])

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", "La date de clôture doit suivre la date d'ouverture.")
        slug, _, version = data.get("questionnaire", "@").partition("@")
        data["questionnaire_slug"], data["questionnaire_version"] = slug, version
        audience = load_questionnaire(slug, version).audience if slug else "departement"
        data["audience"] = audience
        if not data.get("all_targets"):
            targets = (
                data.get("target_departements") if audience == "departement" else data.get("target_academies")
            )
            if not targets:
                self.add_error("all_targets", "Choisissez au moins une cible, ou cochez « tous ».")
        return data

    def save(self, commit=True):
        campaign = super().save(commit=False)
        campaign.questionnaire_slug = self.cleaned_data["questionnaire_slug"]
        campaign.questionnaire_version = self.cleaned_data["questionnaire_version"]
        campaign.save()
        audience = self.cleaned_data["audience"]
        if self.cleaned_data.get("all_targets"):
            if audience == "departement":
                campaign.target_departements.set(Departement.objects.all())
            else:
                campaign.target_academies.set(Academie.objects.all())
        else:
            self.save_m2m()
        return campaign


class InviteForm(forms.Form):
    lines = forms.CharField(
        label="Nouveaux comptes à inviter (une ligne par personne : CODE;adresse e-mail)",
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "45;numerique@loiret.example\n59;dsi@nord.example"}
        ),
        required=False,
        max_length=100_000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        refuse_control_characters(self.fields["lines"], multiline=True)
