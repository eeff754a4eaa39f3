"""The admin index's 工作台: boxes of what waits for each member of staff.

Apps contribute boxes by registering a panel, a function `panel(user)` that returns the
boxes that user may see (a list, empty when none). The newsroom registers its own below;
`SubmissionsConfig.ready()` registers the case desk's, so this app never names another
app's models.

A box is {"title", "count", "items": [(label, url)], "more": url of the full list}.
"""

from django.urls import reverse
from django.utils import timezone

from articles.models import Article

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

    review = Article.objects.in_state("review").order_by("updated_at").only("id", "title", "updated_at")
    scheduled = Article.objects.scheduled().order_by("publish_at").only("id", "title", "publish_at")
    return [
        box("待审核文章", review, changelist + "?status__exact=review", stamped("updated_at"), url),
        box("定时发布", scheduled, changelist + "?schedule=scheduled", stamped("publish_at"), url),
    ]
