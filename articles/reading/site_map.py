"""网站地图 (/sitemap/): every place a reader can go, for people rather than crawlers.

Channels, the region tree (districts with their parks), published topics, the service pages
and the feeds: three queries however many stories there are; the page is cached like the
other reading pages.
"""

from django.urls import reverse

from articles.models import Channel, Region, Topic

# (label, URL name) of the pages every reader can use, in the order the footer shows them.
SERVICE_PAGES = [
    ("投稿", "submissions:contribute"),
    ("投稿须知", "submissions:terms"),
    ("企业入驻", "submissions:entry"),
    ("联系我们", "submissions:contact"),
    ("受理查询", "submissions:track"),
    ("站内搜索", "articles:search"),
    ("隐私政策", "articles:privacy"),
    ("使用条款", "articles:terms"),
]
FEEDS = [("最新资讯 RSS", "articles:feed-rss"), ("最新资讯 Atom", "articles:feed-atom")]


def region_tree():
    """The top-level regions in their order, each with `.subregions` (its children, and theirs)."""
    regions = list(Region.objects.only("id", "name", "slug", "parent_id"))
    children = {}
    for region in regions:
        children.setdefault(region.parent_id, []).append(region)
    for region in regions:
        region.subregions = children.get(region.pk, [])
    return children.get(None, [])


def contents():
    """The site map page's context."""
    return {
        "channels": Channel.objects.only("id", "name", "slug"),
        "regions": region_tree(),
        "topics": Topic.objects.published().only("id", "title", "slug"),
        "service_pages": [(label, reverse(name)) for label, name in SERVICE_PAGES],
        "feeds": [(label, reverse(name)) for label, name in FEEDS],
    }
