"""Per-client rate limits kept in the shared cache (so every web process sees the same counts).

While the cache cannot be reached (newsportal.cache.CacheUnavailable) the same limits are counted
in the database (submissions.ratelimit_models), so an outage neither fails the forms nor lets a
client post without limit. The two counts are not merged: a client may get up to one limit in
each during the window in which the cache goes down or comes back.
"""

from django.conf import settings
from django.core.cache import cache

from newsportal.cache import CacheUnavailable, strict
from submissions.ratelimit_models import RateLimitCounter


class RateLimit:
    """At most `limit` hits per `window` seconds per client.

    In the cache the window starts at the client's first hit; in the database (cache down) it is
    a fixed window. Limits are read from settings at each use, so tests and deployments can
    change them.
    """

    def __init__(self, name, limit_setting, window_setting):
        self.name = name
        self.limit_setting = limit_setting
        self.window_setting = window_setting

    @property
    def limit(self):
        return getattr(settings, self.limit_setting)

    @property
    def window(self):
        return getattr(settings, self.window_setting)

    def _key(self, ident):
        return f"ratelimit:{self.name}:{ident}"

    def exceeded(self, ident):
        key = self._key(ident)
        try:
            hits = strict(cache).get(key) or 0
        except CacheUnavailable:
            hits = RateLimitCounter.objects.hits(key, self.window)
        return hits >= self.limit

    def hit(self, ident):
        """Count one hit; return the client's hits in the window, this one included."""
        key = self._key(ident)
        try:
            return self._hit_cache(key)
        except CacheUnavailable:
            return RateLimitCounter.objects.hit(key, self.window)

    def _hit_cache(self, key):
        store = strict(cache)
        store.add(key, 0, self.window)
        try:
            return store.incr(key)
        except ValueError:  # expired between add() and incr()
            store.set(key, 1, self.window)
            return 1


# Submissions saved, and attempts refused as abuse (honeypot, too fast, forged token).
submissions = RateLimit("submissions", "SUBMISSIONS_RATE_LIMIT", "SUBMISSIONS_RATE_WINDOW")
# Every posted form, valid or not: a ceiling against hammering the upload checks.
attempts = RateLimit("attempts", "SUBMISSIONS_ATTEMPT_LIMIT", "SUBMISSIONS_RATE_WINDOW")
# Lookups on /track/, right or wrong.
lookups = RateLimit("track", "TRACK_RATE_LIMIT", "TRACK_RATE_WINDOW")
