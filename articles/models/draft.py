"""Unpublished changes to a published story (已发布，有未发布的修改).

A published story keeps serving its row while editors work: their saves land here, as the
form's cleaned values (JSON), until someone publishes them (now, or at `go_live_at`) or
discards them. `articles.newsroom.drafts` owns reading, writing and publishing these.
"""

from django.db import models

from newsportal.fields import staff_member


class ArticleDraftQuerySet(models.QuerySet):
    def due(self, at):
        """Scheduled changes whose time has come."""
        return self.filter(go_live_at__lte=at)


class ArticleDraft(models.Model):
    article = models.OneToOneField(
        "articles.Article", verbose_name="文章", on_delete=models.CASCADE, related_name="unpublished_changes"
    )
    # {field name: value}: attnames for foreign keys, id lists for regions/industries, a name
    # list for tags, ISO strings for times: what the change form would save.
    data = models.JSONField("修改内容", default=dict)
    go_live_at = models.DateTimeField("修改生效时间", null=True, blank=True, db_index=True)
    updated_by = staff_member("修改人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ArticleDraftQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "未发布的修改"

    def __str__(self):
        return f"{self.article}（未发布的修改）"
