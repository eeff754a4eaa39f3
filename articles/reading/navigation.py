"""The site-wide navigation (channels and districts), cached in the shared cache.

It is on every page, changes rarely and is invalidated whenever a region or channel
is saved or deleted, so pages do not spend queries on it.
"""

from django.core.cache import cache

from articles.models import Channel, Region

CACHE_KEY = "articles:navigation:v1"
TIMEOUT = 60 * 60


def build():
    channels = [{"name": c.name, "url": c.get_absolute_url()} for c in Channel.objects.all()]
    districts = [{"name": r.name, "url": r.get_absolute_url()} for r in Region.objects.filter(parent__isnull=True)]
    return {"channels": channels, "regions": districts}


def get():
    return cache.get_or_set(CACHE_KEY, build, TIMEOUT)


def invalidate():
    cache.delete(CACHE_KEY)
