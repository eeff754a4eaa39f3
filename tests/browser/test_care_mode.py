"""关怀模式 (elder-friendly mode) and the reading site's accessibility for older readers: the
remembered toggle, text that follows the browser's font-size setting, 44px touch targets on
phones, forced colours and 朗读 (read aloud). axe with the mode on and off, on every public
page: test_axe_every_page.py."""

import json

import pytest

from articles.models import Article
from tests.browser.conftest import ARGS, CHROMIUM
from tests.helpers import watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOGGLE = "button[data-care-toggle]"

# A stand-in for window.speechSynthesis that records what the page asks of it.
SPEECH_STUB = """
(() => {
  const stub = {
    calls: [],
    spoken: [],
    speak(utterance) { this.calls.push("speak"); this.spoken.push(utterance); },
    cancel() { this.calls.push("cancel"); },
    pause() { this.calls.push("pause"); },
    resume() { this.calls.push("resume"); },
    getVoices() { return []; },
  };
  Object.defineProperty(window, "speechSynthesis", { configurable: true, get: () => stub });
})();
"""

NO_SPEECH = """Object.defineProperty(window, "speechSynthesis", { configurable: true, get: () => undefined });"""

# Whether html.care-mode is already set when <body> starts: no flash of the normal page.
WATCH_FIRST_PAINT = """
new MutationObserver((changes, observer) => {
  if (document.body) {
    window.careModeAtBody = document.documentElement.classList.contains("care-mode");
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });
"""


def article_path():
    # This story has a table of contents, a channel (breadcrumbs) and a related-reading side bar.
    return Article.objects.get(title__startswith="北京中关村投贷联动").get_absolute_url()


def font_px(page, selector):
    return page.eval_on_selector(selector, "el => parseFloat(getComputedStyle(el).fontSize)")


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def care_mode_on(page):
    return page.evaluate("document.documentElement.classList.contains('care-mode')")


def test_care_mode_enlarges_all_text_and_puts_the_side_bar_under_the_story(page, demo):
    page.goto(demo + article_path())
    body, paragraph, title = font_px(page, "body"), font_px(page, "[data-article-body] p"), font_px(page, "h1")
    main, side = box(page, ".layout-main"), box(page, ".layout-side")
    assert side["x"] >= main["x"] + main["width"]  # two columns at 1280px

    page.locator(TOGGLE).click()

    assert care_mode_on(page)
    toggle = page.locator(TOGGLE)
    assert toggle.get_attribute("aria-pressed") == "true"
    assert toggle.inner_text() == "退出关怀模式"
    assert font_px(page, "body") >= body * 1.2
    assert font_px(page, "[data-article-body] p") >= paragraph * 1.2
    assert font_px(page, "h1") >= title * 1.2
    main, side = box(page, ".layout-main"), box(page, ".layout-side")
    assert side["y"] >= main["y"] + main["height"]  # one column: the side bar follows the story
    assert page.eval_on_selector("[data-article-body] p", "el => getComputedStyle(el).color") == "rgb(0, 0, 0)"


def test_care_mode_is_remembered_on_reload_and_other_pages_until_turned_off(page, demo):
    page.add_init_script(WATCH_FIRST_PAINT)
    page.goto(demo + "/")
    assert not care_mode_on(page)
    page.get_by_role("button", name="关怀模式", exact=True).click()

    page.reload()
    assert care_mode_on(page)
    assert page.evaluate("window.careModeAtBody") is True  # set before the page is drawn
    assert page.locator(TOGGLE).get_attribute("aria-pressed") == "true"

    page.goto(demo + article_path())
    assert care_mode_on(page)
    page.get_by_role("button", name="退出关怀模式").click()
    assert not care_mode_on(page)
    assert page.locator(TOGGLE).inner_text() == "关怀模式"

    page.goto(demo + "/")
    assert not care_mode_on(page)
    assert page.evaluate("window.careModeAtBody") is False


def test_keyboard_reaches_the_toggle_and_switches_it_with_enter_and_space(page, demo):
    page.goto(demo + "/")
    page.keyboard.press("Tab")  # 跳到正文
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('button[data-care-toggle]')")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")  # a visible focus ring

    page.keyboard.press("Enter")
    assert care_mode_on(page)
    page.keyboard.press("Space")
    assert not care_mode_on(page)


def test_the_browser_font_size_setting_scales_the_whole_site(browser, demo, tmp_path):
    # A real Chromium profile whose default font size is 24px (Settings › Appearance › Font size).
    profile = tmp_path / "profile"
    (profile / "Default").mkdir(parents=True)
    prefs = {"webkit": {"webprefs": {"default_font_size": 24}}}
    (profile / "Default" / "Preferences").write_text(json.dumps(prefs))
    context = browser.browser_type.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), headless=True, args=ARGS, viewport={"width": 1280, "height": 900}
    )
    try:
        page = context.new_page()
        page.goto(demo + article_path())
        assert font_px(page, "body") == 24
        assert font_px(page, "[data-article-body] p") == 27  # 1.125rem: the 中 size
        assert font_px(page, ".main-nav a") == pytest.approx(25.5)
        assert font_px(page, ".breadcrumbs") == 21
    finally:
        context.close()


def test_phone_touch_targets_are_at_least_44px_tall(page, demo, settings):
    settings.ARTICLES_PER_PAGE = 2  # the channel page gets a pager
    page.set_viewport_size({"width": 360, "height": 740})
    targets = {
        "字号": ".article-tools [data-font-size]",
        "打印": ".article-tools .print-button",
        "关怀模式": TOGGLE,
        "目录": ".toc-title",
        "面包屑": ".breadcrumbs a",
        "页脚": ".site-footer a",
    }
    page.goto(demo + "/channels/business-environment/")  # three stories: two pages
    pager = page.locator(".pagination a")
    assert pager.count() > 0
    small = {}
    for name, selector in {"分页": ".pagination a", "面包屑": ".breadcrumbs a", "页脚": ".site-footer a"}.items():
        small.update(too_small(page, name, selector))
    page.goto(demo + article_path())
    for name, selector in targets.items():
        small.update(too_small(page, name, selector))
    assert small == {}


def too_small(page, name, selector):
    """The controls matching `selector` whose tap area is under 44px tall (or, for buttons, wide)."""
    locator = page.locator(selector)
    assert locator.count() > 0, selector
    found = {}
    for index in range(locator.count()):
        element = locator.nth(index)
        size = element.bounding_box()
        is_button = element.evaluate("el => el.tagName === 'BUTTON'")
        if size["height"] < 44 or (is_button and size["width"] < 44):
            found[f"{name} {element.inner_text()!r}"] = (round(size["width"]), round(size["height"]))
    return found


def test_forced_colours_keep_the_pressed_size_and_the_current_channel_distinct(page, demo):
    page.emulate_media(forced_colors="active")
    page.goto(demo + article_path())
    pressed = page.eval_on_selector("[data-font-size][aria-pressed=true]", "el => getComputedStyle(el).backgroundColor")
    other = page.eval_on_selector("[data-font-size][aria-pressed=false]", "el => getComputedStyle(el).backgroundColor")
    assert pressed != other

    page.goto(demo + "/channels/policy/")
    current = page.eval_on_selector(".main-nav a[aria-current=page]", "el => getComputedStyle(el).backgroundColor")
    plain = page.eval_on_selector(".main-nav a:not([aria-current])", "el => getComputedStyle(el).backgroundColor")
    assert current != plain


def test_read_aloud_is_offered_only_where_the_browser_can_speak(page, demo):
    page.add_init_script(NO_SPEECH)
    page.goto(demo + article_path())
    assert page.get_by_role("button", name="大", exact=True).is_visible()
    assert page.locator("[data-read-aloud]").is_hidden()


def test_read_aloud_reads_the_story_in_chinese_and_can_pause_resume_and_stop(page, demo):
    page.add_init_script(SPEECH_STUB)
    problems = watch_console(page)
    page.goto(demo + article_path())
    read = page.locator("[data-read-aloud-main]")
    stop = page.locator("[data-read-aloud-stop]")
    status = page.locator("[data-read-aloud-status]")
    assert read.inner_text() == "朗读"
    assert stop.is_hidden()

    read.click()
    spoken = page.evaluate("speechSynthesis.spoken.map(u => [u.lang, u.text])")
    assert spoken[0] == ["zh-CN", Article.objects.get(title__startswith="北京中关村投贷联动").title]
    assert len(spoken) > 2 and all(lang == "zh-CN" and len(text) <= 160 for lang, text in spoken)
    assert (read.inner_text(), status.inner_text()) == ("暂停", "正在朗读")
    assert stop.is_visible()

    read.click()
    assert (read.inner_text(), status.inner_text()) == ("继续", "已暂停朗读")
    read.click()
    assert read.inner_text() == "暂停"
    assert page.evaluate("speechSynthesis.calls.slice(-2)") == ["pause", "resume"]

    stop.click()
    assert (read.inner_text(), status.inner_text()) == ("朗读", "已停止朗读")
    assert stop.is_hidden()
    assert page.evaluate("document.activeElement.matches('[data-read-aloud-main]')")

    # Read to the end: the last sentence's "end" puts the button back.
    read.click()
    page.evaluate("speechSynthesis.spoken.at(-1).dispatchEvent(new Event('end'))")
    assert (read.inner_text(), status.inner_text()) == ("朗读", "朗读结束")
    assert problems == []
