"""A story's first screen on a phone (issue 13): compact header, one meta line, no automatic
摘要 box and the contents closed, so the first paragraph shows on a 360x800 screen; the
contents open from the keyboard, and are open on a desktop, with or without JavaScript. (axe:
tests/browser/test_axe_every_page.py.)"""

import pytest

from articles.models import Article
from tests.helpers import watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 800}
FIRST_PARAGRAPH_TOP = "document.querySelector('[data-article-body] p').getBoundingClientRect().top"


def story_path():
    # The demo stories have no written summary; this one has six 一、二、… sections.
    story = Article.objects.get(title__startswith="优化营商环境激发创新活力")
    assert story.summary == "" and len(story.sections) > 1
    return story.get_absolute_url()


def test_the_first_paragraph_is_on_a_phones_first_screen(phone, demo):
    problems = watch_console(phone)
    phone.goto(demo + story_path())
    assert phone.evaluate("window.scrollY") == 0
    assert phone.evaluate(FIRST_PARAGRAPH_TOP) < PHONE["height"]
    assert phone.locator(".article-summary").count() == 0  # no automatic 摘要 repeating it
    assert phone.locator(".article-meta").is_visible()
    assert phone.locator(".region-nav").is_hidden()
    assert phone.get_by_role("button", name="关怀模式").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert problems == []


def test_every_demo_story_starts_on_a_phones_first_screen(phone, demo):
    for path in [story.get_absolute_url() for story in Article.objects.published()]:
        phone.goto(demo + path)
        assert phone.evaluate(FIRST_PARAGRAPH_TOP) < PHONE["height"], path


def test_the_compact_header_still_searches(phone, demo):
    phone.goto(demo + story_path())
    assert phone.locator("#site-search-q").is_hidden()
    phone.get_by_role("link", name="搜索", exact=True).click()
    phone.wait_for_url("**/search/")
    phone.get_by_role("searchbox").first.fill("亦庄")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**q=*")
    assert phone.locator(".search-results .article-item").count() > 0


def test_the_contents_are_closed_on_a_phone_and_open_from_the_keyboard(phone, demo):
    phone.goto(demo + story_path())
    toc = phone.locator("details[data-toc]")
    first_entry = toc.locator(".toc-list a").first
    assert toc.evaluate("el => el.open") is False
    assert first_entry.is_hidden()
    toc.locator("summary").focus()
    phone.keyboard.press("Enter")
    assert toc.evaluate("el => el.open") is True
    assert first_entry.is_visible()
    assert toc.locator("summary").bounding_box()["height"] >= 44


def test_the_contents_are_open_on_a_desktop(page, demo):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(demo + story_path())
    contents = page.get_by_role("navigation", name="本文目录")
    assert contents.count() == 1  # the phone's copy is hidden, from assistive technology too
    assert contents.locator(".toc-list a").first.is_visible()
    assert page.locator("details[data-toc]").is_hidden()
    assert page.locator("#site-search-q").is_visible()
    assert page.locator(".region-nav").is_visible()


@pytest.fixture
def no_script(browser):
    """A page that runs no JavaScript, as for a reader who turned it off."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_the_contents_are_open_on_a_desktop(no_script, demo):
    no_script.set_viewport_size({"width": 1280, "height": 800})
    no_script.goto(demo + story_path())
    contents = no_script.get_by_role("navigation", name="本文目录")
    assert contents.count() == 1
    entries = contents.locator(".toc-list a")
    assert entries.count() > 1 and all(entry.is_visible() for entry in entries.all())


def test_without_javascript_the_contents_are_closed_on_a_phone(no_script, demo):
    no_script.set_viewport_size(PHONE)
    no_script.goto(demo + story_path())
    contents = no_script.get_by_role("navigation", name="本文目录")
    assert contents.count() == 1
    assert contents.locator("summary").is_visible()
    assert contents.locator(".toc-list a").first.is_hidden()
    assert no_script.evaluate(FIRST_PARAGRAPH_TOP) < PHONE["height"]


def test_care_mode_keeps_the_title_and_the_meta_line_on_the_first_screen(phone, demo):
    phone.goto(demo + "/")
    phone.get_by_role("button", name="关怀模式").click()
    phone.goto(demo + story_path())
    assert phone.evaluate("document.documentElement.classList.contains('care-mode')")
    for selector in (".article-title", ".article-meta"):
        box = phone.locator(selector).bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"], selector
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    name = phone.locator(".site-logo-text")
    font_size = name.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert name.bounding_box()["height"] < 1.5 * font_size  # the site name on one line
