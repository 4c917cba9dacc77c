from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "numeduc.web.opendata"
    label = "opendata"
    verbose_name = "Données ouvertes"
