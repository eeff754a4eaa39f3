"""Chinese full-text search.

Chinese has no spaces between words, so both the documents and the queries are segmented
with jieba (its dictionary ships in the package) before PostgreSQL sees them: the
weighted document is a 'simple' tsvector of space-joined `cut_for_search` tokens, indexed
with GIN. Title and tags weigh most (A), then summary, regions with their aliases, channel
and industries (B), then the body (C). On SQLite the same queries run as a simpler, correct
and slower LIKE match.
"""

import logging
import re
import threading
import unicodedata
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.cache import cache as shared_cache
from django.core.paginator import Page, Paginator
from django.db import connection, models, transaction
from django.db.models import Count, F, Q, Value, Window
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles import richtext

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
MAX_PAGE = 100_000
_WORD = re.compile(r"^\w+$")
_HERE = Path(__file__).resolve().parent
REGION_WORDS_KEY = "articles:search:region-words:v1"

_lock = threading.Lock()
_tokenizer = None
_added_words = set()


def _read_list(name):
    lines = (_HERE / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@cache
def _static_synonym_groups():
    return [
        tuple(w.strip().lower() for w in line.replace("，", ",").split(",") if w.strip())
        for line in _read_list("synonyms.txt")
    ]


def _region_groups():
    """[(name, alias, …)] for every region; cached in the shared cache, reset when a region changes."""

    def load():
        from articles.models import Region

        return [
            tuple(w.lower() for w in (region.name, *region.alias_list))
            for region in Region.objects.only("name", "aliases")
        ]

    return shared_cache.get_or_set(REGION_WORDS_KEY, load, 60 * 60)


def forget_region_words():
    shared_cache.delete(REGION_WORDS_KEY)


def _get_tokenizer():
    """jieba, loaded lazily and once per process (about a second and 55 MB)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in _read_list("search_terms.txt"):
                    tokenizer.add_word(word)
                for group in _static_synonym_groups():
                    for word in group:
                        tokenizer.add_word(word)
                _tokenizer = tokenizer
    return _tokenizer


def _tokenizer_with_regions():
    tokenizer = _get_tokenizer()
    groups = _region_groups()
    with _lock:
        for group in groups:
            for word in group:
                if word not in _added_words:
                    tokenizer.add_word(word)
                    _added_words.add(word)
    return tokenizer, groups


def _normalise(text):
    return unicodedata.normalize("NFKC", text or "").lower()


def segment(text, tokenizer=None):
    """Index-time tokens: every word and its sub-words (`cut_for_search`), punctuation dropped."""
    tokenizer = tokenizer or _tokenizer_with_regions()[0]
    return [t for t in tokenizer.cut_for_search(_normalise(text)) if _WORD.match(t)]


def normalise_query(q):
    """The query as searched: NFKC (full-width to half-width), lower case, at most 200 characters."""
    return _normalise(q).strip()[:MAX_QUERY_LENGTH]


def query_terms(q):
    """Groups of alternatives, one group per query word: [("亦庄", "北京经济技术开发区", "经开区"), ("抗体",)].

    Each word of the query is one group; the group also holds its synonyms and region
    aliases, so 亦庄 finds 北京经济技术开发区 and the other way round.
    """
    tokenizer, region_groups = _tokenizer_with_regions()
    synonyms = {}
    for group in (*_static_synonym_groups(), *region_groups):
        for word in group:
            synonyms.setdefault(word, set()).update(group)
    groups, seen = [], set()
    for token in tokenizer.cut(normalise_query(q)):
        if not _WORD.match(token) or token in seen:
            continue
        seen.add(token)
        alternatives = [token, *sorted(synonyms.get(token, set()) - {token})]
        groups.append(tuple(alternatives))
        if len(groups) == MAX_TERMS:
            break
    return groups


def _tsquery(groups):
    """A raw tsquery; tokens are \\w-only, so nothing in them is tsquery syntax.

    Synonyms and region names are dictionary words, indexed whole, so they match as they
    are. The word the reader typed may have been segmented differently inside a story
    (抗体药 inside 抗体药物), so it also matches as the AND of its character pairs, which
    the document indexes at weight D; a single character also matches as a prefix.
    """

    def typed(word):
        options = [word]
        if len(word) == 1:
            options.append(f"{word}:*")
        pairs = [p for p in bigrams(word) if p != word]
        if pairs:
            options.append("(" + " & ".join(pairs) + ")")
        return options

    return " & ".join("(" + " | ".join([*typed(group[0]), *group[1:]]) + ")" for group in groups)


def uses_postgres():
    return connection.vendor == "postgresql"


def search(queryset, q):
    """Narrow `queryset` to stories matching `q`, most relevant first, newest as tie-break."""
    groups = query_terms(q)
    if not groups:
        return queryset.none()
    if uses_postgres():
        query = SearchQuery(_tsquery(groups), search_type="raw", config="simple")
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


_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")


def bigrams(text):
    """The distinct pairs of adjacent Chinese characters in `text`, in order.

    Indexed beside the words (weight D), they let a query match inside words that jieba
    cut differently in the story (抗体药 in 抗体药物): recall as good as LIKE, with the
    index's speed.
    """
    pairs = (run[i : i + 2] for run in _HAN_RUN.findall(_normalise(text)) for i in range(len(run) - 1))
    return list(dict.fromkeys(pairs))


def document_parts(article):
    """The weighted texts of an article, segmented and space-joined: A, B and C are words,
    D the character pairs of all three."""
    tokenizer, _ = _tokenizer_with_regions()
    regions = [w for r in article.regions.all() for w in (r.name, *r.alias_list)]
    a = " ".join([article.title, article.subtitle, *article.tags.names()])
    b = " ".join(
        [
            article.summary,
            *regions,
            article.channel.name if article.channel else "",
            *(i.name for i in article.industries.all()),
        ]
    )
    c = richtext.plain_text(article.body)
    words = tuple(" ".join(segment(text, tokenizer)) for text in (a, b, c))
    return (*words, " ".join(bigrams(" ".join((a, b, c)))))


def document_fields(parts):
    """The values of search_document and search_head for the segmented `parts`."""
    a, b, c, d = parts
    head = SearchVector(Value(a), config="simple", weight="A") + SearchVector(Value(b), config="simple", weight="B")
    rest = SearchVector(Value(c), config="simple", weight="C") + SearchVector(Value(d), config="simple", weight="D")
    return {"search_document": head + rest, "search_head": head}


def update_document(article_id):
    """Rebuild one article's search document (PostgreSQL only; SQLite searches with LIKE)."""
    from articles.models import Article

    if not uses_postgres():
        return
    article = (
        Article.objects.select_related("channel")
        .prefetch_related("regions", "tags", "industries")
        .filter(pk=article_id)
        .first()
    )
    if article is not None:
        Article.objects.filter(pk=article_id).update(**document_fields(document_parts(article)))


def highlight(text, groups, length=120, is_html=False):
    """An escaped snippet of `text` around the first match, each match wrapped in <mark>.

    `text` is plain (title, summary) unless `is_html`, when its tags are dropped first.
    """
    plain = richtext.plain_text(text) if is_html else " ".join((text or "").split())
    words = sorted({w for group in groups for w in group if w}, key=len, reverse=True)
    lowered = _normalise(plain)
    first = min((i for i in (lowered.find(w) for w in words) if i >= 0), default=-1)
    start = max(first - length // 4, 0) if first >= 0 else 0
    snippet = plain[start : start + length]
    prefix, suffix = ("…" if start > 0 else ""), ("…" if start + length < len(plain) else "")
    if not words:
        return escape(prefix + snippet + suffix)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(snippet):
        out.append(escape(snippet[last : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(escape(snippet[last:]))
    return mark_safe(escape(prefix) + "".join(out) + escape(suffix))
