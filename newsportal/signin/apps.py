from django.apps import AppConfig


class SigninConfig(AppConfig):
    """An app for the admin's list of authenticators and a Chinese catalogue of the labels
    django-axes shows there (axes ships none); it has no tables of its own."""

    name = "newsportal.signin"
    label = "signin"
    verbose_name = "后台登录"
