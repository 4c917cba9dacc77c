from django.urls import path

from . import views

app_name = "usage_dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("departements/<str:code>/", views.departement, name="departement"),
    path("departements/<str:code>/export.csv", views.departement_export, name="departement_export"),
    path(
        "departements/<str:code>/cout-par-eleve-actif.csv",
        views.departement_cost_export,
        name="departement_cost_export",
    ),
    path("departements/<str:code>/parc/", views.fleet, name="fleet"),
    path("departements/<str:code>/parc/export.csv", views.fleet_export, name="fleet_export"),
    path("departements/<str:code>/debit/", views.bandwidth, name="bandwidth"),
    path("departements/<str:code>/debit/export.csv", views.bandwidth_export, name="bandwidth_export"),
    path("colleges/<str:uai>/", views.college, name="college"),
    path("colleges/<str:uai>/export.csv", views.college_export, name="college_export"),
]
