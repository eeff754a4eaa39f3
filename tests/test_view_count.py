"""浏览次数: an article page's beacon counts views in the cache; flushes move them to the rows.

Here: the beacon (who is counted, and when it enqueues a flush), the flush command, a cache that
raises (it must cost a reader nothing: the view goes to the row), and the model's own counter.
The counting store and its flush, on both caches and under races, are in tests/test_view_count_flush.py.
"""

import datetime

import pytest
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.management import CommandError, call_command
from django.tasks.backends.base import BaseTaskBackend
from django.utils import timezone

from articles.models import Article
from articles.reading import view_counts
from tests.factories import ArticleFactory, newsroom_user
from tests.view_count_helpers import (  # noqa: F401 (article_fixture is the `article` fixture)
    BROWSER,
    SAME_ORIGIN,
    article_fixture,
    beacon,
    pending,
    stored,
)

pytestmark = pytest.mark.django_db


class BrokenCache(BaseCache):
    """A cache whose server is down: every call raises, as the Redis client does then."""

    def __init__(self, location, params):
        super().__init__(params)

    def _down(self, *args, **kwargs):
        raise ConnectionError("cache server unreachable")

    add = get = set = touch = delete = incr = get_many = has_key = _down

    def clear(self):
        pass


@pytest.fixture
def flush_not_due():
    """A flush ran a moment ago: views wait in the cache until the next one."""
    caches["default"].add(view_counts.FLUSH_DUE_KEY, 1, timeout=3600)


# ----- the beacon -----


def test_a_view_is_counted_in_the_cache_without_writing_the_row(
    client, article, flush_not_due, django_assert_num_queries
):
    with django_assert_num_queries(1):  # the SELECT of the published story; no UPDATE
        response = beacon(client, article)
    assert response.status_code == 200
    assert response.json() == {"views": 42}
    assert "no-store" in response["Cache-Control"]
    assert stored(article) == 41 and pending(article) == 1
    assert beacon(client, article).json() == {"views": 43}


def test_the_page_shows_stored_and_pending_views_and_does_not_count_itself(client, article, flush_not_due):
    for _ in range(3):
        beacon(client, article)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "浏览次数：<span data-view-count>44</span>" in page
    assert f'data-view-beacon="/articles/{article.pk}/view/"' in page
    assert stored(article) == 41 and pending(article) == 3


def test_a_staff_preview_sends_no_beacon(client, article):
    client.force_login(newsroom_user("编辑", username="editor"))
    page = client.get(f"/admin/articles/article/{article.pk}/preview/").content.decode()
    assert "浏览次数：<span data-view-count>41</span>" in page
    assert "data-view-beacon" not in page


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Sogou web spider/4.0",
        "ExampleCrawler/1.0",
        "",
    ],
)
def test_bots_see_the_count_but_are_not_counted(client, article, flush_not_due, user_agent):
    beacon(client, article)
    response = beacon(client, article, HTTP_USER_AGENT=user_agent)
    assert response.json() == {"views": 42}
    assert pending(article) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_SEC_FETCH_SITE": None, "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": None, "HTTP_ORIGIN": "https://testserver"},
        {"HTTP_SEC_FETCH_SITE": None, "HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": None},
    ],
)
def test_posts_from_other_sites_are_refused(client, article, headers):
    sent = {**SAME_ORIGIN, **headers}
    response = client.post(f"/articles/{article.pk}/view/", **{k: v for k, v in sent.items() if v is not None})
    assert response.status_code == 403
    assert pending(article) == 0 and stored(article) == 41


def test_a_browser_without_sec_fetch_site_is_counted_by_its_origin(client, article, flush_not_due):
    response = client.post(f"/articles/{article.pk}/view/", HTTP_ORIGIN="http://testserver", HTTP_USER_AGENT=BROWSER)
    assert response.json() == {"views": 42}


def test_only_published_stories_are_counted(client):
    now = timezone.now()
    hidden = [
        ArticleFactory(status=Article.Status.DRAFT),
        ArticleFactory(status=Article.Status.REVIEW),
        ArticleFactory(status=Article.Status.ARCHIVED),
        ArticleFactory(publish_at=now + datetime.timedelta(days=1)),
        ArticleFactory(expire_at=now - datetime.timedelta(seconds=1)),
    ]
    for article in hidden:
        assert beacon(client, article).status_code == 404
        assert pending(article) == 0
    assert client.post("/articles/999999/view/", **SAME_ORIGIN).status_code == 404
    assert Article.objects.filter(view_count__gt=0).count() == 0


def test_the_beacon_only_takes_posts(client, article):
    assert client.get(f"/articles/{article.pk}/view/", **SAME_ORIGIN).status_code == 405
    assert pending(article) == 0


def test_a_flush_is_enqueued_at_most_once_per_interval(client, article, settings):
    settings.VIEW_COUNT_FLUSH_SECONDS = 60
    assert beacon(client, article).json() == {"views": 42}
    assert stored(article) == 42 and pending(article) == 0  # the first view flushed (in-process tasks)
    beacon(client, article)
    beacon(client, article)
    assert stored(article) == 42 and pending(article) == 2
    caches["default"].delete(view_counts.FLUSH_DUE_KEY)  # the interval has passed
    assert beacon(client, article).json() == {"views": 45}
    assert stored(article) == 45 and pending(article) == 0


class UnreachableTaskBackend(BaseTaskBackend):
    """A worker backend whose queue is down."""

    def enqueue(self, task, args, kwargs):
        raise ConnectionError("task queue unreachable")


def test_a_task_queue_that_fails_does_not_fail_the_beacon(client, article, settings):
    settings.TASKS = {"default": {"BACKEND": "tests.test_view_count.UnreachableTaskBackend"}}
    response = beacon(client, article)
    assert response.status_code == 200 and response.json() == {"views": 42}
    assert stored(article) == 41 and pending(article) == 1


def test_the_command_writes_pending_views(client, article, flush_not_due, capsys):
    other = ArticleFactory()
    for story in (article, article, other):
        beacon(client, story)
    call_command("flush_view_counts")
    assert "已写入 3 次浏览。" in capsys.readouterr().out
    assert stored(article) == 43 and stored(other) == 1
    assert pending(article) == 0 and beacon(client, article).json() == {"views": 44}


# ----- a cache that is down -----


@pytest.fixture
def broken_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "tests.test_view_count.BrokenCache"}}


def test_with_the_cache_down_a_view_is_counted_in_the_row(client, article, broken_cache):
    response = beacon(client, article)
    assert response.status_code == 200 and response.json() == {"views": 42}
    assert stored(article) == 42
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert "浏览次数：<span data-view-count>42</span>" in page.content.decode()


def test_with_the_cache_down_the_command_fails_loudly(article, broken_cache):
    with pytest.raises(CommandError, match="浏览次数写入失败"):
        call_command("flush_view_counts")


# ----- the model's own counter, the fallback -----


def test_record_view_on_stale_copies_loses_no_increment():
    article = ArticleFactory()
    first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    first.record_view()
    second.record_view()
    assert stored(article) == 2


def test_an_editors_save_never_puts_back_the_view_count_it_loaded():
    from articles.models import Article

    loaded = ArticleFactory()
    Article.objects.filter(pk=loaded.pk).update(view_count=57)  # a flush lands meanwhile
    loaded.title = "改过的标题"
    loaded.save()
    loaded.refresh_from_db()
    assert (loaded.title, loaded.view_count) == ("改过的标题", 57)
