from django.urls import path

from . import views

app_name = "national"

urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("<int:campaign_id>/", views.campaign_analysis, name="analysis"),
]
