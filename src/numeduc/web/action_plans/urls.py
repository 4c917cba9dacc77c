from django.urls import path

from . import exports, overview, views

app_name = "action_plans"

urlpatterns = [
    path("departements/<str:code>/", views.departement, name="departement"),
    path("<int:pk>/", views.detail, name="plan"),
    *exports.urlpatterns,
    *overview.urlpatterns,
]
