from django.apps import AppConfig


class ExperiencesConfig(AppConfig):
    name = "numeduc.web.experiences"
    label = "experiences"
    verbose_name = "Fiches d'expérience"
