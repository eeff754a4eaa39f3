"""RSS 2.0 and Atom feeds: the latest stories site-wide and per region, channel and tag."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from taggit.models import Tag

from articles.models import Article, Channel, Region

ITEMS = 30


class LatestFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "zh-CN"
    kind = None

    def get_object(self, request, slug=None):
        return None

    def title(self, obj):
        suffix = f"{obj.name} · " if obj else ""
        return f"{settings.SITE_NAME} · {suffix}最新资讯"

    def link(self, obj):
        return obj.get_absolute_url() if obj else "/"

    def description(self, obj):
        where = f"{self.kind}“{obj.name}”的" if obj else ""
        return f"{settings.SITE_NAME}{where}招商引资最新资讯"

    subtitle = description  # Atom's name for it

    def narrow(self, queryset, obj):
        return queryset

    def newest(self, stories):
        return stories.newest_first()

    def items(self, obj):
        published = Article.objects.published().defer("search_document")
        stories = self.narrow(published, obj).select_related("channel").prefetch_related("tags", "regions")
        return self.newest(stories)[:ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.excerpt

    def item_pubdate(self, item):
        return timezone.localtime(item.publish_at)

    def item_updateddate(self, item):
        return timezone.localtime(max(item.updated_at, item.publish_at))

    def item_author_name(self, item):
        return item.author or item.source

    def item_categories(self, item):
        names = [item.channel.name] if item.channel else []
        return [*names, *(r.name for r in item.regions.all()), *(t.name for t in item.tags.all())]


class LatestAtomFeed(LatestFeed):
    feed_type = Atom1Feed


class RegionFeed(LatestFeed):
    kind = "区域"

    def newest(self, stories):
        # Through a link table: a region or tag of a few old stories must not walk the whole archive.
        return stories.newest_first_counted()

    def get_object(self, request, slug):
        return get_object_or_404(Region, slug=slug)

    def narrow(self, queryset, obj):
        return queryset.filter(regions=obj)


class ChannelFeed(LatestFeed):
    kind = "栏目"

    def get_object(self, request, slug):
        return get_object_or_404(Channel, slug=slug)

    def narrow(self, queryset, obj):
        return queryset.filter(channel=obj)


class TagFeed(LatestFeed):
    kind = "标签"

    def newest(self, stories):
        # Through a link table: a region or tag of a few old stories must not walk the whole archive.
        return stories.newest_first_counted()

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def link(self, obj):
        from django.urls import reverse

        return reverse("articles:tag", args=[obj.slug])

    def narrow(self, queryset, obj):
        return queryset.filter(tags=obj)


class RegionAtomFeed(RegionFeed):
    feed_type = Atom1Feed


class ChannelAtomFeed(ChannelFeed):
    feed_type = Atom1Feed


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
