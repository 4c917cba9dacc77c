from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "numeduc.web.surveys"
    label = "surveys"
