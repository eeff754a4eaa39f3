"""What only a browser shows of 分享: 复制链接 puts the story's public address on the clipboard
and says so, or offers it selected to copy by hand; 微信's QR code opens from the keyboard."""

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory
from tests.helpers import watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SITE = "https://news.example.cn"


@pytest.fixture
def story(settings, live_server):
    settings.SITE_URL = SITE
    article = ArticleFactory(title="中关村科学城发布人工智能产业新政")
    return article, live_server.url + article.get_absolute_url()


def test_copy_link_puts_the_public_address_on_the_clipboard(browser, story):
    article, url = story
    context = browser.new_context(locale="zh-CN")
    context.grant_permissions(["clipboard-write"], origin=url.split("/articles/")[0])
    page = context.new_page()
    # The site's Permissions-Policy forbids reading the clipboard (clipboard-read=()), so the
    # test notes what is written on its way to the real clipboard.
    page.add_init_script(
        "const write = navigator.clipboard.writeText.bind(navigator.clipboard);"
        "navigator.clipboard.writeText = (text) => write(text).then(() => { window.copied = text; });"
    )
    problems = watch_console(page)
    page.goto(url)
    page.get_by_role("button", name="复制链接").click()
    expect(page.get_by_role("status").filter(has_text="链接已复制")).to_have_count(1)
    assert page.evaluate("window.copied") == f"{SITE}/articles/{article.pk}/"
    expect(page.get_by_role("textbox", name="文章链接")).to_be_hidden()
    assert problems == []
    context.close()


def test_without_a_clipboard_the_address_is_offered_selected(page, story):
    article, url = story
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(url)
    page.get_by_role("button", name="复制链接").click()
    field = page.get_by_role("textbox", name="文章链接")
    expect(field).to_be_visible()
    expect(field).to_be_focused()
    assert field.input_value() == f"{SITE}/articles/{article.pk}/"
    # The whole address is selected, ready for Ctrl+C.
    assert field.evaluate("el => [el.selectionStart, el.selectionEnd]") == [0, len(field.input_value())]
    expect(page.get_by_role("status").filter(has_text="Ctrl+C")).to_have_count(1)


def test_the_wechat_qr_code_opens_and_closes_from_the_keyboard(page, story):
    _, url = story
    problems = watch_console(page)
    page.goto(url)
    caption = page.get_by_text("用微信扫一扫，分享给朋友")
    expect(caption).to_be_hidden()
    wechat = page.locator(".share-wechat summary")
    # Tab to it as a keyboard user would: it is reachable without a mouse.
    for _ in range(80):
        page.keyboard.press("Tab")
        if wechat.evaluate("el => el === document.activeElement"):
            break
    expect(wechat).to_be_focused()
    page.keyboard.press("Enter")
    expect(caption).to_be_visible()
    expect(page.locator(".share-qr svg.share-qr-code")).to_be_visible()
    assert page.locator(".share-qr-code").bounding_box()["width"] >= 100
    page.keyboard.press("Enter")
    expect(caption).to_be_hidden()
    assert problems == []
