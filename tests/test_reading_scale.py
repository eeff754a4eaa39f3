"""What keeps the public pages' cost flat as the archive grows, seen from the pages:
the side-bar month list, listings counted up to a page limit, the home page's region blocks."""

import datetime
import random
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from articles.models import Article
from articles.reading import navigation
from tests.factories import ArticleFactory, ChannelFactory, RegionFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def beijing(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def months_on(page):
    """The (year, month) links of the side-bar month list."""
    part = page[page.index('class="month-list"') :]
    part = part[: part.index("</ul>")]
    return [tuple(int(n) for n in link.split("/")[2:4]) for link in part.split('href="')[1:]]


def test_the_month_list_holds_the_twelve_newest_months_with_stories_newest_first(client):
    channel = ChannelFactory(slug="news")
    for year, month in [(2023, 1), (2023, 5), (2023, 6), (2024, 2), (2024, 3), (2024, 4), (2024, 7)]:
        ArticleFactory(channel=channel, publish_at=beijing(year, month, 15, 12))
    for month in range(1, 9):
        ArticleFactory(channel=channel, publish_at=beijing(2025, month, 1, 0, 30))
    page = client.get("/channels/news/").content.decode()
    expected = [(2025, m) for m in range(8, 0, -1)] + [(2024, 7), (2024, 4), (2024, 3), (2024, 2)]
    assert months_on(page) == expected


def test_the_month_list_leaves_out_months_with_only_stories_readers_cannot_see(client):
    now = timezone.now()
    channel = ChannelFactory(slug="news")
    ArticleFactory(channel=channel, publish_at=beijing(2025, 3, 10, 9))
    ArticleFactory(status=Article.Status.DRAFT, publish_at=beijing(2025, 4, 10, 9))
    ArticleFactory(publish_at=beijing(2025, 5, 10, 9), expire_at=now - datetime.timedelta(days=1))
    ArticleFactory(publish_at=now + datetime.timedelta(days=70))  # scheduled, months ahead
    assert months_on(client.get("/channels/news/").content.decode()) == [(2025, 3)]


def test_a_scheduled_story_adds_its_month_once_its_time_has_come():
    story = ArticleFactory(publish_at=beijing(2025, 6, 1, 8))
    ArticleFactory(publish_at=beijing(2025, 5, 20, 8))
    months = Article.objects.published(at=beijing(2025, 5, 31, 23)).latest_months(12)
    assert months == [datetime.date(2025, 5, 1)]
    months = Article.objects.published(at=story.publish_at).latest_months(12)
    assert months == [datetime.date(2025, 6, 1), datetime.date(2025, 5, 1)]


def test_months_are_beijing_months():
    # 2025-08-31 23:30 in Beijing is still August there, though already 15:30 UTC;
    # 2025-10-01 00:30 in Beijing is October, though still September in UTC.
    ArticleFactory(publish_at=beijing(2025, 8, 31, 23, 30))
    ArticleFactory(publish_at=beijing(2025, 10, 1, 0, 30))
    assert navigation.archive_months() == [datetime.date(2025, 10, 1), datetime.date(2025, 8, 1)]


@pytest.mark.postgres
def test_the_loose_index_scan_finds_the_months_that_dates_finds():
    rng = random.Random(11)
    start = beijing(2019, 1, 1)
    for _ in range(120):
        ArticleFactory(
            publish_at=start + datetime.timedelta(hours=rng.randrange(6 * 365 * 24)),
            status=rng.choice([Article.Status.PUBLISHED] * 4 + [Article.Status.DRAFT]),
        )
    published = Article.objects.published()
    for count in (1, 12, 100):
        expected = list(published.dates("publish_at", "month", order="DESC")[:count])
        assert published.latest_months(count) == expected


def test_a_long_listing_is_counted_up_to_the_page_limit(client, settings, monkeypatch):
    settings.ARTICLES_PER_PAGE = 2
    monkeypatch.setattr(navigation, "MAX_PAGES", 3)
    channel = ChannelFactory(slug="news")
    for n in range(7):
        ArticleFactory(title=f"新闻{n}", channel=channel, publish_at=timezone.now() - datetime.timedelta(hours=n + 1))
    first = client.get("/channels/news/").content.decode()
    assert "共 6+ 篇，第 1/3 页" in first
    assert "只列出最近的 6 篇，更早的文章请按月归档查看。" in first
    last = client.get("/channels/news/?page=3").content.decode()
    assert "新闻5" in last and "下一页</span>" in last.replace("\n", "").replace(" ", "")
    assert client.get("/channels/news/?page=4").status_code == 404


def test_a_listing_within_the_limit_is_counted_exactly(client, settings, monkeypatch):
    settings.ARTICLES_PER_PAGE = 2
    monkeypatch.setattr(navigation, "MAX_PAGES", 3)
    channel = ChannelFactory(slug="news")
    for _ in range(6):
        ArticleFactory(channel=channel)
    page = client.get("/channels/news/").content.decode()
    assert "共 6 篇，第 1/3 页" in page
    assert "只列出最近" not in page


def test_a_listing_is_counted_once_for_all_its_pages_until_a_story_is_published(client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0  # the pages themselves rendered every time
    settings.ARTICLES_PER_PAGE = 2
    channel = ChannelFactory(slug="news")
    for _ in range(5):
        ArticleFactory(channel=channel)
    assert "共 5 篇" in client.get("/channels/news/").content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert "共 5 篇，第 2/3 页" in client.get("/channels/news/?page=2").content.decode()
    assert not any("COUNT(" in query["sql"] for query in queries.captured_queries)
    ArticleFactory(channel=channel)
    assert "共 6 篇" in client.get("/channels/news/?page=2").content.decode()


def test_each_home_region_block_shows_its_six_newest_published_stories(client):
    now = timezone.now()
    blocks = [RegionFactory(name=f"区块{n}", show_on_home=True) for n in range(2)]
    for n in range(8):
        ArticleFactory(title=f"甲{n}新闻", regions=[blocks[0]], publish_at=now - datetime.timedelta(hours=n + 1))
    ArticleFactory(title="乙新闻", regions=[blocks[1]])
    ArticleFactory(title="甲草稿", regions=[blocks[0]], status=Article.Status.DRAFT)
    ArticleFactory(title="甲定时", regions=[blocks[0]], publish_at=now + datetime.timedelta(hours=1))
    page = client.get("/").content.decode()
    grid = page[page.index('class="region-grid"') :]
    first, second = grid.split('class="region-block"')[1:3]
    assert [f"甲{n}新闻" in first for n in range(8)] == [True] * 6 + [False] * 2
    assert first.index("甲0新闻") < first.index("甲5新闻")
    assert "甲草稿" not in first and "甲定时" not in first
    assert "乙新闻" in second


def _listing_sql(queries):
    """The SQL of the page's stories (the query that selects their titles)."""
    [sql] = [q["sql"] for q in queries if '"articles_article"."title"' in q["sql"] and "LIMIT" in q["sql"]]
    return sql


@pytest.mark.postgres
@pytest.mark.parametrize("path", ["/tags/旧事件/", "/regions/old-park/", "/feeds/tags/旧事件/rss/"])
def test_a_few_old_stories_are_read_from_their_links_not_the_whole_archive(client, settings, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0
    region = RegionFactory(slug="old-park")
    for n in range(3):
        ArticleFactory(title=f"旧闻{n}", tags=["旧事件"], regions=[region], publish_at=beijing(2019, 5, n + 1))
    for _ in range(4):
        ArticleFactory()  # newer stories of the archive, neither tagged nor in the region
    with CaptureQueriesContext(connection) as queries:
        page = client.get(path).content.decode()
    # Ordered by an expression no index serves: PostgreSQL starts from the links.
    assert '("articles_article"."publish_at" + ' in _listing_sql(queries.captured_queries)
    assert page.index("旧闻2") < page.index("旧闻1") < page.index("旧闻0")  # newest first all the same


@pytest.mark.postgres
def test_a_listing_past_its_limit_keeps_the_publication_order_index(client, settings, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0
    settings.ARTICLES_PER_PAGE = 2
    monkeypatch.setattr(navigation, "MAX_PAGES", 1)
    for n in range(3):
        ArticleFactory(title=f"新闻{n}", tags=["亦庄"], publish_at=timezone.now() - datetime.timedelta(hours=n + 1))
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/tags/亦庄/").content.decode()
    assert "共 2+ 篇" in page and page.index("新闻0") < page.index("新闻1")
    sql = _listing_sql(queries.captured_queries)
    assert '("articles_article"."publish_at" + ' not in sql and 'ORDER BY "articles_article"."publish_at" DESC' in sql
