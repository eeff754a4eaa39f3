"""Helpers shared by tests/test_view_count.py and tests/test_view_count_flush.py: the story
whose views they count, the beacon a reader's browser posts, and the views stored and pending.
"""

import pytest
from django.core.cache import caches

from articles.reading import view_counts
from tests.factories import ArticleFactory

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36"
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_USER_AGENT": BROWSER}


@pytest.fixture(name="article")
def article_fixture():
    return ArticleFactory(view_count=41)


def beacon(client, article, **headers):
    return client.post(f"/articles/{article.pk}/view/", **{**SAME_ORIGIN, **headers})


def stored(article):
    article.refresh_from_db()
    return article.view_count


def pending(article):
    return view_counts._store(caches["default"]).pending(article.pk)
