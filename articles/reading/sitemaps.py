"""Sitemaps for crawlers: home, stories, listings and topics; only what readers may see."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Channel, Region, Topic


class HomeSitemap(Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["articles:home"]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 5000

    def items(self):
        return Article.objects.published().only("id", "updated_at", "publish_at").order_by("-publish_at", "-id")

    def lastmod(self, item):
        return max(item.updated_at, item.publish_at)


class _ListingSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def lastmod(self, item):
        return item.latest


class RegionSitemap(_ListingSitemap):
    def items(self):
        return Region.objects.annotate(latest=Max("articles__updated_at")).order_by("order", "pk")


class ChannelSitemap(_ListingSitemap):
    def items(self):
        return Channel.objects.annotate(latest=Max("articles__updated_at")).order_by("order", "pk")


class TagSitemap(_ListingSitemap):
    """Tags that at least one published story carries."""

    def items(self):
        published = Article.objects.published().values("pk")
        return (
            Tag.objects.filter(
                taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(Article),
                taggit_taggeditem_items__object_id__in=published,
            )
            .distinct()
            .order_by("pk")
            .only("id", "slug")
        )

    def location(self, item):
        return reverse("articles:tag", args=[item.slug])

    def lastmod(self, item):
        return None


class TopicSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Topic.objects.published().order_by("order", "pk")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "regions": RegionSitemap,
    "channels": ChannelSitemap,
    "tags": TagSitemap,
    "topics": TopicSitemap,
}
