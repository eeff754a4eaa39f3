import threading

import pytest
from django.db import close_old_connections

from articles.models import Article
from tests.factories import ArticleFactory


@pytest.mark.django_db
def test_stale_copies_do_not_lose_increments():
    article = ArticleFactory()
    first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    first.record_view()
    second.record_view()
    article.refresh_from_db()
    assert article.view_count == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_views_lose_no_increment(live_server):
    import urllib.request

    article = ArticleFactory()
    url = live_server.url + article.get_absolute_url()

    def read_many():
        try:
            for _ in range(25):
                with urllib.request.urlopen(url) as response:
                    assert response.status == 200
        finally:
            close_old_connections()

    threads = [threading.Thread(target=read_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    article.refresh_from_db()
    assert article.view_count == 200
