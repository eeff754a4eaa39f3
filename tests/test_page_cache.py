"""The page cache for anonymous readers (articles.reading.cache): fresh after every change, never personal.

Cached pages are served without a query, refreshed by every change readers could see, never stored
when personal, and a broken cache costs only the cache. What a cached page sends over HTTP
(conditional GETs, compression, its CSP) and the front-cache purge are in tests/test_page_cache_http.py.
"""

import datetime
import re

import pytest
from django.contrib import messages
from django.core.cache.backends.base import BaseCache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone

from articles.models import ArticleDraft, Status, TopicEntry
from articles.newsroom import drafts, workflow
from articles.reading import cache as page_cache
from articles.reading.cache import cached_page
from tests.factories import ArticleFactory, ChannelFactory, RegionFactory, TopicFactory, newsroom_user
from tests.helpers import article_data, change_url
from tests.page_cache_helpers import cached_twice, story_fixture  # noqa: F401 (the `story` fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


# Views that are personal in each way the cache must notice, wrapped like the reading site's.
def with_message(request):
    messages.info(request, "已保存。")
    return HttpResponse("<p>个人消息</p>" * 50)


def with_csrf_token(request):
    return HttpResponse(f"<form>{get_token(request)}</form>" * 20)


def with_session(request):
    request.session["seen"] = True
    return HttpResponse("<p>会话</p>" * 50)


def with_nonce(request):
    return HttpResponse(f'<script src="/static/js/site.js" nonce="{get_nonce(request)}"></script>' * 10)


urlpatterns = [
    path("personal/message/", cached_page(with_message)),
    path("personal/csrf/", cached_page(with_csrf_token)),
    path("personal/session/", cached_page(with_session)),
    path("personal/nonce/", cached_page(with_nonce)),
    path("", include("newsportal.urls")),
]


class BrokenCache(BaseCache):
    """A cache server that is down: every call fails, as django-redis does when Redis is."""

    def __init__(self, *args, **kwargs):
        super().__init__({})

    def _fail(self, *args, **kwargs):
        raise ConnectionError("cache server unreachable")

    add = get = set = delete = touch = incr = clear = get_many = set_many = delete_many = has_key = _fail


@pytest.fixture
def chief():
    return newsroom_user("总编辑", username="chief")


# ---------- a hit is cheap and complete ----------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "story",
        "/regions/yizhuang/",
        "/regions/yizhuang/?page=1",
        "channel",
        "/tags/生物医药/",
        "archive",
        "topic",
        "/feeds/rss/",
        "/feeds/regions/yizhuang/atom/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/robots.txt",
        "/sitemap/",
        "/privacy/",
        "/terms/",
    ],
)
def test_a_cached_page_is_served_without_a_single_query(client, story, url, django_assert_num_queries):
    topic = TopicFactory(slug="yizhuang-topic")
    TopicEntry.objects.create(topic=topic, article=story)
    month = timezone.localtime(story.publish_at)
    url = {
        "story": story.get_absolute_url(),
        "channel": story.channel.get_absolute_url(),
        "archive": f"/archive/{month.year}/{month.month}/",
        "topic": topic.get_absolute_url(),
    }.get(url, url)
    first = client.get(url)
    assert first.status_code == 200 and first["X-Cache"] == "MISS"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200 and second["X-Cache"] == "HIT"
    assert second.content == first.content and second["Content-Type"] == first["Content-Type"]
    assert "public" in second["Cache-Control"] and "s-maxage=" in second["Cache-Control"]


def test_a_hit_resolves_its_address_once(client, story, monkeypatch):
    resolved = []
    real_resolve = page_cache.resolve
    monkeypatch.setattr(
        page_cache, "resolve", lambda path, urlconf: resolved.append(path) or real_resolve(path, urlconf)
    )
    page_cache._page_cache_query.cache_clear()
    url = story.get_absolute_url()
    for outcome in ("MISS", "HIT", "HIT"):
        assert client.get(url)["X-Cache"] == outcome
    assert resolved == [url]


def test_tracking_parameters_are_dropped_and_page_numbers_kept(client, settings):
    settings.ARTICLES_PER_PAGE = 1
    region = RegionFactory(slug="haidian")
    ArticleFactory(title="第一篇", regions=[region])
    ArticleFactory(title="第二篇", regions=[region], publish_at=timezone.now() - datetime.timedelta(days=1))
    page_two = client.get("/regions/haidian/?page=2&utm_source=wechat")
    assert page_two["X-Cache"] == "MISS" and "第二篇" in page_two.content.decode()
    assert "utm_source" not in page_two.content.decode()
    assert client.get("/regions/haidian/?page=2")["X-Cache"] == "HIT"
    assert client.get("/?utm_source=weibo")["X-Cache"] == "MISS"
    assert client.get("/?from=timeline")["X-Cache"] == "HIT"
    odd = client.get("/regions/haidian/?page=02")
    assert odd["X-Cache"] == "BYPASS" and "private" in odd["Cache-Control"]


# ---------- invalidation ----------


def test_publishing_a_story_shows_it_on_cached_pages(client, story, chief):
    fresh = ArticleFactory(title="怀柔科学城新项目", status=Status.DRAFT, regions=[story.regions.get()])
    for url in ("/", "/regions/yizhuang/", "/feeds/rss/"):
        assert "怀柔科学城新项目" not in cached_twice(client, url).content.decode()
    workflow.apply(fresh, "publish", chief)
    for url in ("/", "/regions/yizhuang/", "/feeds/rss/"):
        page = client.get(url)
        assert page["X-Cache"] == "MISS" and "怀柔科学城新项目" in page.content.decode(), url


def test_publishing_unpublished_changes_updates_the_cached_story(client, story, chief):
    editor = Client()
    editor.force_login(chief)
    cached_twice(client, story.get_absolute_url())
    story.refresh_from_db()
    published = timezone.localtime(story.publish_at)
    form = article_data(
        story, title="亦庄抗体药平台（更新）", tags="生物医药",
        publish_at_0=f"{published:%Y-%m-%d}", publish_at_1=f"{published:%H:%M:%S}",
    )  # fmt: skip
    assert editor.post(change_url(story), form).status_code == 302
    kept = client.get(story.get_absolute_url())
    assert kept["X-Cache"] == "HIT", "unpublished changes must not touch what readers get"
    assert "（更新）" not in kept.content.decode()
    story.refresh_from_db()
    form["loaded_version"] = story.version
    assert editor.post(change_url(story), {**form, "_transition": "publish_changes"}).status_code == 302
    page = client.get(story.get_absolute_url())
    assert page["X-Cache"] == "MISS" and "亦庄抗体药平台（更新）" in page.content.decode()


def test_unpublished_changes_saved_by_the_service_leave_the_cache_alone(client, story, chief):
    cached_twice(client, "/")
    drafts.save(story, {"title": "亦庄抗体药平台（草稿）"}, chief)
    assert client.get("/")["X-Cache"] == "HIT"
    drafts.publish(story, chief)
    assert "亦庄抗体药平台（草稿）" in client.get("/").content.decode()


def test_editing_a_draft_leaves_cached_pages_alone(client, story):
    draft = ArticleFactory(title="未发布的草稿", status=Status.DRAFT)
    cached_twice(client, "/")
    draft.title = "仍未发布的草稿"
    draft.save()
    draft.tags.add("草稿标签")
    assert client.get("/")["X-Cache"] == "HIT"


def test_taking_a_story_down_removes_it_from_cached_pages(client, story, chief):
    for url in ("/", story.get_absolute_url(), "/sitemap-articles.xml"):
        assert cached_twice(client, url).status_code == 200
    workflow.apply(story, "archive", chief, note="内容过期")
    assert "亦庄抗体药平台" not in client.get("/").content.decode()
    assert client.get(story.get_absolute_url()).status_code == 404
    assert story.get_absolute_url() not in client.get("/sitemap-articles.xml").content.decode()


@pytest.fixture
def clock(monkeypatch):
    """The site's clock, moved forward by `clock.advance(...)`."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta):
            self.now += datetime.timedelta(**delta)

    fixed = Clock()
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed


def test_a_scheduled_story_appears_when_its_time_comes(client, story, clock, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    ArticleFactory(title="定时发布的新闻", publish_at=clock.now + datetime.timedelta(minutes=10))
    home = cached_twice(client, "/")
    assert "定时发布的新闻" not in home.content.decode()
    assert int(re.search(r"s-maxage=(\d+)", home["Cache-Control"])[1]) <= 600
    clock.advance(minutes=9, seconds=59)
    assert client.get("/")["X-Cache"] == "HIT"
    clock.advance(seconds=1)
    page = client.get("/")
    assert page["X-Cache"] == "MISS" and "定时发布的新闻" in page.content.decode()


def test_a_story_leaves_cached_pages_when_its_take_down_time_comes(client, story, clock, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    story.expire_at = clock.now + datetime.timedelta(minutes=30)
    story.save()
    assert "亦庄抗体药平台" in cached_twice(client, "/regions/yizhuang/").content.decode()
    clock.advance(minutes=30)
    assert "亦庄抗体药平台" not in client.get("/regions/yizhuang/").content.decode()


def test_a_scheduled_change_to_a_live_story_is_served_from_its_time(client):
    editor = newsroom_user("编辑", username="scheduler")
    story = ArticleFactory(title="定时修改之前", status=Status.PUBLISHED)
    url = story.get_absolute_url()
    assert client.get(url)["X-Cache"] == "MISS" and client.get(url)["X-Cache"] == "HIT"
    drafts.save(story, {"title": "定时修改之后"}, editor, go_live_at=timezone.now() + datetime.timedelta(hours=1))
    assert client.get(url)["X-Cache"] == "MISS"  # scheduling moved the cache's clock
    due = client.get(url)
    assert due["X-Cache"] == "HIT" and "定时修改之前" in due.content.decode()
    # The time arrives (moved here by hand: .update() sends no signal, as a clock sends none).
    ArticleDraft.objects.filter(article=story).update(go_live_at=timezone.now() - datetime.timedelta(seconds=1))
    page_cache.invalidate()  # the entry's expiry, which the real clock would have reached
    assert "定时修改之后" in client.get(url).content.decode()
    story.refresh_from_db()
    assert story.title == "定时修改之后" and not ArticleDraft.objects.filter(article=story).exists()


def test_no_page_outlives_the_day_its_masthead_shows(client, story, clock, settings):
    settings.PAGE_CACHE_SECONDS = 24 * 3600
    cached_twice(client, "/")
    local = timezone.localtime(clock.now)
    clock.now = timezone.make_aware(
        datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time())
    )
    assert client.get("/")["X-Cache"] == "MISS"


def test_the_next_scheduled_event_is_looked_up_once_per_generation(client, story):
    def lookups(url):
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return sum('MIN("articles_article"."expire_at")' in q["sql"].replace("`", '"') for q in captured)

    assert lookups("/") == 1
    assert lookups("/regions/yizhuang/") == 0
    story.save()
    assert lookups("/") == 1


def test_renaming_a_region_updates_every_cached_page_naming_it(client, story):
    urls = ("/", story.get_absolute_url(), "/regions/yizhuang/")
    for url in urls:
        cached_twice(client, url)
    region = story.regions.get()
    region.name = "北京亦庄"
    region.save()
    for url in urls:
        page = client.get(url).content.decode()
        assert "北京亦庄" in page and "北京经济技术开发区" not in page, url


def test_a_navigation_edit_reaches_cached_pages(client, story):
    cached_twice(client, "/")
    ChannelFactory(name="政策解读", slug="policy")
    assert 'href="/channels/policy/"' in client.get("/").content.decode()
    story.channel.name = "园区动态"
    story.channel.save()
    assert "园区动态" in client.get("/").content.decode()


def test_topic_and_tag_edits_reach_cached_pages(client, story):
    topic = TopicFactory(title="亦庄专题", slug="yizhuang-topic")
    cached_twice(client, topic.get_absolute_url())
    TopicEntry.objects.create(topic=topic, article=story)
    assert "亦庄抗体药平台" in client.get(topic.get_absolute_url()).content.decode()
    tag = story.tags.get()
    cached_twice(client, story.get_absolute_url())
    tag.name = "生物医药产业"
    tag.save()
    assert "生物医药产业" in client.get(story.get_absolute_url()).content.decode()


# ---------- never cached ----------


def test_signed_in_staff_are_neither_served_nor_stored(client, story, chief):
    cached_twice(client, "/")
    staff = Client()
    staff.force_login(chief)
    page = staff.get("/")
    assert page["X-Cache"] == "BYPASS" and "private" in page["Cache-Control"] and "public" not in page["Cache-Control"]
    story.title = "改过的标题"
    story.save()
    assert staff.get("/")["X-Cache"] == "BYPASS"
    assert client.get("/")["X-Cache"] == "MISS", "a staff member's page was stored"


@pytest.mark.parametrize(
    "url", ["/submit/", "/enterprise/apply/", "/contact/", "/track/", "/admin/login/", "/search/?q=亦庄"]
)
def test_forms_search_and_the_back_office_are_never_cached(client, story, url):
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert "X-Cache" not in response
        assert "public" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("url", ["/personal/message/", "/personal/csrf/", "/personal/session/", "/personal/nonce/"])
def test_a_page_made_personal_is_never_stored(client, url):
    for _ in range(2):
        response = client.get(url)
        assert response["X-Cache"] == "BYPASS" and "private" in response["Cache-Control"]


def test_a_reader_with_a_pending_message_gets_the_page_rendered(client, story):
    cached_twice(client, "/")
    client.cookies["messages"] = "anything"
    assert client.get("/")["X-Cache"] == "BYPASS"


def test_posts_are_never_cached(client, story):
    assert "X-Cache" not in client.post("/search/", {"q": "亦庄"})
    assert client.post("/")["X-Cache"] == "BYPASS"


def test_a_cache_seconds_of_zero_turns_the_cache_off(client, story, settings, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/")
    response = client.get("/")
    assert "X-Cache" not in response and "public" not in response.get("Cache-Control", "")


# ---------- a broken cache costs the cache, never the page ----------


@pytest.fixture
def broken_cache(settings):
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.BrokenCache"}}


def test_a_broken_cache_serves_every_page_uncached(client, story, broken_cache, caplog):
    for url in ("/", story.get_absolute_url(), "/regions/yizhuang/", "/feeds/rss/", "/sitemap.xml"):
        response = client.get(url)
        assert response.status_code == 200 and response["X-Cache"] == "BYPASS", url
    assert "亦庄抗体药平台" in client.get("/").content.decode()
    assert any("unavailable" in record.getMessage() for record in caplog.records)


def test_a_broken_cache_does_not_stop_an_edit(client, story, broken_cache, chief):
    story.channel.name = "园区动态"
    story.channel.save()
    workflow.apply(story, "archive", chief)
    assert client.get("/").status_code == 200
