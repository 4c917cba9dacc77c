from django.urls import path

from . import views

app_name = "experiences"

urlpatterns = [
    path("", views.index, name="index"),
    path("comparer/", views.compare, name="compare"),
    path("progres/<int:factor>/", views.progress, name="progress"),
    path("relecture/", views.review_queue, name="review_queue"),
    path("pays/<slug:slug>/", views.country, name="country"),
    path("departements/<str:code>/", views.departement, name="departement"),
    path("departements/<str:code>/modifier/", views.edit, name="edit"),
    path("departements/<str:code>/versions/", views.versions, name="versions"),
    path("departements/<str:code>/donnees-ouvertes/", views.open_data, name="open_data"),
    path("departements/<str:code>/versions/<int:pk>/envoi/", views.submit, name="submit"),
    path("departements/<str:code>/versions/<int:pk>/relecture/", views.review, name="review"),
]
