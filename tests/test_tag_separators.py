"""Tags typed the Chinese way: full-width commas, the enumeration comma and semicolons separate
them, in the admin and anywhere else taggit parses tags (articles.content.tags)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from taggit.models import Tag
from taggit.utils import edit_string_for_tags, parse_tags

from articles.models import Article
from tests.factories import ArticleFactory
from tests.helpers import article_data, change_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "tags"),
    [
        ("新能源汽车，亦庄、 生物医药, 人工智能", ["亦庄", "人工智能", "新能源汽车", "生物医药"]),
        ("亦庄；经开区;生物医药", ["亦庄", "生物医药", "经开区"]),
        ("新能源汽车 亦庄", ["亦庄", "新能源汽车"]),  # no separator: spaces separate, as in taggit
        ("新能源汽车\u3000亦庄", ["亦庄", "新能源汽车"]),  # the full-width space too
        ("Beijing E-Town，亦庄", ["Beijing E-Town", "亦庄"]),  # with a separator, spaces stay inside
        ('"Beijing E-Town" 亦庄', ["Beijing E-Town", "亦庄"]),
        ('"北京，天津"、亦庄', ["亦庄", "北京，天津"]),  # quotes keep a separator inside a tag
        ("“两区”建设，亦庄", ["“两区”建设", "亦庄"]),  # Chinese quotation marks belong to the name
        ('"亦庄，经开区', ["亦庄", "经开区"]),  # a quote left open quotes nothing
        ("亦庄，亦庄、 亦庄 ", ["亦庄"]),
        ("，、；;,", []),
        ('""', []),
        ("", []),
    ],
)
def test_typed_tags_are_split_on_chinese_and_ascii_separators(typed, tags):
    assert parse_tags(typed) == tags


def test_the_admin_form_takes_full_width_commas_and_enumeration_commas(admin_client):
    response = admin_client.post(
        "/admin/articles/article/add/",
        article_data(title="亦庄新能源汽车产业园开工", tags="新能源汽车，亦庄、 生物医药, 人工智能"),
    )
    assert response.status_code == 302
    article = Article.objects.get(title="亦庄新能源汽车产业园开工")
    assert sorted(article.tags.names()) == ["亦庄", "人工智能", "新能源汽车", "生物医药"]
    assert not Tag.objects.filter(name__contains="，").exists()


def test_saving_the_change_form_unchanged_keeps_every_tag(admin_client):
    article = ArticleFactory(status=Article.Status.DRAFT, tags=["亦庄", "北京，天津", "Beijing E-Town", "“两区”建设"])
    form = admin_client.get(change_url(article)).context["adminform"].form
    shown = form["tags"].value()
    shown = shown if isinstance(shown, str) else edit_string_for_tags(shown)

    response = admin_client.post(change_url(article), article_data(article, tags=shown))

    assert response.status_code == 302
    assert sorted(article.tags.names()) == sorted(["亦庄", "北京，天津", "Beijing E-Town", "“两区”建设"])


def test_tags_are_written_back_quoted_only_where_needed():
    tags = [Tag(name=name) for name in ("亦庄", "Beijing E-Town", "北京、天津", "“两区”建设")]
    assert edit_string_for_tags(tags) == '"Beijing E-Town", "北京、天津", “两区”建设, 亦庄'


names = st.lists(
    st.text(st.characters(blacklist_characters='"', blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool),
    max_size=6,
)


@given(names)
def test_what_an_editor_sees_parses_back_to_the_same_tags(tag_names):
    shown = edit_string_for_tags([Tag(name=name) for name in tag_names])
    assert parse_tags(shown) == sorted(set(tag_names))
