from django.apps import AppConfig


class UsageDashboardConfig(AppConfig):
    name = "numeduc.web.usage_dashboard"
    label = "usage_dashboard"
    verbose_name = "Tableaux de bord des usages"
