from django.urls import path

from . import views

app_name = "results"

urlpatterns = [
    path("<int:campaign_id>/departements/<str:code>/", views.departement_results, name="departement"),
]
