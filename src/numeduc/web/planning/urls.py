from django.urls import path

from . import views

app_name = "planning"

urlpatterns = [
    path("", views.index, name="index"),
    path("departements/<str:code>/", views.departement, name="departement"),
    path("departements/<str:code>/nouveau/", views.create, name="create"),
    path("departements/<str:code>/renouvellement.csv", views.fleet_export, name="fleet_export"),
    path("scenarios/<int:pk>/", views.detail, name="scenario"),
    path("scenarios/<int:pk>/modifier/", views.edit, name="edit"),
    path("scenarios/<int:pk>/supprimer/", views.delete, name="delete"),
    path("scenarios/<int:pk>/export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("scenarios/<int:pk>/export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("comparer/", views.compare, name="compare"),
    path("comparer/export.csv", views.compare_export, {"fmt": "csv"}, name="compare_csv"),
    path("comparer/export.xlsx", views.compare_export, {"fmt": "xlsx"}, name="compare_xlsx"),
]
