"""Counting article views (浏览次数) without writing the article's row on every view.

Anonymous readers get article pages from a page cache, where the view function never runs, so a
page counts itself: static/js/site.js posts to the URL in its `data-view-beacon` attribute
(articles.reading.view_beacon), which calls `count_view()` and answers the current total for the
page to show, whatever the age of its HTML.

A view only adds one to a counter in the shared cache (`views:<article id>`). `flush()` moves the
pending counts into `Article.view_count` in batches: one `UPDATE … SET view_count = view_count + n`
per distinct n, in one transaction per batch. It runs as a django.tasks task
(articles.reading.tasks), enqueued by the beacon when `flush_is_due()` (a `cache.add` key that
expires after VIEW_COUNT_FLUSH_SECONDS, so at most once per interval across all processes), and
from `manage.py flush_view_counts` for schedulers. The number readers see is the row's count
plus the pending one (`total()`); the 热门排行 orders by the row's count alone, at most one flush
behind.

Where the pending counts live:

- Redis (production, REDIS_URL): a view is one MULTI of INCR on its counter and SADD of the
  article id to a set of ids with pending views. A flush takes a batch of ids from that set with
  one MULTI of SREM, GET and DEL. Views are MULTIs too, so each lands wholly before a take (and
  is in the number taken) or wholly after (a new counter and the id back in the set): none is
  lost, none is written twice, and concurrent flushes cannot take the same views.
- Any other cache (the local-memory cache of development and the tests) through Django's cache
  API, whose `incr`/`decr` are atomic there. There is no set to keep: a flush walks every
  article id in batches with `get_many` and, for each counter it finds at n, subtracts exactly
  n with `decr`; views counted meanwhile stay for the next flush. The walk grows with the number
  of articles, which is fine for development. The local-memory cache belongs to one process, so
  there the views a process counts are flushed by that process's own beacons, not by the command.

Failures:

- The database write fails: the taken counts go back into the cache, and the error is raised
  (a worker backend retries; the command exits non-zero).
- The cache fails (Redis down): a view is counted in the row directly (`Article.record_view`, an
  `UPDATE … SET view_count = view_count + 1`) and the page shows the row's count; a reader never
  gets a 500. While newsportal.cache's breaker is open Redis is not even tried (no timeout per
  view), and the outage is logged once by the cache backend, not per view. Views counted in
  Redis before it went down wait there for the first flush after it is back; a flush while it
  is down raises CacheUnavailable (the command exits non-zero, a worker retries).
- One flush runs at a time (a `cache.add` lock): on the generic store two flushers could read the
  same n. A process killed between taking a batch and committing it loses that batch's views,
  and while a batch is on its way the page may show up to n fewer for a moment.
"""

import itertools
import logging
from collections import defaultdict

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models import F

from articles.models import Article
from newsportal.cache import CacheUnavailable, guarded, strict

logger = logging.getLogger(__name__)

CACHE_ALIAS = "default"
BATCH_SIZE = 500
COUNTER_KEY = "views:{}"
PENDING_IDS_KEY = "views:pending-ids"
FLUSH_DUE_KEY = "views:flush-due"
FLUSHING_KEY = "views:flushing"
# Longer than any flush should take; a flusher that died holding the lock blocks others this long.
FLUSHING_LOCK_SECONDS = 300


def count_view(article):
    """Count one view of `article` (loaded with its `view_count`); return the total to show.

    The row is not written, unless the cache fails: then the view is counted there instead.
    """
    cache = caches[CACHE_ALIAS]
    try:
        with guarded(cache):
            pending = _store(cache).add(article.pk)
    except CacheUnavailable:  # the backend has logged the outage
        article.record_view()
        return article.view_count
    except Exception:
        logger.warning(
            "View counter cache unavailable; counting article %s in the database.", article.pk, exc_info=True
        )
        article.record_view()
        return article.view_count
    return article.view_count + pending


def total(article):
    """The views of `article` to show: its row's count plus those waiting in the cache."""
    cache = caches[CACHE_ALIAS]
    try:
        with guarded(cache):
            return article.view_count + _store(cache).pending(article.pk)
    except CacheUnavailable:
        return article.view_count
    except Exception:
        logger.warning("View counter cache unavailable; showing article %s's stored count.", article.pk, exc_info=True)
        return article.view_count


def flush():
    """Move every pending view into `Article.view_count`.

    Returns the number of views written, or None when another flush holds the lock; raises
    CacheUnavailable when the cache cannot be reached (the views wait there).
    """
    cache = caches[CACHE_ALIAS]
    if not strict(cache).add(FLUSHING_KEY, 1, timeout=FLUSHING_LOCK_SECONDS):
        return None
    try:
        store = _store(cache)
        written = 0
        for article_ids in store.candidates():
            counts = store.take(article_ids)
            if counts:
                _write_or_give_back(store, counts)
                written += sum(counts.values())
        return written
    finally:
        cache.delete(FLUSHING_KEY)


def flush_is_due():
    """True at most once every VIEW_COUNT_FLUSH_SECONDS (across processes): time to enqueue a flush."""
    try:
        return caches[CACHE_ALIAS].add(FLUSH_DUE_KEY, 1, timeout=settings.VIEW_COUNT_FLUSH_SECONDS)
    except Exception:
        # The cache is down: views go to the rows meanwhile, there is nothing to flush.
        return False


def _write_or_give_back(store, counts):
    try:
        _write(counts)
    except Exception:
        try:
            store.give_back(counts)
        except Exception:
            logger.exception("Views lost: the database and the cache both failed (article id → views: %s).", counts)
        raise


def _write(counts):
    """Add `counts` ({article id: views}) to the rows: one UPDATE per distinct number of views."""
    article_ids_by_views = defaultdict(list)
    for article_id, views in counts.items():
        article_ids_by_views[views].append(article_id)
    with transaction.atomic():
        for views, article_ids in sorted(article_ids_by_views.items()):
            Article.objects.filter(pk__in=sorted(article_ids)).update(view_count=F("view_count") + views)


def _store(cache):
    return RedisStore(cache) if isinstance(cache, RedisCache) else CacheStore(cache)


class CacheStore:
    """Pending views through Django's cache API alone (needs an atomic `incr`, as local memory has)."""

    def __init__(self, cache):
        self.cache = cache

    def add(self, article_id, views=1):
        """Add `views` to the article's counter; return its new value."""
        key = COUNTER_KEY.format(article_id)
        self.cache.add(key, 0, timeout=None)
        return self.cache.incr(key, views)

    def pending(self, article_id):
        return self.cache.get(COUNTER_KEY.format(article_id)) or 0

    def candidates(self):
        """Batches of article ids that may have pending views: here, all of them."""
        article_ids = Article.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=BATCH_SIZE)
        return itertools.batched(article_ids, BATCH_SIZE)

    def take(self, article_ids):
        """Remove and return the pending views of `article_ids` as {article id: views}."""
        keys = {COUNTER_KEY.format(article_id): article_id for article_id in article_ids}
        taken = {}
        for key, views in self.cache.get_many(list(keys)).items():
            if views > 0:
                self.cache.decr(key, views)  # exactly what is written; later views stay
                taken[keys[key]] = views
        return taken

    def give_back(self, counts):
        for article_id, views in counts.items():
            self.add(article_id, views)


class RedisStore:
    """Pending views in Redis: a counter per article and a set of the ids that have one."""

    def __init__(self, cache):
        self.cache = cache
        self.client = cache._cache.get_client(write=True)
        self.pending_ids = cache.make_and_validate_key(PENDING_IDS_KEY)

    def key(self, article_id):
        # The key Django's cache API would use (prefix and version), so `cache.get` reads it too.
        return self.cache.make_and_validate_key(COUNTER_KEY.format(article_id))

    def add(self, article_id, views=1):
        """Add `views` to the article's counter and mark it pending, atomically; return the counter."""
        pipe = self.client.pipeline(transaction=True)
        pipe.incrby(self.key(article_id), views)
        pipe.sadd(self.pending_ids, article_id)
        return pipe.execute()[0]

    def pending(self, article_id):
        return int(self.client.get(self.key(article_id)) or 0)

    def candidates(self):
        article_ids = sorted(int(article_id) for article_id in self.client.smembers(self.pending_ids))
        return itertools.batched(article_ids, BATCH_SIZE)

    def take(self, article_ids):
        """Remove and return the pending views of `article_ids` as {article id: views}, atomically."""
        keys = [self.key(article_id) for article_id in article_ids]
        pipe = self.client.pipeline(transaction=True)
        pipe.srem(self.pending_ids, *article_ids)
        pipe.mget(keys)
        pipe.delete(*keys)
        values = pipe.execute()[1]
        counts = {article_id: int(views or 0) for article_id, views in zip(article_ids, values, strict=True)}
        return {article_id: views for article_id, views in counts.items() if views > 0}

    def give_back(self, counts):
        pipe = self.client.pipeline(transaction=True)
        for article_id, views in counts.items():
            pipe.incrby(self.key(article_id), views)
        pipe.sadd(self.pending_ids, *counts)
        pipe.execute()
