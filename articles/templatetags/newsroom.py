"""The admin index dashboard: what waits for the newsroom."""

from django import template
from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from articles.models import Article

register = template.Library()

LIMIT = 8


def _submissions(user):
    """New contributions and entry requests, when the submissions app provides them."""
    boxes = []
    wanted = [
        ("Contribution", "新投稿", ("new",)),
        ("EntryRequest", "新的入驻申请", ("received",)),
    ]
    for model_name, title, statuses in wanted:
        try:
            model = apps.get_model("submissions", model_name)
        except LookupError:
            continue
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        items = model.objects.filter(status__in=statuses).order_by("-pk")
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            url = ""
        boxes.append(
            {
                "title": title,
                "count": items.count(),
                "items": [(str(obj), f"{url}{obj.pk}/change/" if url else "") for obj in items[:LIMIT]],
                "more": f"{url}?status__exact={statuses[0]}" if url else "",
            }
        )
    return boxes


@register.inclusion_tag("admin/articles/dashboard.html", takes_context=True)
def newsroom_dashboard(context):
    user = context["request"].user
    boxes = []
    if user.has_perm("articles.view_article"):
        changelist = reverse("admin:articles_article_changelist")
        review = Article.objects.filter(status=Article.Status.REVIEW).order_by("updated_at")
        scheduled = Article.objects.filter(status=Article.Status.PUBLISHED, publish_at__gt=timezone.now()).order_by(
            "publish_at"
        )
        for title, items, more, when in [
            ("待审核文章", review, "?status__exact=review", "updated_at"),
            ("定时发布", scheduled, "?schedule=scheduled", "publish_at"),
        ]:
            boxes.append(
                {
                    "title": title,
                    "count": items.count(),
                    "items": [
                        (
                            f"{a.title}（{timezone.localtime(getattr(a, when)):%m-%d %H:%M}）",
                            reverse("admin:articles_article_change", args=[a.pk]),
                        )
                        for a in items.only("id", "title", when)[:LIMIT]
                    ],
                    "more": changelist + more,
                }
            )
    boxes += _submissions(user)
    return {"boxes": boxes}
