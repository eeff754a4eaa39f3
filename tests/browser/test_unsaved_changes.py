"""Typed work is not lost on navigation: leaving a changed article, submission or image form
asks first (the browser's own beforeunload dialog); a saved form leaves without asking."""

import pytest

from articles.models import Article
from tests.factories import ArticleFactory, ContributionFactory, ImageFactory, newsroom_user
from tests.helpers import PASSWORD, change_url, log_in, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def record_dialogs(page):
    """Every dialog's type; a beforeunload dialog is dismissed, so the page stays."""
    seen = []

    def handle(dialog):
        seen.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", handle)
    return seen


def leave(page):
    """Click the breadcrumbs' "首页" link, as an editor leaving the form would."""
    page.locator(".breadcrumbs a").first.click()
    page.wait_for_timeout(500)


def test_leaving_a_changed_article_asks_first_and_a_saved_one_does_not(page, live_server):
    base = live_server.url
    newsroom_user("编辑", username="editor", password=PASSWORD)
    article = ArticleFactory(title="大兴机场临空经济区", status=Article.Status.DRAFT)
    problems = watch_console(page)
    log_in(page, base, "editor")
    page.goto(base + change_url(article))
    dialogs = record_dialogs(page)

    leave(page)  # nothing typed yet: no question
    assert dialogs == [] and page.url == base + "/admin/"

    page.goto(base + change_url(article))
    page.click("#id_title")
    page.keyboard.press("End")
    page.keyboard.type("招商推介")
    leave(page)
    assert dialogs == ["beforeunload"]
    assert page.url == base + change_url(article)
    assert page.input_value("#id_title") == "大兴机场临空经济区招商推介"

    page.get_by_role("button", name="保存并继续编辑").click()  # saving is not leaving
    page.wait_for_load_state()
    assert "成功" in page.locator(".messagelist").inner_text()
    assert dialogs == ["beforeunload"]
    leave(page)
    assert dialogs == ["beforeunload"] and page.url == base + "/admin/"
    article.refresh_from_db()
    assert article.title == "大兴机场临空经济区招商推介"
    assert problems == []


def test_typing_only_in_the_rich_text_body_counts_as_a_change(page, live_server):
    base = live_server.url
    newsroom_user("编辑", username="editor", password=PASSWORD)
    article = ArticleFactory(status=Article.Status.DRAFT)
    log_in(page, base, "editor")
    page.goto(base + change_url(article))
    dialogs = record_dialogs(page)
    body = page.locator(".ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("新增一段")
    leave(page)
    assert dialogs == ["beforeunload"]
    assert "新增一段" in body.inner_text()


def test_leaving_a_changed_submission_processing_form_asks_first(page, live_server):
    base = live_server.url
    newsroom_user("招商专员", username="officer", password=PASSWORD)
    contribution = ContributionFactory()
    log_in(page, base, "officer")
    page.goto(base + change_url(contribution))
    dialogs = record_dialogs(page)
    reply = page.locator("#contribution_form textarea").first  # the 办理 section's reply box
    reply.click()
    page.keyboard.type("感谢来稿，已转编辑部。")
    leave(page)
    assert dialogs == ["beforeunload"]
    assert reply.input_value() == "感谢来稿，已转编辑部。"

    page.get_by_role("button", name="保存并继续编辑").click()
    page.wait_for_load_state()
    assert "成功" in page.locator(".messagelist").inner_text()
    leave(page)
    assert dialogs == ["beforeunload"] and page.url == base + "/admin/"


def test_the_image_form_asks_but_ticking_rows_in_the_library_list_does_not(page, live_server):
    base = live_server.url
    newsroom_user("总编辑", username="chief", password=PASSWORD)
    image = ImageFactory(alt_text="金融街夜景")
    log_in(page, base, "chief")
    page.goto(base + change_url(image))
    dialogs = record_dialogs(page)
    page.click("#id_caption")
    page.keyboard.type("摄于 2026 年")
    leave(page)
    assert dialogs == ["beforeunload"]

    listing = page.context.new_page()
    seen_on_list = record_dialogs(listing)
    listing.goto(base + "/admin/articles/image/")
    listing.locator("input.action-select").first.check()
    leave(listing)
    assert seen_on_list == [] and listing.url == base + "/admin/"
