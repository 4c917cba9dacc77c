from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "numeduc.web.resources"
    label = "resources"
    verbose_name = "Catalogue des ressources qui ont fait leurs preuves"
