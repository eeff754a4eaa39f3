"""Finding stories: the tsquery built from the reader's words, ranking and pagination.

On PostgreSQL the weighted, jieba-segmented document (`articles.search.documents`) is
matched through its GIN index and ranked on its small head; on SQLite the same query runs
as a simpler, correct and slower LIKE match.
"""

from contextlib import contextmanager

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection, models, transaction
from django.db.models import Count, F, Q, Window

from articles.search.segmentation import bigrams, is_word, lexemes, query_terms

MAX_PAGE = 100_000


def _lexeme(word, prefix=False):
    """`word` as a quoted tsquery operand: nothing in it can be read as tsquery syntax."""
    quoted = "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + ":*" if prefix else quoted


def _all_of(words):
    operands = [_lexeme(word) for word in words]
    return operands[0] if len(operands) == 1 else "(" + " & ".join(operands) + ")"


def _alternatives(group):
    """The tsquery operands of one query word, any of which may match.

    Synonyms and region names are dictionary words, indexed whole, so they match as they
    are; one of several words (beijing e-town) matches as the AND of its words. The word
    the reader typed may have been segmented differently inside a story (抗体药 inside
    抗体药物), so it also matches as the AND of its character pairs, which the document
    indexes at weight D; a single character also matches as a prefix.
    """
    typed = group[0]
    options = [_all_of(words) for words in map(lexemes, group) if words]
    if len(typed) == 1 and is_word(typed):
        options.append(_lexeme(typed, prefix=True))
    pairs = [pair for pair in bigrams(typed) if pair != typed]
    if pairs:
        options.append(_all_of(pairs))
    return options


def tsquery(groups):
    """The raw tsquery text for `groups` (see `query_terms`), every operand a quoted lexeme;
    "" when no group holds a word PostgreSQL can index."""
    options = (_alternatives(group) for group in groups)
    return " & ".join("(" + " | ".join(either) + ")" for either in options if either)


def uses_postgres():
    return connection.vendor == "postgresql"


def search(queryset, q):
    """Narrow `queryset` to stories matching `q`, most relevant first, newest as tie-break."""
    groups = query_terms(q)
    if not groups:
        return queryset.none()
    if uses_postgres():
        text = tsquery(groups)
        if not text:
            return queryset.none()
        query = SearchQuery(text, search_type="raw", config="simple")
        # The GIN index finds matches in the whole document; the rank reads only the
        # small head (title and tags weigh most, then summary and regions; a match in the
        # body alone ranks by recency). alias(), not annotate(): a count skips the rank.
        return (
            queryset.filter(search_document=query)
            .alias(rank=SearchRank(F("search_head"), query))
            .order_by("-rank", "-publish_at", "-id")
        )
    return _like_search(queryset, groups)


def paginate(results, number, per_page):
    """The page of `results` numbered `number` (get_page semantics) and the total, in one scan.

    The total rides along as count(*) OVER () on the narrow id list, so the matches are
    found and ranked once; a second query loads the page's stories by id.
    """
    try:
        # Capped so the OFFSET stays a valid bigint; past the end falls back to the last page.
        number = min(max(int(number), 1), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    paginator = Paginator(results, per_page)

    def ids_and_total(n):
        window = results.annotate(total=Window(Count("pk"))).values_list("pk", "total")
        return list(window[(n - 1) * per_page : n * per_page])

    rows = ids_and_total(number)
    if rows:
        paginator.count = rows[0][1]
    else:
        paginator.count = results.count()
        if number > 1 and paginator.count:
            number = paginator.num_pages
            rows = ids_and_total(number)
    by_id = results.model.objects.for_listing().in_bulk([pk for pk, _ in rows])
    return Page([by_id[pk] for pk, _ in rows if pk in by_id], number, paginator)


@contextmanager
def index_scans():
    """Evaluate search queries inside this block with the GIN index, never a table scan.

    Article rows are kept narrow (body and document live in TOAST), so for a common word
    PostgreSQL's planner thinks a sequential scan is cheap, but it would then read every
    document from TOAST to test the match: ten times slower than the index. The setting is
    local to this block's transaction.
    """
    if not uses_postgres():
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        yield


def _like_search(queryset, groups):
    fields = ("title", "summary", "body", "tags__name", "regions__name", "regions__aliases")
    matching = queryset.model.objects.all()
    for group in groups:
        either = Q()
        for word in group:
            for field in fields:
                either |= Q(**{f"{field}__icontains": word})
        matching = matching.filter(either)
    title_hit = Q()
    for word in groups[0]:
        title_hit |= Q(title__icontains=word)
    return (
        queryset.filter(pk__in=matching.values("pk"))
        .alias(rank=models.Case(models.When(title_hit, then=1.0), default=0.0, output_field=models.FloatField()))
        .order_by("-rank", "-publish_at", "-id")
    )
