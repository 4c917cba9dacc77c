"""Django validators over the pure text checks of ``numeduc.text``.

``no_control_characters`` (one-line fields: titles, names) and
``no_control_characters_multiline`` (text areas: tab and line breaks allowed) are deconstructible,
so they can sit in a model field's ``validators`` as well as a form field's.

``refuse_control_characters(field)`` puts one of them on a form field in place of Django's own
``ProhibitNullCharactersValidator``, which only knows NUL; keeping both would show two messages
for a NUL.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.deconstruct import deconstructible

from numeduc.text import control_character_problem

CODE = "control_character"


@deconstructible
class ControlCharacterValidator:
    """Refuse control characters (and non-characters, lone surrogates); see ``numeduc.text``."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        if value is None:
            return
        problem = control_character_problem(str(value), multiline=self.multiline)
        if problem:
            raise ValidationError(
                "%(problem)s : retirez ce caractère (souvent collé depuis un autre logiciel).",
                code=CODE,
                params={"problem": problem[0].upper() + problem[1:]},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, ControlCharacterValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((ControlCharacterValidator, self.multiline))


no_control_characters = ControlCharacterValidator()
no_control_characters_multiline = ControlCharacterValidator(multiline=True)


def refuse_control_characters(field: forms.Field, *, multiline: bool | None = None) -> forms.Field:
    """Put the right validator on ``field`` (a text area is multi-line unless told otherwise)."""
    if multiline is None:
        multiline = isinstance(field.widget, forms.Textarea)
    field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
    field.validators.append(no_control_characters_multiline if multiline else no_control_characters)
    return field
