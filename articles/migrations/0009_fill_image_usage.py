"""Record where existing stories use library images (the rows `articles.media.usage` keeps)."""

from django.db import migrations

# Imports no app models: safe to use with the historical ones below.
from articles.media.html import library_file_names

CHUNK = 500


def _copies(article, draft):
    yield "live", article.body, article.cover_id
    if isinstance(draft, dict):
        yield "draft", draft.get("body"), draft.get("cover_id")


def fill(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ArticleDraft = apps.get_model("articles", "ArticleDraft")
    Image = apps.get_model("articles", "Image")
    ImageUsage = apps.get_model("articles", "ImageUsage")
    last = 0
    while True:
        chunk = list(Article.objects.filter(pk__gt=last).order_by("pk").only("id", "body", "cover_id")[:CHUNK])
        if not chunk:
            return
        last = chunk[-1].pk
        ids = [article.pk for article in chunk]
        drafts = dict(ArticleDraft.objects.filter(article_id__in=ids).values_list("article_id", "data"))
        found = []  # (article id, copy, place, image id or file name)
        for article in chunk:
            for copy, body, cover_id in _copies(article, drafts.get(article.pk)):
                if isinstance(cover_id, int) and not isinstance(cover_id, bool):
                    found.append((article.pk, copy, "cover", cover_id))
                if isinstance(body, str):
                    found += [(article.pk, copy, "body", name) for name in library_file_names(body)]
        covers = {ref for *_, place, ref in found if place == "cover"}
        names = {ref for *_, place, ref in found if place == "body"}
        known_ids = set(Image.objects.filter(pk__in=covers).values_list("pk", flat=True))
        by_name = dict(Image.objects.filter(file__in=names).values_list("file", "pk"))
        rows = set()
        for article_id, copy, place, ref in found:
            image_id = ref if place == "cover" and ref in known_ids else by_name.get(ref) if place == "body" else None
            if image_id is not None:
                rows.add((image_id, article_id, copy, place))
        ImageUsage.objects.filter(article_id__in=ids).delete()
        ImageUsage.objects.bulk_create(
            [ImageUsage(image_id=i, article_id=a, copy=c, place=p) for i, a, c, p in sorted(rows)],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_drafts_attachments_usage")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
