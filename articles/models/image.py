"""The media library's records: one row per picture, with its renditions listed."""

from django.db import models

from articles.media import html as media_html
from newsportal.fields import staff_member


class ImageQuerySet(models.QuerySet):
    def by_file_name(self, names):
        """{stored file name: image} for the library images among `names`."""
        return {image.file.name: image for image in self.filter(file__in=names)}


class Image(models.Model):
    """A picture in the media library: the EXIF-free original and its WebP renditions.

    `renditions` lists {"width", "height", "name"} for each generated width, so pages can
    write a srcset without another query.
    """

    file = models.ImageField("图片文件", upload_to="images/%Y/%m/", width_field="width", height_field="height")
    alt_text = models.CharField("图片说明（替代文本）", max_length=200, help_text="为看不到图片的读者描述图片内容。")
    caption = models.CharField("图注", max_length=200, blank=True)
    credit = models.CharField("来源/摄影", max_length=100, blank=True)
    width = models.PositiveIntegerField("宽度", default=0, editable=False)
    height = models.PositiveIntegerField("高度", default=0, editable=False)
    renditions = models.JSONField("缩放版本", default=list, blank=True, editable=False)
    uploaded_by = staff_member("上传人", blank=False)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True, db_index=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        verbose_name = "图片"
        verbose_name_plural = "图片库"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.alt_text or self.file.name

    @property
    def srcset(self):
        return media_html.srcset(self)

    @property
    def display_url(self):
        """The widest rendition, or the original until renditions exist."""
        return media_html.display_url(self)


class ImageUsage(models.Model):
    """One place a library image appears: a story's body or cover, live or in unpublished changes.

    Kept by `articles.media.usage` whenever a story or its unpublished changes are saved, so
    the library can say "used in N stories" and refuse to delete a picture that is in use.
    """

    class Copy(models.TextChoices):
        LIVE = "live", "当前版本"
        DRAFT = "draft", "未发布的修改"

    class Place(models.TextChoices):
        BODY = "body", "正文"
        COVER = "cover", "封面"

    image = models.ForeignKey(Image, verbose_name="图片", on_delete=models.CASCADE, related_name="usages")
    article = models.ForeignKey(
        "articles.Article", verbose_name="文章", on_delete=models.CASCADE, related_name="image_usages"
    )
    copy = models.CharField("版本", max_length=5, choices=Copy.choices)
    place = models.CharField("位置", max_length=5, choices=Place.choices)

    class Meta:
        verbose_name = verbose_name_plural = "图片使用记录"
        constraints = [
            models.UniqueConstraint(fields=["image", "article", "copy", "place"], name="image_usage_unique"),
        ]

    def __str__(self):
        return f"{self.image} → {self.article_id}（{self.get_place_display()}，{self.get_copy_display()}）"
