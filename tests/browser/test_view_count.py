"""What only a browser shows of 浏览次数: each visit's beacon raises the count on the page, on a
copy of the page from the page cache or the browser's own cache too, while the article's row
waits for the flush."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import expect

from articles.reading import view_counts
from tests.factories import ArticleFactory
from tests.helpers import watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def stored_views(article):
    article.refresh_from_db()
    return article.view_count


def test_each_visit_raises_the_count_shown_and_the_row_waits_for_the_flush(browser, page, live_server):
    article = ArticleFactory(view_count=5)
    cache.add(view_counts.FLUSH_DUE_KEY, 1, timeout=3600)  # a flush ran a moment ago
    url = live_server.url + article.get_absolute_url()
    problems = watch_console(page)

    first = page.goto(url)
    assert first.headers["x-cache"] == "MISS"
    expect(page.locator("[data-view-count]")).to_have_text("6")

    # Another reader gets the HTML the first one's visit left in the page cache: no view
    # function runs, the page still says 5, and its beacon counts the visit all the same.
    other_reader = browser.new_context(locale="zh-CN")
    other = other_reader.new_page()
    problems += watch_console(other)
    cached = other.goto(url)
    assert cached.headers["x-cache"] == "HIT" and "<span data-view-count>5</span>" in cached.text()
    expect(other.locator("[data-view-count]")).to_have_text("7")
    other_reader.close()

    # The first reader opens it again (the browser may reuse its own copy): counted again.
    page.goto(url)
    expect(page.locator("[data-view-count]")).to_have_text("8")
    assert stored_views(article) == 5  # three views, no write to the row yet

    call_command("flush_view_counts")
    assert stored_views(article) == 8
    page.reload()
    expect(page.locator("[data-view-count]")).to_have_text("9")
    assert problems == []
