"""How readers find their way: the site-wide menus, the archive months, the pages of a listing.

- The menus (channels and districts) and the footer's 站点信息 are on every page and change
  rarely: they are kept in the shared cache and invalidated whenever a region, a channel or
  the site information is saved or deleted, so pages do not spend queries on them. With
  the cache down (newsportal.cache: a miss) they are read from the database on each page.
  An invalidation lost to an outage is logged and bounded by TIMEOUT: the menus are right
  again at most that long after the cache is back.
- The side-bar month list (按月归档) is read from the database on each page, a loose index
  scan (`ArticleQuerySet.latest_months`) of a dozen probes however many stories there are,
  so it is always right about scheduled and expired stories without a cache to invalidate.
- A listing counts its stories only up to MAX_PAGES pages (`ListingPaginator`): counting a
  region's whole history on every page would grow with the archive, and so would the
  OFFSET of its last pages. Older stories stay one click away in the month archive.
"""

import logging
from functools import cached_property

from django.core.cache import cache
from django.core.paginator import Paginator

from articles.models import Article, Channel, Region, SiteInfo
from newsportal.cache import CacheUnavailable, strict

logger = logging.getLogger(__name__)

# v2: the entry holds the footer ("site") too; an older entry without it is never read.
CACHE_KEY = "articles:navigation:v2"
# Short enough that menus missing an invalidation (the cache was down when a channel was
# saved) heal soon after it returns; three small queries every ten minutes cost nothing.
TIMEOUT = 10 * 60
ARCHIVE_MONTHS = 12
MAX_PAGES = 50
# A listing's count is kept this long at most (less before a scheduled event; a change starts afresh).
COUNT_SECONDS = 10 * 60


def build():
    channels = [{"name": c.name, "url": c.get_absolute_url()} for c in Channel.objects.all()]
    districts = [{"name": r.name, "url": r.get_absolute_url()} for r in Region.objects.filter(parent__isnull=True)]
    return {"channels": channels, "regions": districts, "site": SiteInfo.current().footer()}


def get():
    """The menus: from the cache, or built from the database (and cached) when it misses.

    The production backend answers a miss while Redis is down (and logs the outage once);
    any other backend's failure costs the two queries too, never the page.
    """
    try:
        return cache.get_or_set(CACHE_KEY, build, TIMEOUT)
    except Exception as exc:
        logger.warning("Navigation cache unavailable: %r", exc)
        return build()


def invalidate():
    try:
        strict(cache).delete(CACHE_KEY)
    except CacheUnavailable as exc:
        logger.error(
            "Navigation cache could not be invalidated (%s): menus may lag for up to %d minutes after it is back.",
            exc,
            TIMEOUT // 60,
        )
    except Exception:
        logger.exception("Navigation cache could not be invalidated")


def archive_months():
    """The newest ARCHIVE_MONTHS months with a published story, newest first (dates)."""
    return Article.objects.published().latest_months(ARCHIVE_MONTHS)


class ListingPaginator(Paginator):
    """A paginator that counts no further than MAX_PAGES pages.

    `count` is then the number of stories on those pages and `truncated` says that there
    are more (the page shows "共 1000+ 篇"); pages past the last one counted are not found.
    Counting even that far visits a thousand stories, so with a `count_key` (the listing's
    address) the count is kept for the content generation (articles.reading.cache.remember):
    every page of the listing reuses it until readers could see a change.
    """

    def __init__(self, *args, count_key=None, order_few=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key
        # Applied to the stories when they are within the limit (see newest_first_of_few()).
        self.order_few = order_few

    def page(self, number):
        number = self.validate_number(number)
        if self.order_few is not None and not self.truncated:
            self.object_list = self.order_few(self.object_list)
        return super().page(number)

    @cached_property
    def _counted(self):
        from articles.reading import cache as page_cache  # it imports this module's neighbours

        limit = MAX_PAGES * self.per_page

        def count():
            return self.object_list.order_by().values("pk")[: limit + 1].count()

        if self.count_key is None:
            return count(), limit
        return page_cache.remember(f"listing-count:{self.count_key}:{limit}", count, COUNT_SECONDS), limit

    @cached_property
    def count(self):
        found, limit = self._counted
        return min(found, limit)

    @property
    def truncated(self):
        found, limit = self._counted
        return found > limit
