"""Preview keys: every shared preview link carries its article's key, and a new key revokes them.

AddField gives every existing article the same key (the default is called once); the data
migration then gives each its own, as new articles get. Links shared before this migration
carry no key and stop working: editors share a new link from the preview page.
"""

import functools
import secrets

from django.db import migrations, models


def give_each_article_its_own_key(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    articles = list(Article.objects.only("pk"))
    for article in articles:
        article.preview_key = secrets.token_urlsafe(8)
    Article.objects.bulk_update(articles, ["preview_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_remove_article_cover_image"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="preview_key",
            field=models.CharField(
                default=functools.partial(secrets.token_urlsafe, 8),
                editable=False,
                max_length=16,
                verbose_name="预览链接密钥",
            ),
        ),
        migrations.RunPython(give_each_article_its_own_key, migrations.RunPython.noop, elidable=True),
    ]
