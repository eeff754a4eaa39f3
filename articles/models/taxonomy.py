"""The classifications readers browse by: regions (a shallow tree), channels (栏目) and industries (产业)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse


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
        verbose_name = verbose_name_plural = "区域"
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
        verbose_name = verbose_name_plural = "栏目"
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
        verbose_name = verbose_name_plural = "产业"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name
