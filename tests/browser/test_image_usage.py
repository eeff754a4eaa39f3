"""The media library in a real browser: an image a live story uses says so and is not deleted;
an unused one is."""

import pytest

from articles.models import Image
from tests.factories import ArticleFactory, ImageFactory, newsroom_user
from tests.helpers import PASSWORD, change_url, log_in, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cover_in_use_is_refused_with_its_story_and_an_unused_image_deletes(page, live_server):
    base = live_server.url
    newsroom_user("总编辑", username="chief", password=PASSWORD)
    cover = ImageFactory(alt_text="亦庄机器人产业园航拍")
    spare = ImageFactory(alt_text="闲置的园区照片")
    story = ArticleFactory(title="亦庄机器人产业园开园", cover=cover)
    problems = watch_console(page)
    log_in(page, base, "chief")

    page.goto(base + "/admin/articles/image/")
    row = page.locator("#result_list tbody tr", has_text="亦庄机器人产业园航拍")
    assert "已用于 1 篇文章" in row.inner_text()
    assert "未使用" in page.locator("#result_list tbody tr", has_text="闲置的园区照片").inner_text()

    row.get_by_role("link", name="亦庄机器人产业园航拍").click()
    assert "《亦庄机器人产业园开园》" in page.locator(".field-used_in").inner_text()
    page.locator("a.deletelink").click()
    assert "该图片正用于以下文章，不能删除" in page.locator("#content").inner_text()
    assert page.get_by_role("button", name="是的，我确定").count() == 0
    page.get_by_role("link", name="《亦庄机器人产业园开园》").click()  # straight to the story
    assert page.url == base + change_url(story)
    assert Image.objects.filter(pk=cover.pk).exists()

    page.goto(base + change_url(spare))
    page.locator("a.deletelink").click()
    page.get_by_role("button", name="是的，我确定").click()
    assert "成功删除" in page.locator(".messagelist").inner_text()
    assert not Image.objects.filter(pk=spare.pk).exists()
    assert problems == []
