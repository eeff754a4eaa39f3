"""The newsroom in a real browser: the rich-text editor with the image library, review,
preview and scheduling, a stale save refused without losing text, and a restored revision."""

import datetime

import pytest
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article
from tests.factories import ArticleFactory, newsroom_user
from tests.helpers import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_csp(page):
    """Console errors that are CSP refusals or script failures (a missing favicon is not one)."""
    problems = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and ("Content Security Policy" in msg.text or "Refused" in msg.text)
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "yizhuang.jpg"
    exif = PILImage.Exif()
    exif[0x010F] = "SecretCam"  # Make
    PILImage.new("RGB", (1600, 900), "teal").save(path, "JPEG", exif=exif)
    return path


def test_writer_inserts_a_library_image_editor_previews_and_schedules_it(page, live_server, photo):
    base = live_server.url
    newsroom_user("撰稿人", username="writer", password=PASSWORD)
    newsroom_user("编辑", username="editor", password=PASSWORD)
    problems = watch_csp(page)

    # 撰稿人: writes with formatting and an image uploaded from the editor, then submits.
    log_in(page, base, "writer")
    page.goto(base + "/admin/articles/article/add/")
    page.fill("#id_title", "亦庄新建机器人产业园")
    body = page.locator(".ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.type("北京经济技术开发区今天宣布")
    page.keyboard.press("Control+b")
    page.keyboard.type("新建机器人产业园")
    page.keyboard.press("Control+b")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="插入图片").click()
    with page.expect_popup() as opened:
        page.get_by_role("button", name="从图片库选择…").click()
    picker = opened.value
    picker.wait_for_load_state()
    picker.set_input_files("input[name=file]", str(photo))
    picker.fill("input[name=alt_text]", "产业园效果图")
    picker.get_by_role("button", name="上传").click()
    with picker.expect_event("close"):
        picker.locator(".picker-new .picker-choice").dispatch_event("click")
    dialog = page.locator("dialog[open]")
    assert dialog.locator("input[name=altText]").input_value() == "产业园效果图"
    dialog.get_by_role("button", name="插入").click()
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_url(base + "/admin/articles/article/")

    article = Article.objects.get(title="亦庄新建机器人产业园")
    assert article.status == Article.Status.REVIEW
    assert "<strong>新建机器人产业园</strong>" in article.body
    assert 'srcset="/media/renditions/' in article.body and 'loading="lazy"' in article.body
    assert article.created_by.username == "writer"

    # 编辑: previews the article as readers will see it, then schedules it for later.
    log_in(page, base, "editor")
    page.goto(base + f"/admin/articles/article/{article.pk}/change/")
    with page.expect_popup() as opened:
        page.get_by_role("link", name="预览").click()
    preview = opened.value
    assert preview.locator("h1").inner_text() == "亦庄新建机器人产业园"
    assert "预览" in preview.locator(".preview-banner").inner_text()
    preview.close()
    later = timezone.localtime() + datetime.timedelta(hours=2)
    page.fill("#id_publish_at_0", later.strftime("%Y-%m-%d"))
    page.fill("#id_publish_at_1", later.strftime("%H:%M:%S"))
    page.get_by_role("button", name="发布", exact=True).click()
    assert "已定时发布" in page.locator(".messagelist").inner_text()
    assert "定时发布" in page.locator("#result_list").inner_text()

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.responsible_editor.username == "editor"
    assert page.goto(base + article.get_absolute_url()).status == 404

    # The clock reaches the publication time: the story is there, with its renditions.
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - datetime.timedelta(minutes=1))
    assert page.goto(base + article.get_absolute_url()).status == 200
    image = page.locator("[data-article-body] img")
    assert image.get_attribute("loading") == "lazy"
    assert "640w" in image.get_attribute("srcset")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert problems == []


def test_stale_save_is_refused_keeping_the_text_and_a_revision_is_restored(page, live_server):
    base = live_server.url
    newsroom_user("编辑", username="editor_a", password=PASSWORD)
    newsroom_user("编辑", username="editor_b", password=PASSWORD)
    article = ArticleFactory(title="怀柔科学城招商推介会", status=Article.Status.DRAFT)
    change_url = base + f"/admin/articles/article/{article.pk}/change/"

    log_in(page, base, "editor_a")
    page.goto(change_url)

    other = page.context.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    second = other.new_page()
    log_in(second, base, "editor_b")
    second.goto(change_url)
    second.fill("#id_title", "怀柔科学城招商推介会（更新）")
    second.get_by_role("button", name="保存", exact=True).click()
    second.wait_for_url(base + "/admin/articles/article/")
    other.close()

    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("编辑甲补充的一段内容")
    page.get_by_role("button", name="保存", exact=True).click()

    assert "保存被拒绝" in page.locator(".errorlist.nonfield").inner_text()
    assert "编辑甲补充的一段内容" in page.locator(".ProseMirror[contenteditable=true]").inner_text()
    article.refresh_from_db()
    assert article.title == "怀柔科学城招商推介会（更新）"
    assert "编辑甲补充的一段内容" not in article.body

    # Restore the first revision from the history page.
    page.goto(change_url)
    page.get_by_role("link", name="版本历史").click()
    page.get_by_role("link", name="恢复此版本…").last.click()
    assert "恢复后的变化" in page.locator("#content-main").inner_text()  # asks, showing what changes
    page.get_by_role("button", name="恢复到此版本").click()
    assert "已恢复到" in page.locator(".messagelist").inner_text()
    article.refresh_from_db()
    assert article.title == "怀柔科学城招商推介会"
