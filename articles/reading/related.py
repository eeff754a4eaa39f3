"""What an article page shows around the story: its neighbours in time and related stories.

Both cost the same however large the archive grows (migration 0010 holds the indexes):

- Neighbours are two probes of the published stories' (publish_at, id) index, one step back
  and one forward, in a single query.
- Related stories are scored over a bounded candidate set: the CANDIDATES most recently
  written stories of each of the story's tags and regions (read backwards from an index on
  the link table) and the CANDIDATES newest of its channel, each part an index scan that
  stops after CANDIDATES rows (`_candidates`). Only those few hundred are scored, in the
  same query (shared tags and regions counted by index probes, not a join): a shared tag 4,
  a shared region 2, the same channel 1, then recency. Scoring
  the whole archive would differ only where an old story shares more than every newer
  candidate, and an old story is the weaker suggestion anyway. Precomputing the lists on
  save was the other option; it was not taken, as a story's list must also follow the
  stories published after it, scheduled ones included, which appear without a save.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from taggit.models import TaggedItem

from articles.models import Article

CANDIDATES = 100


def article_page(article):
    """The context of an article page (the reader's, and the newsroom's preview of it)."""
    previous, next_ = neighbours(article) if article.pk else (None, None)
    return {"article": article, "previous": previous, "next": next_, "related": related(article)}


def neighbours(article):
    """(previous, next) published stories in publication order: older and newer."""
    visible = Article.objects.published()
    at, pk = article.publish_at, article.pk
    # The redundant bounds on publish_at let each scan start at the article's place in the index.
    older = visible.filter(Q(publish_at__lt=at) | Q(publish_at=at, id__lt=pk), publish_at__lte=at)
    newer = visible.filter(Q(publish_at__gt=at) | Q(publish_at=at, id__gt=pk), publish_at__gte=at)
    previous = next_ = None
    # One query: each neighbour is a scalar subquery, evaluated once.
    rows = visible.filter(
        Q(pk=Subquery(older.order_by("-publish_at", "-id").values("pk")[:1]))
        | Q(pk=Subquery(newer.order_by("publish_at", "id").values("pk")[:1]))
    ).only("id", "title", "publish_at")
    for row in rows:
        if (row.publish_at, row.pk) < (at, pk):
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
    candidates = _candidates(tag_ids, region_ids, article.channel_id)
    if candidates is None:
        return Article.objects.none()
    # Shared tags and regions are counted by correlated subqueries on the link tables' indexes,
    # one probe per candidate: a join there would make PostgreSQL hash the whole link table.
    score = models.Case(models.When(channel_id=article.channel_id, then=1), default=0)
    if tag_ids:
        score += _shared(_tagged_articles().filter(tag_id__in=tag_ids), "object_id") * 4
    if region_ids:
        score += _shared(Article.regions.through.objects.filter(region_id__in=region_ids), "article_id") * 2
    return (
        Article.objects.published()
        .filter(pk__in=candidates)
        .exclude(pk=article.pk)
        .annotate(score=score)
        .only("id", "title", "publish_at")
        .order_by("-score", "-publish_at", "-id")[:limit]
    )


def _tagged_articles():
    return TaggedItem.objects.filter(content_type=ContentType.objects.get_for_model(Article))


def _shared(links, story_field):
    """How many of `links` (rows of a link table) point at the outer story."""
    count = links.filter(**{story_field: OuterRef("pk")}).order_by().values(story_field)
    count = count.annotate(n=models.Count("*")).values("n")
    return Coalesce(Subquery(count, output_field=models.IntegerField()), 0)


def _candidates(tag_ids, region_ids, channel_id):
    """The ids of the candidate stories (a UNION ALL queryset of ids), or None without any.

    Per tag and region, the CANDIDATES highest story ids on the link table, read backwards
    from its (tag or region, story) index (migration 0010) without visiting any story: ids
    follow creation, and stories are written shortly before they are published. (Where they
    were not, as in an archive imported newest first, these are the most recently imported;
    the channel's part below still brings the newest.) The channel's CANDIDATES newest come
    from its publication-order index. Unpublished ones are dropped when scored.
    """
    tagged = _tagged_articles()
    links = Article.regions.through.objects
    parts = [tagged.filter(tag_id=pk).order_by("-object_id").values("object_id") for pk in tag_ids]
    parts += [links.filter(region_id=pk).order_by("-article_id").values("article_id") for pk in region_ids]
    if channel_id:
        in_channel = Article.objects.published().filter(channel_id=channel_id)
        parts.append(in_channel.order_by("-publish_at", "-id").values("pk"))
    if not parts:
        return None
    if connection.features.supports_slicing_ordering_in_compound:
        pieces = [part[:CANDIDATES] for part in parts]
    else:  # SQLite allows no LIMIT on a UNION's members: there each slice is a subquery.
        pieces = [Article.objects.filter(pk__in=part[:CANDIDATES]).order_by().values("pk") for part in parts]
    return pieces[0].union(*pieces[1:], all=True)
