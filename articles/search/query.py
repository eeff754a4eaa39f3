"""Finding stories: the tsquery built from the reader's words, and ranking.

On PostgreSQL the weighted, jieba-segmented document (`articles.search.documents`) is
matched through its GIN index and ranked on its small head; on SQLite the same query runs
as a simpler, correct and slower LIKE match. Pages of results: `articles.search.paging`.
"""

from contextlib import contextmanager

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, models, transaction
from django.db.models import F, Q

from articles.search.segmentation import bigrams, is_word, lexemes, query_terms


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


def matching(queryset, q):
    """(the stories of `queryset` matching `q`, unordered; the SearchQuery) on PostgreSQL.

    (queryset.none(), None) when `q` holds no word PostgreSQL can index.
    """
    text = tsquery(query_terms(q))
    if not text:
        return queryset.none(), None
    query = SearchQuery(text, search_type="raw", config="simple")
    return queryset.filter(search_document=query), query


def search(queryset, q):
    """Narrow `queryset` to stories matching `q`, most relevant first, newest as tie-break."""
    groups = query_terms(q)
    if not groups:
        return queryset.none()
    if uses_postgres():
        found, query = matching(queryset, q)
        if query is None:
            return found
        # The GIN index finds matches in the whole document; the rank reads only the
        # small head (title and tags weigh most, then summary and regions; a match in the
        # body alone ranks by recency). alias(), not annotate(): a count skips the rank.
        return found.alias(rank=SearchRank(F("search_head"), query)).order_by("-rank", "-publish_at", "-id")
    return _like_search(queryset, groups)


@contextmanager
def index_scans():
    """Evaluate search queries inside this block with the GIN index, never a table scan.

    Article rows are kept narrow (body and document live in TOAST), so for a common word
    PostgreSQL's planner thinks a sequential scan is cheap, but it would then read every
    document from TOAST to test the match: ten times slower than the index. Walking the date
    index for the newest matches (an index scan) reads each story's document the same way;
    a bitmap of the GIN index, ANDed with one of the dates wanted, reads only the matches'
    rows. No parallel plans: the slices of articles.search.paging are read one after the
    other, in order. The settings are local to this block's transaction.
    """
    if not uses_postgres():
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off;"
                " SET LOCAL max_parallel_workers_per_gather = 0"
            )
        yield


def _like_search(queryset, groups):
    fields = (
        "title",
        "summary",
        "body",
        "tags__name",
        "regions__name",
        "regions__aliases",
        "channel__name",
        "channel__aliases",
    )
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
