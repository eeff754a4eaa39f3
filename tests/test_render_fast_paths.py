"""The shortcuts the reading pages take on their hot path give what the slow way gives:
addresses (newsportal.links.reverse_one), the compiled `published()` condition, the dates that
lists print, the QR code kept per URL."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from articles.models import Article
from articles.reading import related, share
from newsportal.links import reverse_one
from tests.factories import ArticleFactory, ChannelFactory, RegionFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("viewname", "value"),
    [
        ("articles:detail", 7),
        ("articles:detail", 1234567890),
        ("articles:region", "yizhuang"),
        ("articles:region", "中关村"),
        ("articles:channel", "zheng-ce_2"),
        ("articles:topic", "亦庄-生物医药"),
    ],
)
def test_reverse_one_gives_what_reverse_gives(viewname, value):
    assert reverse_one(viewname, value) == reverse(viewname, args=[value])


def test_reverse_one_follows_the_script_prefix():
    set_script_prefix("/portal/")
    try:
        assert reverse_one("articles:detail", 5) == reverse("articles:detail", args=[5]) == "/portal/articles/5/"
    finally:
        set_script_prefix("/")
    assert reverse_one("articles:detail", 5) == "/articles/5/"


def test_models_link_through_it():
    region, channel, topic = RegionFactory(slug="朝阳"), ChannelFactory(slug="news"), TopicFactory(slug="专题一")
    article = ArticleFactory(channel=channel)
    assert region.get_absolute_url() == reverse("articles:region", args=["朝阳"])
    assert channel.get_absolute_url() == "/channels/news/"
    assert topic.get_absolute_url() == reverse("articles:topic", args=["专题一"])
    assert article.get_absolute_url() == f"/articles/{article.pk}/"


def test_the_compiled_published_condition_is_published_at_that_time():
    at = timezone.now()
    assert Article.objects.published_condition_sql(at) == Article.objects.published(at).condition_sql()
    later = at + datetime.timedelta(days=3)
    assert Article.objects.published_condition_sql(later) == Article.objects.published(later).condition_sql()


def test_neighbours_and_related_follow_the_clock_through_the_compiled_condition():
    channel = ChannelFactory()
    now = timezone.now()
    older = ArticleFactory(channel=channel, publish_at=now - datetime.timedelta(days=2))
    story = ArticleFactory(channel=channel, publish_at=now - datetime.timedelta(days=1))
    ArticleFactory(channel=channel, publish_at=now + datetime.timedelta(days=1))  # scheduled: not yet
    assert related.neighbours(story) == (older, None)
    assert related.related(story) == [older]


def test_list_dates_are_the_date_filters_in_the_site_time_zone():
    # 23:30 UTC is the next day in Beijing: a conversion left out would show the wrong day.
    article = ArticleFactory(publish_at=datetime.datetime(2025, 3, 31, 23, 30, tzinfo=datetime.UTC))
    expected = Template("{{ a.publish_at|date:'c' }} {{ a.publish_at|date:'Y-m-d' }} {{ a.publish_at|date:'m-d' }}")
    shown = Template("{{ a.publish_iso }} {{ a.publish_day }} {{ a.publish_month_day }}")
    context = Context({"a": article})
    assert shown.render(context) == expected.render(context)
    assert article.publish_day == "2025-04-01"
    article.publish_at = datetime.datetime(2024, 1, 2, 3, 4, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert article.publish_day == "2024-01-02"  # a new time is converted anew


def test_the_qr_code_is_encoded_once_per_url():
    share.qr_svg.cache_clear()
    first = share.qr_svg("https://example.cn/articles/1/")
    assert share.qr_svg("https://example.cn/articles/1/") is first
    assert share.qr_svg("https://example.cn/articles/2/") != first
    assert share.qr_svg.cache_info().hits == 1
