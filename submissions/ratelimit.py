"""Per-client rate limits kept in the shared cache (so every web process sees the same counts)."""

from django.conf import settings
from django.core.cache import cache


class RateLimit:
    """At most `limit` hits per `window` seconds per client; the window starts at the first hit.

    Limits are read from settings at each use, so tests and deployments can change them.
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
        return (cache.get(self._key(ident)) or 0) >= self.limit

    def hit(self, ident):
        key = self._key(ident)
        cache.add(key, 0, self.window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, self.window)
            return 1


# Submissions saved, and attempts refused as abuse (honeypot, too fast, forged token).
submissions = RateLimit("submissions", "SUBMISSIONS_RATE_LIMIT", "SUBMISSIONS_RATE_WINDOW")
# Every posted form, valid or not: a ceiling against hammering the upload checks.
attempts = RateLimit("attempts", "SUBMISSIONS_ATTEMPT_LIMIT", "SUBMISSIONS_RATE_WINDOW")
# Lookups on /track/, right or wrong.
lookups = RateLimit("track", "TRACK_RATE_LIMIT", "TRACK_RATE_WINDOW")
