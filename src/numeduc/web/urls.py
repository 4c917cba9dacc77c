"""Root URLs."""

from django.urls import include, path

from . import views
from .api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("sources/", views.sources, name="sources"),
    path("aide/", views.help_index, name="help"),
    path("aide/glossaire/", views.glossary_page, name="glossary"),
    path("api/v1/", api.urls),
    path("compte/", include("numeduc.web.accounts.urls")),
    path("", include("numeduc.web.surveys.urls")),
    path("resultats/", include("numeduc.web.results.urls")),
    path("budget/", include("numeduc.web.planning.urls")),
    path("national/", include("numeduc.web.national.urls")),
    path("usages/", include("numeduc.web.usage_dashboard.urls")),
    path("plans/", include("numeduc.web.action_plans.urls")),
    path("", include("numeduc.web.school_surveys.urls")),
    path("experiences/", include("numeduc.web.experiences.urls")),
    path("ressources/", include("numeduc.web.resources.urls")),
    path("reussites/", include("numeduc.web.stories.urls")),
    path("rapports/", include("numeduc.web.reports.urls")),
    path("donnees/", include("numeduc.web.opendata.urls")),
    path("evaluation/", include("numeduc.web.evaluation.urls")),
]

handler500 = "numeduc.web.views.server_error"
