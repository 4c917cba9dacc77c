"""Départements, académies and collèges: the reference territories (loaded from package data)."""

from typing import TypeVar

from django.db import models

from numeduc import names

_Place = TypeVar("_Place", bound=names.PlaceName)


def _unlisted(name: str, kind: type[_Place]) -> _Place:
    """A row that is not in the reference data (only tests make them): no article, elided before a vowel."""
    return kind(name, 1 if names.starts_with_vowel(name) else 0)


class _PlaceNameForms:
    """The French forms of the row's name, for templates: ``{{ departement.name_of }}`` → « du Loiret »."""

    @property
    def place_name(self) -> names.PlaceName:
        raise NotImplementedError

    @property
    def name_with_article(self) -> str:
        return self.place_name.with_article

    @property
    def name_of(self) -> str:
        return self.place_name.of

    @property
    def name_to(self) -> str:
        return self.place_name.to


class Academie(_PlaceNameForms, models.Model):
    code = models.CharField("code", max_length=4, unique=True)
    name = models.CharField("nom", max_length=80)
    region_academique_code = models.CharField(max_length=4, blank=True)
    region_academique = models.CharField("région académique", max_length=80, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "académie"

    def __str__(self) -> str:
        return names.capfirst(self.place_name.title)  # « Académie d'Orléans-Tours »

    @property
    def place_name(self) -> names.AcademieName:
        try:
            return names.academie_name(self.code)
        except KeyError:
            return _unlisted(self.name, names.AcademieName)


class Departement(_PlaceNameForms, models.Model):
    code = models.CharField("code", max_length=3, unique=True)
    name = models.CharField("nom", max_length=80)
    region_code = models.CharField(max_length=3)
    region_name = models.CharField("région", max_length=80)
    academie = models.ForeignKey(Academie, on_delete=models.PROTECT, related_name="departements", null=True)
    # INSEE demographics; years and sources are in numeduc.reference.column_info("departements").
    population = models.IntegerField(null=True)
    area_km2 = models.FloatField(null=True)
    density = models.FloatField(null=True)
    poverty_rate = models.FloatField(null=True)
    share_0_19 = models.FloatField(null=True)
    population_growth = models.FloatField(null=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "département"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def place_name(self) -> names.PlaceName:
        """The row's name with the article the reference data gives its code."""
        try:
            return names.PlaceName(self.name, names.departement_name(self.code).tncc)
        except KeyError:
            return _unlisted(self.name, names.PlaceName)


class College(models.Model):
    uai = models.CharField("UAI", max_length=8, unique=True)
    name = models.CharField("nom", max_length=200)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="colleges")
    public = models.BooleanField(default=True)
    commune_name = models.CharField("commune", max_length=120, blank=True)
    density_code = models.CharField(max_length=2, blank=True)
    density_label = models.CharField("densité", max_length=80, blank=True)
    pupils = models.IntegerField("élèves", null=True)
    pupils_school_year = models.CharField(max_length=9, blank=True)
    priority_education = models.CharField(max_length=10, blank=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)

    class Meta:
        ordering = ["departement__code", "name"]
        verbose_name = "collège"

    def __str__(self) -> str:
        return f"{self.name} ({self.uai})"
