import pytest

from tests.factories import ChannelFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_navigation_lists_channels_and_top_level_regions(client):
    ChannelFactory(name="招商动态", slug="news")
    district = RegionFactory(name="海淀区", slug="haidian")
    RegionFactory(name="中关村科学城", slug="science-city", parent=district)
    page = client.get("/").content.decode()
    assert 'href="/channels/news/"' in page and 'href="/regions/haidian/"' in page
    assert 'href="/regions/science-city/"' not in page


def test_navigation_follows_a_renamed_channel_at_once(client):
    channel = ChannelFactory(name="招商动态", slug="news")
    client.get("/")
    channel.name = "投资动态"
    channel.save()
    assert "投资动态" in client.get("/").content.decode()
