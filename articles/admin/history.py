"""The article admin's extra pages: preview (and revoking shared preview links), version
history, compare, and restore (a confirmation page showing what it changes, then a POST).

A mixin for ArticleAdmin; the rules live in `articles.newsroom.revisions` and `.preview`,
and every page asks the admin's own permission methods or the newsroom policy.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST
from reversion.models import Version

from articles.newsroom import drafts, policy, preview, revisions


class ArticleHistoryMixin:
    def get_urls(self):
        def view(fn):
            return self.admin_site.admin_view(fn)

        return [
            path("<path:object_id>/preview/", view(self.preview_view), name="articles_article_preview"),
            path(
                "<path:object_id>/preview/revoke/",
                view(require_POST(self.revoke_preview_view)),
                name="articles_article_preview_revoke",
            ),
            path("<path:object_id>/revisions/", view(self.revisions_view), name="articles_article_revisions"),
            path(
                "<path:object_id>/revisions/compare/",
                view(self.compare_view),
                name="articles_article_revisions_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:version_id>/restore/",
                view(require_http_methods(["GET", "HEAD", "POST"])(self.restore_view)),
                name="articles_article_revision_restore",
            ),
            *super().get_urls(),
        ]

    def _article_or_403(self, request, object_id):
        # get_object answers None for an id that is no number (…/abc/preview/): 404, not 500.
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("文章不存在。")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def _history_page(self, request, article, title, template, **context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{title}：{article.title}",
            "article": article,
            "can_restore": self.has_change_permission(request, article),
            "time_format": revisions.TIME_FORMAT,
            **context,
        }
        return TemplateResponse(request, f"admin/articles/article/{template}", context)

    def preview_view(self, request, object_id):
        article = self._article_or_403(request, object_id)
        return preview.staff_preview(request, article.pk)

    def revoke_preview_view(self, request, object_id):
        """POST only: every preview link shared so far stops working; new ones work."""
        article = self._article_or_403(request, object_id)
        if not policy.can_edit(request.user, article):
            raise PermissionDenied
        preview.revoke(article)
        self.message_user(request, "已撤销此前分享的全部预览链接。如需继续审阅，请分享下方的新链接。", messages.SUCCESS)
        return redirect("admin:articles_article_preview", article.pk)

    def revisions_view(self, request, object_id):
        article = self._article_or_403(request, object_id)
        return self._history_page(request, article, "版本历史", "revisions.html", versions=revisions.history(article))

    def compare_view(self, request, object_id):
        article = self._article_or_403(request, object_id)
        versions = revisions.history(article)
        try:
            older = versions.get(pk=int(request.GET.get("from", "")))
            newer = versions.get(pk=int(request.GET.get("to", "")))
        except (ValueError, Version.DoesNotExist):
            self.message_user(request, "请选择这篇文章的两个版本进行比较。", messages.ERROR)
            return redirect("admin:articles_article_revisions", article.pk)
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        changes = revisions.compare(older, newer)
        return self._history_page(
            request, article, "版本比较", "revision_compare.html", older=older, newer=newer, changes=changes
        )

    def restore_view(self, request, object_id, version_id):
        """GET: what restoring the version would change, and a button; POST: restore it."""
        article = self._article_or_403(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(revisions.history(article), pk=version_id)
        if request.method != "POST":
            return self._history_page(
                request,
                article,
                "恢复版本",
                "revision_restore.html",
                version=version,
                changes=revisions.compare_with_current(article, version),
                as_draft=drafts.holds_drafts(article),
                pending=drafts.pending(article),
            )
        restored = revisions.restore(article, version, request.user)
        if restored.draft is not None:
            self.message_user(request, "已将该版本恢复为未发布的修改，发布后才会在前台生效。", messages.SUCCESS)
        else:
            when = revisions.local_time(version.revision.date_created)
            self.message_user(request, f"已恢复到 {when} 的版本（已另存为新版本）。", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
