"""Page cache hits without a round trip: the pages served lately, kept in this process too.

The page cache's store (Redis) is shared by every process, and reading a page from it costs a
round trip and unpickling, a third of a hit. Each process also keeps the entries it served lately
(MAX_PAGES, the least recently served leave first) with the content generation it last read from
the store, and serves them without asking the store again while that reading is younger than
PAGE_CACHE_LOCAL_SECONDS (one second). A change made in another process reaches this one's readers
at most that late (browsers and front caches keep pages a minute anyway); one made in this
process (`articles.reading.cache.invalidate`) at once. 0 turns the local copies off.
"""

import threading
import time
from collections import OrderedDict

from django.conf import settings

MAX_PAGES = 256
_lock = threading.Lock()
_pages = OrderedDict()
_generation = None  # (the generation read from the store, time.monotonic() when it was read)


def _fresh_generation():
    seconds = settings.PAGE_CACHE_LOCAL_SECONDS
    read = _generation
    if seconds <= 0 or read is None or time.monotonic() - read[1] > seconds:
        return None
    return read[0]


def get(entry):
    """(the generation, the page kept under `entry` or None) while the generation is fresh, else (None, None)."""
    current = _fresh_generation()
    if current is None:
        return None, None
    with _lock:
        page = _pages.get(entry)
        if page is not None:
            _pages.move_to_end(entry)
    return current, page


def read(current, entry, page):
    """What a round trip to the store found: the current generation, and the page for `entry` if
    it is one of that generation (None otherwise)."""
    global _generation
    if settings.PAGE_CACHE_LOCAL_SECONDS <= 0 or current is None:
        return
    _generation = (current, time.monotonic())
    if page is not None:
        with _lock:
            _pages[entry] = page
            _pages.move_to_end(entry)
            while len(_pages) > MAX_PAGES:
                _pages.popitem(last=False)


def forget():
    """The generation was replaced in this process: ask the store again before serving."""
    global _generation
    _generation = None


def clear():
    forget()
    with _lock:
        _pages.clear()
