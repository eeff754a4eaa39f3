"""The article form in Chinese, in Chromium: the prose editor's toolbar, block-type menu, dialogs
and caption button, and the date widgets beside it, show and read out no English.

django-prose-editor's dialogs take their words from the admin's JavaScript catalogue
(locale/zh_Hans/LC_MESSAGES/djangojs.po); its toolbar from static/js/admin-editor.js.
"""

import re

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import newsroom_user
from tests.helpers import watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADD_ARTICLE = "/admin/articles/article/add/"
ENGLISH = re.compile(r"[A-Za-z]{2,}")
CHINESE = re.compile(r"[\u4e00-\u9fff]")

# Every text a person sees or hears inside `root`: visible text (not the icon font's ligature
# names, not what is typed in the editor or a field) and the title, aria-label, placeholder and
# alt of visible elements.
SEEN_TEXT = """root => {
  const seen = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let node = walker.currentNode; node; node = walker.nextNode()) {
    if (node.nodeType === Node.TEXT_NODE) {
      const parent = node.parentElement;
      if (!node.textContent.trim() || !parent.checkVisibility()) continue;
      if (parent.closest("script, style, textarea, .material-icons, [contenteditable=true]")) continue;
      seen.push(node.textContent.trim());
    } else if (node.checkVisibility()) {
      for (const name of ["title", "aria-label", "placeholder", "alt"]) {
        if (node.getAttribute(name)) seen.push(node.getAttribute(name));
      }
    }
  }
  return seen;
}"""


def english_seen(locator):
    """What `locator` shows in English; the server's time zone name is an identifier, not English."""
    return [text for text in locator.evaluate(SEEN_TEXT) if ENGLISH.search(text.replace(settings.TIME_ZONE, ""))]


def sign_in(context, base, role="编辑"):
    client = Client()
    client.force_login(newsroom_user(role, username="editor"))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])


@pytest.fixture
def console(page):
    """The page's console errors and uncaught exceptions, CSP refusals included."""
    return watch_console(page)


@pytest.fixture
def editor_page(page, live_server, console):
    """The add-article form, signed in as an 编辑, with the editor ready."""
    sign_in(page.context, live_server.url)
    page.goto(live_server.url + ADD_ARTICLE)
    page.wait_for_selector(".ProseMirror[contenteditable=true]")
    return page


def body(page):
    return page.locator(".ProseMirror[contenteditable=true]")


def test_every_toolbar_button_and_block_type_is_named_in_chinese(editor_page, console):
    page = editor_page
    toolbar = page.locator(".prose-menubar").first
    names = toolbar.locator("button:visible").evaluate_all("buttons => buttons.map(b => b.title)")

    assert len(names) >= 15
    assert [name for name in names if not CHINESE.search(name) or ENGLISH.search(name)] == []
    for name in ("加粗", "斜体", "插入图片", "插入链接", "撤销"):
        assert page.get_by_role("button", name=name, exact=True).is_visible()

    toolbar.locator(".prose-menubar__selected").click()
    picker = page.locator(".prose-menubar__picker:popover-open")
    assert picker.locator("button").all_inner_texts() == ["二级标题", "三级标题", "正文段落"]
    assert english_seen(page.locator(".prose-editor")) == []
    assert console == []


def test_the_figure_dialog_and_caption_button_are_chinese(editor_page, console):
    page = editor_page
    body(page).click()
    page.get_by_role("button", name="插入图片").click()
    dialog = page.locator("dialog[open]")

    assert dialog.locator(".prose-editor-dialog-title").inner_text() == "插入图片"
    assert dialog.locator("label").all_inner_texts() == ["图片地址", "图片说明（替代文本）", "图注"]
    assert dialog.locator("button").all_inner_texts() == ["从图片库选择…", "插入", "取消"]
    assert english_seen(dialog) == []

    dialog.locator("input[name=imageUrl]").fill("/static/img/favicon.svg")
    dialog.locator("input[name=altText]").fill("亦庄园区")
    dialog.get_by_role("button", name="插入").click()
    page.locator(".prose-editor figure img").click()
    assert page.locator(".prose-menubar--floating button").inner_text() == "添加图注"
    assert console == []


def test_the_link_and_list_dialogs_are_chinese(editor_page, console):
    page = editor_page
    body(page).click()
    page.keyboard.type("亦庄新闻")
    page.keyboard.press("Shift+Home")
    page.get_by_role("button", name="插入链接").click()
    dialog = page.locator("dialog[open]")
    assert dialog.locator(".prose-editor-dialog-title").inner_text() == "编辑链接"
    assert dialog.locator("label").all_inner_texts() == ["链接地址", "提示文字"]
    assert dialog.locator("button").all_inner_texts() == ["确定", "取消"]
    assert english_seen(dialog) == []
    dialog.get_by_role("button", name="取消").click()

    page.keyboard.press("End")
    page.get_by_role("button", name="编号列表").click()
    page.get_by_role("button", name="列表设置").click()
    dialog = page.locator("dialog[open]")
    assert dialog.locator(".prose-editor-dialog-title").inner_text() == "列表设置"
    assert dialog.locator("label").all_inner_texts() == ["起始编号", "编号样式"]
    assert "圆点" in dialog.locator("option").all_inner_texts()
    assert dialog.locator("button").all_inner_texts() == ["确定", "取消"]
    assert console == []


def test_the_date_widgets_speak_chinese_to_an_editor_in_another_time_zone(browser, live_server):
    context = browser.new_context(locale="zh-CN", timezone_id="Europe/Berlin", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(context, live_server.url)
    problems = watch_console(page)
    page.goto(live_server.url + ADD_ARTICLE)
    page.wait_for_selector(".ProseMirror[contenteditable=true]")

    note = page.locator(".field-publish_at .timezonewarning").inner_text()
    assert note.startswith("注意：请按") and "小时" in note
    page.locator("#calendarlink0").click()
    assert page.locator("#calendarbox0").is_visible()
    assert english_seen(page.locator("body")) == []
    assert problems == []
    context.close()
