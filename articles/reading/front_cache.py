"""The front cache (nginx, Varnish, a CDN) in front of the site, told of every change.

`purge_front_cache()` is called by articles.reading.cache once a change readers could see has
committed (README "Page cache": how to run a front cache with this hook).
"""

import logging
import threading
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)

PURGE_THREAD_NAME = "front-cache-purge"


def purge_front_cache():
    """Send FRONT_CACHE_PURGE_METHOD (PURGE, BAN …) to each FRONT_CACHE_PURGE_URLS, in the background.

    Not a django.tasks task: the default backend runs tasks inside the request, and a slow or
    absent front cache must never hold up an editor's save. A thread for each purge, gone when it
    is sent, rather than a pool kept alive: the PDF checks fork the process, and a fork is only
    safe while no other thread runs. Best effort: a failure is logged, and the front cache's
    s-maxage bounds what it can serve stale. Returns the thread (tests wait for it), or None.
    """
    urls = tuple(settings.FRONT_CACHE_PURGE_URLS)
    if not urls:
        return None
    args = (urls, settings.FRONT_CACHE_PURGE_METHOD, settings.FRONT_CACHE_PURGE_TIMEOUT)
    thread = threading.Thread(target=_send_purges, args=args, name=PURGE_THREAD_NAME, daemon=True)
    thread.start()
    return thread


def _send_purges(urls, method, timeout):
    for url in urls:
        try:
            request = urllib.request.Request(url, method=method, headers={"X-Purge-Reason": "content-changed"})
            with urllib.request.urlopen(request, timeout=timeout):  # http(s) only: settings check the URLs
                pass
        except Exception as exc:
            logger.warning("Front cache purge %s %s failed: %s", method, url, exc)
