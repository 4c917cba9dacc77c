from django.urls import path

from . import departement_views, views

app_name = "school_surveys"

urlpatterns = [
    path("enquete/code/", views.class_code, name="class_code"),
    path("enquete/<str:token>/", views.answer, name="answer"),
    path("enquetes/colleges/<int:pk>/", views.college_page, name="college"),
    path("enquetes/colleges/<int:pk>/affiche/", views.college_sheet, name="sheet"),
    path("enquetes/colleges/<int:pk>/cloture/", views.college_close, name="close"),
    path("enquetes/colleges/<int:pk>/code/", views.college_code, name="code"),
    path("enquetes/", departement_views.index, name="index"),
    path("enquetes/departements/<str:code>/", departement_views.departement, name="departement"),
    path(
        "enquetes/departements/<str:code>/evaluation/", departement_views.evaluation_page, name="evaluation"
    ),
    path(
        "enquetes/departements/<str:code>/evaluation/acces/",
        departement_views.evaluation_grant,
        name="evaluation_grant",
    ),
    path(
        "enquetes/departements/<str:code>/evaluation/acces/<int:pk>/retrait/",
        departement_views.evaluation_revoke,
        name="evaluation_revoke",
    ),
    path(
        "enquetes/departements/<str:code>/evaluation/indicateurs/",
        departement_views.indicator_add,
        name="indicator_add",
    ),
    path(
        "enquetes/departements/<str:code>/evaluation/indicateurs/<int:pk>/retrait/",
        departement_views.indicator_remove,
        name="indicator_remove",
    ),
    path("enquetes/<int:pk>/", departement_views.survey, name="survey"),
    path("enquetes/<int:pk>/export.csv", departement_views.survey_export, name="survey_export"),
]
