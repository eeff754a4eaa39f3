import pytest
from django.core.management import call_command

from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    # Run the after-commit work (search documents on PostgreSQL) the test transaction holds back.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0)
    return client


def test_article_list_has_chinese_columns_filters_search_and_dates(editor_client):
    page = editor_client.get("/admin/articles/article/").content.decode()
    for text in ("标题", "状态", "栏目", "区域", "发布时间", "浏览次数", "北京经济技术开发区", "已发布"):
        assert text in page, text
    assert "date_hierarchy" in page or "publish_at__year" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=抗体药", 1),
        ("status__exact=published", 10),
        ("status__exact=draft", 0),
        ("is_headline__exact=1", 1),
    ],
)
def test_article_list_filters_and_search(editor_client, query, expected):
    response = editor_client.get(f"/admin/articles/article/?{query}")
    assert response.status_code == 200
    assert response.context["cl"].result_count == expected


def test_editor_adds_an_article_in_the_admin(editor_client):
    region = "北京经济技术开发区"
    from articles.models import Channel, Region

    response = editor_client.post(
        "/admin/articles/article/add/",
        {
            "title": "经开区新设产业基金",
            "body": "<p>正文<script>alert(1)</script></p><h2>一、基金规模</h2>",
            "source": "北京招商资讯网",
            "channel": Channel.objects.get(slug="news").pk,
            "regions": [Region.objects.get(name=region).pk],
            "tags": "产业基金, 经开区",
            "status": "published",
            "publish_at_0": "2026-01-05",
            "publish_at_1": "09:30:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors if response.context else ""
    article = Article.objects.get(title="经开区新设产业基金")
    assert "<script" not in article.body and 'id="sec-1"' in article.body
    assert set(article.tags.names()) == {"产业基金", "经开区"}


def test_region_and_taxonomy_admin_pages_load(editor_client):
    for url in ("/admin/articles/region/", "/admin/articles/channel/", "/admin/articles/industry/", "/admin/"):
        assert editor_client.get(url).status_code == 200


def test_a_region_cannot_be_its_own_ancestor(editor_client):
    from articles.models import Region

    district = Region.objects.get(slug="huairou")
    park = Region.objects.get(slug="huairou-film")
    response = editor_client.post(
        f"/admin/articles/region/{district.pk}/change/",
        {"name": district.name, "slug": district.slug, "kind": "district", "parent": park.pk, "order": 1},
    )
    assert response.status_code == 200
    assert "上级区域不能是自身或其下级区域" in response.content.decode()
    district.refresh_from_db()
    assert district.parent is None


@pytest.mark.parametrize(("term", "expected"), [("经开区", 1), ("抗体药", 1), ("本网记者", 10), ("不存在的词", 0)])
def test_admin_search_uses_the_site_search_engine(editor_client, term, expected):
    response = editor_client.get("/admin/articles/article/", {"q": term})
    assert response.status_code == 200
    assert response.context["cl"].result_count == expected


def test_admin_search_finds_drafts_too(editor_client):
    Article.objects.filter(title__startswith="亦庄").update(status=Article.Status.DRAFT)
    response = editor_client.get("/admin/articles/article/", {"q": "亦庄"})
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize("term", ["\x00", "亦庄\x00", "' OR 1=1 --", "a:* & !b", "亦" * 500])
def test_admin_search_survives_hostile_terms(editor_client, term):
    assert editor_client.get("/admin/articles/article/", {"q": term}).status_code == 200
