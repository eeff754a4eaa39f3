"""The search document of an article, rebuilt after commit by a background task.

The weighted document is a 'simple' tsvector of space-joined jieba `cut_for_search`
tokens: title and tags weigh most (A), then summary, regions and channel with their aliases,
and industries (B), then the body (C), plus the Chinese character pairs of all three (D).
`search_head` holds A and B alone, small enough to stay in the row for ranking.
"""

from django.contrib.postgres.search import SearchVector
from django.db.models import Value
from django.tasks import task

from articles.content import richtext
from articles.models import Article
from articles.search import segmentation
from articles.search.query import uses_postgres


def document_parts(article):
    """The weighted texts of an article, segmented and space-joined: A, B and C are words,
    D the character pairs of all three."""
    tokenizer, _ = segmentation.tokenizer_with_regions()
    regions = [w for r in article.regions.all() for w in (r.name, *r.alias_list)]
    a = " ".join([article.title, article.subtitle, *article.tags.names()])
    b = " ".join(
        [
            article.summary,
            *regions,
            *((article.channel.name, *article.channel.alias_list) if article.channel else ()),
            *(i.name for i in article.industries.all()),
        ]
    )
    c = richtext.plain_text(article.body)
    words = tuple(" ".join(segmentation.segment(text, tokenizer)) for text in (a, b, c))
    return (*words, " ".join(segmentation.bigrams(" ".join((a, b, c)))))


def document_fields(parts):
    """The values of search_document and search_head for the segmented `parts`."""
    a, b, c, d = parts
    head = SearchVector(Value(a), config="simple", weight="A") + SearchVector(Value(b), config="simple", weight="B")
    rest = SearchVector(Value(c), config="simple", weight="C") + SearchVector(Value(d), config="simple", weight="D")
    return {"search_document": head + rest, "search_head": head}


def update_document(article_id):
    """Rebuild one article's search document (PostgreSQL only; SQLite searches with LIKE)."""
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


@task
def reindex_article(article_id):
    update_document(article_id)


@task
def reindex_region(region_id):
    """A region's name or aliases changed: its stories' documents carry them."""
    for article_id in Article.objects.filter(regions=region_id).values_list("pk", flat=True).iterator():
        update_document(article_id)


@task
def reindex_channel(channel_id):
    """A channel's name or aliases changed: its stories' documents carry them."""
    for article_id in Article.objects.filter(channel=channel_id).values_list("pk", flat=True).iterator():
        update_document(article_id)
