"""A page of ranked search results whose cost does not grow with the archive.

Ranking every match of a common word (生物医药 matches a third of 100,000 stories) reads and
scores each of them; so does counting them exactly. On PostgreSQL a page is therefore drawn
from the newest MAX_RESULTS matches only: the GIN index finds the matches, the newest are kept
(a top-N sort of their dates), and only those are ranked by their head (title and tags, then
summary and regions). A reader is told when there are more ("1,000+"), as a listing is, and can
narrow by words, region, channel or dates to reach older stories. For a word in fewer stories
than that, this is the same ranking as before over every match.

A first page of common words is asked for again and again, so the ids and the total of each
page are kept in the cache, keyed by the content generation of the page cache
(articles.reading.cache): any change readers could see starts a new generation, so a kept
page is never stale, and none outlives the next scheduled publication or take-down.
SQLite (development) keeps the simple LIKE search over every match, uncached.
"""

import json

from django.conf import settings
from django.contrib.postgres.search import SearchRank
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Window

from articles.reading import cache as page_cache
from articles.search.query import index_scans, matching, search, uses_postgres

MAX_PAGE = 100_000
# The newest matches ranked on PostgreSQL; 50 pages of 20.
MAX_RESULTS = 1000


class ResultsPaginator(Paginator):
    """A paginator over at most MAX_RESULTS ranked matches; `truncated` says there are more."""

    truncated = False


def results_page(queryset, q, number, per_page, filters="", with_body=False):
    """Page `number` (get_page semantics) of the stories in `queryset` matching `q`.

    `filters` names whatever narrowed `queryset` (the search form's valid filters), so that a
    kept page is only found again for the same question. `with_body`: the stories come with
    their body (for snippets of body matches) in the same query.
    """
    number = _page_number(number)
    paginator = ResultsPaginator([], per_page)

    def ranked_page():
        with index_scans():
            return _ids_and_total(queryset, q, number, per_page)

    # Kept on PostgreSQL only: SQLite (development) has no archive worth keeping pages of.
    seconds = settings.SEARCH_RESULTS_SECONDS if uses_postgres() else 0
    question = json.dumps(["search", q, filters, number, per_page], ensure_ascii=False)
    ids, total, truncated, number = page_cache.remember(question, ranked_page, seconds)
    paginator.count = total
    paginator.truncated = truncated
    stories = queryset.model.objects.for_listing()
    if with_body:
        stories = stories.defer(None).defer("search_document", "search_head")
    by_id = stories.in_bulk(ids)
    return Page([by_id[pk] for pk in ids if pk in by_id], number, paginator)


def _page_number(number):
    try:
        # Capped so the OFFSET stays a valid bigint; past the end falls back to the last page.
        return min(max(int(number), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def _ids_and_total(queryset, q, number, per_page):
    """(ids on the page, total shown, whether there are more, the page number served)."""
    if uses_postgres():
        found, query = matching(queryset, q)
        if query is None:
            return [], 0, False, 1
        newest = found.order_by("-publish_at", "-id").values("pk")[: MAX_RESULTS + 1]
        ranked = (
            queryset.model.objects.filter(pk__in=newest)
            .alias(rank=SearchRank(F("search_head"), query))
            .order_by("-rank", "-publish_at", "-id")
        )
    else:
        ranked = search(queryset, q)

    def rows_on(n):
        window = ranked.annotate(total=Window(Count("pk"))).values_list("pk", "total")
        # One candidate more than is shown is ranked: it tells that there are more.
        end = min(n * per_page, MAX_RESULTS) if uses_postgres() else n * per_page
        return list(window[(n - 1) * per_page : end])

    rows = rows_on(number) if (number - 1) * per_page < MAX_RESULTS or not uses_postgres() else []
    if rows:
        total = rows[0][1]
    else:
        total = ranked.count()
        if number > 1 and total:
            number = -(-_shown(total) // per_page)  # the last page
            rows = rows_on(number)
    shown = _shown(total)
    return [pk for pk, _ in rows], shown, total > shown, number


def _shown(total):
    return min(total, MAX_RESULTS) if uses_postgres() else total
