from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPAppConfig


class SigninConfig(AppConfig):
    """An app for the admin's list of authenticators and a Chinese catalogue of the labels
    django-axes shows there (axes ships none); it has no tables of its own."""

    default = True  # this module holds the two configurations below as well
    name = "newsportal.signin"
    label = "signin"
    verbose_name = "后台登录"


# django-axes and django-otp's TOTP plugin name no verbose_name, so the admin's app list, its
# breadcrumbs and the permission pickers would say "Axes" and "Otp_Totp". INSTALLED_APPS names
# these configurations instead of the packages (Django's documented way to rename an app).


class LockoutConfig(AxesAppConfig):
    verbose_name = "登录锁定"


class TOTPConfig(TOTPAppConfig):
    verbose_name = "两步验证"
