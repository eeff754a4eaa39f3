"""A story does not move under the reader while it loads (Lighthouse's cumulative layout shift,
issue 13): the 字号/朗读/打印 tools that need JavaScript take their place before the first paint,
and are not shown at all to a browser that runs no script."""

import pytest
from django.core.management import call_command

from articles.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 800}
# The layout shifts since the page started loading, as the browser itself records them.
LAYOUT_SHIFT = """() => new Promise((resolve) => {
  new PerformanceObserver((list) => {
    resolve(list.getEntries().filter((e) => !e.hadRecentInput).reduce((sum, e) => sum + e.value, 0));
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(0), 1000);
})"""


@pytest.fixture
def story_url(live_server):
    call_command("load_demo", verbosity=0)
    return live_server.url + Article.objects.published().first().get_absolute_url()


def test_a_story_on_a_phone_does_not_shift_as_its_scripts_run(page, story_url):
    page.set_viewport_size(PHONE)
    page.goto(story_url, wait_until="load")
    assert page.locator(".article-tools").is_visible()
    # The tools appearing after the first paint pushed the story down by ~0.03 on this screen.
    assert page.evaluate(LAYOUT_SHIFT) < 0.005


def test_without_javascript_the_story_tools_are_not_shown(browser, story_url):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(story_url)
        assert page.locator("[data-article-body]").is_visible()
        assert page.locator(".article-tools").is_hidden()
    finally:
        context.close()
