"""Search stays up whatever editors put in aliases and synonyms and readers type in the box.

The audit case: the 亦庄 region's aliases set to "亦庄, 经开区, Beijing E-Town" made
/search/?q=亦庄 fail on PostgreSQL, because aliases went into the tsquery as raw text.
"""

import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from articles.models import Region
from articles.search import query, segmentation
from tests.factories import ArticleFactory, RegionFactory
from tests.helpers import change_url

pytestmark = pytest.mark.django_db(transaction=True)

AUDIT_ALIASES = "亦庄, 经开区, Beijing E-Town"


def titles(client, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    page = response.context["page_obj"]
    return sorted(a.title for a in page) if page is not None else None


def with_aliases_saved_unchecked(region, aliases):
    """Store `aliases` as a save without the admin's checks does (data from before the rule)."""
    region.aliases = aliases
    region.save()
    return region


@pytest.fixture
def yizhuang():
    return RegionFactory(name="北京经济技术开发区", slug="yizhuang", aliases="亦庄, 北京亦庄, 经开区")


@pytest.mark.postgres
def test_the_audit_case_an_alias_with_a_space_leaves_search_working(client, yizhuang):
    ArticleFactory(title="生物医药新政出台", regions=[yizhuang])
    with_aliases_saved_unchecked(yizhuang, AUDIT_ALIASES)
    assert titles(client, "亦庄") == ["生物医药新政出台"]
    assert titles(client, "经开区") == ["生物医药新政出台"]
    assert titles(client, "Beijing E-Town") == ["生物医药新政出台"]


def test_a_multi_word_alias_finds_stories_both_ways(client, yizhuang):
    yizhuang.aliases = AUDIT_ALIASES
    yizhuang.full_clean()
    yizhuang.save()
    ArticleFactory(title="生物医药新政出台", regions=[yizhuang])
    ArticleFactory(title="外媒报道", summary="", body="<p>Beijing E-Town hosts a biotech forum.</p>")
    ArticleFactory(title="亦庄企业座谈会")
    ArticleFactory(title="老城漫步", summary="", body="<p>A Beijing old town walk.</p>")
    expected = ["亦庄企业座谈会", "外媒报道", "生物医药新政出台"]
    assert titles(client, "亦庄") == expected
    assert titles(client, "Beijing E-Town") == expected
    assert titles(client, "  beijing   e-town ") == expected


# A hostile alias saved before aliases were checked; search must neither fail nor match on it.
LEGACY_ALIASES = "亦庄, Beijing E-Town, x&y|!(z):*, it's, a\\b, ((, <->"


@pytest.mark.parametrize(
    "q",
    [
        "亦庄 & | ! ( ) : * ' \"\\",
        "亦庄 <-> 经开区 !亦庄",
        "'亦庄':* | (经开区",
        "亦庄" * 3000,
        "亦庄" + "！？" * 3000,
        "亦庄\x00",
        "亦\x00庄",
    ],
)
def test_hostile_queries_answer_200_and_still_find_the_story(client, yizhuang, q):
    ArticleFactory(title="亦庄新闻", regions=[yizhuang])
    ArticleFactory(title="其他新闻")
    with_aliases_saved_unchecked(yizhuang, LEGACY_ALIASES)
    assert titles(client, q) == ["亦庄新闻"]


@pytest.mark.parametrize("q", ["& | !", "'\"\\", ":*", "\x00\x01\x7f", "((((", "<->"])
def test_queries_of_nothing_but_syntax_find_nothing_and_answer_200(client, yizhuang, q):
    ArticleFactory(title="亦庄新闻", regions=[yizhuang])
    with_aliases_saved_unchecked(yizhuang, LEGACY_ALIASES)
    assert titles(client, q) in (None, [])


@pytest.mark.postgres
@pytest.mark.parametrize(
    "group",
    [
        ("亦庄", "beijing e-town", "x&y|!(z):*", "it's", "a\\b", "((", "<->", "'", "\\", ":*", "a:b", "c <2> d"),
        ("beijing e-town",),
        ("((",),
        ("亦",),
    ],
)
def test_every_tsquery_is_valid_whatever_its_terms_hold(group):
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsquery('simple', %s)::text", [query.tsquery([group, ("抗体",)])])
        assert "抗体" in cursor.fetchone()[0]


# ----- aliases are checked when saved -----


@pytest.mark.parametrize(
    "aliases",
    ["亦庄, 经开区, Beijing E-Town", "BDA", "St. Regis", "5G园区", "中关村－西区", "ＢＤＡ", "亦庄，经开区", ""],
)
def test_aliases_of_chinese_letters_digits_spaces_hyphens_and_dots_are_accepted(aliases):
    RegionFactory.build(aliases=aliases).full_clean()


@pytest.mark.parametrize(
    ("aliases", "message"),
    [
        ("亦庄, Beijing&E-Town", "别名“Beijing&E-Town”含有不能用于搜索的字符：&。"),
        ("亦庄|经开区", "别名“亦庄|经开区”含有不能用于搜索的字符：|。"),
        ("经开区!", "别名“经开区!”含有不能用于搜索的字符：!。"),
        ("亦庄（北京）", "别名“亦庄（北京）”含有不能用于搜索的字符：（、）。"),
        ("a:b*", "别名“a:b*”含有不能用于搜索的字符：:、*。"),
        ("<亦庄>", "别名“<亦庄>”含有不能用于搜索的字符：<、>。"),
        ("it's", "别名“it's”含有不能用于搜索的字符：'。"),
        ('"亦庄"', '别名“"亦庄"”含有不能用于搜索的字符："。'),
        ("a\\b", "别名“a\\b”含有不能用于搜索的字符：\\。"),
        ("亦\t庄", "含有不能用于搜索的字符：U+0009。"),
        ("亦庄、经开区", "别名“亦庄、经开区”含有不能用于搜索的字符：、。"),
        ("亦庄, --", "别名“--”不含汉字、字母或数字，不能用于搜索。"),
    ],
)
def test_an_alias_that_cannot_be_searched_is_refused_by_name(aliases, message):
    with pytest.raises(ValidationError) as refused:
        RegionFactory.build(aliases=aliases).full_clean()
    assert any(message in text for text in refused.value.message_dict["aliases"])


def test_the_admin_refuses_a_bad_alias_and_names_it(client, login_as, yizhuang):
    login_as("总编辑", "chief")
    data = {"name": yizhuang.name, "slug": yizhuang.slug, "kind": yizhuang.kind, "parent": "", "order": 100}
    response = client.post(change_url(yizhuang), {**data, "aliases": "亦庄, Beijing E-Town, 经开区(北京)"})
    assert response.status_code == 200
    assert "别名“经开区(北京)”含有不能用于搜索的字符：(、)。" in response.content.decode()
    yizhuang.refresh_from_db()
    assert yizhuang.aliases == "亦庄, 北京亦庄, 经开区"
    response = client.post(change_url(yizhuang), {**data, "aliases": AUDIT_ALIASES})
    assert response.status_code == 302
    yizhuang.refresh_from_db()
    assert yizhuang.aliases == AUDIT_ALIASES


def test_the_region_list_still_saves_the_order_of_a_region_with_old_bad_aliases(client, login_as, yizhuang):
    with_aliases_saved_unchecked(yizhuang, LEGACY_ALIASES)
    login_as("总编辑", "chief")
    data = {
        "form-TOTAL_FORMS": 1,
        "form-INITIAL_FORMS": 1,
        "form-0-id": yizhuang.pk,
        "form-0-order": 7,
        "_save": "保存",
    }
    response = client.post("/admin/articles/region/", data)
    assert response.status_code == 302
    assert Region.objects.get(pk=yizhuang.pk).order == 7


# ----- the synonym list is checked when loaded -----


@pytest.fixture
def synonyms_file(tmp_path, monkeypatch):
    """Point search at a synonym list with the given text for one test."""

    def write(text):
        path = tmp_path / "synonyms.txt"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setattr(segmentation, "SYNONYMS_PATH", path)
        segmentation.synonym_groups.cache_clear()

    yield write
    segmentation.synonym_groups.cache_clear()


def test_a_bad_synonym_line_is_skipped_with_a_warning_and_search_works(client, synonyms_file, caplog):
    synonyms_file("# 测试\n经开区, 亦庄\n亦庄, x&y|!(z)\n怀柔, 影视(基地)\nBeijing E-Town, 亦庄\n")
    ArticleFactory(title="亦庄新闻")
    with caplog.at_level(logging.WARNING, logger="articles.search.segmentation"):
        assert titles(client, "经开区") == ["亦庄新闻"]
        assert titles(client, "Beijing E-Town") == ["亦庄新闻"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "line 3 skipped" in warnings[0] and "x&y|!(z)" in warnings[0]
    assert "line 4 skipped" in warnings[1] and "影视(基地)" in warnings[1]
    assert ("亦庄", "x&y|!(z)") not in segmentation.synonym_groups()


def test_the_shipped_synonym_list_is_valid(caplog):
    segmentation.synonym_groups.cache_clear()
    with caplog.at_level(logging.WARNING, logger="articles.search.segmentation"):
        groups = segmentation.synonym_groups()
    assert ("亦庄", "北京经济技术开发区", "经开区", "北京亦庄") in groups
    assert not caplog.records
