"""Every public page runs a fixed number of SQL queries, however much content there is."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.models import Article, Channel, Industry, Region, TopicEntry
from tests.factories import TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

ARTICLES = 500


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """The budgets are the views' own: the page cache (tested in test_page_cache) stays off."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def big_site():
    """500 published stories over 12 channels, 40 regions (with parks) and 150 tags."""
    channels = Channel.objects.bulk_create(Channel(name=f"栏目{n}", slug=f"channel-{n}") for n in range(12))
    districts = Region.objects.bulk_create(
        Region(name=f"区{n}", slug=f"district-{n}", show_on_home=n < 6) for n in range(10)
    )
    parks = Region.objects.bulk_create(
        Region(name=f"园区{n}", slug=f"park-{n}", kind=Region.Kind.PARK, parent=districts[n % 10]) for n in range(30)
    )
    regions = districts + parks
    industries = Industry.objects.bulk_create(Industry(name=f"产业{n}", slug=f"industry-{n}") for n in range(8))
    tags = Tag.objects.bulk_create(Tag(name=f"标签{n}", slug=f"tag-{n}") for n in range(150))
    editor = UserFactory(first_name="编辑")
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            title=f"招商新闻{n}",
            summary="摘要",
            body='<h2 id="sec-1">一、背景</h2><p>正文</p>',
            status=Article.Status.PUBLISHED,
            publish_at=now - datetime.timedelta(hours=n + 1),
            channel=channels[n % 12],
            responsible_editor=editor,
            is_headline=n % 50 == 0,
            is_featured=n % 7 == 0,
            view_count=n * 3 % 101,
        )
        for n in range(ARTICLES)
    )
    through = Article.regions.through
    through.objects.bulk_create(
        through(article=a, region=r)
        for n, a in enumerate(articles)
        for r in {regions[n % 40], regions[(n * 7) % 40], districts[n % 10]}
    )
    Article.industries.through.objects.bulk_create(
        Article.industries.through(article=a, industry=industries[n % 8]) for n, a in enumerate(articles)
    )
    content_type = ContentType.objects.get_for_model(Article)
    TaggedItem.objects.bulk_create(
        TaggedItem(content_type=content_type, object_id=a.pk, tag=tags[i])
        for n, a in enumerate(articles)
        for i in {n % 150, (n * 3 + 1) % 150, (n * 11 + 2) % 150}
    )
    topic = TopicFactory(slug="big-topic")
    TopicEntry.objects.bulk_create(TopicEntry(topic=topic, article=a, order=n) for n, a in enumerate(articles[::10]))
    return {
        "article": articles[250],
        "region": districts[3],
        "park": parks[4],
        "channel": channels[5],
        "tag": tags[9],
        "topic": topic,
    }


# A cold navigation cache (articles.reading.navigation.build) also reads the footer's 站点信息:
# one query more, once per navigation timeout, never on a page whose navigation is cached.
COLD_NAVIGATION_EXTRA = 1


def pages(site):
    month = timezone.localtime(site["article"].publish_at)
    return {
        "home": ("/", 10),
        "article": (site["article"].get_absolute_url(), 9),  # 8 + its attachments (one prefetch)
        "region": (site["region"].get_absolute_url(), 8),
        "park": (site["park"].get_absolute_url(), 8),
        "region page 2": (site["region"].get_absolute_url() + "?page=2", 8),
        "channel": (site["channel"].get_absolute_url(), 8),
        "tag": (f"/tags/{site['tag'].slug}/", 8),
        "archive": (f"/archive/{month.year}/{month.month}/", 8),
        "topic": (site["topic"].get_absolute_url(), 6),
    }


LISTINGS = {"region", "park", "region page 2", "channel", "tag", "archive"}
# The stories around an article (neighbours, related) are kept per content generation too.
KEPT_PER_GENERATION = LISTINGS | {"article"}
# An article whose own parts and surroundings are kept (articles.reading.story_parts) reads its row,
# nothing else.
KEPT_ARTICLE_BUDGET = 1


@pytest.mark.parametrize(
    "name", ["home", "article", "region", "park", "region page 2", "channel", "tag", "archive", "topic"]
)
@pytest.mark.parametrize("warm_cache", [False, True], ids=["cold-cache", "warm-cache"])
def test_page_stays_within_its_query_budget(client, big_site, django_assert_max_num_queries, name, warm_cache):
    url, budget = pages(big_site)[name]
    if warm_cache:
        client.get(url)
        if name == "article":
            budget = KEPT_ARTICLE_BUDGET
    else:
        budget += COLD_NAVIGATION_EXTRA
        if name in KEPT_PER_GENERATION:
            # A listing's count is kept per content generation (articles.reading.cache.remember);
            # the first one kept in a generation looks up its next scheduled event (two queries).
            budget += 2
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


def test_query_count_does_not_grow_with_the_data(client, big_site, settings):
    """The same pages on a tenth of the data run exactly as many queries."""
    settings.ARTICLES_PER_PAGE = 5
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts():
        result = {}
        for name, (url, _) in pages(big_site).items():
            client.get(url)  # warm the navigation cache: compare steady states
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            result[name] = len(ctx.captured_queries)
        return result

    full = counts()
    # Keep the stories of one district (enough for its second page) and the article under test.
    keep = set(Article.objects.filter(regions=big_site["region"]).values_list("pk", flat=True)[:50])
    for subject in (Q(regions=big_site["park"]), Q(channel=big_site["channel"]), Q(tags=big_site["tag"])):
        keep |= set(Article.objects.filter(subject).values_list("pk", flat=True)[:10])
    keep |= {big_site["article"].pk}
    Article.objects.exclude(pk__in=keep).delete()
    assert counts() == full
