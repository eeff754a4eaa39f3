from django.urls import path

from newsportal.signin import views

app_name = "signin"

urlpatterns = [
    path("", views.setup_view, name="setup"),
    path("qr.svg", views.qr_view, name="qr"),
]
