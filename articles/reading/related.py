"""What an article page shows around the story: its neighbours in time and related stories."""

from django.db import models
from django.db.models import Q

from articles.models import Article


def article_page(article):
    """The context of an article page (the reader's, and the newsroom's preview of it)."""
    previous, next_ = neighbours(article) if article.pk else (None, None)
    return {"article": article, "previous": previous, "next": next_, "related": related(article)}


def neighbours(article):
    """(previous, next) published stories in publication order: older and newer."""
    visible = Article.objects.published().only("id", "title", "publish_at")
    older = visible.filter(
        Q(publish_at__lt=article.publish_at) | Q(publish_at=article.publish_at, id__lt=article.pk)
    ).order_by("-publish_at", "-id")
    newer = visible.filter(
        Q(publish_at__gt=article.publish_at) | Q(publish_at=article.publish_at, id__gt=article.pk)
    ).order_by("publish_at", "id")
    previous = next_ = None
    # One query: both neighbours are picked by sliced subqueries.
    rows = visible.filter(Q(pk__in=older.values("pk")[:1]) | Q(pk__in=newer.values("pk")[:1]))
    for row in rows:
        if (row.publish_at, row.pk) < (article.publish_at, article.pk):
            previous = row
        else:
            next_ = row
    return previous, next_


def related(article, limit=5):
    """Published stories that share tags, regions or the channel, the closest first.

    A shared tag weighs most, then a shared region, then the same channel (which keeps
    the list useful for a story whose tags and regions are its own), then recency.
    """
    tag_ids = [t.pk for t in article.tags.all()]
    region_ids = [r.pk for r in article.regions.all()]
    shared = Q(tags__in=tag_ids) | Q(regions__in=region_ids)
    if article.channel_id:
        shared |= Q(channel_id=article.channel_id)
    score = (
        models.Count("tags", filter=Q(tags__in=tag_ids), distinct=True) * 4
        + models.Count("regions", filter=Q(regions__in=region_ids), distinct=True) * 2
        + models.Case(models.When(channel_id=article.channel_id, then=1), default=0)
    )
    return (
        Article.objects.published()
        .filter(shared)
        .exclude(pk=article.pk)
        .annotate(score=score)
        .only("id", "title", "publish_at")
        .order_by("-score", "-publish_at", "-id")[:limit]
    )
