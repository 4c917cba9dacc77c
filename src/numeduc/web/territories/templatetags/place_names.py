"""French forms of a département's or académie's name in templates: ``{% load place_names %}``.

``{{ departement|de_nom }}`` → « du Loiret », ``{{ academie|de_nom }}`` → « d'Orléans-Tours »,
``{{ departement|le_nom|capfirst }}`` → « Le Loiret » at the start of a sentence. The value may be a
``Departement``, an ``Academie`` or a ``numeduc.names.PlaceName``; the forms come from
``numeduc.names`` (the models' ``name_of``, ``name_with_article`` and ``name_to`` say the same).
"""

from __future__ import annotations

from django import template

from numeduc.names import PlaceName

register = template.Library()


def _place(value) -> PlaceName:
    return value if isinstance(value, PlaceName) else value.place_name


@register.filter
def le_nom(value) -> str:
    """« le Loiret », « l'Indre », « les Yvelines », « Paris »."""
    return _place(value).with_article


@register.filter
def de_nom(value) -> str:
    """« du Loiret », « de l'Indre », « d'Ille-et-Vilaine », « des Yvelines », « de Paris »."""
    return _place(value).of


@register.filter
def au_nom(value) -> str:
    """« au Loiret », « à l'Indre », « aux Yvelines », « à Paris »."""
    return _place(value).to
