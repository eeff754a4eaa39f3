"""A process's own copies of the pages it served (articles.reading.local_pages)."""

import pytest

from articles.newsroom import workflow
from articles.reading import cache as page_cache
from articles.reading import local_pages
from tests.factories import newsroom_user
from tests.page_cache_helpers import cached_twice, story_fixture  # noqa: F401 (the `story` fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _local_copies(settings):
    settings.PAGE_CACHE_LOCAL_SECONDS = 1
    local_pages.clear()
    yield
    local_pages.clear()


@pytest.fixture
def store_reads(monkeypatch):
    """Each page-cache round trip to the store (the generation and a page read together)."""
    reads = []
    real_get_many = page_cache.cache.get_many

    def get_many(keys, *args, **kwargs):
        if page_cache.GENERATION_KEY in keys:
            reads.append(keys)
        return real_get_many(keys, *args, **kwargs)

    monkeypatch.setattr(page_cache.cache, "get_many", get_many)
    return reads


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(local_pages.time, "monotonic", lambda: now[0])
    return now


def test_a_page_served_lately_is_served_again_without_the_store(client, story, store_reads, clock):
    url = story.get_absolute_url()
    cached_twice(client, url)
    store_reads.clear()
    for _ in range(3):
        assert client.get(url)["X-Cache"] == "HIT"
    assert store_reads == []
    clock[0] += 1.5  # the generation read is older than PAGE_CACHE_LOCAL_SECONDS: ask the store once
    assert [client.get(url)["X-Cache"] for _ in range(2)] == ["HIT", "HIT"]
    assert len(store_reads) == 1


def test_a_change_in_this_process_is_seen_at_once(client, story, clock):
    cached_twice(client, "/")
    workflow.apply(story, "archive", newsroom_user("总编辑", username="chief"))
    assert story.title not in client.get("/").content.decode()


def test_a_change_in_another_process_is_seen_within_the_local_seconds(client, story, clock):
    cached_twice(client, "/")
    # Another process changed what readers see: its new generation reached the store, not this process.
    page_cache.cache.set(page_cache.GENERATION_KEY, "from-another-process", None)
    assert client.get("/")["X-Cache"] == "HIT"  # this process read the generation less than a second ago
    clock[0] += 1.5
    assert client.get("/")["X-Cache"] == "MISS"


def test_local_copies_are_bounded_and_off_at_zero(client, story, settings, monkeypatch, store_reads):
    monkeypatch.setattr(local_pages, "MAX_PAGES", 1)
    for url in ("/", story.get_absolute_url()):
        cached_twice(client, url)
    assert len(local_pages._pages) == 1
    settings.PAGE_CACHE_LOCAL_SECONDS = 0
    store_reads.clear()
    client.get(story.get_absolute_url())
    assert len(store_reads) == 1
