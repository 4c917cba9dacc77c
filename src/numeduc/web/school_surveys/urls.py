from django.urls import path

from . import views

app_name = "school_surveys"

urlpatterns = [
    path("enquete/code/", views.class_code, name="class_code"),
    path("enquete/<str:token>/", views.answer, name="answer"),
    path("enquetes/colleges/<int:pk>/", views.college_page, name="college"),
    path("enquetes/colleges/<int:pk>/affiche/", views.college_sheet, name="sheet"),
    path("enquetes/colleges/<int:pk>/cloture/", views.college_close, name="close"),
    path("enquetes/colleges/<int:pk>/code/", views.college_code, name="code"),
]
