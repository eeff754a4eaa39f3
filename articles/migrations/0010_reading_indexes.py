"""Indexes that keep every public page's queries independent of the archive's size.

Each was chosen from the query plans (EXPLAIN ANALYZE) at 100,000 stories (`make bench`):

- Readers only ever see published stories, so the article indexes are partial ones on
  `status = 'published'`; the clock half of `published()` (publish_at, expire_at) is checked
  on the few rows an index scan reads before its LIMIT is met.
- Publication order (publish_at, id) serves the listings, the month archive, the side-bar
  month list (a loose index scan), an article's neighbours and the newest stories of each
  region, tag or channel; variants lead with the channel (channel pages) or with what the
  home page sorts or filters by (pinned, view count, headline, featured).
- On the tag and region link tables, (tag or region, story) lets a small tag or region be
  read from the index alone, and (story, tag) lets a scan in publication order test each
  story's tags.

PostgreSQL only, like migration 0002's GIN index: the test suite's SQLite databases are small
and plan well without them. They are not in the models' state, so `makemigrations` ignores them.
"""

from django.db import migrations

# expire_at rides along (INCLUDE) where counting or scanning would otherwise visit every row.
PUBLISHED = "INCLUDE (expire_at) WHERE status = 'published'"
# taggit's object_id is an integer and Django joins it to the story's bigint id as
# `object_id::bigint`: only an index on that expression can be probed from the story's side.
OBJECT_ID = "((object_id)::bigint)"
INDEXES = {
    "article_published_order_idx": f"articles_article (publish_at, id) {PUBLISHED}",
    "article_published_channel_idx": f"articles_article (channel_id, publish_at, id) {PUBLISHED}",
    "article_published_home_idx": f"articles_article (is_pinned, publish_at, id) {PUBLISHED}",
    "article_published_popular_idx": f"articles_article (view_count, publish_at, id) {PUBLISHED}",
    "article_headline_idx": "articles_article (publish_at, id) WHERE status = 'published' AND is_headline",
    "article_featured_idx": "articles_article (publish_at, id) WHERE status = 'published' AND is_featured",
    "article_regions_region_article_idx": "articles_article_regions (region_id, article_id)",
    "taggit_taggeditem_tag_object_idx": "taggit_taggeditem (tag_id, content_type_id, object_id)",
    "taggit_taggeditem_object_tag_idx": f"taggit_taggeditem (content_type_id, {OBJECT_ID}, tag_id)",
}


class RunSQLOnPostgreSQL(migrations.RunSQL):
    """SQL for PostgreSQL; other databases skip it."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_fill_image_usage"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        RunSQLOnPostgreSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {definition}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, definition in INDEXES.items()
    ]
