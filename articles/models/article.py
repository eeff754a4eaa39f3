"""Articles (the district investment stories) and the record of their workflow steps."""

import secrets
from functools import partial

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F
from django.utils import timezone
from taggit.managers import TaggableManager

from articles.content import excerpts, richtext
from articles.media import html as media_html
from articles.models.image import Image
from articles.models.publication import ArticleQuerySet, PublicationState, Status, publication_state
from articles.models.taxonomy import Channel, Industry, Region
from newsportal.fields import staff_member
from newsportal.links import reverse_one


class Article(models.Model):
    """A story: sanitised HTML body, classification, workflow status and publication times.

    `Article.objects.published()` is what readers may see; `publication_state` says the same
    of one article. Status changes go through `articles.newsroom.workflow`.
    """

    Status = Status

    title = models.CharField("标题", max_length=200)
    subtitle = models.CharField("副标题", max_length=200, blank=True)
    summary = models.TextField(
        "摘要", max_length=500, blank=True, help_text="留空则正文页不显示摘要；分享和订阅时自动取正文开头。"
    )
    body = models.TextField("正文", help_text="HTML；保存时按白名单清洗。")
    # The body's lead, cut at a sentence or clause (articles.content.excerpts), stored on save so
    # that lists can show it without loading bodies.
    lead = models.CharField("正文导语", max_length=200, blank=True, editable=False)
    cover = models.ForeignKey(
        Image,
        verbose_name="封面图",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cover_of",
        help_text="从图片库选择；图片说明（替代文本）必填。",
    )
    cover_alt = models.CharField("封面图说明", max_length=200, blank=True, help_text="留空时使用图片库中的图片说明。")
    source = models.CharField("来源", max_length=100, default="北京招商资讯网")
    author = models.CharField("作者", max_length=100, blank=True)
    responsible_editor = staff_member("责任编辑", related_name="edited_articles")
    regions = models.ManyToManyField(Region, verbose_name="区域", blank=True, related_name="articles")
    channel = models.ForeignKey(
        Channel, verbose_name="栏目", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    industries = models.ManyToManyField(Industry, verbose_name="产业", blank=True, related_name="articles")
    tags = TaggableManager("标签", blank=True, help_text="以逗号分隔。")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    publish_at = models.DateTimeField("发布时间", default=timezone.now, db_index=True)
    expire_at = models.DateTimeField(
        "下线时间", null=True, blank=True, help_text="到时自动从前台下线；留空表示不下线。"
    )
    is_headline = models.BooleanField("头条", default=False)
    is_pinned = models.BooleanField("置顶", default=False)
    is_featured = models.BooleanField("推荐", default=False)
    view_count = models.PositiveIntegerField("浏览次数", default=0, editable=False)
    # Weighted, jieba-segmented tsvector maintained by articles.search (PostgreSQL only).
    search_document = SearchVectorField("检索文档", null=True, editable=False)
    # Its title/tags (A) and summary/regions (B) part alone: small enough to stay in the
    # row, so ranking thousands of matches never reads the large document from TOAST.
    search_head = SearchVectorField("检索摘要", null=True, editable=False)
    created_by = staff_member("创建人", related_name="created_articles", editable=False)
    # Signed into every shared preview link (articles.newsroom.preview): a new key revokes them all.
    preview_key = models.CharField(
        "预览链接密钥", max_length=16, default=partial(secrets.token_urlsafe, 8), editable=False
    )
    # Bumped on every save: a form loaded at version N cannot overwrite version N+1 (stale save).
    version = models.PositiveIntegerField("版本号", default=1, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "文章"
        ordering = ["-publish_at", "-id"]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="article_status_publish_idx"),
            models.Index(fields=["-view_count"], name="article_views_idx"),
            # Created on PostgreSQL only, by migration 0002 (SQLite has no GIN).
            GinIndex(fields=["search_document"], name="article_search_gin"),
        ]
        permissions = [
            ("submit_article", "可提交文章审核"),
            ("publish_article", "可发布和定时发布文章"),
            ("archive_article", "可下线文章"),
            ("edit_others_article", "可编辑他人的文章"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Sanitise on every save so no path (admin, import, shell) can store unsafe HTML.
        self.prepare_content()
        if not self._state.adding:
            self.version += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"} | ({"lead"} if "body" in update_fields else set())
        elif not self._state.adding and not args and not kwargs.get("force_insert"):
            # The view counter is the counters' (articles.reading.view_counts) alone: an editor's
            # save of a story loaded a minute ago must not put back the count it loaded.
            kwargs["update_fields"] = _EDITED_FIELDS
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_one("articles:detail", self.pk)

    def prepare_content(self):
        """Sanitise the body and fill the cover's alt text: what every save stores.

        Unpublished changes go through it too (articles.newsroom.drafts), so what waits to be
        published is as clean as what is live.
        """
        self.body = richtext.prepare_body(self.body)
        self.body = media_html.responsive_body(self.body, Image.objects.by_file_name)
        self.lead = excerpts.lead_excerpt(self.body)
        if self.cover_id:
            self.cover_alt = self.cover_alt.strip() or self.cover.alt_text

    @property
    def publication_state(self):
        """Draft, in review, scheduled, live, expired or archived, as of now."""
        return publication_state(self.status, self.publish_at, self.expire_at)

    @property
    def is_scheduled(self):
        """Published, but its publication time has not come yet (定时发布)."""
        return self.publication_state == PublicationState.SCHEDULED

    @property
    def is_expired(self):
        return self.publication_state == PublicationState.EXPIRED

    @property
    def is_published(self):
        """Visible to readers now: the single-article form of `Article.objects.published()`."""
        return self.publication_state == PublicationState.LIVE

    @property
    def excerpt(self):
        """The summary an editor wrote, else the body's lead cut at a sentence or clause.

        For lists and descriptions (meta, og, feeds); the article page shows a 摘要 box only for
        a written summary.
        """
        if self.summary.strip():
            return self.summary.strip()
        if self.lead or "body" in self.get_deferred_fields():  # a list item: never a query per story
            return self.lead
        return excerpts.lead_excerpt(self.body)

    # The publication time as lists print it, in the site's time zone: as properties, a third
    # of the cost of the `date` filter, which lists call forty times a page.
    @property
    def publish_iso(self):
        return timezone.localtime(self.publish_at).isoformat() if self.publish_at else ""

    @property
    def publish_day(self):
        """YYYY-MM-DD."""
        return timezone.localtime(self.publish_at).strftime("%Y-%m-%d") if self.publish_at else ""

    @property
    def publish_month_day(self):
        """MM-DD."""
        return timezone.localtime(self.publish_at).strftime("%m-%d") if self.publish_at else ""

    @property
    def sections(self):
        """The (anchor, heading) pairs of the body, for the table of contents."""
        return richtext.table_of_contents(self.body)

    def record_view(self):
        """Count one view in the row itself (concurrent calls lose none).

        Views normally wait in the cache (articles.reading.view_counts); this is the fallback
        when the cache is down.
        """
        type(self).objects.filter(pk=self.pk).update(view_count=F("view_count") + 1)
        self.view_count += 1


_EDITED_FIELDS = [
    f.name for f in Article._meta.concrete_fields if not f.primary_key and f.name not in {"view_count", "created_at"}
]


class ArticleTransition(models.Model):
    """One step of an article's workflow: who moved it from which status to which, and when."""

    article = models.ForeignKey(Article, verbose_name="文章", on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("原状态", max_length=10, choices=Status.choices)
    to_status = models.CharField("新状态", max_length=10, choices=Status.choices)
    user = staff_member("操作人", blank=False)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    note = models.TextField("说明", max_length=2000, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "流转记录"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
