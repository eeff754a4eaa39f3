"""A page of search results as the reader sees it: ranked stories with marked snippets, the
query as it was read (Traditional or pinyin converted), and a suggestion when little is found."""

from dataclasses import dataclass

from django.conf import settings

from articles.content import richtext
from articles.search import vocabulary
from articles.search.highlight import highlight
from articles.search.paging import results_page as ranked_page
from articles.search.query import index_scans, matching, search, uses_postgres
from articles.search.segmentation import normalise, normalise_query, query_terms

# Fewer results than this and a corrected query is looked for.
SUGGEST_BELOW = 3


@dataclass(frozen=True)
class Outcome:
    """What the search page shows: `page` (None without words), how the query was read,
    and a corrected query that finds stories ("" if none)."""

    page: object
    reading: vocabulary.Reading
    suggestion: str = ""


def search_outcome(queryset, q, number, filters="", literal=False):
    """Search `queryset` for `q` as a reader means it (`literal`: exactly as typed)."""
    reading = vocabulary.read_query(q, literal=literal)
    page = results_page(queryset, reading.searched, number, filters=filters)
    suggestion = ""
    if page is not None and page.paginator.count < SUGGEST_BELOW:
        suggestion = suggested_query(queryset, reading.searched)
    return Outcome(page, reading, suggestion)


def suggested_query(queryset, q):
    """A corrected `q` that finds at least one story of `queryset`, or ""."""
    suggestion = vocabulary.suggest(q)
    if not suggestion or suggestion == normalise_query(q):
        return ""
    return suggestion if has_matches(queryset, suggestion) else ""


def has_matches(queryset, q):
    """Whether any story matches `q`: one indexed lookup with LIMIT 1, nothing ranked."""
    found = matching(queryset, q)[0] if uses_postgres() else search(queryset, q)
    with index_scans():
        return found.values("pk")[:1].exists()


def results_page(queryset, q, number, per_page=None, filters=""):
    """Page `number` of the stories in `queryset` matching `q`, or None when `q` has no words.

    `filters` names what narrowed `queryset` (see articles.search.paging). Each story gets
    `snippet` (the summary when it holds a query word, else the body around its first match)
    and `title_marked`, computed once and kept with the page of results.
    """
    groups = query_terms(q) if q else []
    if not groups:
        return None
    words = [marked_words(groups, q)]

    def marks(stories):
        return {
            story.pk: {"snippet": _snippet(story, words), "title_marked": highlight(story.title, words, length=200)}
            for story in stories
        }

    return ranked_page(queryset, q, number, per_page or settings.ARTICLES_PER_PAGE, filters, marks=marks)


def marked_words(groups, q):
    """The words to mark: the query's words and their synonyms. A single character is marked
    only when the query is that one character (亦庄 must not mark every 区 or 万)."""
    typed = normalise_query(q)
    single = len(typed.replace(" ", "")) == 1
    # What the reader typed, whole, marks as one (乐城国际, though jieba cuts it in two).
    words = [*typed.split(), *(word for group in groups for word in group)]
    return [word for word in words if single or len(word) > 1]


def _holds(text, words):
    lowered = normalise(text)
    return bool(text) and any(w in lowered for w in words)


def _snippet(article, words):
    """The summary if it holds a query word, else the body around its first match; the summary
    (else the body's start) when neither holds one (a match in tags or regions)."""
    if _holds(article.summary, words[0]):
        return highlight(article.summary, words)
    if not article.summary or _holds(richtext.plain_text(article.body), words[0]):
        return highlight(article.body, words, is_html=True)
    return highlight(article.summary, words)
