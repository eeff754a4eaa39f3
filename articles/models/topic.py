"""专题: editor-curated, ordered collections of stories with their own page."""

from django.db import models

from articles.models.article import Article
from articles.models.image import Image
from newsportal.links import reverse_one


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
        verbose_name = verbose_name_plural = "专题"
        ordering = ["order", "-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse_one("articles:topic", self.slug)

    def visible_articles(self):
        """The topic's published stories in the editors' order."""
        return (
            Article.objects.published()
            .filter(topic_entries__topic=self)
            .for_listing()
            .order_by("topic_entries__order", "topic_entries__id")
        )


class TopicEntry(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="entries")
    article = models.ForeignKey(Article, verbose_name="文章", on_delete=models.CASCADE, related_name="topic_entries")
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "专题文章"
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["topic", "article"], name="topic_entry_unique_article")]

    def __str__(self):
        return str(self.article)
