"""浏览次数: the counting store and the flush that moves pending views to the rows.

Each test runs on the local-memory cache and on Redis (127.0.0.1:6379, database 9, a key prefix
of its own; skipped when Redis is not running), including the races between views and a flush.
The beacon, the flush command and a cache that is down are in tests/test_view_count.py.
"""

import threading
import uuid

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connections

from articles.models import Article
from articles.reading import view_counts
from tests.factories import ArticleFactory
from tests.view_count_helpers import (  # noqa: F401 (article_fixture is the `article` fixture)
    article_fixture,
    beacon,
    pending,
    stored,
)

pytestmark = pytest.mark.django_db

REDIS_LOCATION = "redis://127.0.0.1:6379/9"


def use_redis(settings):
    import redis

    try:
        redis.Redis.from_url(REDIS_LOCATION, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    prefix = f"test-views-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_LOCATION,
            "KEY_PREFIX": prefix,
        }
    }
    return prefix


@pytest.fixture(params=["locmem", "redis"])
def store_cache(request, settings):
    """Each store test runs once on the local-memory cache and once on Redis; it flushes itself."""
    if request.param == "locmem":
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "view-counts"}
        }
        caches["default"].add(view_counts.FLUSH_DUE_KEY, 1, timeout=3600)
        yield request.param
        caches["default"].clear()
        return
    prefix = use_redis(settings)
    caches["default"].add(view_counts.FLUSH_DUE_KEY, 1, timeout=3600)
    yield request.param
    import redis

    client = redis.Redis.from_url(REDIS_LOCATION)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


# ----- the store and the flush, on both caches -----


def test_a_flush_moves_pending_views_to_the_rows(store_cache, article):
    others = ArticleFactory.create_batch(3)
    for story, views in zip([article, *others], [5, 1, 1, 2], strict=True):
        for _ in range(views):
            view_counts.count_view(story)
    assert view_counts.total(Article.objects.get(pk=article.pk)) == 46
    assert view_counts.flush() == 9
    assert [stored(story) for story in [article, *others]] == [46, 1, 1, 2]
    assert view_counts.total(Article.objects.get(pk=article.pk)) == 46
    assert view_counts.flush() == 0


def test_a_view_arriving_during_a_flush_waits_for_the_next(store_cache, article, monkeypatch):
    write = view_counts._write

    def write_after_a_view(counts):
        view_counts.count_view(article)  # lands between taking the counts and writing them
        write(counts)

    for _ in range(3):
        view_counts.count_view(article)
    monkeypatch.setattr(view_counts, "_write", write_after_a_view)
    assert view_counts.flush() == 3
    monkeypatch.setattr(view_counts, "_write", write)
    assert stored(article) == 44 and pending(article) == 1
    assert view_counts.flush() == 1
    assert stored(article) == 45 and pending(article) == 0


def test_a_failed_write_puts_the_views_back(store_cache, article, monkeypatch):
    for _ in range(3):
        view_counts.count_view(article)

    def fail(counts):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(view_counts, "_write", fail)
    with pytest.raises(RuntimeError):
        view_counts.flush()
    monkeypatch.undo()
    assert stored(article) == 41 and pending(article) == 3
    assert view_counts.flush() == 3
    assert stored(article) == 44


def test_only_one_flush_runs_at_a_time(store_cache, article, capsys):
    view_counts.count_view(article)
    caches["default"].add(view_counts.FLUSHING_KEY, 1, timeout=60)
    assert view_counts.flush() is None
    call_command("flush_view_counts")
    assert "另一个写入正在进行" in capsys.readouterr().out
    assert pending(article) == 1
    caches["default"].delete(view_counts.FLUSHING_KEY)
    assert view_counts.flush() == 1


def run_while_flushing(count_one_view, articles, readers=8, views_each=40):
    """`readers` threads each count `views_each` views of one of `articles` while another
    thread flushes over and over; returns the views the flushes wrote."""
    readers_done = threading.Event()
    errors, flushed = [], []

    def read_many(story):
        try:
            for _ in range(views_each):
                count_one_view(story)
        except Exception as exc:  # reported below: an assert in a thread would be lost
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    def flush_repeatedly():
        try:
            while not readers_done.is_set():
                flushed.append(view_counts.flush() or 0)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=read_many, args=(articles[i % len(articles)],)) for i in range(readers)]
    flusher = threading.Thread(target=flush_repeatedly)
    flusher.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    readers_done.set()
    flusher.join()
    flushed.append(view_counts.flush())
    assert errors == []
    return sum(flushed)


@pytest.mark.django_db(transaction=True)
def test_concurrent_views_and_flushes_lose_no_view(store_cache):
    """Every view counted while flushes run ends in the row exactly once."""
    articles = [ArticleFactory(view_count=7), ArticleFactory(view_count=0)]
    assert run_while_flushing(lambda story: view_counts.count_view(story), articles) == 320
    assert [stored(story) for story in articles] == [7 + 160, 160]
    assert [pending(story) for story in articles] == [0, 0]


# SQLite's shared in-memory test database locks the table for readers while a flush writes;
# through the beacon (which reads the story) this runs on PostgreSQL.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_beacons_and_flushes_lose_no_view(store_cache):
    from django.test import Client

    articles = [ArticleFactory(view_count=7), ArticleFactory(view_count=0)]
    clients = threading.local()

    def post_beacon(story):
        if not hasattr(clients, "client"):
            clients.client = Client()
        assert beacon(clients.client, story).status_code == 200

    assert run_while_flushing(post_beacon, articles) == 320
    assert [stored(story) for story in articles] == [7 + 160, 160]
    assert [pending(story) for story in articles] == [0, 0]
