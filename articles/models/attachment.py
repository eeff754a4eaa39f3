"""Files attached to a story (PDF/DOCX material), downloadable once the story is published."""

from django.db import models
from django.utils import timezone

from newsportal.fields import staff_member
from newsportal.storage import private_storage


class ArticleAttachment(models.Model):
    """A document offered for download under a story: staff-only until the story is live."""

    article = models.ForeignKey(
        "articles.Article", verbose_name="文章", on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField("名称", max_length=200)
    file = models.FileField("文件", storage=private_storage, upload_to="articles/%Y/%m/", max_length=200)
    original_name = models.CharField("原文件名", max_length=255)
    mime_type = models.CharField("MIME 类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = staff_member("上传人")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["id"]

    def __str__(self):
        return self.title
