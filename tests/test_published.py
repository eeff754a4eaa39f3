import datetime

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def visible_titles(at=None):
    return set(Article.objects.published(at=at).values_list("title", flat=True))


def test_published_shows_only_published_status():
    ArticleFactory(title="已发布")
    for status in (Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.ARCHIVED):
        ArticleFactory(title=str(status), status=status)
    assert visible_titles() == {"已发布"}


def test_scheduled_article_appears_by_itself_when_its_time_comes():
    now = timezone.now()
    ArticleFactory(title="定时", publish_at=now + datetime.timedelta(hours=2))
    assert "定时" not in visible_titles()
    assert "定时" in visible_titles(at=now + datetime.timedelta(hours=2, seconds=1))


def test_expired_article_leaves_the_site_by_itself():
    now = timezone.now()
    ArticleFactory(title="到期", expire_at=now + datetime.timedelta(minutes=5))
    assert "到期" in visible_titles()
    assert "到期" not in visible_titles(at=now + datetime.timedelta(minutes=6))


def test_is_published_agrees_with_the_queryset():
    now = timezone.now()
    articles = [
        ArticleFactory(),
        ArticleFactory(status=Article.Status.DRAFT),
        ArticleFactory(publish_at=now + datetime.timedelta(days=1)),
        ArticleFactory(expire_at=now - datetime.timedelta(seconds=1)),
    ]
    visible = set(Article.objects.published().values_list("pk", flat=True))
    assert {a.pk for a in articles if a.is_published} == visible
