from django.apps import AppConfig


class SchoolSurveysConfig(AppConfig):
    name = "numeduc.web.school_surveys"
    label = "school_surveys"
    verbose_name = "Enquêtes anonymes dans les collèges"
