from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "numeduc.web.accounts"
    label = "accounts"
