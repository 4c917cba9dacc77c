"""numeduc.web.validators on the campaign form (the web face of numeduc.text).

Here rather than in tests/web because it needs no database and sits with the questionnaire
engine's other control-character tests.
"""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from numeduc.web.surveys.forms import CampaignForm
from numeduc.web.validators import (
    ControlCharacterValidator,
    no_control_characters,
    no_control_characters_multiline,
    refuse_control_characters,
)


def messages(validator, value) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value.messages


def test_the_validator_refuses_with_a_french_message_and_a_code():
    with pytest.raises(ValidationError) as caught:
        no_control_characters("Campagne\x002019")
    assert caught.value.code == "control_character"
    assert caught.value.messages == [
        "Caractère de contrôle U+0000 (NUL) en position 9 : "
        "retirez ce caractère (souvent collé depuis un autre logiciel)."
    ]
    assert (
        "U+000A (LF) en position 4 (ce champ tient sur une seule ligne)"
        in messages(no_control_characters, "une\nligne")[0]
    )


def test_the_multiline_validator_accepts_line_breaks_and_tabs_only():
    no_control_characters_multiline("un\r\ndeux\ttrois")
    no_control_characters(None)
    no_control_characters("Été 2019 — 1\u202f000 élèves")
    assert "U+001B (ESC)" in messages(no_control_characters_multiline, "a\nb\x1b")[0]


def test_validators_are_deconstructible_for_model_fields():
    path, args, kwargs = ControlCharacterValidator(multiline=True).deconstruct()
    assert path == "numeduc.web.validators.ControlCharacterValidator"
    assert (args, kwargs) == ((), {"multiline": True})
    assert no_control_characters == ControlCharacterValidator()
    assert no_control_characters != no_control_characters_multiline


def test_refuse_control_characters_replaces_djangos_nul_only_validator():
    field = refuse_control_characters(forms.CharField())
    assert not any(isinstance(v, ProhibitNullCharactersValidator) for v in field.validators)
    with pytest.raises(ValidationError) as caught:
        field.clean("a\x00b")
    assert len(caught.value.messages) == 1 and "U+0000 (NUL)" in caught.value.messages[0]
    area = refuse_control_characters(forms.CharField(widget=forms.Textarea))
    assert area.clean("un\ndeux") == "un\ndeux"


def test_the_campaign_title_refuses_control_characters():
    title = CampaignForm().fields["title"]
    assert title.clean("Autodiagnostic 2019") == "Autodiagnostic 2019"
    for bad, shown in (
        ("Autodiagnostic\x002019", "U+0000 (NUL) en position 15"),
        ("\x1b[1mTitre", "U+001B (ESC) en position 1"),
        ("Titre\tavec tab", "U+0009 (HT)"),
    ):
        with pytest.raises(ValidationError) as caught:
            title.clean(bad)
        assert len(caught.value.messages) == 1 and shown in caught.value.messages[0]
