import datetime
from zoneinfo import ZoneInfo

import feedparser
import pytest

from articles.models import Article
from tests.factories import ArticleFactory, ChannelFactory, RegionFactory

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def stories():
    region = RegionFactory(name="北京经济技术开发区", slug="yizhuang")
    channel = ChannelFactory(name="产业园区", slug="parks")
    ArticleFactory(
        title="亦庄抗体药平台",
        summary="北京亦庄生物医药产业招商引资迎来重要突破。",
        channel=channel,
        regions=[region],
        tags=["生物医药"],
        publish_at=datetime.datetime(2025, 8, 13, 9, 5, tzinfo=BEIJING),
    )
    ArticleFactory(title="别处的新闻", tags=["营商环境"])
    ArticleFactory(title="未发布的新闻", status=Article.Status.DRAFT, regions=[region])


@pytest.mark.parametrize(
    ("url", "titles"),
    [
        ("/feeds/rss/", {"亦庄抗体药平台", "别处的新闻"}),
        ("/feeds/atom/", {"亦庄抗体药平台", "别处的新闻"}),
        ("/feeds/regions/yizhuang/rss/", {"亦庄抗体药平台"}),
        ("/feeds/regions/yizhuang/atom/", {"亦庄抗体药平台"}),
        ("/feeds/channels/parks/rss/", {"亦庄抗体药平台"}),
        ("/feeds/channels/parks/atom/", {"亦庄抗体药平台"}),
        ("/feeds/tags/生物医药/rss/", {"亦庄抗体药平台"}),
        ("/feeds/tags/营商环境/atom/", {"别处的新闻"}),
    ],
)
def test_feeds_parse_cleanly_with_the_right_stories(client, stories, url, titles):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert {entry.title for entry in feed.entries} == titles
    assert feed.feed.title.startswith("北京招商资讯网")


def test_feed_items_carry_summary_categories_and_beijing_dates(client, stories):
    rss = feedparser.parse(client.get("/feeds/regions/yizhuang/rss/").content)
    entry = rss.entries[0]
    assert entry.summary == "北京亦庄生物医药产业招商引资迎来重要突破。"
    assert {"产业园区", "北京经济技术开发区", "生物医药"} <= {tag.term for tag in entry.tags}
    assert entry.published == "Wed, 13 Aug 2025 09:05:00 +0800"
    atom = feedparser.parse(client.get("/feeds/regions/yizhuang/atom/").content)
    assert atom.entries[0].published == "2025-08-13T09:05:00+08:00"
    assert atom.entries[0].link.endswith(Article.objects.get(title="亦庄抗体药平台").get_absolute_url())


def test_unknown_feed_subject_is_404(client):
    for url in ("/feeds/regions/nowhere/rss/", "/feeds/tags/无此标签/atom/", "/feeds/channels/none/rss/"):
        assert client.get(url).status_code == 404


def test_pages_advertise_their_feeds(client, stories):
    assert 'href="/feeds/rss/"' in client.get("/").content.decode()
    region_page = client.get("/regions/yizhuang/").content.decode()
    assert 'href="/feeds/regions/yizhuang/rss/"' in region_page


def test_feed_has_a_fixed_query_budget(client, django_assert_max_num_queries):
    region = RegionFactory(slug="big")
    for n in range(40):
        ArticleFactory(regions=[region], tags=[f"标签{n}", "共同"])
    # 5 to render, 2 for the page cache's clock (the next scheduled event) on a cold cache.
    with django_assert_max_num_queries(7):
        client.get("/feeds/regions/big/rss/")
    with django_assert_max_num_queries(0):
        assert client.get("/feeds/regions/big/rss/")["X-Cache"] == "HIT"


def test_a_story_without_a_summary_is_described_by_its_lead(client, stories):
    ArticleFactory(title="只有正文的新闻", summary="", body="<p>怀柔区影视文化产业招商再获突破。</p><p>第二段。</p>")
    rss = feedparser.parse(client.get("/feeds/rss/").content)
    entry = next(entry for entry in rss.entries if entry.title == "只有正文的新闻")
    assert entry.summary == "怀柔区影视文化产业招商再获突破。"
