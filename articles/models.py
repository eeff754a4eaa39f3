"""The content model: regions, channels, industries and articles."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from articles import richtext


class Region(models.Model):
    """A district, park or area of Beijing; parks hang under their district."""

    class Kind(models.TextChoices):
        DISTRICT = "district", "区"
        PARK = "park", "园区"
        AREA = "area", "功能区"

    name = models.CharField("名称", max_length=50, unique=True)
    slug = models.SlugField("网址标识", max_length=60, unique=True, allow_unicode=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.DISTRICT)
    parent = models.ForeignKey(
        "self", verbose_name="上级区域", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    aliases = models.CharField(
        "别名", max_length=200, blank=True, help_text="以逗号分隔，例如：亦庄, 经开区。搜索时视为同一区域。"
    )
    description = models.TextField("简介", blank=True)
    order = models.PositiveSmallIntegerField("排序", default=100, help_text="数字越小越靠前。")
    show_on_home = models.BooleanField("首页显示区块", default=False)

    class Meta:
        verbose_name = "区域"
        verbose_name_plural = "区域"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:region", args=[self.slug])

    @property
    def alias_list(self):
        return [a.strip() for a in self.aliases.replace("，", ",").split(",") if a.strip()]

    def ancestors(self):
        """Parents up to the root, nearest first (the tree is shallow: a few hops at most)."""
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain

    def clean(self):
        node, seen = self.parent, set()
        while node is not None and node.pk not in seen:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError({"parent": "上级区域不能是自身或其下级区域。"})
            seen.add(node.pk)
            node = node.parent


class Channel(models.Model):
    """A section of the site (栏目), such as 招商动态 or 政策解读."""

    name = models.CharField("名称", max_length=30, unique=True)
    slug = models.SlugField("网址标识", max_length=40, unique=True, allow_unicode=True)
    description = models.CharField("简介", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=100, help_text="数字越小越靠前。")

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:channel", args=[self.slug])


class Industry(models.Model):
    """An industry (产业) that stories and enterprises belong to."""

    name = models.CharField("名称", max_length=30, unique=True)
    slug = models.SlugField("网址标识", max_length=40, unique=True, allow_unicode=True)
    order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = "产业"
        verbose_name_plural = "产业"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class ArticleQuerySet(models.QuerySet):
    def published(self, at=None):
        """The one definition of what readers may see.

        Published status, a publication time that has arrived and no take-down time that
        has passed. Scheduled stories appear by themselves: the clock is part of the query.
        """
        now = at or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=now).filter(
            Q(expire_at__isnull=True) | Q(expire_at__gt=now)
        )

    def for_listing(self):
        """What a list item shows: channel name, no body."""
        return self.select_related("channel", "cover").defer("body", "search_document", "search_head")

    def newest_first(self):
        return self.order_by("-publish_at", "-id")

    def for_home(self):
        """Pinned stories first, then the newest."""
        return self.order_by("-is_pinned", "-publish_at", "-id")

    def popular(self):
        return self.order_by("-view_count", "-publish_at", "-id")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        REVIEW = "review", "待审核"
        PUBLISHED = "published", "已发布"
        ARCHIVED = "archived", "已下线"

    title = models.CharField("标题", max_length=200)
    subtitle = models.CharField("副标题", max_length=200, blank=True)
    summary = models.TextField("摘要", max_length=500, blank=True, help_text="留空时自动取正文开头。")
    body = models.TextField("正文", help_text="HTML；保存时按白名单清洗。")
    # The media-library image is what editors choose; `cover_image` mirrors its file so that
    # code reading the file directly (feeds, metadata, imports) keeps working.
    cover = models.ForeignKey(
        "articles.Image",
        verbose_name="封面图",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cover_of",
        help_text="从图片库选择；图片说明（替代文本）必填。",
    )
    cover_image = models.ImageField("封面图文件", upload_to="covers/%Y/%m/", blank=True)
    cover_alt = models.CharField("封面图说明", max_length=200, blank=True, help_text="留空时使用图片库中的图片说明。")
    source = models.CharField("来源", max_length=100, default="北京招商资讯网")
    author = models.CharField("作者", max_length=100, blank=True)
    responsible_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任编辑",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="edited_articles",
    )
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_articles",
        editable=False,
    )
    # Bumped on every save: a form loaded at version N cannot overwrite version N+1 (stale save).
    version = models.PositiveIntegerField("版本号", default=1, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "文章"
        verbose_name_plural = "文章"
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
        self.body = richtext.prepare_body(self.body)
        if not self.summary.strip():
            self.summary = richtext.summarize(self.body)
        from articles import images

        self.body = images.responsive_body(self.body)
        if self.cover_id:
            self.cover_image = self.cover.file.name
            self.cover_alt = self.cover_alt.strip() or self.cover.alt_text
        if not self._state.adding:
            self.version += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = {"version"} | ({"summary"} if "body" in update_fields else set())
            kwargs["update_fields"] = {*update_fields, *extra}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.pk])

    @property
    def is_scheduled(self):
        """Published, but its publication time has not come yet (定时发布)."""
        return self.status == self.Status.PUBLISHED and self.publish_at > timezone.now()

    @property
    def is_expired(self):
        return self.status == self.Status.PUBLISHED and self.expire_at is not None and self.expire_at <= timezone.now()

    @property
    def is_published(self):
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at <= now
            and (self.expire_at is None or self.expire_at > now)
        )

    @property
    def sections(self):
        """The (anchor, heading) pairs of the body, for the table of contents."""
        return richtext.table_of_contents(self.body)

    def record_view(self):
        """Count one view in the database itself, so concurrent requests never lose one."""
        type(self).objects.filter(pk=self.pk).update(view_count=F("view_count") + 1)
        self.view_count += 1

    def neighbours(self):
        """(previous, next) published stories in publication order: older and newer."""
        visible = type(self).objects.published().only("id", "title", "publish_at")
        older = visible.filter(
            Q(publish_at__lt=self.publish_at) | Q(publish_at=self.publish_at, id__lt=self.pk)
        ).order_by("-publish_at", "-id")
        newer = visible.filter(
            Q(publish_at__gt=self.publish_at) | Q(publish_at=self.publish_at, id__gt=self.pk)
        ).order_by("publish_at", "id")
        previous = next_ = None
        # One query: both neighbours are picked by sliced subqueries.
        rows = visible.filter(Q(pk__in=older.values("pk")[:1]) | Q(pk__in=newer.values("pk")[:1]))
        for row in rows:
            if (row.publish_at, row.pk) < (self.publish_at, self.pk):
                previous = row
            else:
                next_ = row
        return previous, next_

    def related(self, limit=5):
        """Published stories that share tags, regions or the channel, the closest first.

        A shared tag weighs most, then a shared region, then the same channel (which keeps
        the list useful for a story whose tags and regions are its own), then recency.
        """
        tag_ids = [t.pk for t in self.tags.all()]
        region_ids = [r.pk for r in self.regions.all()]
        shared = Q(tags__in=tag_ids) | Q(regions__in=region_ids)
        if self.channel_id:
            shared |= Q(channel_id=self.channel_id)
        score = (
            models.Count("tags", filter=Q(tags__in=tag_ids), distinct=True) * 4
            + models.Count("regions", filter=Q(regions__in=region_ids), distinct=True) * 2
            + models.Case(models.When(channel_id=self.channel_id, then=1), default=0)
        )
        return (
            type(self)
            .objects.published()
            .filter(shared)
            .exclude(pk=self.pk)
            .annotate(score=score)
            .only("id", "title", "publish_at")
            .order_by("-score", "-publish_at", "-id")[:limit]
        )


class ArticleTransition(models.Model):
    """One step of an article's workflow: who moved it from which status to which, and when."""

    article = models.ForeignKey(Article, verbose_name="文章", on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("原状态", max_length=10, choices=Article.Status.choices)
    to_status = models.CharField("新状态", max_length=10, choices=Article.Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "流转记录"
        verbose_name_plural = "流转记录"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


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
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "图片"
        verbose_name_plural = "图片库"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.alt_text or self.file.name

    @property
    def srcset(self):
        from articles import images

        return images.srcset(self)

    @property
    def display_url(self):
        """The widest rendition, or the original until renditions exist."""
        from articles import images

        return images.display_url(self)


class TopicQuerySet(models.QuerySet):
    def published(self):
        """Topics readers may see: switched on by an editor."""
        return self.filter(is_published=True)


class Topic(models.Model):
    """专题: an editor-curated, ordered collection of articles with its own page."""

    title = models.CharField("专题名称", max_length=100)
    slug = models.SlugField("网址标识", max_length=60, unique=True, allow_unicode=True)
    summary = models.TextField("导语", max_length=500, blank=True)
    cover = models.ForeignKey(
        Image, verbose_name="题图", null=True, blank=True, on_delete=models.PROTECT, related_name="cover_of_topics"
    )
    is_published = models.BooleanField("公开", default=False, help_text="勾选后专题页对读者可见。")
    order = models.PositiveSmallIntegerField("排序", default=100, help_text="数字越小越靠前。")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    articles = models.ManyToManyField(Article, through="TopicEntry", related_name="topics", verbose_name="文章")

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = "专题"
        verbose_name_plural = "专题"
        ordering = ["order", "-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:topic", args=[self.slug])

    def visible_articles(self):
        """The topic's published stories in the editors' order."""
        return (
            Article.objects.published()
            .filter(topic_entries__topic=self)
            .for_listing()
            .prefetch_related("regions")
            .order_by("topic_entries__order", "topic_entries__id")
        )


class TopicEntry(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="entries")
    article = models.ForeignKey(Article, verbose_name="文章", on_delete=models.CASCADE, related_name="topic_entries")
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "专题文章"
        verbose_name_plural = "专题文章"
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["topic", "article"], name="topic_entry_unique_article")]

    def __str__(self):
        return str(self.article)
