from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "numeduc.web.stories"
    label = "stories"
    verbose_name = "Réussites des départements"
