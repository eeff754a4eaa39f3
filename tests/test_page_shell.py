"""The page shell (header, footer) is kept per process for what it shows (articles.reading.page_shell)."""

import re

import pytest

from articles.reading import page_shell
from tests.factories import ArticleFactory, ChannelFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_pages(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def site():
    channel = ChannelFactory(name="园区动态", slug="parks")
    region = RegionFactory(name="海淀区", slug="haidian")
    story = ArticleFactory(channel=channel, regions=[region])
    return channel, region, story


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def current_links(content):
    """The header's links marked as the current page."""
    return re.findall(r'<a [^>]*href="([^"]+)"[^>]* aria-current="page"', content[: content.index("</header>")])


def test_each_page_marks_its_own_menu_item(client, site):
    channel, region, story = site
    assert current_links(page(client, "/")) == ["/", "/"]  # the logo and 首页
    assert current_links(page(client, channel.get_absolute_url())) == [channel.get_absolute_url()]
    assert current_links(page(client, region.get_absolute_url())) == [region.get_absolute_url()]
    assert current_links(page(client, story.get_absolute_url())) == []
    assert current_links(page(client, "/")) == ["/", "/"]


def test_a_menu_edit_is_seen_at_once(client, site):
    channel, region, _ = site
    assert "园区动态" in page(client, "/")
    channel.name = "园区风采"
    channel.save()
    RegionFactory(name="朝阳区", slug="chaoyang")
    content = page(client, "/")
    assert "园区风采" in content and "朝阳区" in content and "园区动态" not in content


def test_the_search_box_shows_each_query_and_none_elsewhere(client, site):
    *_, story = site

    def search_box(url):
        return re.search(r'<input id="site-search-q"[^>]*>', page(client, url)).group(0)

    assert 'value="亦庄"' in search_box("/search/?q=亦庄")
    assert 'value="中关村"' in search_box("/search/?q=中关村")
    assert 'value=""' in search_box(story.get_absolute_url())


def test_kept_parts_are_bounded(client, site, monkeypatch):
    monkeypatch.setattr(page_shell, "MAX_KEPT", 2)
    channel, region, _ = site
    for url in ("/", channel.get_absolute_url(), region.get_absolute_url()):
        page(client, url)
        assert len(page_shell._kept) <= 2
    assert current_links(page(client, "/")) == ["/", "/"]
