from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "numeduc.web.reports"
    label = "reports"
    verbose_name = "Rapports (département, national, l'essentiel)"
