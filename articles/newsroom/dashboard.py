"""The admin index's 工作台: boxes of what waits for each member of staff.

Apps contribute boxes by registering a panel, a function `panel(user)` that returns the
boxes that user may see (a list, empty when none). The newsroom registers its own below;
`SubmissionsConfig.ready()` registers the case desk's, so this app never names another
app's models.

A box is {"title", "count", "items": [(label, url)], "more": url of the full list}, and
optionally "links": [(label, url)] to views of that list (the case desk's 已逾期, 指派给我).
"""

from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.newsroom import notifications

LIMIT = 8

_panels = []


def register(panel):
    """Add `panel(user) -> [box]` to the dashboard (once; registering again is harmless)."""
    if panel not in _panels:
        _panels.append(panel)
    return panel


def boxes(user):
    return [box for panel in _panels for box in panel(user)]


def box(title, items, more, label, url):
    """A box from a queryset: its count, the first LIMIT items as (label(obj), url(obj)), a link to all."""
    return {
        "title": title,
        "count": items.count(),
        "items": [(label(obj), url(obj)) for obj in items[:LIMIT]],
        "more": more,
    }


@register
def newsroom_panel(user):
    """Stories waiting for review and stories scheduled to go live."""
    if not user.has_perm("articles.view_article"):
        return []
    changelist = reverse("admin:articles_article_changelist")

    def url(article):
        return reverse("admin:articles_article_change", args=[article.pk])

    def stamped(when):
        return lambda article: f"{article.title}（{timezone.localtime(getattr(article, when)):%m-%d %H:%M}）"

    changes = (
        Article.objects.filter(unpublished_changes__isnull=False)
        .order_by("unpublished_changes__updated_at")
        .only("id", "title", "updated_at")
    )
    review = Article.objects.in_state("review").order_by("updated_at").only("id", "title", "updated_at")
    scheduled = Article.objects.scheduled().order_by("publish_at").only("id", "title", "publish_at")
    returned = notifications.returned_to(user).only("id", "title")
    boxes = [
        box("待审核文章", review, changelist + "?status__exact=review", stamped("updated_at"), url),
        box("定时发布", scheduled, changelist + "?schedule=scheduled", stamped("publish_at"), url),
        box("已发布，有未发布的修改", changes, changelist + "?schedule=changes", lambda a: a.title, url),
    ]
    if returned.exists():
        # A writer's own drafts sent back by an editor, with the editor's comment to read.
        boxes.insert(0, box("被退回的文章", returned, changelist + "?mine=1&status__exact=draft", _returned, url))
    return boxes


def _returned(article):
    when = timezone.localtime(article.last_at)
    return f"{article.title}（{when:%m-%d %H:%M} 退回）"
