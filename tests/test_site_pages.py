"""网站地图, 隐私政策 and 使用条款; the footer; meta descriptions; sitemap sections crawlers can validate."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.template import defaulttags
from django.utils import timezone

from articles.models import SiteInfo
from tests.factories import ArticleFactory, ChannelFactory, RegionFactory, TopicFactory

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def site():
    district = RegionFactory(name="大兴区", slug="daxing")
    park = RegionFactory(name="北京经济技术开发区", slug="yizhuang", parent=district)
    channel = ChannelFactory(name="招商动态", slug="news")
    story = ArticleFactory(regions=[park], channel=channel, tags=["生物医药"])
    topic = TopicFactory(title="亦庄生物医药专题", slug="yizhuang-bio")
    topic.articles.add(story)
    return {"district": district, "park": park, "channel": channel, "story": story, "topic": topic}


def test_the_site_map_lists_channels_regions_with_their_parks_topics_and_services(client, site):
    response = client.get("/sitemap/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<a href="/channels/news/">招商动态</a>' in page
    district_at = page.index('<a href="/regions/daxing/">大兴区</a>')
    assert page.index('<a href="/regions/yizhuang/">北京经济技术开发区</a>') > district_at
    assert '<a href="/topics/yizhuang-bio/">亦庄生物医药专题</a>' in page
    for href in ["/submit/", "/enterprise/apply/", "/contact/", "/track/", "/privacy/", "/terms/", "/feeds/rss/"]:
        assert f'href="{href}"' in page
    assert 'aria-label="面包屑"' in page and '<span aria-current="page">网站地图</span>' in page


def test_the_site_map_leaves_out_unpublished_topics(client, site):
    TopicFactory(title="筹备中的专题", slug="draft-topic", is_published=False)
    assert "筹备中的专题" not in client.get("/sitemap/").content.decode()


def test_the_site_map_of_an_empty_site_says_so(client):
    page = client.get("/sitemap/").content.decode()
    assert "暂无栏目" in page and "暂无区域" in page and "暂无专题" in page


def test_privacy_and_terms_show_the_text_from_the_record(client):
    SiteInfo(
        privacy_policy="本网重视隐私。\n一、收集的信息\n只收集您填写的内容。", terms_of_use="转载须注明来源。"
    ).save()
    privacy = client.get("/privacy/").content.decode()
    assert '<h1 id="policy-title" class="list-title">隐私政策</h1>' in privacy
    assert "<p>本网重视隐私。</p>" in privacy and "<h2>一、收集的信息</h2>" in privacy
    terms = client.get("/terms/").content.decode()
    assert "<p>转载须注明来源。</p>" in terms and '<span aria-current="page">使用条款</span>' in terms


def test_a_policy_not_yet_written_says_so(client):
    page = client.get("/privacy/").content.decode()
    assert "本站的隐私政策正在编写中" in page


@pytest.mark.parametrize("url", ["/sitemap/", "/privacy/", "/terms/"])
def test_the_new_pages_have_a_canonical_link(client, url):
    assert f'<link rel="canonical" href="{settings.SITE_URL.rstrip("/")}{url}">' in client.get(url).content.decode()


def test_the_footer_links_every_service_and_policy_page(client):
    page = client.get("/").content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    assert '<nav class="footer-nav" aria-label="页脚导航">' in footer
    for href in ["/submit/", "/contact/", "/enterprise/apply/", "/track/", "/sitemap/", "/privacy/", "/terms/"]:
        assert f'href="{href}"' in footer


def test_the_footer_year_is_the_current_year(client, monkeypatch):
    year = timezone.localdate().year
    assert f"© {year} 北京招商资讯网" in client.get("/contact/").content.decode()

    class Later(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.datetime(2031, 1, 1, 9, tzinfo=tz)

    monkeypatch.setattr(defaulttags, "datetime", Later)
    assert "© 2031 北京招商资讯网" in client.get("/contact/").content.decode()


def test_the_error_pages_without_a_database_show_the_current_year():
    from django.template import loader

    assert f"© {timezone.localdate().year} 北京招商资讯网" in loader.get_template("500.html").render()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "story",
        "/regions/daxing/",
        "/channels/news/",
        "/tags/生物医药/",
        "archive",
        "/topics/yizhuang-bio/",
        "/sitemap/",
        "/privacy/",
        "/terms/",
        "/submit/",
        "/submit/terms/",
        "/enterprise/apply/",
        "/contact/",
        "/track/",
    ],
)
def test_every_indexable_page_has_a_meta_description(client, site, url):
    month = timezone.localtime(site["story"].publish_at)
    url = {"story": site["story"].get_absolute_url(), "archive": f"/archive/{month.year}/{month.month}/"}.get(url, url)
    page = client.get(url).content.decode()
    descriptions = re.findall(r'<meta name="description" content="([^"]*)">', page)
    assert len(descriptions) == 1 and descriptions[0].strip(), url


@pytest.mark.parametrize("url", ["/submit/", "/enterprise/apply/", "/contact/", "/track/"])
def test_the_form_pages_share_the_breadcrumbs_and_card(client, site, url):
    page = client.get(url).content.decode()
    assert 'aria-label="面包屑"' in page and '<li><a href="/">首页</a></li>' in page
    assert '<div class="layout-main">' in page


def test_optional_is_said_once_per_field(client, site):
    page = client.get("/submit/").content.decode()
    assert page.count("（选填）") == page.count('class="optional-mark"')
    assert "选填。" not in page


def sitemap_sections(client):
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    return [loc.text.removeprefix("http://testserver") for loc in ET.fromstring(index.content).iterfind(".//s:loc", NS)]


def test_a_sitemap_section_with_nothing_to_list_is_left_out_not_empty(client):
    """sitemaps.org's schema requires at least one <url> in a <urlset>."""
    ArticleFactory(channel=None)
    sections = sitemap_sections(client)
    assert "/sitemap-topics.xml" not in sections and "/sitemap-tags.xml" not in sections
    assert client.get("/sitemap-topics.xml").status_code == 404
    for section in sections:
        urls = ET.fromstring(client.get(section).content).findall("s:url", NS)
        assert urls, section


def test_the_site_pages_and_a_published_topic_are_in_the_sitemap(client, site):
    sections = sitemap_sections(client)
    assert "/sitemap-topics.xml" in sections and "/sitemap-pages.xml" in sections
    pages = client.get("/sitemap-pages.xml").content.decode()
    for path in ("/sitemap/", "/privacy/", "/terms/"):
        assert f"<loc>http://testserver{path}</loc>" in pages
