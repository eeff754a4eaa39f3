"""A page of ranked search results whose cost does not grow with the archive.

Ranking every match of a common word (生物医药 matches a third of 100,000 stories) reads and
scores each of them; so does counting them exactly. On PostgreSQL a page is therefore drawn
from the newest MAX_RESULTS matches only, and only those are ranked by their head (title and
tags, then summary and regions). A reader is told when there are more ("1,000+"), as a listing
is, and can narrow by words, region, channel or dates to reach older stories. For a word in
fewer stories than that, this is the same ranking as before over every match.

Finding the newest matches reads each candidate's row for its date, which the GIN index does
not hold: every one of 34,869 matches for a common word, or the document of each story when
walking the date index instead. So the archive is searched in slices of publication date,
newest first (`TIERS`: the newest 5,000 stories, the next 20,000, the rest), each slice a
bitmap AND of the GIN index and the date index, and the search stops as soon as MAX_RESULTS + 1
matches are found: a third-of-the-archive word reads about 1,750 rows, 亦庄 about 1,700, and a
rare word no more than all its matches, as before. The dates the slices start at are kept per
content generation; they only steer the cost, never what is found.

A first page of common words is asked for again and again, so the ids and the total of each
page, with each story's marked title and snippet, are kept in the cache, keyed by the content
generation of the page cache (articles.reading.cache): any change readers could see starts a
new generation, so a kept page is never stale, and none outlives the next scheduled
publication or take-down. The search template keeps the rendered list of a page the same way
(`ResultsPage.kept_as`), so a page asked for again reads no story from the database.
SQLite (development) keeps the simple LIKE search over every match, uncached.
"""

import hashlib
import json
from collections.abc import Sequence

from django.conf import settings
from django.contrib.postgres.search import SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, Window
from django.utils import timezone

from articles.models import Article
from articles.reading import cache as page_cache
from articles.search.query import index_scans, matching, search, uses_postgres

MAX_PAGE = 100_000
# The newest matches ranked on PostgreSQL; 50 pages of 20.
MAX_RESULTS = 1000
# The newest stories searched first, then the next, then the rest (see the module docstring).
TIERS = (5_000, 25_000)
# How long the slices' starting dates are kept (per content generation): they only steer the cost.
TIER_SECONDS = 60 * 60


class ResultsPaginator(Paginator):
    """A paginator over at most MAX_RESULTS ranked matches; `truncated` says there are more."""

    truncated = False


class ResultsPage(Page):
    """A page of results whose stories are read from the database only when listed.

    `kept_as` and `kept_seconds` name the page's rendered list for the template's fragment
    cache: keyed, like the kept ids, by the content generation (a list rendered from rows
    newer than its generation is keyed by a generation no longer current, so never read), and
    kept no longer than the ids. "" and 0 when pages are not kept. A list found there needs
    neither the stories nor their marks.
    """

    kept_as = ""
    kept_seconds = 0
    # The content generation the page was read in (None when pages are not kept).
    generation = None


class _Stories(Sequence):
    """The stories with `ids`, in that order, read on first use with `load(ids)`."""

    def __init__(self, ids, load):
        self._ids, self._load, self._stories = ids, load, None

    def _read(self):
        if self._stories is None:
            self._stories = self._load(self._ids)
        return self._stories

    def __len__(self):
        return len(self._ids) if self._stories is None else len(self._stories)

    def __getitem__(self, index):
        return self._read()[index]


def results_page(queryset, q, number, per_page, filters="", marks=None):
    """Page `number` (get_page semantics) of the stories in `queryset` matching `q`.

    `filters` names whatever narrowed `queryset` (the search form's valid filters), so that a
    kept page is only found again for the same question. `marks(stories)` (optional) returns
    {id: {attribute: value}} for the stories on the page, fetched with their body: it is
    computed with the page and kept with it, and the attributes are set on each story.
    """
    number = _page_number(number)
    paginator = ResultsPaginator([], per_page)
    fetched = {}

    def ranked_page():
        # Outside index_scans(): the slices' dates are read from the date index.
        starts = _tier_starts() if uses_postgres() else []
        with index_scans():
            ids, total, truncated, served = _ids_and_total(queryset, q, number, per_page, starts)
        marked = {}
        if marks is not None:
            fetched.update(_stories(queryset, ids, with_body=True))
            marked = marks([fetched[pk] for pk in ids if pk in fetched])
        return ids, total, truncated, served, marked

    # Kept on PostgreSQL only: SQLite (development) has no archive worth keeping pages of.
    seconds = settings.SEARCH_RESULTS_SECONDS if uses_postgres() else 0
    # The version names the kept value's shape: a page kept by the previous release is not read.
    question = json.dumps(["search:v2", q, filters, number, per_page], ensure_ascii=False)
    # Read before the ids: a list keyed by it is never newer than its generation says.
    current = page_cache.generation() if seconds > 0 else None
    ids, total, truncated, number, marked = page_cache.remember(question, ranked_page, seconds)
    paginator.count = total
    paginator.truncated = truncated

    def load(ids):
        # A kept page needs neither the bodies nor the marks computed again.
        by_id = fetched or _stories(queryset, ids, with_body=False)
        stories = [by_id[pk] for pk in ids if pk in by_id]
        for story in stories:
            for name, value in marked.get(story.pk, {}).items():
                setattr(story, name, value)
        return stories

    page = ResultsPage(_Stories(ids, load), number, paginator)
    if current is not None:
        page.generation = current
        page.kept_seconds = page_cache.page_lifetime(current, timezone.now(), seconds)
        page.kept_as = hashlib.sha256(f"{current}:{question}".encode()).hexdigest()
    return page


def _stories(queryset, ids, with_body):
    stories = queryset.model.objects.for_listing()
    if with_body:
        stories = stories.defer(None).defer("search_document", "search_head")
    return stories.in_bulk(ids)


def _page_number(number):
    try:
        # Capped so the OFFSET stays a valid bigint; past the end falls back to the last page.
        return min(max(int(number), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def _ids_and_total(queryset, q, number, per_page, tier_starts=()):
    """(ids on the page, total shown, whether there are more, the page number served)."""
    if not uses_postgres():
        return _ids_and_total_everywhere(search(queryset, q), number, per_page)
    found, query = matching(queryset, q)
    if query is None:
        return [], 0, False, 1
    newest, params = _newest_matches(found, query, tier_starts)

    def rows_on(n):
        # One candidate more than is shown is ranked: it tells that there are more.
        start, end = (n - 1) * per_page, min(n * per_page, MAX_RESULTS)
        if start >= end:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT "story", COUNT(*) OVER () FROM ({newest}) AS "newest"'
                ' ORDER BY "rank" DESC, "published" DESC, "story" DESC OFFSET %s LIMIT %s',
                (*params, start, end - start),
            )
            return cursor.fetchall()

    rows = rows_on(number)
    if rows:
        total = rows[0][1]
    else:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COUNT(*) FROM ({newest}) AS "newest"', params)
            total = cursor.fetchone()[0]
        if number > 1 and total:
            number = -(-_shown(total) // per_page)  # the last page
            rows = rows_on(number)
    shown = _shown(total)
    return [pk for pk, _ in rows], shown, total > shown, number


def _ids_and_total_everywhere(ranked, number, per_page):
    """SQLite (development): every match ranked and counted."""

    def rows_on(n):
        window = ranked.annotate(total=Window(Count("pk"))).values_list("pk", "total")
        return list(window[(n - 1) * per_page : n * per_page])

    rows = rows_on(number)
    if rows:
        total = rows[0][1]
    else:
        total = ranked.count()
        if number > 1 and total:
            number = -(-total // per_page)  # the last page
            rows = rows_on(number)
    return [pk for pk, _ in rows], total, False, number


def _newest_matches(found, query, tier_starts):
    """(SQL, params): the newest MAX_RESULTS + 1 stories in `found` as rows of "story",
    "published" and "rank" (of their head for `query`), newest first, found slice by slice.

    `tier_starts`: the dates the slices after the first start at, newest first. The slices,
    each sorted, are read in turn (UNION ALL under one LIMIT: PostgreSQL stops reading at the
    limit, and never starts a slice it does not need). Each story is ranked in the slice that
    reads its row, so ranking reads no row again.
    """
    bounds = [None, *tier_starts, None]
    parts, params = [], []
    for newer, older in zip(bounds, bounds[1:], strict=False):
        tier = found
        if newer is not None:
            tier = tier.filter(publish_at__lt=newer)
        if older is not None:
            tier = tier.filter(publish_at__gte=older)
        rows = (
            tier.annotate(rank=SearchRank(F("search_head"), query))
            .order_by("-publish_at", "-id")
            .values_list("pk", "publish_at", "rank")[: MAX_RESULTS + 1]
        )
        sql, tier_params = rows.query.sql_with_params()
        parts.append(f"({sql})")
        params += tier_params
    union = " UNION ALL ".join(parts)
    sql = f'SELECT * FROM ({union}) AS "tiers" ("story", "published", "rank") LIMIT %s'
    return sql, (*params, MAX_RESULTS + 1)


def _tier_starts():
    """The publication dates the slices after the first start at, newest first."""

    def starts():
        dates = Article.objects.published().newest_first().values_list("publish_at", flat=True)
        found = [next(iter(dates[n - 1 : n]), None) for n in TIERS]
        # Fewer stories than a slice holds: the slices past it are empty.
        return [date for date in found if date is not None]

    return page_cache.remember("search-tier-starts", starts, TIER_SECONDS)


def _shown(total):
    return min(total, MAX_RESULTS) if uses_postgres() else total
