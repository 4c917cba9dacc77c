from django.urls import path

from . import campaign_views, views

app_name = "surveys"

urlpatterns = [
    path("campagnes/", campaign_views.campaign_list, name="campaigns"),
    path("campagnes/nouvelle/", campaign_views.campaign_create, name="campaign_create"),
    path("campagnes/<int:campaign_id>/", campaign_views.campaign_detail, name="campaign"),
    path("campagnes/<int:campaign_id>/repondre/", views.start_response, name="start"),
    path("campagnes/<int:campaign_id>/<str:action>/", campaign_views.campaign_action, name="campaign_action"),
    path("reponses/<int:response_id>/", views.response_detail, name="response"),
    path("reponses/<int:response_id>/enregistrer/", views.autosave, name="autosave"),
    path("reponses/<int:response_id>/transmettre/", views.submit_response, name="submit"),
    path("reponses/<int:response_id>/rouvrir/", views.reopen_response, name="reopen"),
    path("reponses/<int:response_id>/partage/", views.share_consent, name="share_consent"),
    path("reponses/<int:response_id>/historique/", views.response_history, name="history"),
]
