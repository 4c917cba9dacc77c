from django.urls import path

from . import exports, views

app_name = "action_plans"

urlpatterns = [
    path("national/", views.national, name="national"),
    path("departements/<str:code>/", views.departement, name="departement"),
    path("departements/<str:code>/nouveau/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="plan"),
    path("<int:pk>/actions/nouvelle/", views.add_action, name="add_action"),
    path("<int:pk>/partage/", views.plan_consent, name="consent"),
    path("actions/<int:pk>/modifier/", views.edit_action, name="edit_action"),
    path("actions/<int:pk>/statut/", views.action_status, name="action_status"),
    path("actions/<int:pk>/commentaire/", views.comment_action, name="comment_action"),
    path("actions/<int:pk>/supprimer/", views.delete_action, name="delete_action"),
    path("actions/<int:pk>/deplacer/", views.move_action, name="move_action"),
    path("<int:pk>/export.<str:fmt>", exports.plan_export, name="plan_export"),
    path("<int:pk>/imprimer/", exports.plan_print, name="plan_print"),
]
