"""Search that understands readers: typos, pinyin, English names and Traditional characters
find the story or a working "您是不是要找" suggestion; snippets show where the words matched."""

import re

import pytest
from django.core.management import call_command
from django.db import connection

from articles.models import Article, Channel, Region

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    if connection.vendor == "postgresql":
        assert Article.objects.filter(search_document__isnull=True).count() == 0


def get(client, path="/search/", **params):
    response = client.get(path, params)
    assert response.status_code == 200
    return response


def titles(response):
    page = response.context["page_obj"]
    return [a.title for a in page] if page is not None else []


def suggestion_link(response):
    match = re.search(r'您是不是要找：<a href="([^"]+)">([^<]+)</a>', response.content.decode())
    assert match, "no suggestion shown"
    return match.group(1).replace("&amp;", "&"), match.group(2)


def test_a_typo_gets_a_suggestion_that_finds_the_story(client, demo):
    response = get(client, q="投代联动")
    assert titles(response) == []
    link, suggestion = suggestion_link(response)
    assert suggestion == "投贷联动"
    followed = client.get(link)
    assert any(t.startswith("北京中关村投贷联动") for t in titles(followed))
    assert "您是不是要找" not in followed.content.decode()


def test_a_suggestion_keeps_the_filters(client, demo):
    link, _ = suggestion_link(get(client, q="投代联动", channel="policy"))
    assert "channel=policy" in link
    assert any(t.startswith("北京中关村投贷联动") for t in titles(client.get(link)))


def test_no_suggestion_when_the_corrected_words_find_nothing_either(client, demo):
    page = get(client, q="投贷联动", region="yanqing").content.decode()
    assert "没有找到" in page and "您是不是要找" not in page


@pytest.mark.parametrize(
    ("query", "searched", "expected"),
    [
        ("yizhuang", "亦庄", "亦庄共建抗体药"),
        ("YiZhuang", "亦庄", "亦庄共建抗体药"),
        ("shijingshan", "石景山", "北京石景山92项"),
        ("toudailiandong", "投贷联动", "北京中关村投贷联动"),
        ("yizhuang kangtiyao", "亦庄 抗体药", "亦庄共建抗体药"),
    ],
)
def test_pinyin_finds_the_story_and_says_what_was_searched(client, demo, query, searched, expected):
    response = get(client, q=query)
    assert any(t.startswith(expected) for t in titles(response)), titles(response)
    assert f"已显示“{searched}”的搜索结果" in response.content.decode()


def test_the_reader_can_still_search_for_the_letters_as_typed(client, demo):
    page = get(client, q="yizhuang").content.decode()
    link = re.search(r'<a href="([^"]+)">仍然搜索“yizhuang”</a>', page).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.context["reading"].searched == "yizhuang"
    assert "已显示" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [("中關村", "北京中关村投贷联动"), ("亞投行", "亚投行助力"), ("經開區 抗體藥", "亦庄共建抗体药")],
)
def test_traditional_characters_find_the_story(client, demo, query, expected):
    response = get(client, q=query)
    assert any(t.startswith(expected) for t in titles(response)), titles(response)
    assert "的搜索结果" in response.content.decode()


@pytest.mark.parametrize("query", ["AIIB", "aiib"])
def test_an_english_tag_name_from_the_synonyms_finds_the_story(client, demo, query):
    response = get(client, q=query)
    assert any(t.startswith("亚投行助力") for t in titles(response))
    assert "已显示" not in response.content.decode()


@pytest.mark.parametrize(
    ("slug", "alias", "query", "expected"),
    [
        ("yizhuang", "Beijing E-Town", "beijing e-town", "亦庄共建抗体药"),
        ("yizhuang", "Beijing E-Town", "Beijing E-Town", "亦庄共建抗体药"),
        ("zhongguancun", "Zhongguancun", "ZHONGGUANCUN", "北京中关村投贷联动"),
    ],
)
def test_an_english_region_alias_an_editor_adds_finds_the_story(client, demo, slug, alias, query, expected):
    region = Region.objects.get(slug=slug)
    region.aliases += f", {alias}"
    region.full_clean()
    region.save()
    response = get(client, q=query)
    assert any(t.startswith(expected) for t in titles(response)), titles(response)
    assert "已显示" not in response.content.decode()


def test_an_english_channel_alias_finds_the_channels_stories(client, demo):
    channel = Channel.objects.get(slug="policy")
    channel.aliases = "Policy Briefings"
    channel.full_clean()
    channel.save()
    assert any(t.startswith("北京中关村投贷联动") for t in titles(get(client, q="policy briefings")))


def test_a_channel_alias_with_tsquery_syntax_is_refused_in_chinese(db):
    channel = Channel(name="政策", slug="zc", aliases="a&b")
    with pytest.raises(Exception) as error:
        channel.full_clean()
    assert "不能用于搜索的字符" in str(error.value)


@pytest.mark.parametrize(("query", "words"), [("乐城国际", "乐城国际"), ("GMP", "GMP")])
def test_a_body_match_shows_its_context_in_the_snippet(client, demo, query, words):
    response = get(client, q=query)
    assert response.context["page_obj"].paginator.count >= 1
    snippet = str(response.context["page_obj"][0].snippet)
    assert f"<mark>{words}</mark>" in snippet


@pytest.mark.parametrize("query", ["怀柔 3000万", "北京经济技术开发区", "海淀区 科技创新"])
def test_a_multi_character_query_marks_no_lone_characters(client, demo, query):
    page = get(client, q=query).content.decode()
    marks = re.findall(r"<mark>(.*?)</mark>", page)
    assert marks and all(len(mark) > 1 for mark in marks), marks


def test_a_single_character_query_marks_that_character(client, demo):
    page = get(client, q="园").content.decode()
    assert "<mark>园</mark>" in page


def test_active_filters_show_as_removable_chips_and_open_the_panel(client, demo):
    page = get(client, q="中关村", channel="policy").content.decode()
    assert '<details class="search-filters" open>' in page
    chip = re.search(r'<ul class="search-chips".*?<a href="([^"]+)"[^>]*>栏目：政策解读', page, re.S)
    assert chip and "channel" not in chip.group(1) and "q=" in chip.group(1)


def test_filters_stay_closed_without_a_filter_and_open_on_a_filter_error(client, demo):
    assert '<details class="search-filters">' in get(client, q="中关村").content.decode()
    page = get(client, q="中关村", date_from="2025-13-01").content.decode()
    assert '<details class="search-filters" open>' in page and "errorlist" in page


@pytest.mark.parametrize("query", ["zzzqqxx", "a b c", "投" * 200, "亦" * 2 + "代" * 60, "中關村" * 70])
def test_odd_queries_neither_fail_nor_suggest_nonsense(client, demo, query):
    page = get(client, q=query).content.decode()
    assert "已显示“”" not in page and "您是不是要找：<a" not in page or "投贷" in page
