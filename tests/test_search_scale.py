"""Search whose cost does not grow with the archive (articles.search.paging): the newest matches
ranked and counted up to a limit, and pages of results kept until readers could see a change."""

import pytest

from articles.models import Article
from articles.reading import cache as page_cache
from articles.search import paging
from tests.factories import ArticleFactory, RegionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response


def titles(response):
    return [article.title for article in response.context["page_obj"]]


@pytest.fixture
def few_results(monkeypatch, settings):
    """Five matches ranked at most, two a page."""
    monkeypatch.setattr(paging, "MAX_RESULTS", 5)
    settings.ARTICLES_PER_PAGE = 2


@pytest.mark.postgres
def test_a_common_word_shows_how_many_at_least_and_how_to_narrow(client, few_results):
    for n in range(8):
        ArticleFactory(title=f"亦庄新闻{n}")
    page = search(client, q="亦庄").content.decode()
    assert "找到 <strong>5+</strong> 篇相关资讯，第 1/3 页" in page
    assert "相关资讯较多，只列出最近的匹配结果" in page


@pytest.mark.postgres
def test_a_page_past_the_ranked_matches_falls_back_to_the_last(client, few_results):
    for n in range(8):
        ArticleFactory(title=f"亦庄新闻{n}")
    response = search(client, q="亦庄", page="99")
    page = response.context["page_obj"]
    assert page.number == 3 and len(page) == 1


@pytest.mark.postgres
def test_the_best_match_among_the_newest_comes_first(client, few_results):
    ArticleFactory(title="营商环境再优化", summary="")
    for n in range(4):
        ArticleFactory(title=f"新闻{n}", summary="", body="<p>持续优化营商环境。</p>")
    assert titles(search(client, q="营商环境"))[0] == "营商环境再优化"


def test_fewer_matches_than_the_limit_are_all_counted(client, few_results):
    for n in range(3):
        ArticleFactory(title=f"亦庄新闻{n}")
    page = search(client, q="亦庄").content.decode()
    assert "找到 <strong>3</strong> 篇相关资讯" in page
    assert "相关资讯较多" not in page


@pytest.mark.postgres
def test_a_repeated_search_is_answered_without_searching_again(client, django_assert_max_num_queries):
    for n in range(3):
        ArticleFactory(title=f"亦庄新闻{n}")
    search(client, q="亦庄")
    # Filter choices (3) and the page's stories (1): no match, rank or count.
    with django_assert_max_num_queries(4):
        assert len(titles(search(client, q="亦庄"))) == 3


@pytest.mark.postgres
def test_a_kept_page_gives_way_to_a_newly_published_story(client):
    ArticleFactory(title="亦庄新闻")
    assert titles(search(client, q="亦庄")) == ["亦庄新闻"]
    ArticleFactory(title="亦庄再出发")
    assert sorted(titles(search(client, q="亦庄"))) == ["亦庄再出发", "亦庄新闻"]


@pytest.mark.postgres
def test_a_kept_page_gives_way_when_a_story_is_taken_down(client):
    story = ArticleFactory(title="亦庄新闻")
    ArticleFactory(title="亦庄再出发")
    assert len(titles(search(client, q="亦庄"))) == 2
    story.status = Article.Status.DRAFT
    story.save()
    assert titles(search(client, q="亦庄")) == ["亦庄再出发"]


@pytest.mark.postgres
def test_filters_are_part_of_what_is_kept(client):
    region = RegionFactory(name="北京经济技术开发区", slug="yizhuang", aliases="亦庄")
    ArticleFactory(title="亦庄新闻", regions=[region])
    ArticleFactory(title="亦庄以外的新闻")
    assert len(titles(search(client, q="新闻"))) == 2
    assert titles(search(client, q="新闻", region="yizhuang")) == ["亦庄新闻"]
    assert len(titles(search(client, q="新闻"))) == 2


@pytest.mark.postgres
def test_kept_pages_can_be_turned_off(client, settings, django_assert_max_num_queries):
    settings.SEARCH_RESULTS_SECONDS = 0
    ArticleFactory(title="亦庄新闻")
    search(client, q="亦庄")
    with django_assert_max_num_queries(9) as captured:
        search(client, q="亦庄")
    assert any("search_document" in query["sql"] for query in captured.captured_queries)


class BrokenCache:
    def get(self, *args, **kwargs):
        raise ConnectionError("cache down")

    set = add = get_many = get


def test_a_broken_cache_still_finds_the_stories(client, monkeypatch):
    ArticleFactory(title="亦庄新闻")
    monkeypatch.setattr(page_cache, "cache", BrokenCache())
    assert titles(search(client, q="亦庄")) == ["亦庄新闻"]
