from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "numeduc.web.national"
    label = "national"
    verbose_name = "Analyse nationale"
