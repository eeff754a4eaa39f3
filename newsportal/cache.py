"""The production cache backend: Django's RedisCache, with an unreachable Redis turned into misses.

`ResilientRedisCache` is what CACHES uses when REDIS_URL is set. While Redis cannot be reached
(refused, timed out, DNS, a reset connection) or cannot serve (not Redis, read-only, out of memory):

- reads miss: `get` answers its default, `get_many` {}, `has_key` False;
- writes are dropped: `set`/`set_many`/`delete`/`delete_many` do nothing, `add`/`touch`/
  `delete`/`clear` answer False (so `get_or_set` computes the value and returns it);
- `incr`/`decr` raise `CacheUnavailable`: a counter has no honest default, so its caller picks the
  fallback (submissions.ratelimit counts in the database, the view counter in the article row).

Every connection uses short connect and read timeouts, and a circuit breaker per Redis location
and process: after a failure Redis is not tried again for FAILURE_PAUSE seconds, so a request does
not pay a timeout for each of its cache calls; then one call (from one thread) tries it again,
and its success closes the breaker. The outage is logged once when it starts and once when it
ends, not per call.

Callers that must know whether the cache answered (a rate limit must not read "no hits" from a
dead cache) use `strict(cache)`: the same calls, raising `CacheUnavailable` instead of missing,
for any backend. `guarded(cache)` does the same around raw redis-py calls made on the backend's
client (articles.reading.view_counts).
"""

import logging
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar

import redis.exceptions
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.connection import ConnectionProxy

logger = logging.getLogger(__name__)

# Seconds; OPTIONS may override each (tests use shorter ones).
CONNECT_TIMEOUT = 0.25
READ_TIMEOUT = 0.5
FAILURE_PAUSE = 5.0


# Refused, reset, unreachable (OSError, the built-in ConnectionError and TimeoutError among them).
# redis-py's AuthenticationError, BusyLoadingError and MaxConnectionsError are ConnectionErrors.
# A server that cannot serve counts too: not speaking Redis at all (a wrong port), a replica
# refusing writes after a failover, maxmemory reached with noeviction. Other ResponseErrors (a
# wrong command, a wrong type) are bugs and are raised as before.
CONNECTION_ERRORS = (
    OSError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.InvalidResponse,
    redis.exceptions.ReadOnlyError,
    redis.exceptions.OutOfMemoryError,
)


class CacheUnavailable(Exception):
    """The cache server could not be reached (or is being left alone for a moment after failing)."""


class Breaker:
    """Closed while calls succeed; open for `pause` seconds after a failure, then one trial call.

    Shared by the threads of a process (Django makes a cache backend per thread).
    """

    def __init__(self, name, pause):
        self.name = name
        self.pause = pause
        self._lock = threading.Lock()
        self._open_until = None  # monotonic time; None while closed
        self._down_since = None  # wall-clock time the outage began, for the recovery log line

    def allow(self):
        """May a call try the server now? While open, the first caller after the pause may."""
        if self._open_until is None:
            return True
        with self._lock:
            if self._open_until is None:
                return True
            now = time.monotonic()
            if now < self._open_until:
                return False
            # This caller makes the trial; the others keep missing until it succeeds or fails.
            self._open_until = now + self.pause
            return True

    def failed(self, exc):
        with self._lock:
            first = self._open_until is None
            self._open_until = time.monotonic() + self.pause
            if first:
                self._down_since = time.time()
        if first:
            logger.error(
                "Cache %s unreachable (%s: %s); serving without it, trying again every %s s.",
                self.name,
                type(exc).__name__,
                exc,
                self.pause,
            )

    def succeeded(self):
        if self._open_until is None:
            return
        with self._lock:
            if self._open_until is None:
                return
            self._open_until = None
            down_for = time.time() - self._down_since
        logger.warning("Cache %s reachable again after %.1f s.", self.name, down_for)


_breakers = {}
_breakers_lock = threading.Lock()


def _breaker(location, pause):
    with _breakers_lock:
        if location not in _breakers:
            _breakers[location] = Breaker(location, pause)
        return _breakers[location]


class _ReusedClients(RedisCacheClient):
    """Django's Redis client holder, keeping one redis-py client per connection pool.

    Django builds a new `redis.Redis` for every cache call; its constructor fills a table of
    several hundred response callbacks, which cost a cached page a third of its time. A client
    is thread-safe (each command borrows a connection from the pool), so one per pool serves
    every call.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache whose reads miss and writes are dropped while Redis is unreachable.

    OPTIONS: FAILURE_PAUSE (seconds the breaker stays open), and redis-py's connection options
    (socket_connect_timeout, socket_timeout default to CONNECT_TIMEOUT and READ_TIMEOUT).
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        pause = float(options.pop("FAILURE_PAUSE", FAILURE_PAUSE))
        options.setdefault("socket_connect_timeout", CONNECT_TIMEOUT)
        options.setdefault("socket_timeout", READ_TIMEOUT)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _ReusedClients
        # Named without credentials: the name goes to the logs.
        location = ",".join(_without_password(s) for s in self._servers)
        self.breaker = _breaker(location, pause)

    @contextmanager
    def guard(self):
        """Run the block against Redis unless the breaker is open; raise CacheUnavailable on failure."""
        if not self.breaker.allow():
            raise CacheUnavailable(f"cache {self.breaker.name} is paused after a failure")
        try:
            yield
        except CONNECTION_ERRORS as exc:
            self.breaker.failed(exc)
            raise CacheUnavailable(str(exc)) from exc
        except Exception:
            self.breaker.succeeded()  # Redis answered (a missing key for incr …): it is up
            raise
        self.breaker.succeeded()

    def _or(self, fallback, method, *args):
        try:
            with self.guard():
                return method(*args)
        except CacheUnavailable:
            if _strict_calls.get():
                raise
            return fallback

    # Each method below calls RedisCache's own, which talks to the client directly: no guard
    # is ever nested in another (a trial call must not be refused by its own breaker).

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._or(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._or(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._or({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._or(False, super().has_key, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that could not be stored.
        return self._or(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._or(None, super().delete_many, keys, version)

    def clear(self):
        return self._or(False, super().clear)

    def incr(self, key, delta=1, version=None):
        """As RedisCache.incr (ValueError for a missing key); CacheUnavailable when Redis is down."""
        with self.guard():
            return super().incr(key, delta, version)

    # decr is BaseCache's: self.incr(key, -delta).


# Set while a call made through strict() runs: the backend raises instead of missing.
_strict_calls = ContextVar("strict_cache_calls", default=False)


class _Strict:
    """A cache's primitive calls, raising CacheUnavailable when its server cannot be reached."""

    def __init__(self, cache):
        self._cache = _backend(cache)

    def __getattr__(self, name):
        if name not in _STRICT_CALLS:
            raise AttributeError(name)
        method = getattr(self._cache, name)

        def call(*args, **kwargs):
            token = _strict_calls.set(True)
            try:
                with _translated():  # other backends' connection errors
                    return method(*args, **kwargs)
            finally:
                _strict_calls.reset(token)

        return call


_STRICT_CALLS = {"add", "get", "set", "touch", "delete", "get_many", "has_key", "set_many", "delete_many", "incr"}


def strict(cache):
    """`cache` whose get/add/set/touch/delete/get_many/has_key/set_many/delete_many/incr raise
    CacheUnavailable, rather than miss, while its server is unreachable (any backend)."""
    return _Strict(cache)


def guarded(cache):
    """A context manager for calls that reach `cache`'s server (the cache API or its raw client):
    they raise CacheUnavailable when it is down (at once while a ResilientRedisCache's breaker
    is open). For other backends, connection errors become CacheUnavailable."""
    cache = _backend(cache)
    if isinstance(cache, ResilientRedisCache):
        return cache.guard()
    return _translated()


@contextmanager
def _translated():
    try:
        yield
    except CONNECTION_ERRORS as exc:
        raise CacheUnavailable(str(exc)) from exc


def _backend(cache):
    # django.core.cache.cache is a proxy to this thread's default backend: look at the backend.
    if isinstance(cache, ConnectionProxy):
        return cache._connections[cache._alias]
    return cache


def _without_password(url):
    scheme, sep, rest = url.partition("://")
    if sep and "@" in rest:
        rest = rest.rpartition("@")[2]
    return f"{scheme}{sep}{rest}"
