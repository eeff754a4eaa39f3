"""专题: editor-curated, ordered collections with their own public page."""

import pytest

from articles.models import Article, Topic, TopicEntry
from tests.factories import ArticleFactory, TopicFactory, newsroom_user

pytestmark = pytest.mark.django_db


def curate(topic, articles):
    for order, article in enumerate(articles):
        TopicEntry.objects.create(topic=topic, article=article, order=order)


def test_topic_page_lists_published_stories_in_the_editors_order(client):
    topic = TopicFactory(title="中关村论坛", slug="zgc-forum", summary="论坛专题导语")
    older, newer = ArticleFactory(title="较早的报道"), ArticleFactory(title="较新的报道")
    draft = ArticleFactory(title="草稿报道", status=Article.Status.DRAFT)
    curate(topic, [older, draft, newer])
    response = client.get("/topics/zgc-forum/")
    page = response.content.decode()
    assert response.status_code == 200
    assert topic.get_absolute_url() == "/topics/zgc-forum/"
    assert "论坛专题导语" in page and "草稿报道" not in page
    assert page.index("较早的报道") < page.index("较新的报道")


def test_unpublished_or_unknown_topics_are_404(client):
    TopicFactory(slug="hidden", is_published=False)
    assert client.get("/topics/hidden/").status_code == 404
    assert client.get("/topics/no-such-topic/").status_code == 404
    assert client.get("/topics/%3Cscript%3E/").status_code == 404


def test_published_queryset_is_what_the_sitemap_can_list():
    shown, hidden = TopicFactory(), TopicFactory(is_published=False)
    assert list(Topic.objects.published()) == [shown]
    assert hidden not in Topic.objects.published()


def test_topic_page_has_a_fixed_query_budget(client, django_assert_max_num_queries):
    topic = TopicFactory(slug="budget")
    curate(topic, ArticleFactory.create_batch(25))
    # 9 with a cold navigation cache (channels, districts, the footer's 站点信息).
    with django_assert_max_num_queries(9):
        assert client.get("/topics/budget/").status_code == 200
    assert client.get("/topics/budget/?page=2").status_code == 200


def test_editor_curates_a_topic_in_the_admin(client):
    client.force_login(newsroom_user("编辑", username="editor"))
    first, second = ArticleFactory(), ArticleFactory()
    response = client.post(
        "/admin/articles/topic/add/",
        {
            "title": "京津冀协同",
            "slug": "jjj",
            "summary": "",
            "is_published": "on",
            "order": 1,
            "entries-TOTAL_FORMS": 2,
            "entries-INITIAL_FORMS": 0,
            "entries-0-article": second.pk,
            "entries-0-order": 1,
            "entries-1-article": first.pk,
            "entries-1-order": 2,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    topic = Topic.objects.get(slug="jjj")
    assert list(topic.visible_articles()) == [second, first]


def test_writer_cannot_create_topics(client):
    client.force_login(newsroom_user("撰稿人", username="writer"))
    assert client.get("/admin/articles/topic/add/").status_code == 403
