"""A story page's own parts, kept between renders, so that a page-cache miss costs little.

The page cache (articles.reading.cache) serves anonymous readers whole pages, and every page
misses at once as soon as anything public changes: one story published re-renders the whole
site. Readers holding a session and signed-in editors are never served from it at all. Most of a
story's page is the story itself, though: its head (meta tags, JSON-LD) and its main column (the
body with its 目录, attachments, regions, tags, sharing). Those two parts are kept
(`{% story_part %}`, articles.templatetags.kept) under the story's *version*, and what
surrounds them, which follows the other stories (neighbours, related stories), under the content
generation (`around()`, through `cache.remember`). The view count, the pager and the page shell
are rendered every time. A story's item in a list (home, listings, topics: `{% story_items %}`,
`kept_items()`) is kept under its version too: a listing's miss renders only changed items.

A story's version names all its parts are drawn from:

- its row: `updated_at` changes with every save;
- its *stamp*, replaced when its links change without a save of the row (regions, tags,
  industries, attachments, a tag merge moving a tagging);
- the *shared stamp*, replaced when something drawn into every story's parts changes: a region,
  channel, tag or image edited, a user's name (the 责任编辑 line).

Stamps are random tokens, never counters: one evicted from the store must not come back and find
the parts it keyed. They are replaced now and again after commit, as the page cache's generation
is, so parts rendered by another process from the old rows in between are never found. With the
store unreachable, the parts are rendered every time (STORY_PART_SECONDS=0 does the same).
"""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import prefetch_related_objects

from articles.reading import cache as page_cache
from articles.reading import related
from newsportal.cache import strict

logger = logging.getLogger(__name__)

_PREFIX = "storyparts:v1"
SHARED_KEY = f"{_PREFIX}:shared"
# A story's stamp outlives its parts; an expired one is only a miss.
_STAMP_SECONDS = 30 * 24 * 3600
# What the parts read beyond the story's row (one query each, on a miss only).
LINKS = ("responsible_editor", "cover", "regions", "tags", "attachments")


def _stamp_key(pk):
    return f"{_PREFIX}:story:{pk}"


class Parts:
    """A story page's kept parts (`{% story_part parts "head" %}` in the template).

    All of them are one entry under the story's id, holding the version they were rendered for:
    the entry, the story's stamp and the shared stamp are read together, in one round trip.
    """

    def __init__(self, article, version, seconds, kept=None):
        self.article = article
        self.version = version
        self.seconds = seconds
        self.kept = kept if kept and kept.get("version") == version else {"version": version}

    def get(self, name):
        """The part as kept, or None: not kept yet, kept for an older version, or not to be kept."""
        return self.kept.get(name) if self.seconds else None

    def keep(self, name, rendered):
        if self.seconds:
            self.kept[name] = rendered
            _write(lambda: cache.set(_parts_key(self.article.pk), self.kept, self.seconds))


def _parts_key(pk):
    return f"{_PREFIX}:parts:{pk}"


def for_story(article):
    """The `Parts` of a published story's page, read with its version in one round trip."""
    seconds = settings.STORY_PART_SECONDS
    found = _read([SHARED_KEY, _stamp_key(article.pk), _parts_key(article.pk)]) if seconds > 0 else None
    if found is None:
        return unkept(article)
    fresh = {}
    version = _version(article, found, fresh)
    if not _store_stamps(fresh):
        return unkept(article)
    return Parts(article, version, seconds, found.get(_parts_key(article.pk)))


def unkept(article):
    """`Parts` rendered every time and never kept: a preview, or the store unreachable."""
    return Parts(article, None, 0)


def kept_items(articles, variant, render_item, links=()):
    """Each story of a list as `render_item(story)` (HTML), kept under its version and `variant`.

    One round trip reads the shared stamp, every story's stamp and every kept item; only the items
    not kept (or kept under an older version) are rendered, their `links` read first in one query
    each, and kept in one more. `variant` names the list's options (heading, badges …) so that
    one story's item in two kinds of list is kept twice.
    """
    articles = list(articles)
    seconds = settings.STORY_PART_SECONDS
    keys = [SHARED_KEY]
    for article in articles:
        keys += [_stamp_key(article.pk), _item_key(variant, article.pk)]
    found = _read(keys) if articles and seconds > 0 else None
    fresh = {}
    versions = [_version(article, found, fresh) for article in articles] if found is not None else None
    if versions is None or not _store_stamps(fresh):
        prefetch_related_objects(articles, *links)
        return [render_item(article) for article in articles]
    html = []
    for article, version in zip(articles, versions, strict=True):
        entry = found.get(_item_key(variant, article.pk))
        html.append(entry[1] if entry is not None and entry[0] == version else None)
    prefetch_related_objects([article for article, item in zip(articles, html, strict=True) if item is None], *links)
    kept = {}
    for n, article in enumerate(articles):
        if html[n] is None:
            html[n] = render_item(article)
            kept[_item_key(variant, article.pk)] = (versions[n], html[n])
    _write(lambda: cache.set_many(kept, seconds))
    return html


def _item_key(variant, pk):
    return f"{_PREFIX}:item:{variant}:{pk}"


def _read(keys):
    """The store's values of `keys`, or None when it cannot be reached."""
    try:
        return strict(cache).get_many(keys)
    except Exception as exc:
        logger.warning("Story parts cache unavailable: %r", exc)
        return None


def _write(store):
    try:
        store()
    except Exception as exc:
        logger.warning("Story parts cache unavailable: %r", exc)


def _version(article, found, fresh):
    """The story's version from the stamps read (`found`); a stamp missing there is made up and
    noted in `fresh`, for `_store_stamps`."""
    stamps = []
    for key in (_stamp_key(article.pk), SHARED_KEY):
        stamp = found.get(key) or fresh.get(key)
        if stamp is None:
            stamp = fresh[key] = secrets.token_hex(8)
        stamps.append(stamp)
    return f"{article.updated_at.timestamp():.6f}.{stamps[0]}.{stamps[1]}"


def _store_stamps(fresh):
    """Store the stamps made up by `_version`. False when they cannot be used to keep anything:
    the store failed, or another process made the shared stamp first (the versions name another).
    A story's stamp stored meanwhile by another process is overwritten: its parts become a miss."""
    if not fresh:
        return True
    try:
        store = strict(cache)
        if SHARED_KEY in fresh and not store.add(SHARED_KEY, fresh.pop(SHARED_KEY), None):
            return False
        if fresh:
            store.set_many(fresh, _STAMP_SECONDS)
    except Exception as exc:
        logger.warning("Story parts cache unavailable: %r", exc)
        return False
    return True


def load_links(article):
    """Read the story's editor, cover, regions, tags and attachments once: a part is being rendered."""
    prefetch_related_objects([article], *LINKS)


def around(article):
    """{"previous", "next", "related"}: the stories around this one, kept for the content generation.

    They follow every other story (one published, scheduled or taken down moves them), so they
    are kept exactly as long as a cached page would be (`cache.remember`).
    """

    def compute():
        prefetch_related_objects([article], "regions", "tags")  # what related stories are found by
        return related.surroundings(article)

    return page_cache.remember(f"story-around:{article.pk}", compute, settings.STORY_PART_SECONDS)


# ---------- invalidation (articles.reading.signals) ----------


def story_changed(*pks):
    """The links of these stories changed: their parts are rendered anew."""
    keys = [_stamp_key(pk) for pk in pks if pk is not None]
    if keys:
        _replace(lambda: cache.delete_many(keys))


def shared_changed():
    """Something drawn into every story's parts changed (a region's name, a tag, an image …)."""
    _replace(lambda: cache.delete(SHARED_KEY))


def _replace(forget):
    # A forgotten stamp is replaced by a fresh random one when next read. Now, and again after
    # commit (see the module's docstring).
    def run():
        try:
            forget()
        except Exception:
            logger.error("Story parts could not be invalidated", exc_info=True)

    run()
    transaction.on_commit(run, robust=True)
