from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("strategies/", views.national_strategies, name="national_strategies"),
    path("departements/<str:code>/strategies/", views.strategies, name="strategies"),
    path("departements/<str:code>/pilotes/", views.pilots, name="pilots"),
    path("pilotes/<int:pk>/", views.pilot, name="pilot"),
]
