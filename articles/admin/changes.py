"""The article admin's side of unpublished changes and returned drafts.

A mixin for ArticleAdmin: the list knows which published stories have changes waiting
(one annotation, no query per row), the change form says whose changes they are and
whether they are scheduled, and "放弃修改" has its confirmation page. The rules are in
`articles.newsroom.drafts`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import redirect
from django.urls import path, reverse

from articles.models import ArticleDraft
from articles.newsroom import drafts, notifications, policy


class UnpublishedChangesMixin:
    def get_urls(self):
        return [
            path(
                "<path:object_id>/changes/discard/",
                self.admin_site.admin_view(self.discard_changes_view),
                name="articles_article_discard_changes",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        waiting = ArticleDraft.objects.filter(article=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                has_unpublished_changes=Exists(waiting),
                changes_go_live_at=Subquery(waiting.values("go_live_at")[:1]),
            )
        )

    def get_view_on_site_url(self, obj=None):
        """Only a live story has a public page; any other opens the preview instead of a 404."""
        if obj is None or obj.pk is None:
            return None
        if obj.is_published:
            return super().get_view_on_site_url(obj)
        return reverse("admin:articles_article_preview", args=[obj.pk])

    def changes_context(self, request, obj):
        """What the change form says about `obj`'s unpublished changes and the last return."""
        if obj is None:
            return {}
        return {
            "holds_drafts": drafts.holds_drafts(obj),
            "pending_changes": drafts.pending(obj) if drafts.holds_drafts(obj) else None,
            "latest_return": notifications.latest_return(obj),
        }

    def discard_changes_view(self, request, object_id):
        article = self._article_or_403(request, object_id)
        if not policy.can_edit(request.user, article):
            raise PermissionDenied
        pending = drafts.pending(article)
        if pending is None:
            self.message_user(request, "这篇文章没有未发布的修改。", messages.INFO)
            return redirect("admin:articles_article_change", article.pk)
        if request.method == "POST":
            drafts.discard(article, request.user)
            self.message_user(request, f"已放弃“{article.title}”未发布的修改，前台版本未变。", messages.SUCCESS)
            return redirect("admin:articles_article_change", article.pk)
        return self._history_page(request, article, "放弃未发布的修改", "discard_changes.html", pending=pending)
