"""When a story is visible: the one owner of "draft / in review / scheduled / live / expired".

An article's workflow `Status` is what editors set (草稿 → 待审核 → 已发布 → 已下线); its
`PublicationState` adds the clock: a published story whose publication time has not come is
scheduled (定时发布), one whose take-down time has passed is expired (已到期下线). The state of
one article (`publication_state`) and the querysets that select a state (`published()` and
friends) are defined here together, so they cannot disagree. No cron job is involved: the
current time is part of every query.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEW = "review", "待审核"
    PUBLISHED = "published", "已发布"
    ARCHIVED = "archived", "已下线"


class PublicationState(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEW = "review", "待审核"
    SCHEDULED = "scheduled", "定时发布"
    LIVE = "live", "已发布"
    EXPIRED = "expired", "已到期下线"
    ARCHIVED = "archived", "已下线"


_UNTIMED = {
    Status.DRAFT: PublicationState.DRAFT,
    Status.REVIEW: PublicationState.REVIEW,
    Status.ARCHIVED: PublicationState.ARCHIVED,
}


def publication_state(status, publish_at, expire_at, now=None):
    """The state of a story with these workflow fields at `now` (default: the current time)."""
    if status != Status.PUBLISHED:
        return _UNTIMED[status]
    now = now or timezone.now()
    if publish_at > now:
        return PublicationState.SCHEDULED
    if expire_at is not None and expire_at <= now:
        return PublicationState.EXPIRED
    return PublicationState.LIVE


class ArticleQuerySet(models.QuerySet):
    def published(self, at=None):
        """The one definition of what readers may see (the LIVE state).

        Published status, a publication time that has arrived and no take-down time that
        has passed. Scheduled stories appear by themselves: the clock is part of the query.
        """
        now = at or timezone.now()
        return self.filter(status=Status.PUBLISHED, publish_at__lte=now).filter(
            Q(expire_at__isnull=True) | Q(expire_at__gt=now)
        )

    def scheduled(self, at=None):
        """Published, waiting for their publication time (定时发布)."""
        return self.filter(status=Status.PUBLISHED, publish_at__gt=at or timezone.now())

    def expired(self, at=None):
        """Published, but their take-down time has passed (已到期下线)."""
        return self.filter(status=Status.PUBLISHED, expire_at__lte=at or timezone.now())

    def expiring(self, at=None):
        """Published with a take-down time still to come (定时下线)."""
        return self.filter(status=Status.PUBLISHED, expire_at__gt=at or timezone.now())

    def in_state(self, state, at=None):
        """The stories in `state` (a PublicationState value) at `at`."""
        if state in _UNTIMED.values():
            return self.filter(status=state)
        return {
            PublicationState.SCHEDULED: self.scheduled,
            PublicationState.LIVE: self.published,
            PublicationState.EXPIRED: self.expired,
        }[state](at)

    def for_listing(self):
        """What a list item shows: channel name and cover, no body."""
        return self.select_related("channel", "cover").defer("body", "search_document", "search_head")

    def newest_first(self):
        return self.order_by("-publish_at", "-id")

    def for_home(self):
        """Pinned stories first, then the newest."""
        return self.order_by("-is_pinned", "-publish_at", "-id")

    def popular(self):
        return self.order_by("-view_count", "-publish_at", "-id")
