"""A URLconf with a view that fails, to exercise the 500 page."""

from django.urls import include, path


def boom(request):
    raise RuntimeError("simulated failure")


urlpatterns = [path("boom/", boom), path("", include("newsportal.urls"))]
handler500 = "newsportal.views.server_error"
