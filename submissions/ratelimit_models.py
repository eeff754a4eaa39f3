"""The database's copy of the rate-limit counts, used while the shared cache is down.

submissions.ratelimit counts in the cache; when it cannot be reached the same limits are counted
here, so the forms neither fail nor open to unlimited posts. A fixed window per key: the hits of
one key in one window (windows start at multiples of its length since the epoch) are one row,
incremented with `UPDATE … SET hits = hits + 1` (atomic on PostgreSQL and SQLite alike). Rows of
past windows are deleted whenever a new window's row is created.
"""

import datetime
import hashlib

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

KEY_LENGTH = 200


def window_of(now, seconds):
    """The (start, end) of the fixed `seconds`-long window holding `now`."""
    start = int(now.timestamp()) // seconds * seconds
    start = datetime.datetime.fromtimestamp(start, datetime.UTC)
    return start, start + datetime.timedelta(seconds=seconds)


def stored_key(key):
    """`key` as kept in the row: itself, or its hash when too long or not printable."""
    if len(key) <= KEY_LENGTH and key.isprintable():
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class RateLimitCounterQuerySet(models.QuerySet):
    def hits(self, key, window, now=None):
        """How many hits `key` has in the current `window`-second window."""
        start, _ = window_of(now or timezone.now(), window)
        return self.filter(key=stored_key(key), window_start=start).values_list("hits", flat=True).first() or 0

    def hit(self, key, window, now=None):
        """Count one hit of `key` in the current window; return the window's hits, this one included."""
        now = now or timezone.now()
        start, end = window_of(now, window)
        key = stored_key(key)
        counter = self.filter(key=key, window_start=start)
        with transaction.atomic():
            # The UPDATE locks the row (PostgreSQL) or the database (SQLite) until commit, so the
            # value read back below is this hit's alone.
            if not counter.update(hits=F("hits") + 1):
                try:
                    with transaction.atomic():
                        self.create(key=key, window_start=start, expires_at=end, hits=1)
                except IntegrityError:  # another request created the window's row first
                    counter.update(hits=F("hits") + 1)
                else:
                    self.filter(expires_at__lte=now).delete()
            return counter.values_list("hits", flat=True).get()


class RateLimitCounter(models.Model):
    """The hits of one rate-limit key in one fixed window, counted while the cache is down."""

    key = models.CharField("限流键", max_length=KEY_LENGTH)
    window_start = models.DateTimeField("窗口开始")
    expires_at = models.DateTimeField("窗口结束", db_index=True)
    hits = models.PositiveIntegerField("次数", default=0)

    objects = RateLimitCounterQuerySet.as_manager()

    class Meta:
        app_label = "submissions"
        verbose_name = verbose_name_plural = "限流计数"
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="ratelimit_counter_key_window")]

    def __str__(self):
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.hits}"
