"""Public URLs of the reading site, search, feeds, sitemaps and shared previews (see ARCHITECTURE.md)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from articles.newsroom import preview
from articles.reading import attachments, feeds, share, view_beacon, views
from articles.reading.cache import cached_page
from articles.reading.converters import UnicodeSlugConverter
from articles.reading.sitemaps import SITEMAPS, sitemap_index
from articles.search.views import search_results

register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"

# Pages the same for every anonymous reader go through the page cache (articles.reading.cache);
# PAGED ones read ?page=, sitemap sections ?p=.
PAGED = ("page",)

urlpatterns = [
    path("", cached_page(views.home), name="home"),
    path("articles/<int:pk>/", cached_page(views.article_detail), name="detail"),
    path("articles/<int:pk>/view/", view_beacon.view_beacon, name="view-beacon"),
    path("articles/<int:pk>/share.png", share.share_card, name="share-card"),
    path("articles/<int:pk>/files/<int:attachment_pk>/", attachments.download, name="attachment"),
    path("articles/attachments/<int:pk>/download/", attachments.staff_download, name="attachment_download"),
    path("regions/<uslug:slug>/", cached_page(views.RegionArticles.as_view(), query=PAGED), name="region"),
    path("channels/<uslug:slug>/", cached_page(views.ChannelArticles.as_view(), query=PAGED), name="channel"),
    path("tags/<uslug:slug>/", cached_page(views.TagArticles.as_view(), query=PAGED), name="tag"),
    path("archive/<int:year>/<int:month>/", cached_page(views.MonthArchive.as_view(), query=PAGED), name="archive"),
    path("search/", search_results, name="search"),
    path("feeds/rss/", cached_page(feeds.LatestFeed()), name="feed-rss"),
    path("feeds/atom/", cached_page(feeds.LatestAtomFeed()), name="feed-atom"),
    path("feeds/regions/<uslug:slug>/rss/", cached_page(feeds.RegionFeed()), name="region-feed-rss"),
    path("feeds/regions/<uslug:slug>/atom/", cached_page(feeds.RegionAtomFeed()), name="region-feed-atom"),
    path("feeds/channels/<uslug:slug>/rss/", cached_page(feeds.ChannelFeed()), name="channel-feed-rss"),
    path("feeds/channels/<uslug:slug>/atom/", cached_page(feeds.ChannelAtomFeed()), name="channel-feed-atom"),
    path("feeds/tags/<uslug:slug>/rss/", cached_page(feeds.TagFeed()), name="tag-feed-rss"),
    path("feeds/tags/<uslug:slug>/atom/", cached_page(feeds.TagAtomFeed()), name="tag-feed-atom"),
    path(
        "sitemap.xml",
        cached_page(sitemap_index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "articles:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cached_page(sitemap, query=("p",)),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", cached_page(views.robots_txt), name="robots"),
    path("topics/<uslug:slug>/", cached_page(views.topic_detail, query=PAGED), name="topic"),
    path("sitemap/", cached_page(views.site_map), name="site-map"),
    path("privacy/", cached_page(views.site_policy), {"kind": "privacy"}, name="privacy"),
    path("terms/", cached_page(views.site_policy), {"kind": "terms"}, name="terms"),
    path("preview/<str:token>/", preview.shared_preview, name="preview"),
]
