import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(
        title="亦庄共建抗体药产业公共服务平台",
        summary="北京亦庄生物医药产业招商引资迎来重要突破。",
        source="北京招商资讯网",
        author="本网记者",
        responsible_editor=UserFactory(username="zhang", first_name="张编辑"),
        regions=[RegionFactory(name="北京经济技术开发区", slug="yizhuang")],
        tags=["生物医药", "抗体药"],
        view_count=41,
    )


def test_article_page_shows_meta_summary_sections_and_links(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    for text in (
        "亦庄共建抗体药产业公共服务平台",
        "来源：北京招商资讯网",
        "作者：本网记者",
        "责任编辑：张编辑",
        "浏览次数：<span data-view-count>41</span>",  # views are counted by the page's beacon
        "北京亦庄生物医药产业招商引资迎来重要突破。",
        'href="#sec-1"',
        'id="sec-1"',
        "一、政策背景",
        'href="/regions/yizhuang/"',
        'href="/tags/%E7%94%9F%E7%89%A9%E5%8C%BB%E8%8D%AF/"',
        'aria-label="面包屑"',
        'data-font-size="large"',
        'data-action="print"',
    ):
        assert text in page, text
    local = timezone.localtime(article.publish_at).strftime("%Y-%m-%d %H:%M")
    assert "发布时间：<time datetime=" in page and local in page


def test_article_page_links_previous_next_and_related_stories(client, article):
    now = timezone.now()
    older = ArticleFactory(title="更早的新闻", publish_at=now - datetime.timedelta(days=2))
    newer = ArticleFactory(title="更新的新闻", publish_at=now)
    related = ArticleFactory(title="同标签新闻", tags=["抗体药"], publish_at=now - datetime.timedelta(days=9))
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{older.get_absolute_url()}" rel="prev"' in page
    assert f'href="{newer.get_absolute_url()}" rel="next"' in page
    related_part = page[page.index("相关阅读") :]
    assert related.get_absolute_url() in related_part
    assert newer.get_absolute_url() not in related_part


def test_unpublished_article_is_not_found(client):
    now = timezone.now()
    for hidden in (
        ArticleFactory(status=Article.Status.DRAFT),
        ArticleFactory(status=Article.Status.REVIEW),
        ArticleFactory(publish_at=now + datetime.timedelta(days=1)),
        ArticleFactory(expire_at=now - datetime.timedelta(seconds=1)),
    ):
        response = client.get(hidden.get_absolute_url())
        assert response.status_code == 404
    assert Article.objects.filter(view_count__gt=0).count() == 0


def test_unknown_article_is_a_chinese_404(client):
    response = client.get("/articles/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_related_falls_back_to_the_same_channel(client, article):
    same_channel = ArticleFactory(title="同栏目新闻", channel=article.channel)
    ArticleFactory(title="无关新闻")
    page = client.get(article.get_absolute_url()).content.decode()
    related_part = page[page.index("相关阅读") :]
    assert same_channel.get_absolute_url() in related_part and "无关新闻" not in related_part


def test_table_of_contents_is_numbered_once_by_the_headings_themselves(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    toc = page[page.index('aria-label="本文目录"') : page.index("</nav>", page.index('aria-label="本文目录"'))]
    assert '<ol class="toc-list">' in toc and '<a href="#sec-1">一、政策背景</a>' in toc
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    assert re.search(r"\.toc \.toc-list \{\s*list-style: none;", css)  # the list adds no "1."


def test_printout_carries_the_page_address_and_not_the_view_count(client, article, settings):
    settings.SITE_URL = "https://news.example.cn"
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<p class="print-url">本文链接：https://news.example.cn/articles/{article.pk}/</p>' in page
    assert '<span class="article-views"' in page
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    block = css[css.index("/* ---------- Print: sharing") :]
    assert re.search(r"\.article-views \{\s*display: none !important;", block)
    assert re.search(r"\.print-url \{\s*display: block;", block)
    screen = css[: css.index("@media print")]
    assert re.search(r"\.print-url \{\s*display: none;", screen)


def test_a_story_without_a_written_summary_shows_no_summary_box(client):
    story = ArticleFactory(
        summary="", body="<p>北京亦庄生物医药产业招商引资迎来重要突破。</p><h2>一、背景</h2><p>二。</p>"
    )
    page = client.get(story.get_absolute_url()).content.decode()
    assert 'aria-label="摘要"' not in page
    story_part = page[page.index("<article") :]
    assert story_part.count("北京亦庄生物医药产业招商引资迎来重要突破。") == 1  # the body alone
    assert '<meta name="description" content="北京亦庄生物医药产业招商引资迎来重要突破。">' in page


def test_a_written_summary_is_shown_in_its_box(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    box = page[page.index('aria-label="摘要"') :]
    assert box.index("北京亦庄生物医药产业招商引资迎来重要突破。") < box.index("</section>")


def test_the_responsible_editor_signs_off_under_the_body(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    start = page.index('<p class="article-meta">')
    meta = page[start : page.index("</header>", start)]
    assert "责任编辑" not in meta and "来源：北京招商资讯网" in meta and "浏览次数" in meta
    assert page.index("data-article-body") < page.index('<p class="article-editor">责任编辑：张编辑</p>')


def test_the_table_of_contents_is_sent_closed_for_phones(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'<details class="toc-details" data-toc>\s*<summary class="toc-title">本文目录</summary>', page)


def test_the_compact_header_links_to_the_search_page(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<header class="site-header is-compact">' in page
    assert '<a class="search-link" href="/search/">搜索</a>' in page
    assert '<header class="site-header">' in client.get("/").content.decode()
