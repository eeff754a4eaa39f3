"""Search as a reader uses it: on SQLite (LIKE) and, marked `postgres`, on the real engine."""

import pytest
from django.core.management import call_command
from django.db import connection

from articles import search
from articles.models import Article
from tests.factories import ArticleFactory, ChannelFactory, RegionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    if connection.vendor == "postgresql":
        assert Article.objects.filter(search_document__isnull=True).count() == 0


def found(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    page = response.context["page_obj"]
    return [a.title for a in page] if page is not None else None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("亦庄", "亦庄共建抗体药"),
        ("经开区", "亦庄共建抗体药"),
        ("北京经济技术开发区", "亦庄共建抗体药"),
        ("抗体药", "亦庄共建抗体药"),
        ("投贷联动", "北京中关村投贷联动"),
        ("中关村示范区", "北京中关村投贷联动"),
        ("煤改气", "亚投行助力"),
        ("亚洲基础设施投资银行", "亚投行助力"),
        ("怀柔 影视", "影视产业重磅激励"),
        ("只跑一次", "北京石景山92项"),
        ("石景山", "北京石景山92项"),
        ("延庆", "延庆区市容委"),
        ("粤港澳大湾区", "粤港澳大湾区引领"),
        ("非首都功能疏解", "京石产业协同"),
        ("生物医药", "亦庄共建抗体药"),
    ],
)
def test_reader_finds_demo_story_by_the_words_a_person_types(client, demo, query, expected):
    titles = found(client, q=query)
    assert any(t.startswith(expected) for t in titles), (query, titles)


def test_title_match_ranks_first(client, demo):
    titles = found(client, q="营商环境")
    assert len(titles) >= 2
    assert "营商环境" in titles[0]


@pytest.mark.parametrize(
    "query",
    ["园", "5G", "2025年", "' OR 1=1 --", "<script>alert(1)</script>", "亦" * 500, "！！！", "%_\\", "a:* & !b"],
)
def test_odd_input_is_handled_safely(client, demo, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page


def test_over_long_query_is_cut_not_refused(client, demo):
    response = client.get("/search/", {"q": "亦庄" + "。" * 300})
    assert response.status_code == 200
    assert len(response.context["q"]) == search.MAX_QUERY_LENGTH
    assert response.context["page_obj"].paginator.count >= 1


def test_results_are_highlighted_and_escaped(client):
    ArticleFactory(title="亦庄<b>新政</b>发布", summary="北京亦庄发布<script>x</script>新政策")
    page = client.get("/search/", {"q": "亦庄"}).content.decode()
    assert "<mark>亦庄</mark>" in page
    assert "<script>x</script>" not in page and "&lt;b&gt;" in page


def test_filters_narrow_the_results(client):
    policy = ChannelFactory(name="政策解读", slug="policy")
    yizhuang = RegionFactory(name="北京经济技术开发区", slug="yizhuang", aliases="亦庄")
    ArticleFactory(title="亦庄政策", channel=policy, regions=[yizhuang])
    ArticleFactory(title="亦庄新闻")
    assert found(client, q="亦庄", channel="policy") == ["亦庄政策"]
    assert found(client, q="亦庄", region="yizhuang") == ["亦庄政策"]
    assert sorted(found(client, q="亦庄")) == ["亦庄政策", "亦庄新闻"]


def test_date_range_filter_uses_beijing_dates(client):
    import datetime
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    ArticleFactory(title="亦庄八月", publish_at=datetime.datetime(2025, 8, 31, 23, 0, tzinfo=tz))
    ArticleFactory(title="亦庄九月", publish_at=datetime.datetime(2025, 9, 1, 8, 0, tzinfo=tz))
    assert found(client, q="亦庄", date_from="2025-09-01") == ["亦庄九月"]
    assert found(client, q="亦庄", date_to="2025-08-31") == ["亦庄八月"]


def test_bad_filters_are_reported_and_ignored(client):
    ArticleFactory(title="亦庄新闻")
    response = client.get("/search/", {"q": "亦庄", "region": "nowhere", "date_from": "2025-13-01"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "region" in form.errors and "date_from" in form.errors
    assert [a.title for a in response.context["page_obj"]] == ["亦庄新闻"]


def test_reversed_date_range_gets_a_clear_message(client):
    response = client.get("/search/", {"q": "亦庄", "date_from": "2025-09-01", "date_to": "2025-08-01"})
    assert "截止日期不能早于起始日期" in response.content.decode()


def test_empty_result_suggests_removing_filters_and_shows_popular(client):
    ChannelFactory(slug="policy")
    ArticleFactory(title="热门的新闻", view_count=50)
    page = client.get("/search/", {"q": "不存在的词语", "channel": "policy"}).content.decode()
    assert "没有找到" in page and "去掉筛选条件" in page and "热门的新闻" in page


def test_search_only_shows_published_stories(client):
    ArticleFactory(title="亦庄草稿", status=Article.Status.DRAFT)
    ArticleFactory(title="亦庄已发布")
    assert found(client, q="亦庄") == ["亦庄已发布"]


def test_search_paginates_and_keeps_the_query(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    for n in range(5):
        ArticleFactory(title=f"亦庄新闻{n}")
    page = client.get("/search/", {"q": "亦庄"}).content.decode()
    assert "找到 <strong>5</strong>" in page
    assert "?q=%E4%BA%A6%E5%BA%84&amp;page=2" in page


def test_search_page_has_a_fixed_query_budget(client, django_assert_max_num_queries):
    region = RegionFactory(name="北京经济技术开发区", slug="yizhuang", aliases="亦庄")
    for n in range(60):
        ArticleFactory(title=f"亦庄新闻{n}", regions=[region], tags=[f"标签{n}"])
    client.get("/search/", {"q": "亦庄"})
    # The chosen region (1), filter choices (3), matches with their total (1), the page's
    # stories (1), and on PostgreSQL the planner settings in its savepoint (3).
    with django_assert_max_num_queries(9 if connection.vendor == "postgresql" else 6):
        client.get("/search/", {"q": "亦庄", "region": "yizhuang"})


@pytest.mark.postgres
def test_document_follows_tag_and_region_changes_after_commit(client):
    article = ArticleFactory(title="一篇新闻")
    assert found(client, q="独角兽") == []
    article.tags.add("独角兽")
    assert found(client, q="独角兽") == ["一篇新闻"]
    region = RegionFactory(name="通州区", slug="tongzhou")
    article.regions.add(region)
    assert found(client, q="通州区") == ["一篇新闻"]
    region.aliases = "城市副中心"
    region.save()
    assert found(client, q="城市副中心") == ["一篇新闻"]


@pytest.mark.postgres
def test_rebuild_command_indexes_everything_with_progress(demo):
    from io import StringIO

    Article.objects.update(search_document=None)
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "10/10" in out.getvalue()
    assert Article.objects.filter(search_document__isnull=True).count() == 0


def test_a_query_matches_inside_words_cut_differently(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(title="平台建设", summary="", body="<p>本土企业专注抗体药物研发。</p>")
        ArticleFactory(title="其他新闻", summary="", body="<p>抗体检测与药品流通。</p>")
    assert found(client, q="抗体药") == ["平台建设"]


@pytest.mark.parametrize("number", ["99999999999999999999", "-3", "abc", "2.5", ""])
def test_any_page_number_gets_a_page(client, settings, number):
    settings.ARTICLES_PER_PAGE = 2
    for n in range(5):
        ArticleFactory(title=f"亦庄新闻{n}")
    response = client.get("/search/", {"q": "亦庄", "page": number})
    assert response.status_code == 200
    page = response.context["page_obj"]
    assert page.number in {1, 3} and len(page) >= 1
