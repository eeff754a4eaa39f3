"""What an article page shows around the story: its neighbours in time and related stories.

Both cost the same however large the archive grows (migration 0010 holds the indexes), and both
are written in SQL around the ORM's own `published()` condition (`condition_sql()`): composed by
the ORM, each took ten times longer to build in Python than PostgreSQL took to run it (related
stories at 100,000 stories: about 10 ms of Python against 0.6 ms in the database).

- Neighbours are two probes of the published stories' (publish_at, id) index, one step back
  and one forward, in a single query.
- Related stories are scored over a bounded candidate set: the CANDIDATES most recently
  written stories of each of the story's tags and regions (read backwards from an index on
  the link table) and the CANDIDATES newest of its channel, each part an index scan that
  stops after CANDIDATES rows. Only those few hundred are scored, in the same query (shared
  tags and regions counted by index probes, not a join): a shared tag 4, a shared region 2,
  the same channel 1, then recency. Scoring the whole archive would differ only where an old
  story shares more than every newer candidate, and an old story is the weaker suggestion
  anyway. Precomputing the lists on save was the other option; it was not taken, as a story's
  list must also follow the stories published after it, scheduled ones included, which appear
  without a save. Part ids follow creation, and stories are written shortly before they are
  published; where they were not (an archive imported newest first), the channel's part still
  brings the newest.
"""

from django.contrib.contenttypes.models import ContentType
from taggit.models import TaggedItem

from articles.models import Article

CANDIDATES = 50
_ARTICLES = Article._meta.db_table
_REGION_LINKS = Article.regions.through._meta.db_table
_TAG_LINKS = TaggedItem._meta.db_table


def article_page(article):
    """The context of an article page (the newsroom's preview; the reader's keeps `surroundings`)."""
    return {"article": article, **surroundings(article)}


def surroundings(article):
    """{"previous", "next", "related"}: the stories shown around this one."""
    previous, next_ = neighbours(article) if article.pk else (None, None)
    return {"previous": previous, "next": next_, "related": related(article)}


def neighbours(article):
    """(previous, next) published stories in publication order: older and newer."""
    published, params = Article.objects.published_condition_sql()
    at, pk = article.publish_at, article.pk
    # Each side is its own index scan that starts at the article's place and stops at one row.
    sql = (
        f"SELECT id, title, publish_at FROM {_ARTICLES} WHERE id IN ("
        f" SELECT id FROM (SELECT id FROM {_ARTICLES} WHERE {published}"
        " AND publish_at <= %s AND (publish_at < %s OR id < %s) ORDER BY publish_at DESC, id DESC LIMIT 1) AS older"
        f" UNION ALL SELECT id FROM (SELECT id FROM {_ARTICLES} WHERE {published}"
        " AND publish_at >= %s AND (publish_at > %s OR id > %s) ORDER BY publish_at, id LIMIT 1) AS newer)"
    )
    previous = next_ = None
    for row in Article.objects.raw(sql, [*params, at, at, pk, *params, at, at, pk]):
        if (row.publish_at, row.pk) < (at, pk):
            previous = row
        else:
            next_ = row
    return previous, next_


def related(article, limit=5):
    """Published stories that share tags, regions or the channel, the closest first (a list).

    A shared tag weighs most, then a shared region, then the same channel (which keeps
    the list useful for a story whose tags and regions are its own), then recency.
    """
    tag_ids = [t.pk for t in article.tags.all()]
    region_ids = [r.pk for r in article.regions.all()]
    published, published_params = Article.objects.published_condition_sql()
    tagged = ContentType.objects.get_for_model(Article).pk
    parts, part_params = [], []
    for tag_id in tag_ids:
        parts.append(
            f"SELECT object_id FROM (SELECT object_id FROM {_TAG_LINKS} WHERE content_type_id = %s"
            " AND tag_id = %s ORDER BY object_id DESC LIMIT %s) AS part"
        )
        part_params += [tagged, tag_id, CANDIDATES]
    for region_id in region_ids:
        parts.append(
            f"SELECT article_id FROM (SELECT article_id FROM {_REGION_LINKS} WHERE region_id = %s"
            " ORDER BY article_id DESC LIMIT %s) AS part"
        )
        part_params += [region_id, CANDIDATES]
    if article.channel_id:
        parts.append(
            f"SELECT id FROM (SELECT id FROM {_ARTICLES} WHERE channel_id = %s AND {published}"
            " ORDER BY publish_at DESC, id DESC LIMIT %s) AS part"
        )
        part_params += [article.channel_id, *published_params, CANDIDATES]
    if not parts:
        return []
    score, score_params = "0", []
    if article.channel_id:
        score, score_params = "CASE WHEN channel_id = %s THEN 1 ELSE 0 END", [article.channel_id]
    if tag_ids:
        score += (
            f" + 4 * (SELECT COUNT(*) FROM {_TAG_LINKS} AS t WHERE t.content_type_id = %s"
            f" AND t.object_id = {_ARTICLES}.id AND t.tag_id IN ({_placeholders(tag_ids)}))"
        )
        score_params += [tagged, *tag_ids]
    if region_ids:
        score += (
            f" + 2 * (SELECT COUNT(*) FROM {_REGION_LINKS} AS r WHERE r.article_id = {_ARTICLES}.id"
            f" AND r.region_id IN ({_placeholders(region_ids)}))"
        )
        score_params += region_ids
    sql = (
        f"SELECT id, title, publish_at, {score} AS score FROM {_ARTICLES}"
        f" WHERE id IN ({' UNION ALL '.join(parts)}) AND id <> %s AND {published}"
        " ORDER BY score DESC, publish_at DESC, id DESC LIMIT %s"
    )
    params = [*score_params, *part_params, article.pk or 0, *published_params, limit]
    return list(Article.objects.raw(sql, params))


def _placeholders(values):
    return ", ".join(["%s"] * len(values))
