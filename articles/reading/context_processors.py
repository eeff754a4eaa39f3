from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.reading import navigation


def site_navigation(request):
    # Read once per page, and only by a page that shows the menus (base.html reads them
    # several times: a bare callable would be called, and the cache asked, each time).
    return {"nav": SimpleLazyObject(navigation.get), "SITE_NAME": settings.SITE_NAME}
