"""When a story is visible: the one owner of "draft / in review / scheduled / live / expired".

An article's workflow `Status` is what editors set (草稿 → 待审核 → 已发布 → 已下线); its
`PublicationState` adds the clock: a published story whose publication time has not come is
scheduled (定时发布), one whose take-down time has passed is expired (已到期下线). The state of
one article (`publication_state`) and the querysets that select a state (`published()` and
friends) are defined here together, so they cannot disagree. No cron job is involved: the
current time is part of every query.
"""

import datetime
import functools

from django.db import connections, models
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, Value
from django.db.models.expressions import RawSQL
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

    def condition_sql(self):
        """(sql, params): this queryset's WHERE condition on "articles_article", for the few
        hand-written queries (articles.reading.related) that must say, e.g., `published()`
        without spelling it again."""
        query = self.query
        compiler = query.get_compiler(using=self.db)
        return compiler.compile(query.where)

    def published_condition_sql(self, at=None):
        """`published(at).condition_sql()`, compiled once per database and reused.

        Composing and compiling the condition is a few hundred microseconds of Python on every
        call; only the clock differs between calls. The condition is compiled at two distinct
        times: the parameters that differ are the clock's, and are filled with `at` (now).
        """
        sql, params, clock_positions = _published_condition(self.db)
        now = self.model._meta.get_field("publish_at").get_db_prep_value(
            at or timezone.now(), connections[self.db], prepared=False
        )
        params = list(params)
        for i in clock_positions:
            params[i] = now
        return sql, params

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

    def newest_first_of_few(self):
        """newest_first() for stories known to be few (a listing's count within its limit).

        A tag or region listing is a join with its link table. Given newest_first(),
        PostgreSQL walks the whole archive's publication-order index backwards and probes
        the links row by row until a page is found, which is quick for stories spread over
        the years but reads the whole archive for a tag whose stories are old: 150 ms at
        100,000 stories for 300 stories of a past event. Ordered by an expression that no
        index serves (publish_at + 0), it starts from the links instead and sorts the few
        rows it reads (3 ms). The order itself is newest_first()'s.
        """
        if connections[self.db].vendor != "postgresql":
            return self.newest_first()
        steered = ExpressionWrapper(F("publish_at") + Value(datetime.timedelta(0)), output_field=DateTimeField())
        return self.order_by(steered.desc(), "-id")

    def newest_first_counted(self, few=1000):
        """newest_first_of_few() when these stories are at most `few`, else newest_first().

        For a list with no count of its own (a tag's or region's feed): on PostgreSQL a count
        stopped at few + 1 decides.
        """
        if connections[self.db].vendor != "postgresql":
            return self.newest_first()
        if self.order_by().values("pk")[: few + 1].count() <= few:
            return self.newest_first_of_few()
        return self.newest_first()

    def for_home(self):
        """Pinned stories first, then the newest."""
        return self.order_by("-is_pinned", "-publish_at", "-id")

    def popular(self):
        return self.order_by("-view_count", "-publish_at", "-id")

    def newest_of_each(self, parts, count):
        """The newest `count` rows of each queryset in `parts` ({key: queryset}), in one query.

        Each row carries its part's key as `part` (a story in two parts comes twice). Each
        part is an index scan in publication order that stops after `count` rows, where a
        window function (what a sliced Prefetch runs) would first number every story of every
        part. The parts should select the same columns (build them from one queryset).
        """
        direct = connections[self.db].features.supports_slicing_ordering_in_compound
        pieces = []
        for key, part in parts.items():
            newest = part.annotate(part=Value(key)).order_by("-publish_at", "-id")
            if direct:
                pieces.append(newest[:count])
            else:  # SQLite allows no LIMIT on a UNION's members: there the slice is a subquery.
                pieces.append(newest.filter(pk__in=newest.values("pk")[:count]).order_by())
        if not pieces:
            return self.none()
        return pieces[0].union(*pieces[1:], all=True)

    def newest_in_regions(self, regions, count):
        """{region pk: the newest `count` of these stories in that region, newest first}."""
        parts = {region.pk: self.filter(regions=region) for region in regions}
        found = {pk: [] for pk in parts}
        for article in sorted(self.newest_of_each(parts, count), key=lambda a: (a.publish_at, a.pk), reverse=True):
            found[article.part].append(article)
        return found

    def latest_months(self, count):
        """The newest `count` calendar months (local time) holding one of these stories, as dates.

        What `dates("publish_at", "month")` answers, without reading every row: on PostgreSQL a
        loose index scan (a recursive query that jumps from each month to the newest story
        before it: `count` index probes on publish_at); elsewhere `dates()` itself.
        """
        connection = connections[self.db]
        if connection.vendor != "postgresql":
            return list(self.dates("publish_at", "month", order="DESC")[:count])
        zone = timezone.get_current_timezone_name()
        newest = self.order_by("-publish_at").values("publish_at")
        before = newest.filter(publish_at__lt=RawSQL("months.start AT TIME ZONE %s", (zone,)))[:1]
        newest = newest[:1]
        newest_sql, newest_params = newest.query.sql_with_params()
        before_sql, before_params = before.query.sql_with_params()
        sql = (
            "WITH RECURSIVE months(start) AS ("
            f" SELECT date_trunc('month', ({newest_sql}) AT TIME ZONE %s)"
            f" UNION ALL SELECT date_trunc('month', ({before_sql}) AT TIME ZONE %s)"
            " FROM months WHERE start IS NOT NULL"
            ") SELECT start FROM months WHERE start IS NOT NULL LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (*newest_params, zone, *before_params, zone, count))
            return [datetime.date(start.year, start.month, 1) for (start,) in cursor.fetchall()]


@functools.lru_cache(maxsize=8)
def _published_condition(alias):
    """(sql, params, positions of the clock in params) of `published()` on database `alias`."""
    from articles.models import Article  # the queryset's model: defined after this module

    first = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    second = first + datetime.timedelta(days=1)
    sql, params = Article.objects.using(alias).published(at=first).condition_sql()
    sql_2, params_2 = Article.objects.using(alias).published(at=second).condition_sql()
    if sql != sql_2 or len(params) != len(params_2):  # pragma: no cover - the clock is only ever a parameter
        raise RuntimeError("published() changes shape with the clock; it can't be compiled once")
    positions = tuple(i for i, (a, b) in enumerate(zip(params, params_2, strict=True)) if a != b)
    return sql, tuple(params), positions
