import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import ArticleFactory, ChannelFactory, RegionFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_region_page_lists_its_stories_and_its_parks_stories(client):
    district = RegionFactory(name="怀柔区", slug="huairou")
    park = RegionFactory(name="怀柔影视基地", slug="huairou-film", parent=district)
    ArticleFactory(title="区级新闻", regions=[district])
    ArticleFactory(title="园区新闻", regions=[park])
    ArticleFactory(title="别区新闻", regions=[RegionFactory()])
    page = client.get("/regions/huairou/").content.decode()
    assert "区级新闻" in page and "园区新闻" in page and "别区新闻" not in page
    assert "怀柔影视基地" in page  # the park is offered as a sub-region
    park_page = client.get("/regions/huairou-film/").content.decode()
    assert "园区新闻" in park_page and "区级新闻" not in park_page


def test_channel_page_lists_its_stories(client):
    channel = ChannelFactory(name="政策解读", slug="policy")
    ArticleFactory(title="政策新闻", channel=channel)
    ArticleFactory(title="其他新闻")
    page = client.get("/channels/policy/").content.decode()
    assert "政策解读" in page and "政策新闻" in page and "其他新闻" not in page


def test_chinese_tag_gets_a_stable_url(client):
    ArticleFactory(title="标签新闻", tags=["营商环境"])
    response = client.get("/tags/营商环境/")
    assert response.status_code == 200
    assert "标签新闻" in response.content.decode()


def test_monthly_archive_uses_beijing_time(client):
    # 2025-08-31 23:30 in Beijing is still August there, though already 15:30 UTC.
    ArticleFactory(title="八月末新闻", publish_at=datetime.datetime(2025, 8, 31, 23, 30, tzinfo=SHANGHAI))
    ArticleFactory(title="九月初新闻", publish_at=datetime.datetime(2025, 9, 1, 0, 30, tzinfo=SHANGHAI))
    august = client.get("/archive/2025/08/").content.decode()
    assert "八月末新闻" in august and "九月初新闻" not in august
    assert "2025年8月" in august
    assert 'href="/archive/2025/9/"' in august or 'href="/archive/2025/09/"' in august


def test_listing_paginates_with_page_numbers(client, settings):
    settings.ARTICLES_PER_PAGE = 5
    channel = ChannelFactory(slug="news")
    now = timezone.now()
    for n in range(12):
        ArticleFactory(title=f"分页新闻{n:02d}", channel=channel, publish_at=now - datetime.timedelta(hours=n + 1))
    first = client.get("/channels/news/").content.decode()
    assert "分页新闻00" in first and "分页新闻05" not in first
    assert "下一页" in first and 'href="?page=2"' in first and 'href="?page=3"' in first
    assert "共 12 篇" in first
    last = client.get("/channels/news/?page=3").content.decode()
    assert "分页新闻11" in last and "上一页" in last
    assert 'aria-current="page"' in last


@pytest.mark.parametrize(
    "url",
    [
        "/regions/no-such-region/",
        "/channels/no-such-channel/",
        "/tags/不存在的标签/",
        "/channels/news/?page=99",
        "/channels/news/?page=abc",
        "/archive/2025/13/",
        "/archive/1999/01/",
    ],
)
def test_unknown_slug_or_page_past_the_end_is_404(client, url):
    ChannelFactory(slug="news")
    response = client.get(url)
    assert response.status_code == 404
    assert "返回首页" in response.content.decode()


def test_empty_listing_has_an_empty_state(client):
    RegionFactory(name="延庆区", slug="yanqing")
    response = client.get("/regions/yanqing/")
    assert response.status_code == 200
    assert "暂无文章" in response.content.decode()


def test_many_pages_show_first_last_and_neighbours_only(client, settings):
    settings.ARTICLES_PER_PAGE = 1
    channel = ChannelFactory(slug="many")
    now = timezone.now()
    for n in range(30):
        ArticleFactory(channel=channel, publish_at=now - datetime.timedelta(hours=n + 1))
    page = client.get("/channels/many/?page=15").content.decode()
    shown = {int(n) for n in re.findall(r'href="\?page=(\d+)"(?: aria-current="page")?>\d+<', page)}
    assert shown == {1, 13, 14, 15, 16, 17, 30}
    assert page.count('class="ellipsis"') == 2


def test_a_month_still_to_come_is_404_and_this_month_is_not(client):
    today = timezone.localdate()
    next_month = (today.replace(day=28) + datetime.timedelta(days=5)).replace(day=1)
    assert client.get(f"/archive/{today.year}/{today.month}/").status_code == 200
    response = client.get(f"/archive/{next_month.year}/{next_month.month}/")
    assert response.status_code == 404 and "返回首页" in response.content.decode()
    assert client.get(f"/archive/{today.year + 1}/01/").status_code == 404
