"""Helpers shared by tests/test_page_cache.py and tests/test_page_cache_http.py: the story
whose pages they cache, and a GET that checks a page is stored then served from the cache.
"""

import pytest

from tests.factories import ArticleFactory, RegionFactory


@pytest.fixture(name="story")
def story_fixture():
    region = RegionFactory(name="北京经济技术开发区", slug="yizhuang")
    return ArticleFactory(title="亦庄抗体药平台", regions=[region], tags=["生物医药"])


def cached_twice(client, url):
    """GET `url` twice: a miss that stores it, then a hit."""
    first = client.get(url)
    assert first["X-Cache"] == "MISS", url
    second = client.get(url)
    assert second["X-Cache"] == "HIT", url
    return second
