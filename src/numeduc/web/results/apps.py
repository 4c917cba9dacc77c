from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "numeduc.web.results"
    label = "results"
