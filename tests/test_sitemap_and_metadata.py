import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from articles.models import Article
from tests.factories import ArticleFactory, ChannelFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [loc.text for loc in ET.fromstring(response.content).iterfind(".//s:loc", NS)]


def test_sitemap_lists_published_articles_and_listings(client):
    region = RegionFactory(slug="yizhuang")
    channel = ChannelFactory(slug="parks")
    visible = ArticleFactory(regions=[region], channel=channel, tags=["生物医药"])
    hidden = ArticleFactory(status=Article.Status.DRAFT, tags=["草稿标签"])
    sections = locations(client, "/sitemap.xml")
    assert "http://testserver/sitemap-articles.xml" in sections
    every = [loc for section in sections for loc in locations(client, section.removeprefix("http://testserver"))]
    assert f"http://testserver{visible.get_absolute_url()}" in every
    assert f"http://testserver{hidden.get_absolute_url()}" not in every
    assert "http://testserver/regions/yizhuang/" in every and "http://testserver/channels/parks/" in every
    assert "http://testserver/tags/%E7%94%9F%E7%89%A9%E5%8C%BB%E8%8D%AF/" in every
    assert not any("%E8%8D%89%E7%A8%BF" in loc for loc in every)
    articles_xml = client.get("/sitemap-articles.xml").content.decode()
    assert "<lastmod>" in articles_xml


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body and "Disallow: /admin/" in body


def test_article_page_has_canonical_description_open_graph_and_jsonld(client):
    article = ArticleFactory(
        title="亦庄抗体药平台</script><script>alert(1)</script>",
        summary="北京亦庄生物医药产业招商引资迎来重要突破。",
        author="本网记者",
        responsible_editor=UserFactory(first_name="张编辑"),
        tags=["生物医药"],
    )
    # On SITE_URL whatever host was asked: a cached page serves every reader.
    response = client.get(article.get_absolute_url(), HTTP_HOST="localhost")
    page = response.content.decode()
    url = f"{settings.SITE_URL.rstrip('/')}{article.get_absolute_url()}"
    assert "localhost" not in page
    assert f'<link rel="canonical" href="{url}">' in page
    assert '<meta name="description" content="北京亦庄生物医药产业招商引资迎来重要突破。">' in page
    assert '<meta property="og:type" content="article">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert "<script>alert(1)</script>" not in page
    # Data, never executed: it needs no nonce, so the page can be cached (articles.reading.cache).
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(block[1])
    assert "nonce" not in response.headers["Content-Security-Policy"]
    assert data["@type"] == "NewsArticle"
    assert data["headline"].startswith("亦庄抗体药平台")
    assert data["datePublished"].endswith("+08:00") and "dateModified" in data
    assert data["author"] == [{"@type": "Organization", "name": "北京招商资讯网"}]  # 本网记者: the site's newsroom
    assert data["publisher"]["name"] == "北京招商资讯网" and data["image"]


def test_published_topics_are_in_the_sitemap_and_on_the_home_page(client):
    from tests.factories import TopicFactory

    ArticleFactory()
    shown = TopicFactory(title="京津冀协同发展专题", slug="jingjinji", is_published=True)
    TopicFactory(title="未公开专题", slug="draft-topic", is_published=False)
    every = [
        loc
        for section in locations(client, "/sitemap.xml")
        for loc in locations(client, section.removeprefix("http://testserver"))
    ]
    assert f"http://testserver{shown.get_absolute_url()}" in every
    assert not any("draft-topic" in loc for loc in every)
    home = client.get("/").content.decode()
    assert "京津冀协同发展专题" in home and "未公开专题" not in home


def test_robots_keeps_crawlers_out_of_previews_and_lookups(client):
    body = client.get("/robots.txt").content.decode()
    for path in ("/admin/", "/search/", "/track/", "/preview/"):
        assert f"Disallow: {path}" in body


def test_search_results_stay_out_of_indexes_but_are_described(client):
    page = client.get("/search/", {"q": "亦庄"}).content.decode()
    assert '<meta name="robots" content="noindex, follow">' in page
    assert re.search(r'<meta name="description" content="[^"]*站内搜索[^"]*">', page)


def test_a_story_without_a_summary_is_described_by_its_lead_cut_at_a_sentence(client):
    lead = "北京亦庄生物医药产业招商引资迎来重要突破。" * 8
    article = ArticleFactory(summary="", body=f"<p>{lead}</p>")
    page = client.get(article.get_absolute_url()).content.decode()
    description = re.search(r'<meta name="description" content="([^"]*)">', page)[1]
    assert description.endswith("突破。") and lead.startswith(description) and len(description) <= 120
    assert f'<meta property="og:description" content="{description}">' in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1])
    assert data["description"] == description
