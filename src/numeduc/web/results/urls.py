from django.urls import path

from . import views

app_name = "results"

urlpatterns = [
    path("<int:campaign_id>/departements/<str:code>/", views.departement_results, name="departement"),
    path(
        "<int:campaign_id>/departements/<str:code>/export.csv",
        views.departement_results_csv,
        name="departement_csv",
    ),
]
