"""Public reading pages. Each view is thin: the rules live in the models and querysets."""

import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.generic import ListView
from taggit.models import Tag

from articles.content.richtext import text_to_html
from articles.models import Article, Channel, Region, SiteInfo, Topic
from articles.reading import navigation, story_parts, view_counts
from articles.reading.site_map import contents as site_map_contents


def home(request):
    published = Article.objects.published()
    headline = published.filter(is_headline=True).for_listing().newest_first().first()
    latest = published.for_listing().for_home()
    if headline:
        latest = latest.exclude(pk=headline.pk)
    latest = list(latest[:13])
    if headline is None and latest:
        headline = latest.pop(0)
    region_blocks = list(Region.objects.filter(show_on_home=True))
    newest = published.only("id", "title", "publish_at").newest_in_regions(region_blocks, 6)
    for region in region_blocks:
        region.latest_articles = newest[region.pk]
    context = {
        "headline": headline,
        "latest": latest[:12],
        "featured": published.filter(is_featured=True).only("id", "title", "publish_at").newest_first()[:6],
        "region_blocks": region_blocks,
        "popular": published.popular().only("id", "title", "view_count")[:8],
        "topics": Topic.objects.published().only("id", "title", "slug")[:6],
    }
    return render(request, "articles/home.html", context)


def article_detail(request, pk):
    # The editor, cover, regions, tags and attachments are read only where a kept part misses
    # (story_parts.LINKS); the channel is in the breadcrumbs.
    article = get_object_or_404(
        Article.objects.published().select_related("channel").defer("search_document", "search_head"), pk=pk
    )
    # Views are counted by the page's beacon (articles.reading.view_beacon), which works for
    # cached copies of the page too; here the count shown includes those still in the cache.
    article.view_count = view_counts.total(article)
    context = {
        "article": article,
        **story_parts.around(article),
        "parts": story_parts.for_story(article),
        "count_views": True,
    }
    return render(request, "articles/article_detail.html", context)


class ArticleListView(ListView):
    """A paginated list of published stories narrowed by `narrow()`; 404 past the last page."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    allow_empty = True
    feed_prefix = None  # "region" → the articles:region-feed-rss/-atom URLs
    paginator_class = navigation.ListingPaginator

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    # A listing narrowed through a link table (tags, regions) is read from its links when it
    # holds few stories (ArticleQuerySet.newest_first_of_few).
    narrowed_by_links = False

    def get_paginator(self, queryset, per_page, **kwargs):
        # Every page of this listing shares one count (navigation.ListingPaginator).
        if self.narrowed_by_links:
            kwargs["order_few"] = lambda stories: stories.newest_first_of_few()
        return super().get_paginator(queryset, per_page, count_key=self.request.path, **kwargs)

    def narrow(self, queryset):
        raise NotImplementedError

    def get_queryset(self):
        articles = Article.objects.published().for_listing().newest_first()
        # Their regions are read for the list items rendered, not kept (articles.reading.story_parts).
        return self.narrow(articles)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["months"] = navigation.archive_months()
        context["page_title"] = self.page_title()
        context["kind"] = self.kind
        if self.feed_prefix:
            slug = self.kwargs["slug"]
            context["feed_rss"] = reverse(f"articles:{self.feed_prefix}-feed-rss", args=[slug])
            context["feed_atom"] = reverse(f"articles:{self.feed_prefix}-feed-atom", args=[slug])
        return context


class RegionArticles(ArticleListView):
    kind = "区域"
    feed_prefix = "region"
    narrowed_by_links = True

    def narrow(self, queryset):
        self.region = get_object_or_404(Region.objects.select_related("parent"), slug=self.kwargs["slug"])
        return queryset.filter(regions=self.region)

    def page_title(self):
        return self.region.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subject"] = self.region
        context["parent_region"] = self.region.parent
        context["child_regions"] = self.region.children.all()
        return context


class ChannelArticles(ArticleListView):
    kind = "栏目"
    feed_prefix = "channel"

    def narrow(self, queryset):
        self.channel = get_object_or_404(Channel, slug=self.kwargs["slug"])
        return queryset.filter(channel=self.channel)

    def page_title(self):
        return self.channel.name

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.channel, **kwargs)


class TagArticles(ArticleListView):
    kind = "标签"
    feed_prefix = "tag"
    narrowed_by_links = True

    def narrow(self, queryset):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return queryset.filter(tags=self.tag)

    def page_title(self):
        return self.tag.name


class MonthArchive(ArticleListView):
    kind = "归档"

    def narrow(self, queryset):
        year, month = self.kwargs["year"], self.kwargs["month"]
        if not (1 <= month <= 12 and 2000 <= year <= 2100):
            raise Http404("没有这个月份。")
        today = timezone.localdate()
        if (year, month) > (today.year, today.month):
            raise Http404("这个月份还没有到。")
        tz = timezone.get_current_timezone()
        self.start = datetime.datetime(year, month, 1, tzinfo=tz)
        end = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
        return queryset.filter(publish_at__gte=self.start, publish_at__lt=end)

    def page_title(self):
        return f"{self.start.year}年{self.start.month}月"


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /track/",
        "Disallow: /preview/",
        f"Sitemap: {request.build_absolute_uri(reverse('articles:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def topic_detail(request, slug):
    """/topics/<slug>/: a published topic's visible stories in the editors' order."""
    topic = get_object_or_404(Topic.objects.published().select_related("cover"), slug=slug)
    page = Paginator(topic.visible_articles(), settings.ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"topic": topic, "page_obj": page, "articles": page.object_list}
    return render(request, "articles/topic_detail.html", context)


def site_map(request):
    """/sitemap/: 网站地图, every channel, region, topic and service page for readers."""
    return render(request, "articles/site_map.html", site_map_contents())


def site_policy(request, kind):
    """/privacy/ and /terms/: 隐私政策 or 使用条款 from 站点信息."""
    info = SiteInfo.current()
    title, text = POLICIES[kind][0], getattr(info, POLICIES[kind][1])
    context = {"title": title, "body": mark_safe(text_to_html(text)), "description": POLICIES[kind][2]}
    return render(request, "articles/site_policy.html", context)


# kind: (title, SiteInfo field, meta description)
POLICIES = {
    "privacy": ("隐私政策", "privacy_policy", "本网如何收集、使用和保护您的个人信息，以及您享有的权利。"),
    "terms": ("使用条款", "terms_of_use", "使用本网及其内容应遵守的条款，包括转载、链接与免责说明。"),
}
