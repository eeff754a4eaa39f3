import pytest

from articles.content.richtext import prepare_body, table_of_contents, text_to_html
from tests.factories import ArticleFactory


def test_scripts_event_handlers_javascript_urls_and_styles_are_removed():
    html = prepare_body(
        '<p onclick="steal()" style="color:red">你好<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">链接</a><img src="x.png" onerror="alert(1)"><iframe src="//evil"></iframe>'
    )
    for bad in ("onclick", "style", "<script", "alert(1)", "javascript:", "onerror", "<iframe"):
        assert bad not in html
    assert "你好" in html


def test_headings_get_stable_anchors_for_the_table_of_contents():
    html = prepare_body('<h2 id="evil">一、背景</h2><p>甲</p><h2>二、<em>做法</em></h2>')
    assert 'id="evil"' not in html
    assert table_of_contents(html) == [("sec-1", "一、背景"), ("sec-2", "二、做法")]
    assert prepare_body(html) == html


def test_plain_text_sections_become_headings_with_their_paragraphs():
    html = text_to_html("导语一段。 一、项目背景与战略意义 亚投行于2017年批准贷款。 二、工程进展,截至2017年底完成。")
    assert html.splitlines() == [
        "<p>导语一段。</p>",
        "<h2>一、项目背景与战略意义</h2>",
        "<p>亚投行于2017年批准贷款。</p>",
        "<h2>二、工程进展</h2>",
        "<p>截至2017年底完成。</p>",
    ]


def test_plain_text_is_escaped():
    assert "<b>" not in text_to_html("<b>加粗</b> 一、标题<script>")


def test_numerals_inside_a_sentence_are_not_headings():
    assert "<h2>" not in text_to_html("重点支持一、二线城市的项目。")


@pytest.mark.django_db
def test_body_is_sanitised_on_every_save_and_its_lead_describes_it():
    article = ArticleFactory(body="<p>北京亦庄生物医药产业<script>x()</script></p>", summary="")
    article.refresh_from_db()
    assert "<script" not in article.body
    assert article.summary == ""  # only an editor writes one (issue 13)
    assert article.excerpt == "北京亦庄生物医药产业"
