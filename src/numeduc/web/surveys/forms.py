import datetime as dt
import functools

from django import forms
from django.core.exceptions import ValidationError

from numeduc.formatting import parse_fr_date
from numeduc.questionnaires import available_questionnaires, load_questionnaire
from numeduc.questionnaires.model import CAMPAIGN_AUDIENCES
from numeduc.web.territories.models import Academie, Departement
from numeduc.web.validators import refuse_control_characters

from .data import reference_peer_groups
from .models import Campaign


def questionnaire_choices():
    choices = []
    for slug, version in available_questionnaires():
        questionnaire = load_questionnaire(slug, version)
        if questionnaire.audience not in CAMPAIGN_AUDIENCES:
            continue  # a collège's survey is opened per collège, anonymous (school surveys)
        choices.append((f"{slug}@{version}", f"{questionnaire.title} (version {version})"))
    return choices


DATE_HINT = "Format jj/mm/aaaa, par exemple 30/06/2099."
DATE_FORMAT_WORDS = "au format jj/mm/aaaa (par exemple 30/06/2099)"


class FrenchDateField(forms.DateField):
    """A date typed as a French user writes it (« 30/06/2099 », also ISO « 2099-06-30 »), in a text
    input: ``<input type="date">`` shows the browser's locale (mm/dd/yyyy on an English browser),
    which a French reader misreads. The error names the field."""

    def __init__(self, *, label: str, **kwargs):
        widget = forms.DateInput(  # type="text"; shows a stored date as 30/06/2099
            format="%d/%m/%Y",
            attrs={"autocomplete": "off", "size": 12, "maxlength": 32, "spellcheck": "false"},
        )
        super().__init__(label=label, help_text=DATE_HINT, widget=widget, **kwargs)
        self.error_messages["required"] = f"{label} : indiquez une date {DATE_FORMAT_WORDS}."

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return parse_fr_date(str(value))
        except ValueError:
            raise ValidationError(
                f"{self.label} : « {value} » n'est pas une date reconnue ; écrivez-la {DATE_FORMAT_WORDS}.",
                code="invalid",
            ) from None


def _checked_values(form: forms.BaseForm, name: str) -> set[str]:
    """What the reader ticked in a group of checkboxes, or what is ticked by default."""
    if form.is_bound:
        return set(form.data.getlist(form.add_prefix(name))) if hasattr(form.data, "getlist") else set()
    return {str(v) for v in form.initial.get(name, [])}


class CampaignForm(forms.ModelForm):
    """A new campaign. Targets: « tous », or the union of whole académies, whole régions, whole
    peer groups (the Ward groups of ``reference_peer_groups``) and single départements; for the DAN
    questionnaire, all académies or the académies ticked."""

    questionnaire = forms.ChoiceField(label="Questionnaire", choices=questionnaire_choices)
    opens_on = FrenchDateField(label="Date d'ouverture")
    closes_on = FrenchDateField(label="Date de clôture")
    all_targets = forms.BooleanField(
        label="Tous les départements (ou toutes les académies pour le questionnaire DAN)",
        required=False,
    )
    academies = forms.MultipleChoiceField(
        label="Académies entières", required=False, widget=forms.CheckboxSelectMultiple
    )
    regions = forms.MultipleChoiceField(
        label="Régions entières", required=False, widget=forms.CheckboxSelectMultiple
    )
    peer_groups = forms.MultipleChoiceField(
        label="Groupes de départements comparables", required=False, widget=forms.CheckboxSelectMultiple
    )
    target_departements = forms.MultipleChoiceField(
        label="Départements un par un", required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Campaign
        fields = ["title", "year", "opens_on", "closes_on", "public"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The title is shown on every page, in e-mails and in CSV exports.
        refuse_control_characters(self.fields["title"])
        # Choices read the database only when the form is drawn or validated, not when built.
        for name in ("academies", "regions", "peer_groups", "target_departements"):
            self.fields[name].choices = functools.partial(self.target_choices, name)

    @functools.cached_property
    def _departements(self) -> list[Departement]:
        return list(Departement.objects.select_related("academie").order_by("code"))

    @functools.cached_property
    def _academies(self) -> list[Academie]:
        return list(Academie.objects.order_by("name"))

    @functools.cached_property
    def _peer_members(self) -> dict[str, list[str]]:
        """Peer group number (as the checkbox's value) -> codes of its départements."""
        peers = reference_peer_groups()
        known = {d.code for d in self._departements}
        return {
            str(group): sorted(code for code, g in peers.groups.items() if g == group and code in known)
            for group in sorted(peers.groups.unique())
        }

    def target_choices(self, name: str) -> list[tuple[str, str]]:
        """(value, label) of each checkbox of a targets field."""
        if name == "academies":
            return [(a.code, str(a)) for a in self._academies]  # « Académie d'Orléans-Tours »
        if name == "regions":
            return sorted({(d.region_code, d.region_name) for d in self._departements}, key=lambda c: c[1])
        if name == "target_departements":
            return [(d.code, f"{d.code} – {d.name}") for d in self._departements]
        peers = reference_peer_groups()
        return [
            (
                group,
                f"{peers.group_names[int(group)].capitalize()} : {peers.portraits[int(group)]} "
                f"({len(members)} départements)",
            )
            for group, members in self._peer_members.items()
        ]

    GENERAL_FIELDS = ("title", "questionnaire", "year", "opens_on", "closes_on", "public")

    def general_fields(self) -> list:
        """The fields drawn one under the other; the targets are drawn as grouped checkboxes."""
        return [self[name] for name in self.GENERAL_FIELDS]

    # -- what the template draws: checkboxes grouped under a legend, without JavaScript ----------

    def region_groups(self) -> list[dict]:
        """One fieldset per région: « tous les départements de la région », then each département."""
        regions = _checked_values(self, "regions")
        departements = _checked_values(self, "target_departements")
        groups: dict[str, dict] = {}
        for d in sorted(self._departements, key=lambda d: (d.region_name, d.code)):
            group = groups.setdefault(
                d.region_code,
                {
                    "code": d.region_code,
                    "name": d.region_name,
                    "whole": d.region_code in regions,
                    "departements": [],
                },
            )
            group["departements"].append(
                {"code": d.code, "label": f"{d.code} – {d.name}", "checked": d.code in departements}
            )
        return sorted(groups.values(), key=lambda g: g["name"])

    def choice_rows(self, name: str) -> list[dict]:
        checked = _checked_values(self, name)
        return [
            {"value": value, "label": label, "checked": value in checked}
            for value, label in self.target_choices(name)
        ]

    def academie_rows(self) -> list[dict]:
        return self.choice_rows("academies")

    def peer_group_rows(self) -> list[dict]:
        return self.choice_rows("peer_groups")

    # -- validation ------------------------------------------------------------------------------

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", "Date de clôture : elle doit suivre la date d'ouverture.")
        slug, _, version = data.get("questionnaire", "@").partition("@")
        data["questionnaire_slug"], data["questionnaire_version"] = slug, version
        audience = load_questionnaire(slug, version).audience if slug else "departement"
        data["audience"] = audience
        detailed = any(
            data.get(name) for name in ("academies", "regions", "peer_groups", "target_departements")
        )
        if data.get("all_targets") and detailed:
            # Without JavaScript nothing unticks one when the other is ticked: ask rather than guess.
            self.add_error(
                "all_targets",
                "Cibles : « Tous » est coché en même temps que des choix détaillés ; décochez l'un ou l'autre.",
            )
            return data
        if data.get("all_targets"):
            data["departements"] = list(self._departements) if audience == "departement" else []
            data["target_academies"] = list(self._academies) if audience != "departement" else []
            return data
        chosen_academies = set(data.get("academies", []))
        if audience == "departement":
            regions = set(data.get("regions", []))
            codes = set(data.get("target_departements", []))
            for group in data.get("peer_groups", []):
                codes.update(self._peer_members.get(group, []))
            departements = [
                d
                for d in self._departements
                if d.code in codes
                or d.region_code in regions
                or (d.academie is not None and d.academie.code in chosen_academies)
            ]
            if not departements:
                self.add_error(
                    "all_targets",
                    "Cibles : cochez « Tous les départements », ou au moins une académie, une région, "
                    "un groupe ou un département.",
                )
            data["departements"], data["target_academies"] = departements, []
        else:
            academies = [a for a in self._academies if a.code in chosen_academies]
            if not academies:
                self.add_error(
                    "all_targets",
                    "Cibles : le questionnaire DAN s'adresse aux académies ; cochez « toutes les académies » "
                    "ou au moins une académie.",
                )
            data["departements"], data["target_academies"] = [], academies
        return data

    def save(self, commit=True):
        campaign = super().save(commit=False)
        campaign.questionnaire_slug = self.cleaned_data["questionnaire_slug"]
        campaign.questionnaire_version = self.cleaned_data["questionnaire_version"]
        campaign.save()
        campaign.target_departements.set(self.cleaned_data["departements"])
        campaign.target_academies.set(self.cleaned_data["target_academies"])
        return campaign


class InviteForm(forms.Form):
    lines = forms.CharField(
        label="Nouveaux comptes à inviter (une ligne par personne : CODE;adresse e-mail)",
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": "45;numerique@loiret.example\n59;dsi@nord.example",
                "aria-describedby": "invite-help",
            }
        ),
        required=False,
        max_length=100_000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        refuse_control_characters(self.fields["lines"], multiline=True)
