"""One owner of draft / review / scheduled / live / expired / archived, for a story and a queryset."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article, PublicationState
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

Status, State = Article.Status, PublicationState
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def stories():
    now = timezone.now()
    return {
        State.DRAFT: ArticleFactory(status=Status.DRAFT),
        State.REVIEW: ArticleFactory(status=Status.REVIEW),
        State.SCHEDULED: ArticleFactory(publish_at=now + HOUR),
        State.LIVE: ArticleFactory(publish_at=now - HOUR, expire_at=now + HOUR),
        State.EXPIRED: ArticleFactory(publish_at=now - 2 * HOUR, expire_at=now - HOUR),
        State.ARCHIVED: ArticleFactory(status=Status.ARCHIVED),
    }


def test_each_story_is_in_exactly_the_state_its_queryset_selects(stories):
    for state, story in stories.items():
        assert story.publication_state == state
        selected = {a.pk for a in Article.objects.in_state(state)}
        assert selected == {story.pk}, state


def test_published_is_the_live_state_and_the_flags_agree(stories):
    assert list(Article.objects.published()) == [stories[State.LIVE]]
    assert [s for s in stories.values() if s.is_published] == [stories[State.LIVE]]
    assert [s for s in stories.values() if s.is_scheduled] == [stories[State.SCHEDULED]]
    assert [s for s in stories.values() if s.is_expired] == [stories[State.EXPIRED]]


def test_time_moves_a_story_through_its_states_without_a_save(stories):
    scheduled = stories[State.SCHEDULED]
    later = scheduled.publish_at + datetime.timedelta(seconds=1)
    assert Article.objects.published(at=later).filter(pk=scheduled.pk).exists()
    assert not Article.objects.scheduled(at=later).filter(pk=scheduled.pk).exists()
    live = stories[State.LIVE]
    assert Article.objects.expired(at=live.expire_at).filter(pk=live.pk).exists()
    assert Article.objects.expiring().filter(pk=live.pk).exists()


def test_the_admin_filter_and_dashboard_use_the_same_states(admin_client, stories):
    page = admin_client.get("/admin/articles/article/?schedule=scheduled").content.decode()
    assert stories[State.SCHEDULED].title in page and stories[State.LIVE].title not in page
    page = admin_client.get("/admin/articles/article/?schedule=expired").content.decode()
    assert stories[State.EXPIRED].title in page and stories[State.SCHEDULED].title not in page
    dashboard = admin_client.get("/admin/").content.decode()
    assert stories[State.SCHEDULED].title in dashboard and stories[State.REVIEW].title in dashboard
