from django.conf import settings

from articles.reading import navigation


def site_navigation(request):
    return {"nav": navigation.get, "SITE_NAME": settings.SITE_NAME}
