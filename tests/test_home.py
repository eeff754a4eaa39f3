import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_home_shows_headline_latest_region_blocks_and_popular(client):
    district = RegionFactory(name="怀柔区", show_on_home=True)
    headline = ArticleFactory(
        title="头条新闻", is_headline=True, publish_at=timezone.now() - datetime.timedelta(days=3)
    )
    latest = ArticleFactory(title="最新动态", regions=[district])
    popular = ArticleFactory(title="热门文章", view_count=999)
    page = client.get("/").content.decode()
    assert page.index("头条新闻") < page.index("最新动态")
    assert "怀柔区" in page and district.get_absolute_url() in page
    assert latest.get_absolute_url() in page and headline.get_absolute_url() in page
    assert "热门" in page and popular.get_absolute_url() in page


def test_pinned_story_comes_before_newer_ones(client):
    ArticleFactory(title="较新的新闻")
    ArticleFactory(title="置顶新闻", is_pinned=True, publish_at=timezone.now() - datetime.timedelta(days=5))
    ArticleFactory(title="当前头条", is_headline=True)
    page = client.get("/").content.decode()
    assert page.index("置顶新闻") < page.index("较新的新闻")


def test_home_hides_drafts_scheduled_and_expired_stories(client):
    now = timezone.now()
    ArticleFactory(title="草稿新闻", status=Article.Status.DRAFT)
    ArticleFactory(title="定时新闻", publish_at=now + datetime.timedelta(hours=1))
    ArticleFactory(title="下线新闻", expire_at=now - datetime.timedelta(minutes=1))
    page = client.get("/").content.decode()
    for title in ("草稿新闻", "定时新闻", "下线新闻"):
        assert title not in page


def test_empty_site_has_an_empty_state(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "暂无资讯" in response.content.decode()


def test_every_link_on_the_demo_home_page_works(client):
    """No dead link may ship: follow every internal link the home page shows."""
    call_command("load_demo", verbosity=0)
    page = client.get("/").content.decode()
    links = set(re.findall(r'href="(/[^"#]*)"', page)) - {"/"}
    assert len([link for link in links if link.startswith("/articles/")]) == 10
    for link in sorted(links):
        assert client.get(link).status_code == 200, link


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    assert "style-src 'self'" in policy and "unsafe-inline" not in policy
    page = response.content.decode()
    assert "<script>" not in page and " style=" not in page and "<style" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page), "nothing may load from another host"


def test_popular_list_shows_view_counts_but_no_bare_zero(client):
    ArticleFactory(title="有人读过", view_count=120)
    ArticleFactory(title="还没人读", view_count=0)
    page = client.get("/").content.decode()
    ranks = page[page.index('class="rank-list"') : page.index("</ol>", page.index('class="rank-list"'))]
    items = re.findall(r"<li>.*?</li>", ranks, re.S)
    read, unread = (next(item for item in items if title in item) for title in ("有人读过", "还没人读"))
    assert '<span class="rank-views">120<span class="visually-hidden">次浏览</span></span>' in read
    assert "rank-views" not in unread and "次浏览" not in unread
