from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "numeduc.web.planning"
    label = "planning"
    verbose_name = "Budget et débit des collèges"
