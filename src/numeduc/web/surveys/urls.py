from django.urls import path

from . import campaign_views, views

app_name = "surveys"

urlpatterns = [
    path("campagnes/", campaign_views.campaign_list, name="campaigns"),
    path("campagnes/nouvelle/", campaign_views.campaign_create, name="campaign_create"),
    path("campagnes/<int:campaign_id>/", campaign_views.campaign_detail, name="campaign"),
    path("campagnes/<int:campaign_id>/repondre/", views.start_response, name="start"),
    # One URL and one view per coordination action (POST only).
    path("campagnes/<int:campaign_id>/open/", campaign_views.campaign_open, name="campaign_open"),
    path("campagnes/<int:campaign_id>/close/", campaign_views.campaign_close, name="campaign_close"),
    path("campagnes/<int:campaign_id>/publish/", campaign_views.campaign_publish, name="campaign_publish"),
    path(
        "campagnes/<int:campaign_id>/make_public/",
        campaign_views.campaign_make_public,
        name="campaign_make_public",
    ),
    path(
        "campagnes/<int:campaign_id>/make_private/",
        campaign_views.campaign_make_private,
        name="campaign_make_private",
    ),
    path("campagnes/<int:campaign_id>/invite/", campaign_views.campaign_invite, name="campaign_invite"),
    path("campagnes/<int:campaign_id>/remind/", campaign_views.campaign_remind, name="campaign_remind"),
    path("reponses/<int:response_id>/", views.response_detail, name="response"),
    path("reponses/<int:response_id>/enregistrer/", views.autosave, name="autosave"),
    path("reponses/<int:response_id>/transmettre/", views.submit_response, name="submit"),
    path("reponses/<int:response_id>/rouvrir/", views.reopen_response, name="reopen"),
    path("reponses/<int:response_id>/partage/", views.share_consent, name="share_consent"),
    path("reponses/<int:response_id>/historique/", views.response_history, name="history"),
]
