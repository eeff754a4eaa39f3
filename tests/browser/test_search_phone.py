"""Search on a phone: results before the filters, the filters behind 筛选, and no
accessibility violations at phone and desktop widths."""

import pytest

from tests.helpers import watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_first_result_is_above_the_fold_on_a_phone(phone, demo):
    problems = watch_console(phone)
    phone.goto(demo + "/search/?q=亦庄")
    first = phone.locator(".search-results .article-item").first
    box = first.bounding_box()
    assert box is not None and box["y"] < 800, box
    assert phone.get_by_label("区域", exact=True).is_hidden()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert problems == []


def test_the_filters_open_from_the_filter_control_and_narrow_the_results(phone, demo):
    phone.goto(demo + "/search/?q=中关村")
    phone.locator(".search-filters summary").click()
    region = phone.get_by_label("区域", exact=True)
    assert region.is_visible()
    region.select_option(label="中关村西城园")
    phone.get_by_role("button", name="应用筛选").click()
    phone.wait_for_url("**region=xicheng-park**")
    assert phone.get_by_label("区域", exact=True).is_visible()  # open while a filter is set
    chip = phone.get_by_role("link", name="去掉筛选条件：区域 中关村西城园")
    assert chip.is_visible()
    chip.click()
    phone.wait_for_url(lambda url: "region=" not in url)
    assert phone.get_by_label("区域", exact=True).is_hidden()


def test_desktop_results_have_no_empty_column_beside_them(page, demo):
    page.goto(demo + "/search/?q=亦庄")
    main = page.locator(".layout-main").bounding_box()
    container = page.locator(".layout").bounding_box()
    assert main["width"] >= container["width"] - 1


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("query", ["亦庄", "投代联动", "yizhuang"])
def test_search_page_has_no_accessibility_violations(page, demo, width, query):
    from axe_playwright_python.sync_playwright import Axe

    page.set_viewport_size({"width": width, "height": 800})
    page.goto(demo + f"/search/?q={query}&channel=policy")
    results = Axe().run(page)
    assert [(v["id"], v["help"]) for v in results.response["violations"]] == []
