from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "numeduc.web.territories"
    label = "territories"
