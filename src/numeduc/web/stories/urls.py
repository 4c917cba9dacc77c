from django.urls import path

from . import views
from .feeds import OpenDataStoriesFeed

app_name = "stories"

urlpatterns = [
    path("", views.index, name="index"),
    path("flux.atom", OpenDataStoriesFeed(), name="feed"),
    path("<int:pk>/", views.story, name="story"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("departements/<str:code>/nouvelle/", views.create, name="create"),
]
