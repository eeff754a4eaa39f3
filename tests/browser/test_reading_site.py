"""What only a browser shows on the reading site: the remembered font size, phone-width
layout, keyboard access, accessibility (axe) and a page free of CSP violations."""

import pytest

from articles.models import Article
from tests.helpers import watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_font_size_switch_is_remembered(page, demo):
    article = Article.objects.get(title__startswith="亦庄共建抗体药")
    page.goto(demo + article.get_absolute_url())
    body = page.locator("[data-article-body]")
    page.get_by_role("button", name="大", exact=True).click()
    assert "font-large" in body.get_attribute("class")
    assert page.get_by_role("button", name="大", exact=True).get_attribute("aria-pressed") == "true"
    page.reload()
    assert "font-large" in page.locator("[data-article-body]").get_attribute("class")
    page.get_by_role("button", name="小", exact=True).click()
    page.goto(demo + Article.objects.get(title__startswith="影视产业").get_absolute_url())
    assert "font-small" in page.locator("[data-article-body]").get_attribute("class")


def test_table_of_contents_jumps_to_the_section(page, demo):
    article = Article.objects.get(title__startswith="北京中关村投贷联动")
    page.goto(demo + article.get_absolute_url())
    page.get_by_role("navigation", name="本文目录").get_by_role("link").nth(2).click()
    assert page.url.endswith("#sec-3")
    assert page.locator("#sec-3").is_visible()


@pytest.mark.parametrize(
    "path", ["/", "article", "/regions/yizhuang/", "/tags/营商环境/", "/search/?q=亦庄", "/enterprise/apply/"]
)
def test_pages_fit_a_phone_and_raise_no_csp_violation(page, demo, path):
    if path == "article":
        path = Article.objects.get(title__startswith="亦庄共建抗体药").get_absolute_url()
    problems = watch_console(page)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(demo + path)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert problems == []


def test_keyboard_user_can_skip_to_the_content(page, demo):
    page.goto(demo + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "跳到正文"
    page.keyboard.press("Enter")
    page.wait_for_url("**/#main")  # the fragment navigation may land a moment after the key


@pytest.mark.parametrize(
    "path",
    ["/", "article", "/channels/policy/", "/search/?q=亦庄", "/submit/", "/enterprise/apply/", "/contact/", "/track/"],
)
def test_pages_have_no_serious_accessibility_violations(page, demo, path):
    from axe_playwright_python.sync_playwright import Axe

    if path == "article":
        path = Article.objects.get(title__startswith="北京石景山").get_absolute_url()
    page.goto(demo + path)
    results = Axe().run(page)
    serious = [(v["id"], v["help"]) for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert serious == []
