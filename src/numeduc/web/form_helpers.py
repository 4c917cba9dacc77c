"""Form helpers shared by the apps' forms: messages that start with the field's label, the
summary at the top of the page, and collèges named as people know them."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError

from numeduc.web.validators import CODE as CONTROL_CHARACTER


class LabelledErrorsForm(forms.Form):
    """A form whose every message starts with its field's label, with the summary of its errors
    that the page shows at the top (each linked to its field)."""

    def add_error(self, field, error):
        # The shared control-character validator cannot know the field's label: every message
        # of these forms starts with it.
        if field and isinstance(error, ValidationError) and hasattr(error, "error_list"):
            label = self.fields[field].label
            error = ValidationError(
                [
                    ValidationError(f"« {label} » : {m[0].lower()}{m[1:]}", code=CONTROL_CHARACTER)
                    if item.code == CONTROL_CHARACTER and (m := item.messages[0])
                    else item
                    for item in error.error_list
                ]
            )
        super().add_error(field, error)

    @property
    def error_summary(self) -> list[dict]:
        """Every message, the field's ones first in the order of the form, for the summary."""
        summary = []
        for name in self.fields:
            for message in self.errors.get(name, []):
                summary.append({"field_id": self[name].id_for_label or f"id_{name}", "message": message})
        for message in self.non_field_errors():
            summary.append({"field_id": "", "message": message})
        return summary

    def _choice(self, name: str) -> forms.ChoiceField:
        """A choice field of the form, typed as such for the choices set at run time."""
        return cast(forms.ChoiceField, self.fields[name])


class CollegesField(forms.ModelMultipleChoiceField):
    """Collèges named as people know them: name and commune."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.commune_name or obj.uai})"
