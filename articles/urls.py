"""Public URLs of the reading site, search, feeds, sitemaps and shared previews (see ARCHITECTURE.md)."""

from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter
from django.views.decorators.cache import cache_page

from articles.newsroom import preview
from articles.reading import attachments, feeds, views
from articles.reading.converters import UnicodeSlugConverter
from articles.reading.sitemaps import SITEMAPS
from articles.search.views import search_results

register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<int:pk>/", views.article_detail, name="detail"),
    path("articles/<int:pk>/files/<int:attachment_pk>/", attachments.download, name="attachment"),
    path("articles/attachments/<int:pk>/download/", attachments.staff_download, name="attachment_download"),
    path("regions/<uslug:slug>/", views.RegionArticles.as_view(), name="region"),
    path("channels/<uslug:slug>/", views.ChannelArticles.as_view(), name="channel"),
    path("tags/<uslug:slug>/", views.TagArticles.as_view(), name="tag"),
    path("archive/<int:year>/<int:month>/", views.MonthArchive.as_view(), name="archive"),
    path("search/", search_results, name="search"),
    path("feeds/rss/", feeds.LatestFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.LatestAtomFeed(), name="feed-atom"),
    path("feeds/regions/<uslug:slug>/rss/", feeds.RegionFeed(), name="region-feed-rss"),
    path("feeds/regions/<uslug:slug>/atom/", feeds.RegionAtomFeed(), name="region-feed-atom"),
    path("feeds/channels/<uslug:slug>/rss/", feeds.ChannelFeed(), name="channel-feed-rss"),
    path("feeds/channels/<uslug:slug>/atom/", feeds.ChannelAtomFeed(), name="channel-feed-atom"),
    path("feeds/tags/<uslug:slug>/rss/", feeds.TagFeed(), name="tag-feed-rss"),
    path("feeds/tags/<uslug:slug>/atom/", feeds.TagAtomFeed(), name="tag-feed-atom"),
    path(
        "sitemap.xml",
        cache_page(600)(sitemap_index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "articles:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_page(600)(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    path("topics/<uslug:slug>/", views.topic_detail, name="topic"),
    path("preview/<str:token>/", preview.shared_preview, name="preview"),
]
