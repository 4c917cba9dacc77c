from django.apps import AppConfig


class ActionPlansConfig(AppConfig):
    name = "numeduc.web.action_plans"
    label = "action_plans"
    verbose_name = "Plans d'actions des départements"
