"""Sitemaps for crawlers: home, stories, listings, topics and the site's own pages; only what readers may see.

The sitemaps.org schema requires at least one <url> in a <urlset>: a section with nothing to
list (no topic published yet) is left out of the index and its URL is not found.
"""

from django.contrib.contenttypes.models import ContentType
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Channel, Region, Topic


class SectionSitemap(Sitemap):
    """Django's Sitemap whose empty first page is not found (rather than an invalid, empty <urlset>)."""

    @property
    def paginator(self):
        return Paginator(self._items(), self.limit, allow_empty_first_page=False)


class HomeSitemap(SectionSitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["articles:home"]

    def location(self, item):
        return reverse(item)


class SitePagesSitemap(SectionSitemap):
    """网站地图, 隐私政策 and 使用条款."""

    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return ["articles:site-map", "articles:privacy", "articles:terms"]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(SectionSitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 5000

    def items(self):
        return Article.objects.published().only("id", "updated_at", "publish_at").order_by("-publish_at", "-id")

    def lastmod(self, item):
        return max(item.updated_at, item.publish_at)


class _ListingSitemap(SectionSitemap):
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


class TopicSitemap(SectionSitemap):
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
    "pages": SitePagesSitemap,
}


def sitemap_index(request, sitemaps, **kwargs):
    """Django's sitemap index, without the sections that have nothing to list."""
    sections = {name: section() if callable(section) else section for name, section in sitemaps.items()}
    listed = {name: section for name, section in sections.items() if section.paginator.count}
    return sitemap_views.index(request, listed, **kwargs)
