"""The checks behind /healthz: is each part the site needs answering?

Each check returns "ok", "not used" (the part is not configured here, which is healthy) or
"error: …" naming what failed (an exception's class, never its message: it may hold a host name
or a password from a URL). A check never raises.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from newsportal.cache import strict
from newsportal.storage import check_storages
from newsportal.tasks import uses_worker
from newsportal.worker import last_heartbeat

HEALTHY = frozenset({"ok", "not used"})


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
    """A tiny file written, read back and deleted in each storage (local folders or the object store)."""
    try:
        return check_storages()
    except Exception as exc:  # it promises not to raise; a health check must not either
        return _error(exc)


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
