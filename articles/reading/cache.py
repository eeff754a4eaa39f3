"""The page cache for anonymous readers: public pages rendered once, kept compressed, served without SQL.

`cached_page(view)` wraps the reading site's views in articles/urls.py (home, stories, listings,
topics, feeds, sitemaps, robots.txt). What it owns:

- Who is served from the cache: GET/HEAD requests without a session or a pending message
  (no cookie that could make the page someone's own) and without Authorization. Everyone else
  gets the view itself, marked `Cache-Control: private`. Only the query parameters a view
  declares (`page`) reach it, as the cache key holds them; anything else (utm_source …) is
  dropped, and an odd value (`page=02`) is rendered uncached.
- What is stored: a 200 that set no cookie, read no session, used no CSRF token, generated no
  CSP nonce and queued no message: a page the same for every reader. Its identity, gzip and
  brotli bodies are made once and kept in an entry each (newsportal.compression): a hit reads
  the one it sends.
- Invalidation: a site-wide content *generation* is stored with every page, and a page is only
  served while it matches the current one (both are read in one round trip; for a second, from
  this process's own copies: articles.reading.local_pages). `invalidate()`
  (called by articles.reading.signals on every change readers could see) replaces it at once and
  again after commit, so a page rendered from the old rows is never served again; the front cache in
  front of the site (FRONT_CACHE_PURGE_URLS) is then purged in the background.
- The clock: no page outlives the next scheduled publication or take-down (`next_event`, one
  query per generation), nor local midnight (the masthead shows the date).
- Headers: a weak ETag of the page, Last-Modified (conditional GETs get 304), `Cache-Control:
  public` with a short max-age and an s-maxage for the front cache, `Vary: Accept-Encoding`,
  `X-Cache: HIT|MISS|BYPASS`. Security headers (CSP included) are added by the middleware on
  every response, cached or not; a cacheable page never needs a CSP nonce.

The store failing (Redis down) costs the cache, never the page: every call is wrapped and
the view renders as if the cache were off. PAGE_CACHE_SECONDS=0 turns the cache off (benchmarks).
"""

import datetime
import hashlib
import logging
import re
import secrets
from functools import lru_cache, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models import Min, Q
from django.dispatch import receiver
from django.http import QueryDict
from django.middleware.csp import get_nonce
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control

from articles.models import Article, ArticleDraft
from articles.newsroom import drafts
from articles.reading import local_pages
from articles.reading.front_cache import purge_front_cache
from articles.reading.stored_page import CachedPage
from newsportal.cache import strict

logger = logging.getLogger(__name__)

_PREFIX = "pagecache:v2"
GENERATION_KEY = f"{_PREFIX}:generation"
# Values a declared query parameter may take and still be cached: a page number as the
# paginators write it (or "last"); anything else is rendered, not stored.
_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}|last")


def _enabled():
    return settings.PAGE_CACHE_SECONDS > 0


# ---------- the store: every call may fail, none may fail the page ----------


def _get(key):
    try:
        return cache.get(key)
    except Exception as exc:  # one line per request while the store is down, not a traceback
        logger.warning("Page cache unavailable: %r", exc)
        return None


def _set(key, value, timeout):
    try:
        cache.set(key, value, timeout)
    except Exception as exc:
        logger.warning("Page cache unavailable: %r", exc)


def _set_many(entries, timeout):
    try:
        cache.set_many(entries, timeout)
    except Exception as exc:
        logger.warning("Page cache unavailable: %r", exc)


def generation():
    """The current content generation, or None when the store cannot be reached."""
    # strict(): with the store down, the production backend would answer a miss, and every
    # page would be rendered and compressed for a fresh generation that nothing keeps.
    store = strict(cache)
    try:
        current = store.get(GENERATION_KEY)
        if current is None:
            # A fresh random value, never a counter from 1: a generation lost from the store
            # (evicted, flushed) must not come back and find the pages it keyed.
            current = secrets.token_hex(8)
            if not store.add(GENERATION_KEY, current, None):
                current = store.get(GENERATION_KEY) or current
        return current
    except Exception as exc:
        logger.warning("Page cache unavailable: %r", exc)
        return None


def _bump():
    local_pages.forget()
    try:
        cache.set(GENERATION_KEY, secrets.token_hex(8), None)
    except Exception:
        # Pages then stay until their own expiry, at most PAGE_CACHE_SECONDS.
        logger.error("Page cache could not be invalidated", exc_info=True)


# ---------- invalidation ----------


class _AfterCommit:
    """The on-commit half of `invalidate()`, recognisable while it is pending."""

    def __init__(self):
        self.done = False

    def __call__(self):
        self.done = True
        _bump()
        purge_front_cache()


def invalidate():
    """What readers see has changed (or will, once this transaction commits).

    The generation is replaced now (a page rendered later in this transaction, or by a test,
    sees the change) and again after commit: a page another process rendered from the old,
    still-committed rows in between was keyed by the intermediate generation and is never
    found. One on-commit callback per transaction however many signals fire.
    """
    _bump()
    pending = transaction.get_connection().run_on_commit
    if any(isinstance(callback, _AfterCommit) and not callback.done for _, callback, _ in pending):
        return
    transaction.on_commit(_AfterCommit(), robust=True)


# ---------- how long a page may be kept ----------


def next_event(current_generation, now):
    """The next moment the public pages change by the clock alone, or None.

    A scheduled story going live, a live one taken down, or a scheduled change to a live story
    (articles.newsroom.drafts) coming due. Two queries, kept per generation: any edit that
    could move it replaces the generation (scheduling a change included), and the moment itself
    passing makes the next look compute the one after it. A change already due answers `now`.
    """
    key = f"{_PREFIX}:next-event:{current_generation}"
    known = _get(key)
    if known is not None and (known["at"] is None or known["at"] > now):
        return known["at"]
    upcoming = (Article.objects.scheduled(now) | Article.objects.expiring(now)).aggregate(
        publish=Min("publish_at", filter=Q(publish_at__gt=now)),
        expire=Min("expire_at", filter=Q(expire_at__gt=now)),
    )
    changes = ArticleDraft.objects.filter(go_live_at__isnull=False).aggregate(at=Min("go_live_at"))["at"]
    moments = [m for m in upcoming.values() if m is not None]
    if changes is not None:
        moments.append(max(changes, now))
    moment = min(moments, default=None)
    _set(key, {"at": moment}, 24 * 60 * 60)
    return moment


def publish_due_changes(current_generation, now):
    """Publish scheduled changes that are due before a page is rendered (its cache entry has
    just expired for them), so no reader waits for ScheduledChangesMiddleware's next look."""
    moment = next_event(current_generation, now)
    if moment is not None and moment <= now and ArticleDraft.objects.due(now).exists():
        drafts.publish_due(now)


def page_lifetime(current_generation, now, seconds=None):
    """Seconds a page rendered at `now` may be served: `seconds` (PAGE_CACHE_SECONDS), cut short by the clock."""
    tomorrow = timezone.localtime(now).date() + datetime.timedelta(days=1)
    midnight = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time()))
    seconds = settings.PAGE_CACHE_SECONDS if seconds is None else seconds
    for moment in (next_event(current_generation, now), midnight):
        if moment is not None:
            # Rounded down: a page may expire a moment early, never a moment late.
            seconds = min(seconds, int((moment - now).total_seconds()))
    return seconds


# ---------- values computed from what readers see ----------


def remember(name, compute, seconds):
    """`compute()`, kept up to `seconds` for the current content generation under `name`.

    For what a page derives from the published stories and would otherwise compute on every
    render (a listing's count, a page of search results): like a cached page, it is never read
    again once readers could see a change, nor past the next scheduled event or midnight
    (`page_lifetime`). With the store down, or `seconds` 0, it is computed every time.
    """
    current = generation() if seconds > 0 else None
    if current is None:
        return compute()
    key = f"{_PREFIX}:value:{current}:{hashlib.sha256(name.encode()).hexdigest()}"
    kept = _get(key)
    if kept is not None:
        return kept
    value = compute()
    lifetime = page_lifetime(current, timezone.now(), seconds)
    if lifetime >= 1:
        _set(key, value, lifetime)
    return value


# ---------- who is served from the cache, and what is stored ----------


def _personal(request):
    """Does the request carry anything that could make its page someone's own?"""
    cookies = request.COOKIES
    return (
        request.method not in ("GET", "HEAD")
        or settings.SESSION_COOKIE_NAME in cookies
        or getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in cookies
        or "HTTP_AUTHORIZATION" in request.META
    )


def _cache_query(request, parameters):
    """The request's query reduced to `parameters` (a QueryDict), or None when it cannot be cached."""
    kept = QueryDict(mutable=True)
    for name in parameters:
        values = request.GET.getlist(name)
        if len(values) > 1 or (values and not _PAGE_NUMBER.fullmatch(values[0])):
            return None
        if values:
            kept[name] = values[0]
    kept._mutable = False
    return kept


def _page_key(request, query):
    address = f"{request.scheme}://{request.get_host()}{request.path}?{urlencode(sorted(query.items()))}"
    return f"{_PREFIX}:page:{hashlib.sha256(address.encode()).hexdigest()}"


def _lookup(request, key):
    """(the current generation, the page stored under `key` in the encoding `request` wants, or
    None) in one round trip; (None, None) when the store cannot be reached."""
    entry = f"{key}:{CachedPage.wanted(request)}"
    current, page = local_pages.get(entry)
    if page is not None and page.generation == current:
        return current, page
    try:
        found = strict(cache).get_many([GENERATION_KEY, entry])
    except Exception as exc:
        logger.warning("Page cache unavailable: %r", exc)
        return None, None
    current = found.get(GENERATION_KEY) or generation()
    page = found.get(entry)
    local_pages.read(current, entry, page if isinstance(page, CachedPage) and page.generation == current else None)
    return current, page


def _storable(request, response):
    """Is this response the same for every reader, and complete?"""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Cache-Control") and re.search(
        r"private|no-store|no-cache|max-age=0", response["Cache-Control"]
    ):
        return False
    if any(v.strip().lower() != "accept-encoding" for v in response.get("Vary", "").split(",") if v.strip()):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.accessed:
        return False
    messages = getattr(request, "_messages", None)
    return not (
        request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a CSRF token
        or get_nonce(request)  # a nonce in the body would not match the next response's header
        or (messages is not None and len(messages))
    )


def _bypass(response):
    patch_cache_control(response, private=True)
    response["X-Cache"] = "BYPASS"
    return response


def _served(page, current, now):
    return isinstance(page, CachedPage) and page.generation == current and page.expires > now


@lru_cache(maxsize=1024)
def _page_cache_query(urlconf, path):
    """The query parameters the cached view at `path` reads, or None when no cached view answers
    it. Resolved once per address: resolving walks the URL patterns, a sixth of a hit's time."""
    try:
        return getattr(resolve(path, urlconf).func, "page_cache_query", None)
    except Resolver404:
        return None


@receiver(setting_changed)
def _forget_resolved(**kwargs):
    _page_cache_query.cache_clear()  # a test's URL configuration


class PageCacheMiddleware:
    """Answers a page cache hit before the middleware a reader's page does not need runs.

    Placed after the security headers (CSP, X-Frame-Options …) and compression, before sessions,
    CSRF, sign-in and messages: a hit needs none of them, and is served in one round trip to the
    store. Whether a request may be served from the cache is decided exactly as `cached_page`
    decides it (that is the view the URL resolves to). A miss goes on down the stack, handing the
    lookup to the view's `cached_page` so the store is not asked twice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _enabled() and request.method in ("GET", "HEAD") and not _personal(request):
            query = _page_cache_query(get_urlconf() or settings.ROOT_URLCONF, request.path_info)
            kept = None if query is None else _cache_query(request, query)
            if kept is not None:
                key = _page_key(request, kept)
                current, page = _lookup(request, key)
                now = timezone.now()
                if current is not None and _served(page, current, now):
                    return page.response(request, now, "HIT")
                request.page_cache_lookup = (key, current, page)
        return self.get_response(request)


def cached_page(view=None, *, query=()):
    """Serve `view` to anonymous readers from the page cache; `query`: the parameters it reads (("page",))."""

    def decorator(view):
        @wraps(view)
        def cached_view(request, *args, **kwargs):
            if not _enabled():
                return view(request, *args, **kwargs)
            kept = None if _personal(request) else _cache_query(request, query)
            if kept is None:
                return _bypass(_rendered(view(request, *args, **kwargs)))
            request.GET = kept  # the view sees exactly what the key holds
            key = _page_key(request, kept)
            looked_up = getattr(request, "page_cache_lookup", None)
            current, page = looked_up[1:] if looked_up and looked_up[0] == key else _lookup(request, key)
            if current is None:
                return _bypass(_rendered(view(request, *args, **kwargs)))
            now = timezone.now()
            if _served(page, current, now):
                return page.response(request, now, "HIT")
            publish_due_changes(current, now)
            response = _rendered(view(request, *args, **kwargs))
            if not _storable(request, response):
                return _bypass(response)
            lifetime = page_lifetime(current, now)
            if lifetime < 1:
                return _bypass(response)
            page = CachedPage.from_response(response, now, lifetime, current)
            _set_many(page.entries(key), lifetime)
            return page.response(request, now, "MISS")

        cached_view.page_cache_query = tuple(query)
        return cached_view

    return decorator(view) if view is not None else decorator


def _rendered(response):
    if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
        response.render()
    return response
