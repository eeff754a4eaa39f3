"""Summaries are now only what an editor wrote: blank the ones the old save filled in itself.

Until now a blank summary was filled on save with `richtext.summarize(body)`, the first 120
characters of the lead, which the article page then showed above that same paragraph. A stored
summary equal to that function's output for its body was never written by anyone; it is
blanked, here and in waiting unpublished changes. Any other summary is an editor's and stays.
"""

from django.conf import settings
from django.db import migrations, models
from django.utils import translation

from articles.content.richtext import summarize

CHUNK = 500


def was_filled_automatically(summary, body):
    """Whether `summary` is what the old save filled in for `body`.

    Its "…" is translated (Chinese gives "...") and a save ran in whichever language was active,
    so the output under each is a match.
    """
    summary = (summary or "").strip()
    if not summary:
        return False
    filled = set()
    for language in (settings.LANGUAGE_CODE, "en", None):
        with translation.override(language):
            filled.add(summarize(body or "").strip())
    return summary in filled


def blank_filled_summaries(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ArticleDraft = apps.get_model("articles", "ArticleDraft")
    stories = Article.objects.exclude(summary="").only("id", "summary", "body").order_by("pk")
    filled = [
        story for story in stories.iterator(chunk_size=CHUNK) if was_filled_automatically(story.summary, story.body)
    ]
    for story in filled:
        story.summary = ""
    Article.objects.bulk_update(filled, ["summary"], batch_size=CHUNK)

    drafts = []
    for draft in ArticleDraft.objects.order_by("pk").iterator(chunk_size=CHUNK):
        data = draft.data if isinstance(draft.data, dict) else {}
        if was_filled_automatically(data.get("summary"), data.get("body")):
            draft.data = {**data, "summary": ""}
            drafts.append(draft)
    ArticleDraft.objects.bulk_update(drafts, ["data"], batch_size=CHUNK)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_site_info"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="summary",
            field=models.TextField(
                blank=True,
                help_text="留空则正文页不显示摘要；分享和订阅时自动取正文开头。",
                max_length=500,
                verbose_name="摘要",
            ),
        ),
        # Going back keeps the blanks: the old save fills them again on the next edit.
        migrations.RunPython(blank_filled_summaries, migrations.RunPython.noop, elidable=True),
    ]
