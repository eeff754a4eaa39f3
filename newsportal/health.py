"""The checks behind /healthz: is each part the site needs answering?

Each check returns "ok", "not used" (the part is not configured here, which is healthy) or
"error: …" naming what failed (an exception's class, never its message: it may hold a host name
or a password from a URL). A check never raises.
"""

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from newsportal.cache import strict
from newsportal.storage import check_storages
from newsportal.tasks import uses_worker
from newsportal.worker import last_heartbeat

HEALTHY = frozenset({"ok", "not used"})

_storage_lock = threading.Lock()
_storage_result = None  # (storage settings, monotonic time, result) of the last storage check


def run_checks():
    """{check name: result} for the database, the cache, file storage and the task worker."""
    return {
        "database": database_check(),
        "cache": cache_check(),
        "storage": storage_check(),
        "worker": worker_check(),
    }


def database_check():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means unhealthy; report it, never raise
        return _error(exc)
    return "ok"


def cache_check():
    # strict(): the production cache turns an unreachable Redis into misses; here it must say so.
    try:
        strict(cache).set("healthz", "1", 5)
        return "ok" if strict(cache).get("healthz") == "1" else "error: no round trip"
    except Exception as exc:
        return _error(exc)


def storage_check():
    """A tiny file written, read back and deleted in each storage (local folders or the object store).

    At most once per HEALTHZ_STORAGE_SECONDS per process: /healthz is public, and each check is
    a handful of requests to the object store. The answer is kept with the storage settings it
    was found under, so a change of them is checked at once.
    """
    global _storage_result
    config = (str(settings.MEDIA_ROOT), str(getattr(settings, "PRIVATE_MEDIA_ROOT", "")), repr(settings.STORAGES))
    now = time.monotonic()
    with _storage_lock:
        kept = _storage_result
        if kept is not None and kept[0] == config and now - kept[1] < settings.HEALTHZ_STORAGE_SECONDS:
            return kept[2]
        try:
            result = check_storages()
        except Exception as exc:  # it promises not to raise; a health check must not either
            result = _error(exc)
        _storage_result = (config, time.monotonic(), result)
        return result


def worker_check():
    """The task workers' newest heartbeat, when tasks wait for one (TASKS_BACKEND=database).

    With the in-process backend of development and the tests there is no worker: "not used".
    """
    try:
        if not uses_worker():
            return "not used"
        beat = last_heartbeat()
    except Exception as exc:
        return _error(exc)
    if beat is None:
        return "error: no heartbeat yet"
    age = (timezone.now() - beat).total_seconds()
    if age > settings.HEALTHZ_WORKER_STALE_SECONDS:
        return f"error: last heartbeat {int(age)} s ago"
    return "ok"


def _error(exc):
    return f"error: {exc.__class__.__name__}"
