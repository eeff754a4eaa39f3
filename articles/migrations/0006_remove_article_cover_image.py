"""Drop Article.cover_image, the file mirror of the library cover (Article.cover).

A story whose cover file was set without a library image first gets one, so no cover is lost.
"""

from django.db import migrations


def covers_into_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Image = apps.get_model("articles", "Image")
    for article in Article.objects.filter(cover__isnull=True).exclude(cover_image=""):
        name = article.cover_image.name
        image = Image.objects.filter(file=name).first()
        if image is None:
            try:
                image = Image.objects.create(file=name, alt_text=(article.cover_alt or article.title)[:200])
            except (OSError, ValueError):  # the file is gone: nothing to keep
                continue
        article.cover_id = image.pk
        article.save(update_fields=["cover"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_search_head")]

    operations = [
        migrations.RunPython(covers_into_library, migrations.RunPython.noop),
        migrations.RemoveField(model_name="article", name="cover_image"),
    ]
