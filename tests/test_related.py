"""An article page's related stories and its previous/next links (articles.reading.related)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.reading import related
from tests.factories import ArticleFactory, ChannelFactory, RegionFactory

pytestmark = pytest.mark.django_db


def ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


def titles(articles):
    return [a.title for a in articles]


def reloaded(article):
    """The story as the article page has it: tags and regions prefetched."""
    return Article.objects.prefetch_related("tags", "regions").get(pk=article.pk)


@pytest.fixture
def story():
    return ArticleFactory(
        title="本篇", tags=["生物医药", "抗体药"], regions=[RegionFactory(slug="yizhuang")], channel=ChannelFactory()
    )


def test_a_shared_tag_outranks_a_shared_region_which_outranks_the_channel(story):
    region, channel = story.regions.get(), story.channel
    ArticleFactory(title="同栏目", channel=channel, publish_at=ago(1))
    ArticleFactory(title="同区域", regions=[region], publish_at=ago(2))
    ArticleFactory(title="同标签", tags=["抗体药"], publish_at=ago(3))
    ArticleFactory(title="两个同标签", tags=["抗体药", "生物医药"], publish_at=ago(30))
    ArticleFactory(title="无关", tags=["文旅"], publish_at=ago(1))
    assert titles(related.related(reloaded(story))) == ["两个同标签", "同标签", "同区域", "同栏目"]


def test_equal_scores_come_newest_first(story):
    for hours in (5, 1, 3):
        ArticleFactory(title=f"{hours}小时前", tags=["抗体药"], publish_at=ago(hours))
    assert titles(related.related(reloaded(story))) == ["1小时前", "3小时前", "5小时前"]


def test_a_story_with_its_own_tags_and_regions_falls_back_to_its_channel():
    channel = ChannelFactory()
    story = ArticleFactory(title="本篇", tags=["独有标签"], regions=[RegionFactory()], channel=channel)
    ArticleFactory(title="同栏目", channel=channel)
    ArticleFactory(title="别的栏目")
    assert titles(related.related(reloaded(story))) == ["同栏目"]


def test_the_story_itself_and_stories_readers_cannot_see_are_left_out(story):
    for status, publish_at, expire_at in [
        (Article.Status.DRAFT, ago(1), None),
        (Article.Status.REVIEW, ago(1), None),
        (Article.Status.ARCHIVED, ago(1), None),
        (Article.Status.PUBLISHED, ago(-2), None),  # scheduled
        (Article.Status.PUBLISHED, ago(5), ago(1)),  # expired
    ]:
        ArticleFactory(title="看不到", tags=["抗体药"], status=status, publish_at=publish_at, expire_at=expire_at)
    ArticleFactory(title="看得到", tags=["抗体药"])
    assert titles(related.related(reloaded(story))) == ["看得到"]


def test_a_story_without_tags_regions_or_channel_has_no_related_stories():
    story = ArticleFactory(channel=None)
    ArticleFactory()
    assert list(related.related(reloaded(story))) == []


def test_at_most_five_stories_are_suggested(story):
    for n in range(8):
        ArticleFactory(tags=["抗体药"], publish_at=ago(n + 1))
    assert len(related.related(reloaded(story))) == 5


def test_only_the_newest_candidates_of_each_tag_are_scored(story, monkeypatch):
    """The bound that keeps the page's cost fixed: older stories beyond it are not considered."""
    monkeypatch.setattr(related, "CANDIDATES", 2)
    for n in range(4):  # written in publication order, as stories are
        ArticleFactory(title=f"第{n}篇", tags=["抗体药", "生物医药"], publish_at=ago(10 - n))
    assert titles(related.related(reloaded(story))) == ["第3篇", "第2篇"]


def test_related_stories_are_one_query_however_many_tags_and_regions(story):
    regions = [RegionFactory() for _ in range(4)]
    big = ArticleFactory(tags=[f"标签{n}" for n in range(8)], regions=regions)
    for n in range(8):
        ArticleFactory(tags=[f"标签{n}"], regions=regions[: n % 4])
    for subject in (story, big):
        subject = reloaded(subject)
        list(subject.tags.all()), list(subject.regions.all())
        with CaptureQueriesContext(connection) as queries:
            list(related.related(subject))
        assert len(queries) == 1


def test_neighbours_are_the_nearest_published_stories_in_time():
    at = ago(10)
    story = ArticleFactory(title="本篇", publish_at=at)
    ArticleFactory(title="更早", publish_at=at - datetime.timedelta(hours=2))
    ArticleFactory(title="稍早", publish_at=at - datetime.timedelta(hours=1))
    ArticleFactory(title="稍早草稿", publish_at=at - datetime.timedelta(minutes=1), status=Article.Status.DRAFT)
    ArticleFactory(title="稍晚已到期", publish_at=at + datetime.timedelta(minutes=1), expire_at=ago(1))
    ArticleFactory(title="稍晚", publish_at=at + datetime.timedelta(hours=1))
    ArticleFactory(title="更晚", publish_at=at + datetime.timedelta(hours=2))
    previous, next_ = related.neighbours(story)
    assert (previous.title, next_.title) == ("稍早", "稍晚")


def test_stories_published_at_the_same_moment_are_ordered_by_id():
    at = ago(10)
    first, story, last = (ArticleFactory(title=t, publish_at=at) for t in ("先", "本篇", "后"))
    previous, next_ = related.neighbours(story)
    assert (previous, next_) == (first, last)
    assert related.neighbours(first) == (None, story)
    assert related.neighbours(last) == (story, None)


def test_the_newest_and_the_oldest_story_have_one_neighbour_each():
    old = ArticleFactory(publish_at=ago(5))
    new = ArticleFactory(publish_at=ago(1))
    assert related.neighbours(old) == (None, new)
    assert related.neighbours(new) == (old, None)


def test_the_article_page_shows_the_related_stories_and_neighbours(client, story):
    ArticleFactory(title="同标签新闻", tags=["抗体药"], publish_at=ago(3))
    page = client.get(story.get_absolute_url()).content.decode()
    assert "同标签新闻" in page[page.index("相关阅读") :]


def test_a_story_sharing_no_tags_falls_back_to_its_region_and_channel_latest():
    region, channel = RegionFactory(), ChannelFactory()
    story = ArticleFactory(title="本篇", tags=["独有标签"], regions=[region], channel=channel)
    ArticleFactory(title="同区域较早", regions=[region], publish_at=ago(30))
    ArticleFactory(title="同区域最新", regions=[region], publish_at=ago(2))
    ArticleFactory(title="同栏目最新", channel=channel, publish_at=ago(1))
    ArticleFactory(title="无关", tags=["别的标签"], publish_at=ago(1))
    assert titles(related.related(reloaded(story))) == ["同区域最新", "同区域较早", "同栏目最新"]
