"""Search whose cost does not grow with the archive (articles.search.paging): the newest matches
ranked and counted up to a limit, and pages of results kept until readers could see a change."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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


@pytest.mark.postgres
def test_the_newest_matches_are_found_across_slices_of_the_archive(client, few_results, monkeypatch):
    monkeypatch.setattr(paging, "TIERS", (3, 6))
    now = timezone.now()
    for n in range(12):
        # Every third story matches, newest first: the newest five matches span all three slices.
        title = f"亦庄新闻{n}" if n % 3 == 0 else f"海淀新闻{n}"
        ArticleFactory(title=title, publish_at=now - datetime.timedelta(hours=n + 1))
    ArticleFactory(title="亦庄旧闻", publish_at=now - datetime.timedelta(days=30))
    assert "找到 <strong>5</strong> 篇相关资讯" in search(client, q="亦庄").content.decode()
    pages = [titles(search(client, q="亦庄", page=str(n))) for n in (1, 2, 3)]
    assert sorted(sum(pages, [])) == sorted(["亦庄旧闻", "亦庄新闻0", "亦庄新闻3", "亦庄新闻6", "亦庄新闻9"])


@pytest.mark.postgres
def test_only_the_newest_matches_are_ranked_when_the_first_slice_holds_enough(client, few_results, monkeypatch):
    monkeypatch.setattr(paging, "TIERS", (8,))
    now = timezone.now()
    for n in range(8):
        ArticleFactory(title=f"亦庄新闻{n}", publish_at=now - datetime.timedelta(hours=n + 1))
    ArticleFactory(title="亦庄", summary="", publish_at=now - datetime.timedelta(days=30))
    response = search(client, q="亦庄")
    assert "找到 <strong>5+</strong> 篇相关资讯" in response.content.decode()
    # The best title match is older than the newest five matches: it is not among them.
    pages = [titles(search(client, q="亦庄", page=str(n))) for n in (1, 2, 3)]
    assert sorted(sum(pages, [])) == [f"亦庄新闻{n}" for n in range(5)]


@pytest.mark.postgres
def test_a_kept_page_is_shown_with_its_snippets_without_reading_the_stories_again(client):
    ArticleFactory(title="招商新闻", summary="", body="<p>亦庄生物医药产业再添新项目。</p>")
    search(client, q="亦庄")
    with CaptureQueriesContext(connection) as captured:
        page = search(client, q="亦庄").content.decode()
    assert "<mark>亦庄</mark>生物医药产业" in page and "招商新闻" in page
    assert not any('FROM "articles_article"' in query["sql"] for query in captured.captured_queries)


@pytest.mark.postgres
def test_a_kept_list_of_results_gives_way_to_an_edited_story(client):
    story = ArticleFactory(title="亦庄招商新闻")
    assert "招商新闻" in search(client, q="亦庄").content.decode()
    story.title = "亦庄招商快讯"
    story.save()
    page = search(client, q="亦庄").content.decode()
    assert "招商快讯" in page and "招商新闻" not in page


def test_pages_not_kept_are_listed_each_time(client, settings):
    settings.SEARCH_RESULTS_SECONDS = 0
    story = ArticleFactory(title="亦庄招商新闻")
    assert "招商新闻" in search(client, q="亦庄").content.decode()
    Article.objects.filter(pk=story.pk).update(title="亦庄招商快讯")  # no signal: nothing is told
    assert "招商快讯" in search(client, q="亦庄").content.decode()


@pytest.mark.postgres
def test_kept_filter_fields_show_a_new_region_and_the_chosen_one(client):
    ArticleFactory(title="亦庄新闻")
    search(client, q="亦庄")
    RegionFactory(name="北京经济技术开发区", slug="yizhuang")
    assert '<option value="yizhuang">北京经济技术开发区</option>' in search(client, q="新闻").content.decode()
    chosen = search(client, q="新闻", region="yizhuang").content.decode()
    assert '<option value="yizhuang" selected>北京经济技术开发区</option>' in chosen


@pytest.mark.postgres
def test_a_repeated_search_reads_nothing_from_the_database(client, django_assert_num_queries):
    ArticleFactory(title="亦庄新闻")
    search(client, q="亦庄")
    with django_assert_num_queries(0):
        assert "亦庄</mark>新闻" in search(client, q="亦庄").content.decode()
