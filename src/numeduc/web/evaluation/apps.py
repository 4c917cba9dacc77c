from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "numeduc.web.evaluation"
    label = "evaluation"
    verbose_name = "Évaluation des usages"
