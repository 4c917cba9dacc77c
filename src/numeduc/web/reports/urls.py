from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("departements/<str:code>/<int:year>/", views.departement, name="departement"),
    path("departements/<str:code>/<int:year>/rapport.pdf", views.departement_pdf, name="departement_pdf"),
    path("departements/<str:code>/<int:year>/essentiel/", views.essentiel, name="essentiel"),
    path("departements/<str:code>/<int:year>/essentiel.pdf", views.essentiel_pdf, name="essentiel_pdf"),
    # the national report (issue 15, item 2)
    path("national/<int:year>/", views.national_report, name="national"),
    path("national/<int:year>/rapport.pdf", views.national_report_pdf, name="national_pdf"),
]
